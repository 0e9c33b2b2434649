/*-------------------------------------------------------------------------
 *
 * activemodel.h
 *	  Module-wide declarations: the per-subsystem initialisers that
 *	  _PG_init() calls.
 *
 * IDENTIFICATION
 *	  src/activemodel.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef ACTIVEMODEL_H
#define ACTIVEMODEL_H

/* prefix of every GUC of the extension */
#define ACTIVEMODEL_GUC_PREFIX "activemodel"

extern void hooks_init(void);
extern void timestamps_init(void);

#endif							/* ACTIVEMODEL_H */
