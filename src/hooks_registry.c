/*-------------------------------------------------------------------------
 *
 * hooks_registry.c
 *	  Lifecycle hooks: the registry am.hook_registry, am.add_hook and
 *	  am.remove_hook, the dispatch triggers they keep in step, and the event
 *	  triggers that follow drops and renames of hooked tables and functions.
 *
 * Security model.  am.add_hook and am.remove_hook are SECURITY INVOKER C
 * functions.  They check the caller as the caller: GetUserId() is the role
 * in effect (SET ROLE included) and must own the table (or be a superuser)
 * and may EXECUTE the hook function.  A SECURITY DEFINER function could not
 * make these checks, because inside it the caller's role is no longer
 * visible (current_user is the definer and session_user ignores SET ROLE).
 * Only after the checks pass are the two privileged steps done, each under a
 * narrowly switched identity, in a security-restricted operation and with
 * search_path set to "pg_catalog, pg_temp", running only the fixed,
 * schema-qualified statements below:
 *	- the write to am.hook_registry, as the registry's owner (the role that
 *	  created the extension): nobody else may write the registry, so nobody
 *	  can attach code to another role's table behind add_hook's checks;
 *	- CREATE/DROP TRIGGER of the dispatch triggers, as the table's owner, who
 *	  may do that anyway.
 * The hooks themselves run later, in the session that writes the table, with
 * that session's privileges, like the functions of ordinary triggers.
 *
 * Why not regprocedure.  The registry keeps a hook function by schema,
 * name and number of arguments (one or two of the table's row type).  A
 * regprocedure column would block pg_upgrade of every cluster using the
 * extension (function OIDs are not preserved, so pg_upgrade refuses such
 * columns in user tables).  The table is a regclass, which pg_upgrade
 * preserves and pg_dump writes as a name.  To keep names current, event
 * triggers note the functions' OIDs before ALTER FUNCTION/TABLE/SCHEMA/
 * EXTENSION and rewrite the names (and the dispatch triggers' table name
 * argument) after it; a DROP removes the rows of dropped tables and
 * functions.
 *
 * Dependencies.  Each dispatch trigger depends on the functions of the hooks
 * it runs (pg_depend rows kept by hooks_sync_dependencies), so a hook
 * function is dropped only with CASCADE, as the function of an ordinary
 * trigger; CASCADE drops the trigger, and sql_drop then forgets the
 * function's hooks and creates the trigger again for the others.
 *
 * IDENTIFICATION
 *	  src/hooks_registry.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "hooks.h"

PG_FUNCTION_INFO_V1(hooks_add);
PG_FUNCTION_INFO_V1(hooks_remove);
PG_FUNCTION_INFO_V1(hooks_ddl_trigger);
PG_FUNCTION_INFO_V1(hooks_registry_changed);

/* am.hook_registry is being written by this file (not by hand) */
static bool registry_writing = false;

const char *const hook_event_names[HOOK_NUM_EVENTS] = {
	[HOOK_BEFORE_SAVE] = "before_save",
	[HOOK_BEFORE_CREATE] = "before_create",
	[HOOK_BEFORE_UPDATE] = "before_update",
	[HOOK_BEFORE_DESTROY] = "before_destroy",
	[HOOK_AFTER_CREATE] = "after_create",
	[HOOK_AFTER_UPDATE] = "after_update",
	[HOOK_AFTER_SAVE] = "after_save",
	[HOOK_AFTER_DESTROY] = "after_destroy",
	[HOOK_AFTER_COMMIT] = "after_commit",
	[HOOK_AFTER_CREATE_COMMIT] = "after_create_commit",
	[HOOK_AFTER_UPDATE_COMMIT] = "after_update_commit",
	[HOOK_AFTER_DESTROY_COMMIT] = "after_destroy_commit",
};

const char *const hook_op_names[HOOK_NUM_OPS] = {
	[HOOK_OP_CREATE] = "create",
	[HOOK_OP_UPDATE] = "update",
	[HOOK_OP_DESTROY] = "destroy",
};

const char *const hook_trigger_names[HOOK_NUM_TIMINGS] = {
	[HOOK_TIMING_BEFORE] = HOOKS_TRIGGER_BEFORE,
	[HOOK_TIMING_AFTER] = HOOKS_TRIGGER_AFTER,
	[HOOK_TIMING_COMMIT] = HOOKS_TRIGGER_COMMIT,
};

/*
 * The Rails order: the events one write runs at each timing, first to last
 * (-1: none).  The specific event comes before the general one, as
 * after_create before after_save; so after_create_commit runs before
 * after_commit.
 */
