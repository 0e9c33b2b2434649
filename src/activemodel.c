/*-------------------------------------------------------------------------
 *
 * activemodel.c
 *	  Module entry point of the activemodel extension: registers the GUCs
 *	  of every subsystem.
 *
 * IDENTIFICATION
 *	  src/activemodel.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "activemodel.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * Module load: each subsystem defines its GUCs, then the prefix is
 * reserved so that misspelt activemodel.* settings are reported.
 */
void
_PG_init(void)
{
	hooks_init();
	timestamps_init();
	MarkGUCPrefixReserved(ACTIVEMODEL_GUC_PREFIX);
}
