/*-------------------------------------------------------------------------
 *
 * hooks_api.c
 *	  Lifecycle hooks: am.add_hook and am.remove_hook, and the checks they
 *	  make of the caller, the table, the event and the function.
 *
 * Both are SECURITY INVOKER C functions.  They check the caller as the
 * caller: GetUserId() is the role in effect (SET ROLE included) and must
 * own the table (or be a superuser) and may EXECUTE the hook function.  A
 * SECURITY DEFINER function could not make these checks, because inside it
 * the caller's role is no longer visible.  Only after the checks pass are
 * the privileged steps done: the registry write (hooks_registry.c) and the
 * dispatch triggers' creation as the table's owner (hooks_triggers.c).
 * The hooks themselves run later, in the session that writes the table,
 * with that session's privileges, like the functions of ordinary triggers.
 *
 * IDENTIFICATION
 *	  src/hooks_api.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_proc.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/syscache.h"

#include "hooks.h"
#include "table_check.h"

PG_FUNCTION_INFO_V1(hooks_add);
PG_FUNCTION_INFO_V1(hooks_remove);

/*
 * Check that the caller may add (adding) or remove hooks of relid, and lock
 * it (and its partitions) as CREATE TRIGGER would.  Returns the table's name.
 */
static char *
hooks_check_table(Oid relid, bool adding)
{
	const char *caller = adding ? "am.add_hook" : "am.remove_hook";
	char	   *relname;

	/* exists, is a table, is the caller's, locked with its partitions */
	am_check_owned_table(relid, caller, true);
	relname = get_rel_name(relid);
	if (adding && get_rel_persistence(relid) == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot add hooks to temporary table %s", relname),
				 errdetail("The registry of hooks outlives the session, and temporary tables do not.")));
	if (adding && get_rel_relispartition(relid))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot add hooks to partition %s", relname),
				 errdetail("The hooks of a partitioned table run for the rows of all its partitions."),
				 errhint("Add the hook to the partitioned table %s.",
						 get_rel_name(get_partition_parent(relid, true)))));
	return relname;
}

static int
hooks_check_event(text *event_text)
{
	char	   *event = text_to_cstring(event_text);
	int			result = hooks_event_from_name(event);

	if (result < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown hook event \"%s\"", event),
				 errhint("The events are %s.", hooks_event_list())));
	return result;
}

static void
hooks_check_not_null(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", argname)));
}

/*
 * Registry row for (relid, event, fn), checking that fn can be that hook.
 */
static HookRow *
hooks_check_function(Oid relid, const char *relname, HookEvent event, Oid fn)
{
	HeapTuple	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	Form_pg_proc proc;
	Oid			rowtype = get_rel_type_id(relid);
	char	   *fnname;
	char	   *rowtypename = format_type_be(rowtype);
	HookRow    *row;
	AclResult	aclresult;

	if (!HeapTupleIsValid(tuple))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("function with OID %u does not exist", fn)));
	proc = (Form_pg_proc) GETSTRUCT(tuple);
	fnname = format_procedure(fn);

	if (proc->prokind != PROKIND_FUNCTION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is not a function", fnname),
				 errhint("A hook is a plain function: not a procedure, aggregate or window function.")));
	if (proc->proretset)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("hook function %s must not return a set", fnname),
				 errhint("Declare it to return %s for a before hook, or void for an after hook.",
						 rowtypename)));
	if (proc->pronargs < 1 || proc->pronargs > 2 ||
		proc->proargtypes.values[0] != rowtype ||
		(proc->pronargs == 2 && proc->proargtypes.values[1] != rowtype))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("function %s cannot be a hook of table %s", fnname, relname),
				 errdetail("A hook takes the new row, or the new and the old row, of the table: (%s) or (%s, %s).",
						   rowtypename, rowtypename, rowtypename),
				 errhint("Declare it as %s(new %s) or %s(new %s, old %s).",
						 quote_identifier(NameStr(proc->proname)), rowtypename,
						 quote_identifier(NameStr(proc->proname)), rowtypename, rowtypename)));
	if (hooks_event_timing(event) == HOOK_TIMING_BEFORE && proc->prorettype != rowtype)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("%s hook %s must return type %s",
						hooks_event_names[event], fnname, rowtypename),
				 errdetail("It returns %s.", format_type_be(proc->prorettype)),
				 errhint("A before hook returns the row to write (changed or not), or NULL to skip the row.")));
	if (proc->proisstrict && proc->pronargs == 2 &&
		(hooks_event_ops(event) & HOOK_OP_BIT(HOOK_OP_CREATE)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("%s hook %s must not be STRICT", hooks_event_names[event], fnname),
				 errdetail("The old row is NULL when a row is created, so a STRICT function of (new, old) would not be called."),
				 errhint("Declare the function CALLED ON NULL INPUT, or let it take the new row only.")));
	if (isAnyTempNamespace(proc->pronamespace))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot use temporary function %s as a hook",
						quote_identifier(NameStr(proc->proname))),
				 errdetail("The registry of hooks outlives the session, and temporary functions do not.")));

	aclresult = pg_proc_aclcheck(fn, GetUserId(), ACL_EXECUTE);
	if (aclresult != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied for function %s", fnname),
				 errhint("The role adding a hook must be allowed to execute its function: ask the function's owner to GRANT EXECUTE.")));

	row = palloc(sizeof(HookRow));
	row->tbl = relid;
	row->event = event;
	row->fn_schema = get_namespace_name(proc->pronamespace);
	row->fn_name = pstrdup(NameStr(proc->proname));
	row->fn_nargs = proc->pronargs;
	row->priority = 0;
	ReleaseSysCache(tuple);
	return row;
}