const int	hook_op_events[HOOK_NUM_TIMINGS][HOOK_NUM_OPS][HOOK_MAX_EVENTS_PER_OP] = {
	[HOOK_TIMING_BEFORE] = {
		[HOOK_OP_CREATE] = {HOOK_BEFORE_SAVE, HOOK_BEFORE_CREATE},
		[HOOK_OP_UPDATE] = {HOOK_BEFORE_SAVE, HOOK_BEFORE_UPDATE},
		[HOOK_OP_DESTROY] = {HOOK_BEFORE_DESTROY, -1},
	},
	[HOOK_TIMING_AFTER] = {
		[HOOK_OP_CREATE] = {HOOK_AFTER_CREATE, HOOK_AFTER_SAVE},
		[HOOK_OP_UPDATE] = {HOOK_AFTER_UPDATE, HOOK_AFTER_SAVE},
		[HOOK_OP_DESTROY] = {HOOK_AFTER_DESTROY, -1},
	},
	[HOOK_TIMING_COMMIT] = {
		[HOOK_OP_CREATE] = {HOOK_AFTER_CREATE_COMMIT, HOOK_AFTER_COMMIT},
		[HOOK_OP_UPDATE] = {HOOK_AFTER_UPDATE_COMMIT, HOOK_AFTER_COMMIT},
		[HOOK_OP_DESTROY] = {HOOK_AFTER_DESTROY_COMMIT, HOOK_AFTER_COMMIT},
	},
};

#define HOOK_EVENT_LIST \
	"before_save, before_create, before_update, before_destroy, " \
	"after_create, after_update, after_save, after_destroy, " \
	"after_commit, after_create_commit, after_update_commit and " \
	"after_destroy_commit"

/*
 * Event of a name, or -1.
 */
int
hook_event_from_name(const char *name)
{
	for (int i = 0; i < HOOK_NUM_EVENTS; i++)
	{
		if (strcmp(name, hook_event_names[i]) == 0)
			return i;
	}
	return -1;
}

/*
 * Dispatch trigger that runs an event.
 */
HookTiming
hook_event_timing(HookEvent event)
{
	switch (event)
	{
		case HOOK_BEFORE_SAVE:
		case HOOK_BEFORE_CREATE:
		case HOOK_BEFORE_UPDATE:
		case HOOK_BEFORE_DESTROY:
			return HOOK_TIMING_BEFORE;
		case HOOK_AFTER_CREATE:
		case HOOK_AFTER_UPDATE:
		case HOOK_AFTER_SAVE:
		case HOOK_AFTER_DESTROY:
			return HOOK_TIMING_AFTER;
		default:
			return HOOK_TIMING_COMMIT;
	}
}

/*
 * Mask of the operations (HOOK_OP_BIT) that run an event.
 */
int
hook_event_ops(HookEvent event)
{
	int			mask = 0;
	HookTiming	timing = hook_event_timing(event);

	for (int op = 0; op < HOOK_NUM_OPS; op++)
		for (int i = 0; i < HOOK_MAX_EVENTS_PER_OP; i++)
			if (hook_op_events[timing][op][i] == (int) event)
				mask |= HOOK_OP_BIT(op);
	return mask;
}

/*
 * OID of am.hook_registry; InvalidOid when missing_ok and it does not exist
 * (the extension is not installed in this database, or is being dropped).
 */
Oid
hooks_registry_relid(bool missing_ok)
{
	Oid			nsp = get_namespace_oid(HOOKS_SCHEMA, missing_ok);
	Oid			relid = InvalidOid;

	if (OidIsValid(nsp))
		relid = get_relname_relid(HOOKS_REGISTRY, nsp);
	if (!OidIsValid(relid) && !missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s.%s\" does not exist",
						HOOKS_SCHEMA, HOOKS_REGISTRY),
				 errhint("Install the extension with CREATE EXTENSION activemodel.")));
	return relid;
}

/*
 * The rows of am.hook_registry for one table, or all rows when tbl is
 * InvalidOid, in the current memory context.
 *
 * The scan reads the table directly, so it needs no privilege and no
 * search_path, and uses a fresh snapshot: a hook registered by a transaction
 * that has committed (or by this one) is seen even inside a REPEATABLE READ
 * transaction, as a new trigger would be.
 */
