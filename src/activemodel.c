/*-------------------------------------------------------------------------
 *
 * activemodel.c
 *	  Module entry point of the activemodel extension.
 *
 * IDENTIFICATION
 *	  src/activemodel.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