static bool
hooks_same_key(const HookRow *a, const HookRow *b)
{
	return a->tbl == b->tbl && a->event == b->event &&
		a->fn_nargs == b->fn_nargs &&
		strcmp(a->fn_schema, b->fn_schema) == 0 &&
		strcmp(a->fn_name, b->fn_name) == 0;
}

/*
 * am.add_hook(tbl regclass, event text, fn regprocedure, priority int
 * DEFAULT 100) returns void: register fn to run at event for the rows of
 * tbl, and create the dispatch trigger of that timing if it is the first.
 */
Datum
hooks_add(PG_FUNCTION_ARGS)
{
	Oid			relid;
	HookEvent	event;
	char	   *relname;
	HookRow    *row;
	ListCell   *lc;

	hooks_check_not_null(fcinfo, 0, "tbl");
	hooks_check_not_null(fcinfo, 1, "event");
	hooks_check_not_null(fcinfo, 2, "fn");
	hooks_check_not_null(fcinfo, 3, "priority");
	relid = PG_GETARG_OID(0);
	event = hooks_check_event(PG_GETARG_TEXT_PP(1));
	relname = hooks_check_table(relid, true);
	row = hooks_check_function(relid, relname, event, PG_GETARG_OID(2));
	row->priority = PG_GETARG_INT32(3);

	foreach(lc, hooks_registry_read(relid))
	{
		if (hooks_same_key(lfirst(lc), row))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("function %s is already a %s hook of table %s",
							format_procedure(PG_GETARG_OID(2)),
							hooks_event_names[event], relname),
					 errhint("To change its priority, remove it with am.remove_hook and add it again.")));
	}

	hooks_registry_insert(row);
	CommandCounterIncrement();
	hooks_sync_triggers(relid);
	/* sessions that cached the table's hooks reload them once we commit */
	CacheInvalidateRelcacheByRelid(relid);
	PG_RETURN_VOID();
}

/*
 * am.remove_hook(tbl regclass, event text, fn regprocedure) returns boolean:
 * unregister a hook; drop the dispatch trigger of its timing if it was the
 * last.  False if fn was not registered for that event.
 */
Datum
hooks_remove(PG_FUNCTION_ARGS)
{
	Oid			relid;
	Oid			fn;
	HookEvent	event;
	HeapTuple	tuple;
	Form_pg_proc proc;
	Oid			rowtype;
	bool		is_hook = true;
	HookRow		row;

	hooks_check_not_null(fcinfo, 0, "tbl");
	hooks_check_not_null(fcinfo, 1, "event");
	hooks_check_not_null(fcinfo, 2, "fn");
	relid = PG_GETARG_OID(0);
	event = hooks_check_event(PG_GETARG_TEXT_PP(1));
	fn = PG_GETARG_OID(2);
	(void) hooks_check_table(relid, false);

	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	if (!HeapTupleIsValid(tuple))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("function with OID %u does not exist", fn)));
	proc = (Form_pg_proc) GETSTRUCT(tuple);

	/*
	 * The registry keys a hook by the function's schema, name and number of
	 * arguments, all of the table's row type: a function of other argument
	 * types is not a hook of this table, whatever its name.
	 */
	rowtype = get_rel_type_id(relid);
	for (int i = 0; i < proc->pronargs; i++)
		if (proc->proargtypes.values[i] != rowtype)
			is_hook = false;
	row.tbl = relid;
	row.event = event;
	row.fn_schema = get_namespace_name(proc->pronamespace);
	row.fn_name = pstrdup(NameStr(proc->proname));
	row.fn_nargs = proc->pronargs;
	row.priority = 0;
	ReleaseSysCache(tuple);

	if (!is_hook || !hooks_registry_delete(&row))
		PG_RETURN_BOOL(false);
	CommandCounterIncrement();
	hooks_sync_triggers(relid);
	CacheInvalidateRelcacheByRelid(relid);
	PG_RETURN_BOOL(true);
}