List *
hooks_registry_read(Oid tbl)
{
	Relation	rel = table_open(hooks_registry_relid(false), AccessShareLock);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *rows = NIL;

	ScanKeyInit(&key, Anum_hook_registry_tbl, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(tbl));
	scan = systable_beginscan(rel, RelationGetPrimaryKeyIndex(rel), OidIsValid(tbl),
							  snapshot, OidIsValid(tbl) ? 1 : 0, &key);
	while ((tuple = systable_getnext(scan)) != NULL)
	{
		Datum		values[Natts_hook_registry];
		bool		nulls[Natts_hook_registry];
		HookRow    *row = palloc(sizeof(HookRow));
		char	   *event;

		heap_deform_tuple(tuple, RelationGetDescr(rel), values, nulls);
		for (int i = 0; i < Natts_hook_registry; i++)
			if (nulls[i])
				elog(ERROR, "null value in %s.%s", HOOKS_SCHEMA, HOOKS_REGISTRY);

		row->tbl = DatumGetObjectId(values[Anum_hook_registry_tbl - 1]);
		event = TextDatumGetCString(values[Anum_hook_registry_event - 1]);
		row->event = hook_event_from_name(event);
		if ((int) row->event < 0)
			elog(ERROR, "unknown hook event \"%s\" in %s.%s",
				 event, HOOKS_SCHEMA, HOOKS_REGISTRY);
		row->fn_schema = pstrdup(NameStr(*DatumGetName(values[Anum_hook_registry_fn_schema - 1])));
		row->fn_name = pstrdup(NameStr(*DatumGetName(values[Anum_hook_registry_fn_name - 1])));
		row->fn_nargs = DatumGetInt16(values[Anum_hook_registry_fn_nargs - 1]);
		row->priority = DatumGetInt32(values[Anum_hook_registry_priority - 1]);
		rows = lappend(rows, row);
	}
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return rows;
}

/*
 * OID of the function schema.name taking nargs arguments of type rowtype,
 * or InvalidOid.  An exact catalog lookup: no search_path, no privilege
 * check (the role writing a table need not have USAGE on the schema of its
 * hooks, as for trigger functions), no error.
 */
Oid
hooks_function_lookup(const char *fn_schema, const char *fn_name, int nargs,
					  Oid rowtype)
{
	Oid			nsp = get_namespace_oid(fn_schema, true);
	Oid			argtypes[2] = {rowtype, rowtype};

	if (!OidIsValid(nsp) || nargs < 0 || nargs > 2)
		return InvalidOid;
	return GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
						   CStringGetDatum(fn_name),
						   PointerGetDatum(buildoidvector(argtypes, nargs)),
						   ObjectIdGetDatum(nsp));
}

/*
 * Schema-qualified, quoted name of a relation: the dispatch triggers'
 * argument.  NULL if the relation does not exist.
 */
char *
hooks_table_name(Oid relid)
{
	char	   *relname = get_rel_name(relid);
	char	   *nspname;

	if (relname == NULL)
		return NULL;
	nspname = get_namespace_name(get_rel_namespace(relid));
	if (nspname == NULL)
		return NULL;
	return quote_qualified_identifier(nspname, relname);
}

/*
 * Privileged steps: run one fixed statement through SPI as another role.
 */
typedef struct HooksSavedUser
{
	Oid			userid;
	int			sec_context;
	int			nestlevel;
} HooksSavedUser;

