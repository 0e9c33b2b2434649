/*-------------------------------------------------------------------------
 *
 * table_check.c
 *	  One table and owner check, with one wording, for every function that
 *	  changes a table on its owner's behalf: am.add_typeid, am.add_timestamps
 *	  and am.remove_timestamps (through am._check_owned_table()), and the
 *	  hooks.
 *
 * Ownership is pg_class_ownercheck() for the current user: the owner, a
 * role that inherits the owning role's privileges, or a superuser, as for
 * ALTER TABLE.  The check runs before any lock is requested, so a role that
 * may not change the table cannot queue behind, or block, its users; it is
 * repeated once the lock is held.
 *
 * IDENTIFICATION
 *	  src/table_check.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "table_check.h"

PG_FUNCTION_INFO_V1(am_check_owned_table_sql);

/*
 * The checks of am_check_owned_table(), without the lock.
 */
static void
table_check_owned(Oid relid, const char *caller)
{
	char	   *relname = get_rel_name(relid);
	char		relkind;

	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));

	relkind = get_rel_relkind(relid);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", relname),
				 errdetail("%s works on tables and partitioned tables only.", caller)));

	if (!pg_class_ownercheck(relid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s", relname),
				 errhint("Call %s as the owner of the table or as a superuser.", caller)));
}

/*
 * See table_check.h.
 */
void
am_check_owned_table(Oid relid, const char *caller, bool lock)
{
	table_check_owned(relid, caller);
	if (!lock)
		return;

	/* the table first, then its partitions, as ALTER TABLE locks them */
	LockRelationOid(relid, ShareRowExclusiveLock);
	if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
		(void) find_all_inheritors(relid, ShareRowExclusiveLock, NULL);
	table_check_owned(relid, caller);
}

/*
 * am._check_owned_table(tbl regclass, caller text) returns void: the check
 * and the lock for the extension's PL/pgSQL functions; caller is the name
 * that the hint gives.  Anyone may call it: it only tells whether the
 * caller owns tbl, and locks tbl only when it does.
 */
Datum
am_check_owned_table_sql(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("tbl must not be null")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("caller must not be null")));

	am_check_owned_table(PG_GETARG_OID(0),
						 text_to_cstring(PG_GETARG_TEXT_PP(1)),
						 true);
	PG_RETURN_VOID();
}
