/*-------------------------------------------------------------------------
 *
 * activemodel.h
 *	  Module-wide declarations: the per-subsystem initialisers that
 *	  _PG_init() calls, and the one implementation of what several
 *	  subsystems need to do safely: find the extension's own objects, and
 *	  run fixed SQL as another role.
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

/* the extension, and the schema of its mixins, hooks and helpers */
#define AM_EXTENSION_NAME	"activemodel"
#define AM_SCHEMA			"am"

extern void hooks_init(void);
extern void timestamps_init(void);

extern Oid	am_schema_oid(bool missing_ok);
extern Oid	am_relation_oid(const char *relname, bool missing_ok);
extern Oid	am_function_oid(const char *fnname, int nargs, const Oid *argtypes);
extern Oid	am_relation_owner(Oid relid);
extern uint64 am_exec_as(Oid role, const char *sql, int nargs, Oid *argtypes,
						 Datum *values);

#endif							/* ACTIVEMODEL_H */