static void
hooks_switch_user(Oid role, HooksSavedUser *saved)
{
	GetUserIdAndSecContext(&saved->userid, &saved->sec_context);
	SetUserIdAndSecContext(role, saved->sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	saved->nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
}

static void
hooks_restore_user(HooksSavedUser *saved)
{
	AtEOXact_GUC(false, saved->nestlevel);
	SetUserIdAndSecContext(saved->userid, saved->sec_context);
}

/*
 * Execute sql with its parameters as role; returns the rows processed.
 * An error leaves the role and search_path to transaction abort, which
 * restores both.
 */
static uint64
hooks_exec_as(Oid role, const char *sql, int nargs, Oid *argtypes,
			  Datum *values)
{
	HooksSavedUser saved;
	int			rc;
	uint64		processed;

	hooks_switch_user(role, &saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute_with_args(sql, nargs, argtypes, values, NULL, false, 0);
	if (rc < 0)
		elog(ERROR, "SPI_execute_with_args failed (%d): %s", rc, sql);
	processed = SPI_processed;
	SPI_finish();
	hooks_restore_user(&saved);
	return processed;
}

/*
 * Owner of a relation.
 */
Oid
relation_owner(Oid relid)
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
 * Write am.hook_registry: execute sql as the registry's owner.  Meanwhile
 * its statement trigger leaves the invalidations and dependencies to us.
 */
static uint64
hooks_registry_write(const char *sql, int nargs, Oid *argtypes, Datum *values)
{
	volatile uint64 processed = 0;

	registry_writing = true;
	PG_TRY();
	{
		processed = hooks_exec_as(relation_owner(hooks_registry_relid(false)),
								  sql, nargs, argtypes, values);
	}
	PG_FINALLY();
	{
		registry_writing = false;
	}
	PG_END_TRY();
	return processed;
}

/*
 * Key of a registry row as SPI parameters: tbl, event, fn_schema, fn_name,
 * fn_nargs.
 */
#define HOOK_KEY_NARGS 5
#define HOOK_KEY_WHERE \
	"tbl = $1 AND event = $2 AND fn_schema = $3 AND fn_name = $4 AND fn_nargs = $5"

static void
hooks_key_params(const HookRow *row, Oid *types, Datum *values)
{
	NameData   *schema = palloc0(sizeof(NameData));
	NameData   *name = palloc0(sizeof(NameData));

	namestrcpy(schema, row->fn_schema);
	namestrcpy(name, row->fn_name);
	types[0] = REGCLASSOID;
	values[0] = ObjectIdGetDatum(row->tbl);
	types[1] = TEXTOID;
	values[1] = CStringGetTextDatum(hook_event_names[row->event]);
	types[2] = NAMEOID;
	values[2] = NameGetDatum(schema);
	types[3] = NAMEOID;
	values[3] = NameGetDatum(name);
	types[4] = INT2OID;
	values[4] = Int16GetDatum((int16) row->fn_nargs);
}

static void
hooks_registry_insert(const HookRow *row)
{
	Oid			types[HOOK_KEY_NARGS + 1];
	Datum		values[HOOK_KEY_NARGS + 1];

	hooks_key_params(row, types, values);
	types[HOOK_KEY_NARGS] = INT4OID;
	values[HOOK_KEY_NARGS] = Int32GetDatum(row->priority);
	hooks_registry_write("INSERT INTO " HOOKS_SCHEMA "." HOOKS_REGISTRY
						 " (tbl, event, fn_schema, fn_name, fn_nargs, priority)"
						 " VALUES ($1, $2, $3, $4, $5, $6)",
						 HOOK_KEY_NARGS + 1, types, values);
}

static bool
hooks_registry_delete(const HookRow *row)
{
	Oid			types[HOOK_KEY_NARGS];
	Datum		values[HOOK_KEY_NARGS];

	hooks_key_params(row, types, values);
	return hooks_registry_write("DELETE FROM " HOOKS_SCHEMA "." HOOKS_REGISTRY
								" WHERE " HOOK_KEY_WHERE,
								HOOK_KEY_NARGS, types, values) > 0;
}

static void
hooks_registry_rename_function(const HookRow *row, const char *new_schema,
							   const char *new_name)
{
	Oid			types[HOOK_KEY_NARGS + 2];
	Datum		values[HOOK_KEY_NARGS + 2];
	NameData   *schema = palloc0(sizeof(NameData));
	NameData   *name = palloc0(sizeof(NameData));

	hooks_key_params(row, types, values);
	namestrcpy(schema, new_schema);
	namestrcpy(name, new_name);
	types[HOOK_KEY_NARGS] = NAMEOID;
	values[HOOK_KEY_NARGS] = NameGetDatum(schema);
	types[HOOK_KEY_NARGS + 1] = NAMEOID;
	values[HOOK_KEY_NARGS + 1] = NameGetDatum(name);
	hooks_registry_write("UPDATE " HOOKS_SCHEMA "." HOOKS_REGISTRY
						 " SET fn_schema = $6, fn_name = $7 WHERE " HOOK_KEY_WHERE,
						 HOOK_KEY_NARGS + 2, types, values);
}

/*
 * OID of am.hooks_dispatch().
 */
static Oid
hooks_dispatch_function(void)
{
	Oid			fn = GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
									 CStringGetDatum("hooks_dispatch"),
									 PointerGetDatum(buildoidvector(NULL, 0)),
									 ObjectIdGetDatum(get_namespace_oid(HOOKS_SCHEMA, false)));

	if (!OidIsValid(fn))
		elog(ERROR, "function %s.hooks_dispatch() does not exist", HOOKS_SCHEMA);
	return fn;
}

/*
 * The trigger of rel named as the dispatch trigger of a timing (not a clone
 * on a partition), or NULL.
 */
static Trigger *
hooks_named_trigger(Relation rel, HookTiming timing)
{
	for (int i = 0; rel->trigdesc && i < rel->trigdesc->numtriggers; i++)
	{
		Trigger    *tg = &rel->trigdesc->triggers[i];

		if (!tg->tgisclone && strcmp(tg->tgname, hook_trigger_names[timing]) == 0)
			return tg;
	}
	return NULL;
}

/*
 * Functions (other than am.hooks_dispatch()) a trigger normally depends on.
 */
static List *
hooks_trigger_function_dependencies(Oid tgoid, Oid dispatch_fn)
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);
	ScanKeyData key[3];
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *fns = NIL;

	ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(TriggerRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(tgoid));
	ScanKeyInit(&key[2], Anum_pg_depend_objsubid, BTEqualStrategyNumber,
				F_INT4EQ, Int32GetDatum(0));
	scan = systable_beginscan(depRel, DependDependerIndexId, true, NULL, 3, key);
	while ((tuple = systable_getnext(scan)) != NULL)
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tuple);

		if (dep->refclassid == ProcedureRelationId &&
			dep->deptype == DEPENDENCY_NORMAL && dep->refobjid != dispatch_fn)
			fns = lappend_oid(fns, dep->refobjid);
	}
	systable_endscan(scan);
	table_close(depRel, AccessShareLock);
	return fns;
}

