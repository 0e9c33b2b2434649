/*-------------------------------------------------------------------------
 *
 * activemodel.c
 *	  Module entry point of the activemodel extension: registers the GUCs
 *	  of every subsystem; and the shared, security-critical helpers that
 *	  find the extension's own objects and run fixed SQL as another role.
 *
 * Name binding.  C code never looks a name up through search_path.  The
 * schema "am" counts only if it belongs to the activemodel extension (a
 * role may create a schema of that name in a database without the
 * extension), and its objects are then looked up in it by exact name: only
 * the extension's owner (or a superuser) can create objects there.
 *
 * Privileged SQL.  am_exec_as() is the one place where the extension runs
 * SQL as a role other than the caller: the registry writes of hooks and of
 * long typeid prefixes.  The statement is a fixed, schema-qualified string
 * chosen by the C caller, values are parameters, and it runs with
 * search_path "pg_catalog, pg_temp" inside a security-restricted operation,
 * so nothing the caller controls is resolved or run with the other role's
 * privileges.
 *
 * IDENTIFICATION
 *	  src/activemodel.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "activemodel.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* am_schema_oid()'s answer, until pg_namespace changes */
static Oid	am_schema_cached = InvalidOid;

static void
am_namespace_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	am_schema_cached = InvalidOid;
}

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
	CacheRegisterSyscacheCallback(NAMESPACEOID, am_namespace_callback, (Datum) 0);
}

/*
 * OID of the schema "am" of the activemodel extension installed in this
 * database; InvalidOid when missing_ok and there is none (the extension is
 * not installed, is being dropped, or a schema of that name is not its).
 * Cached until pg_namespace changes: the schema is created and dropped with
 * the extension, and a schema cannot leave its extension otherwise.
 */
Oid
am_schema_oid(bool missing_ok)
{
	Oid			nsp;
	Oid			ext;

	if (OidIsValid(am_schema_cached))
		return am_schema_cached;
	nsp = get_namespace_oid(AM_SCHEMA, true);
	ext = get_extension_oid(AM_EXTENSION_NAME, true);
	if (OidIsValid(nsp) && OidIsValid(ext) &&
		getExtensionOfObject(NamespaceRelationId, nsp) == ext)
	{
		am_schema_cached = nsp;
		return nsp;
	}
	if (!missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("schema \"%s\" of extension \"%s\" does not exist",
						AM_SCHEMA, AM_EXTENSION_NAME),
				 errhint("Install the extension with CREATE EXTENSION %s.",
						 AM_EXTENSION_NAME)));
	return InvalidOid;
}

/*
 * OID of the extension's relation am.<relname>; InvalidOid when missing_ok
 * and it does not exist.
 */
Oid
am_relation_oid(const char *relname, bool missing_ok)
{
	Oid			nsp = am_schema_oid(missing_ok);
	Oid			relid = InvalidOid;

	if (OidIsValid(nsp))
		relid = get_relname_relid(relname, nsp);
	if (!OidIsValid(relid) && !missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s.%s\" does not exist", AM_SCHEMA, relname),
				 errhint("Install the extension with CREATE EXTENSION %s.",
						 AM_EXTENSION_NAME)));
	return relid;
}

/*
 * OID of the extension's function am.<fnname>(argtypes); an error if it
 * does not exist.
 */
Oid
am_function_oid(const char *fnname, int nargs, const Oid *argtypes)
{
	Oid			fn = GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
									 CStringGetDatum(fnname),
									 PointerGetDatum(buildoidvector(argtypes, nargs)),
									 ObjectIdGetDatum(am_schema_oid(false)));

	if (!OidIsValid(fn))
		elog(ERROR, "function %s.%s of extension %s does not exist",
			 AM_SCHEMA, fnname, AM_EXTENSION_NAME);
	return fn;
}

/*
 * Owner of a relation.
 */
Oid
am_relation_owner(Oid relid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Oid			owner;

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

/*
 * Execute the fixed statement sql with its parameters as role, in a
 * security-restricted operation with search_path "pg_catalog, pg_temp";
 * returns the number of rows processed.  An error leaves the role and the
 * setting to transaction (or subtransaction) abort, which restores both.
 */
uint64
am_exec_as(Oid role, const char *sql, int nargs, Oid *argtypes, Datum *values)
{
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
	int			rc;
	uint64		processed;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(role, save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute_with_args(sql, nargs, argtypes, values, NULL, false, 0);
	if (rc < 0)
		elog(ERROR, "SPI_execute_with_args failed (%d): %s", rc, sql);
	processed = SPI_processed;
	SPI_finish();

	AtEOXact_GUC(false, save_nestlevel);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	return processed;
}