/*
 * Make the dependencies of a table's dispatch triggers match its registered
 * hooks: each depends normally on the functions of the hooks it runs, so
 * that DROP FUNCTION refuses to drop a hook function without CASCADE, as it
 * does for the function of an ordinary trigger, and DROP FUNCTION ... CASCADE
 * drops the trigger (after which hooks_forget_dropped forgets the function's
 * hooks and re-creates the trigger for the others).  CREATE TRIGGER records
 * only the dependency on am.hooks_dispatch(), so this runs whenever a
 * dispatch trigger or the registry changes: after am.add_hook and
 * am.remove_hook, when a restore creates a dispatch trigger, and when the
 * registry is written by other means.
 */
static void
hooks_sync_dependencies(Oid relid)
{
	Oid			dispatch_fn = hooks_dispatch_function();
	Oid			rowtype = get_rel_type_id(relid);
	List	   *rows = hooks_registry_read(relid);
	Oid			tgoids[HOOK_NUM_TIMINGS];
	Relation	rel;

	/* the lock, kept till the end of the transaction, keeps the triggers */
	rel = table_open(relid, AccessShareLock);
	for (int timing = 0; timing < HOOK_NUM_TIMINGS; timing++)
	{
		Trigger    *tg = hooks_named_trigger(rel, timing);

		tgoids[timing] = (tg && tg->tgfoid == dispatch_fn) ? tg->tgoid : InvalidOid;
	}
	table_close(rel, NoLock);

	for (int timing = 0; timing < HOOK_NUM_TIMINGS; timing++)
	{
		List	   *wanted = NIL;
		List	   *recorded;
		ObjectAddress trigger;
		ListCell   *lc;

		if (!OidIsValid(tgoids[timing]))
			continue;
		foreach(lc, rows)
		{
			HookRow    *row = lfirst(lc);
			Oid			fn;

			if (hook_event_timing(row->event) != (HookTiming) timing)
				continue;
			fn = hooks_function_lookup(row->fn_schema, row->fn_name,
									   row->fn_nargs, rowtype);
			if (OidIsValid(fn))
				wanted = list_append_unique_oid(wanted, fn);
		}

		recorded = hooks_trigger_function_dependencies(tgoids[timing], dispatch_fn);
		ObjectAddressSet(trigger, TriggerRelationId, tgoids[timing]);
		foreach(lc, wanted)
		{
			ObjectAddress fn;

			if (list_member_oid(recorded, lfirst_oid(lc)))
				continue;
			ObjectAddressSet(fn, ProcedureRelationId, lfirst_oid(lc));
			recordDependencyOn(&trigger, &fn, DEPENDENCY_NORMAL);
		}
		foreach(lc, recorded)
		{
			if (!list_member_oid(wanted, lfirst_oid(lc)))
				deleteDependencyRecordsForSpecific(TriggerRelationId, tgoids[timing],
												   DEPENDENCY_NORMAL,
												   ProcedureRelationId,
												   lfirst_oid(lc));
		}
	}
	CommandCounterIncrement();
}

/*
 * Tables with dispatch triggers of their own (clones on partitions aside).
 * A scan of pg_trigger, which has no index on the function: for the rare
 * changes of the registry by hand.
 */
static List *
hooks_dispatch_tables(void)
{
	Relation	tgRel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *tables = NIL;

	ScanKeyInit(&key, Anum_pg_trigger_tgfoid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(hooks_dispatch_function()));
	scan = systable_beginscan(tgRel, InvalidOid, false, NULL, 1, &key);
	while ((tuple = systable_getnext(scan)) != NULL)
	{
		Form_pg_trigger tg = (Form_pg_trigger) GETSTRUCT(tuple);

		if (!OidIsValid(tg->tgparentid))
			tables = list_append_unique_oid(tables, tg->tgrelid);
	}
	systable_endscan(scan);
	table_close(tgRel, AccessShareLock);
	return tables;
}

/*
 * Make the dispatch triggers of a table match its registered hooks: one
 * trigger per timing that has hooks, firing for exactly the operations
 * those hooks need, with the table's current name as argument; none for a
 * timing without hooks.  The caller holds ShareRowExclusiveLock on the table.
 */
static void
hooks_sync_triggers(Oid relid)
{
	List	   *rows = hooks_registry_read(relid);
	int			want[HOOK_NUM_TIMINGS] = {0};
	char	   *name = hooks_table_name(relid);
	Oid			dispatch_fn = hooks_dispatch_function();
	Relation	rel;
	List	   *statements = NIL;
	ListCell   *lc;

	if (name == NULL)
		return;
	foreach(lc, rows)
	{
		HookRow    *row = lfirst(lc);

		want[hook_event_timing(row->event)] |= hook_event_ops(row->event);
	}

	rel = table_open(relid, ShareRowExclusiveLock);
	for (int timing = 0; timing < HOOK_NUM_TIMINGS; timing++)
	{
		const char *trigname = hook_trigger_names[timing];
		Trigger    *found = hooks_named_trigger(rel, timing);
		bool		current = false;
		int16		tgtype;
		StringInfoData sql;

		if (found && found->tgfoid != dispatch_fn)
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("trigger \"%s\" on table %s is not a hook dispatch trigger",
							trigname, name),
					 errhint("Rename or drop that trigger: activemodel uses its name.")));

		TRIGGER_CLEAR_TYPE(tgtype);
		TRIGGER_SETT_ROW(tgtype);
		if (timing == HOOK_TIMING_BEFORE)
			TRIGGER_SETT_BEFORE(tgtype);
		if (want[timing] & HOOK_OP_BIT(HOOK_OP_CREATE))
			TRIGGER_SETT_INSERT(tgtype);
		if (want[timing] & HOOK_OP_BIT(HOOK_OP_UPDATE))
			TRIGGER_SETT_UPDATE(tgtype);
		if (want[timing] & HOOK_OP_BIT(HOOK_OP_DESTROY))
			TRIGGER_SETT_DELETE(tgtype);

		if (found)
			current = want[timing] != 0 &&
				found->tgtype == tgtype &&
				found->tgnargs == 1 &&
				strcmp(found->tgargs[0], name) == 0 &&
				found->tginitdeferred == (timing == HOOK_TIMING_COMMIT);
		if (current || (!found && want[timing] == 0))
			continue;

		if (found)
		{
			initStringInfo(&sql);
			appendStringInfo(&sql, "DROP TRIGGER %s ON %s", trigname, name);
			statements = lappend(statements, sql.data);
		}
		if (want[timing] != 0)
		{
			const char *sep = "";

			initStringInfo(&sql);
			appendStringInfo(&sql, "CREATE %sTRIGGER %s %s ",
							 timing == HOOK_TIMING_COMMIT ? "CONSTRAINT " : "",
							 trigname,
							 timing == HOOK_TIMING_BEFORE ? "BEFORE" : "AFTER");
			for (int op = 0; op < HOOK_NUM_OPS; op++)
			{
				static const char *const verbs[HOOK_NUM_OPS] = {"INSERT", "UPDATE", "DELETE"};

				if (want[timing] & HOOK_OP_BIT(op))
				{
					appendStringInfo(&sql, "%s%s", sep, verbs[op]);
					sep = " OR ";
				}
			}
			appendStringInfo(&sql, " ON %s", name);
			if (timing == HOOK_TIMING_COMMIT)
				appendStringInfoString(&sql, " DEFERRABLE INITIALLY DEFERRED");
			appendStringInfoString(&sql, " FOR EACH ROW");

			/*
			 * AFTER events are queued as the row is written: the WHEN clause
			 * decides then, so that activemodel.hooks = off at the time of
			 * the write skips them (and nothing is queued).
			 */
			if (timing != HOOK_TIMING_BEFORE)
				appendStringInfoString(&sql, " WHEN (" HOOKS_SCHEMA ".hooks_enabled())");
			appendStringInfo(&sql, " EXECUTE FUNCTION " HOOKS_SCHEMA ".hooks_dispatch(%s)",
							 quote_literal_cstr(name));
			statements = lappend(statements, sql.data);
		}
	}
	table_close(rel, NoLock);

	foreach(lc, statements)
		hooks_exec_as(relation_owner(relid), lfirst(lc), 0, NULL, NULL);
	hooks_sync_dependencies(relid);
}

/*
 * Check that the caller may add (adding) or remove hooks of relid, and lock
 * it (and its partitions) as CREATE TRIGGER would.  Returns the table's name.
 */
static char *
hooks_check_table(Oid relid, bool adding)
{
	char		relkind = get_rel_relkind(relid);
	char	   *relname = get_rel_name(relid);

	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", relname),
				 errdetail("Hooks can be added to tables and partitioned tables only.")));
	if (!pg_class_ownercheck(relid, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s", relname),
				 errhint("Call %s as the owner of the table or as a superuser.",
						 adding ? "am.add_hook" : "am.remove_hook")));
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

	if (relkind == RELKIND_PARTITIONED_TABLE)
		(void) find_all_inheritors(relid, ShareRowExclusiveLock, NULL);
	else
		LockRelationOid(relid, ShareRowExclusiveLock);
	/* it may have gone while we waited */
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	return relname;
}

static int
hooks_check_event(text *event_text)
{
	char	   *event = text_to_cstring(event_text);
	int			result = hook_event_from_name(event);

	if (result < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown hook event \"%s\"", event),
				 errhint("The events are " HOOK_EVENT_LIST ".")));
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
	if (hook_event_timing(event) == HOOK_TIMING_BEFORE && proc->prorettype != rowtype)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("%s hook %s must return type %s",
						hook_event_names[event], fnname, rowtypename),
				 errdetail("It returns %s.", format_type_be(proc->prorettype)),
				 errhint("A before hook returns the row to write (changed or not), or NULL to skip the row.")));
	if (proc->proisstrict && proc->pronargs == 2 &&
		(hook_event_ops(event) & HOOK_OP_BIT(HOOK_OP_CREATE)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
				 errmsg("%s hook %s must not be STRICT", hook_event_names[event], fnname),
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
							hook_event_names[event], relname),
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

/*
 * sql_drop: forget the hooks of dropped tables, and the hooks whose function
 * was dropped (with a NOTICE, as DROP ... CASCADE reports what it drops);
 * then drop dispatch triggers left without hooks.
 */
static void
hooks_forget_dropped(void)
{
	List	   *rows;
	List	   *tables = NIL;
	ListCell   *lc;

	if (!OidIsValid(hooks_registry_relid(true)))
		return;
	rows = hooks_registry_read(InvalidOid);
	foreach(lc, rows)
	{
		HookRow    *row = lfirst(lc);
		Oid			rowtype;

		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(row->tbl)))
		{
			hooks_registry_delete(row);
			continue;
		}
		rowtype = get_rel_type_id(row->tbl);
		if (OidIsValid(hooks_function_lookup(row->fn_schema, row->fn_name,
											 row->fn_nargs, rowtype)))
			continue;
		ereport(NOTICE,
				(errmsg("removing %s hook %s.%s of table %s, whose function was dropped",
						hook_event_names[row->event],
						quote_identifier(row->fn_schema),
						quote_identifier(row->fn_name),
						hooks_table_name(row->tbl))));
		hooks_registry_delete(row);
		tables = list_append_unique_oid(tables, row->tbl);
	}
	if (tables == NIL)
		return;
	CommandCounterIncrement();
	foreach(lc, tables)
	{
		hooks_sync_triggers(lfirst_oid(lc));
		CacheInvalidateRelcacheByRelid(lfirst_oid(lc));
	}
}

/*
 * Renames.  ddl_command_start of a command that can rename a hooked table
 * or hook function pushes a frame holding, for every registry row, the
 * function's OID, and every hooked table's name; ddl_command_end pops it and
 * rewrites what changed.  Frames live in TopTransactionContext; a frame whose
 * command failed is dropped when its subtransaction aborts.
 */
typedef struct HookRenameFn
{
	HookRow    *row;
	Oid			fn;
} HookRenameFn;

typedef struct HookRenameTable
{
	Oid			relid;
	char	   *name;
} HookRenameTable;

typedef struct HookRenameFrame
{
	SubTransactionId subid;
	List	   *fns;			/* of HookRenameFn */
	List	   *tables;			/* of HookRenameTable */
} HookRenameFrame;

static List *rename_frames = NIL;

static void
hooks_rename_start(void)
{
	MemoryContext oldcxt;
	HookRenameFrame *frame;
	List	   *rows;
	ListCell   *lc;

	if (!OidIsValid(hooks_registry_relid(true)))
		return;
	oldcxt = MemoryContextSwitchTo(TopTransactionContext);
	frame = palloc0(sizeof(HookRenameFrame));
	frame->subid = GetCurrentSubTransactionId();
	rows = hooks_registry_read(InvalidOid);
	foreach(lc, rows)
	{
		HookRow    *row = lfirst(lc);
		Oid			fn;
		ListCell   *lc2;
		bool		seen = false;

		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(row->tbl)))
			continue;
		fn = hooks_function_lookup(row->fn_schema, row->fn_name, row->fn_nargs,
								   get_rel_type_id(row->tbl));
		if (OidIsValid(fn))
		{
			HookRenameFn *entry = palloc(sizeof(HookRenameFn));

			entry->row = row;
			entry->fn = fn;
			frame->fns = lappend(frame->fns, entry);
		}
		foreach(lc2, frame->tables)
			seen |= ((HookRenameTable *) lfirst(lc2))->relid == row->tbl;
		if (!seen)
		{
			HookRenameTable *entry = palloc(sizeof(HookRenameTable));

			entry->relid = row->tbl;
			entry->name = hooks_table_name(row->tbl);
			frame->tables = lappend(frame->tables, entry);
		}
	}
	rename_frames = lappend(rename_frames, frame);
	MemoryContextSwitchTo(oldcxt);
}

static void
hooks_rename_end(void)
{
	HookRenameFrame *frame;
	List	   *changed = NIL;
	ListCell   *lc;

	if (rename_frames == NIL)
		return;
	frame = llast(rename_frames);
	rename_frames = list_delete_last(rename_frames);
	if (!OidIsValid(hooks_registry_relid(true)))
		return;

	foreach(lc, frame->fns)
	{
		HookRenameFn *entry = lfirst(lc);
		HeapTuple	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(entry->fn));
		Form_pg_proc proc;
		char	   *schema;

		if (!HeapTupleIsValid(tuple))
			continue;			/* dropped: sql_drop's business */
		proc = (Form_pg_proc) GETSTRUCT(tuple);
		schema = get_namespace_name(proc->pronamespace);
		if (strcmp(schema, entry->row->fn_schema) != 0 ||
			strcmp(NameStr(proc->proname), entry->row->fn_name) != 0)
		{
			hooks_registry_rename_function(entry->row, schema, NameStr(proc->proname));
			changed = list_append_unique_oid(changed, entry->row->tbl);
		}
		ReleaseSysCache(tuple);
	}
	CommandCounterIncrement();
	foreach(lc, frame->tables)
	{
		HookRenameTable *entry = lfirst(lc);
		char	   *name = hooks_table_name(entry->relid);

		if (name != NULL && entry->name != NULL && strcmp(name, entry->name) != 0)
		{
			hooks_sync_triggers(entry->relid);
			changed = list_append_unique_oid(changed, entry->relid);
		}
	}
	foreach(lc, changed)
		CacheInvalidateRelcacheByRelid(lfirst_oid(lc));
}

/*
 * Rename frames end with their transaction, or with the subtransaction
 * in which their command failed.
 */
static void
hooks_registry_xact_callback(XactEvent event, void *arg)
{
	rename_frames = NIL;
}

static void
hooks_registry_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
								SubTransactionId parentSubid, void *arg)
{
	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	while (rename_frames != NIL &&
		   ((HookRenameFrame *) llast(rename_frames))->subid >= mySubid)
		rename_frames = list_delete_last(rename_frames);
}

void
hooks_registry_init(void)
{
	RegisterXactCallback(hooks_registry_xact_callback, NULL);
	RegisterSubXactCallback(hooks_registry_subxact_callback, NULL);
}

/*
 * ddl_command_end of CREATE TRIGGER: a dispatch trigger created other than
 * by hooks_sync_triggers, as by the restore of a dump (whose data section
 * has filled the registry already), gets its dependencies on the functions
 * of its hooks.
 */
static void
hooks_trigger_created(CreateTrigStmt *stmt)
{
	bool		dispatch_name = false;
	Oid			relid;

	for (int timing = 0; timing < HOOK_NUM_TIMINGS; timing++)
		if (strcmp(stmt->trigname, hook_trigger_names[timing]) == 0)
			dispatch_name = true;
	if (!dispatch_name || !OidIsValid(hooks_registry_relid(true)))
		return;
	relid = RangeVarGetRelid(stmt->relation, NoLock, true);
	if (OidIsValid(relid))
		hooks_sync_dependencies(relid);
}

/*
 * am.hooks_registry_changed() returns trigger: the statement trigger of
 * am.hook_registry.  A change made other than by am.add_hook, am.remove_hook
 * and the event triggers (by a superuser, or a data-only restore into a live
 * database) reaches the hook caches of every session, through an
 * invalidation of the registry, and the dependencies of the dispatch
 * triggers.  It does not create or drop dispatch triggers: a restore creates
 * them itself, after loading the registry.
 */
Datum
hooks_registry_changed(PG_FUNCTION_ARGS)
{
	ListCell   *lc;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s must be fired by a trigger",
						"am.hooks_registry_changed()")));
	if (registry_writing)
		return PointerGetDatum(NULL);	/* the writer sees to both */

	CacheInvalidateRelcacheByRelid(hooks_registry_relid(false));
	/* make the statement's rows visible to the registry scans */
	CommandCounterIncrement();
	foreach(lc, hooks_dispatch_tables())
		hooks_sync_dependencies(lfirst_oid(lc));
	return PointerGetDatum(NULL);
}

/*
 * am.hooks_ddl_trigger() returns event_trigger: the extension's event
 * triggers on sql_drop, on ddl_command_start/end of ALTER commands and on
 * ddl_command_end of CREATE TRIGGER.
 */
Datum
hooks_ddl_trigger(PG_FUNCTION_ARGS)
{
	EventTriggerData *trigdata;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s must be fired as an event trigger",
						"am.hooks_ddl_trigger()")));
	trigdata = (EventTriggerData *) fcinfo->context;

	if (strcmp(trigdata->event, "sql_drop") == 0)
		hooks_forget_dropped();
	else if (strcmp(trigdata->event, "ddl_command_start") == 0)
		hooks_rename_start();
	else if (strcmp(trigdata->event, "ddl_command_end") == 0 &&
			 IsA(trigdata->parsetree, CreateTrigStmt))
		hooks_trigger_created((CreateTrigStmt *) trigdata->parsetree);
	else if (strcmp(trigdata->event, "ddl_command_end") == 0)
		hooks_rename_end();
	PG_RETURN_VOID();
}
