/*-------------------------------------------------------------------------
 *
 * hooks_triggers.c
 *	  Lifecycle hooks: the dispatch triggers of hooked tables, kept in step
 *	  with the registry, and their dependencies on the hook functions.
 *
 * A table with hooks has one dispatch trigger per timing that has hooks
 * (hooks.h names them), firing for exactly the operations those hooks need
 * and passing the table's qualified name to am.hooks_dispatch().
 *
 * Triggers are changed in place.  A trigger that exists is never dropped
 * and created again to change its operations or its argument (after a
 * rename): its pg_trigger row is updated, with its clones on partitions,
 * under the lock CREATE TRIGGER takes, as ALTER TABLE ... ENABLE TRIGGER
 * updates it.  Events that a statement of this transaction has already
 * queued for the trigger (the after_*commit hooks of rows written earlier)
 * are found by the trigger's OID when they fire, so none is lost; dropping
 * the trigger would discard them.  For the same reason the trigger of a
 * timing whose last hook goes stays while events of the table are pending.
 *
 * Dependencies.  Each dispatch trigger depends on the functions of the
 * hooks it runs (pg_depend rows kept by hooks_sync_dependencies), so a hook
 * function is dropped only with CASCADE, as the function of an ordinary
 * trigger; CASCADE drops the trigger, and the sql_drop event trigger then
 * forgets the function's hooks and creates the trigger again for the
 * others.
 *
 * IDENTIFICATION
 *	  src/hooks_triggers.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "activemodel.h"
#include "hooks.h"

/*
 * OID of am.hooks_dispatch().
 */
static Oid
hooks_dispatch_function(void)
{
	return am_function_oid("hooks_dispatch", 0, NULL);
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

		if (!tg->tgisclone && strcmp(tg->tgname, hooks_trigger_names[timing]) == 0)
			return tg;
	}
	return NULL;
}

/*
 * pg_trigger.tgargs of one argument: the argument and a NUL byte.
 */
static bytea *
hooks_trigger_args(const char *arg)
{
	size_t		len = strlen(arg) + 1;
	bytea	   *result = palloc(VARHDRSZ + len);

	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), arg, len);
	return result;
}

/*
 * Update the type and argument of trigger tgoid and of its clones on
 * partitions, in place.  pg_trigger has no index on tgparentid: the clones
 * are found by a scan, as core's partition code does; this runs only when
 * hooks or names change.
 */
static void
hooks_alter_trigger(Relation tgrel, Oid tgoid, int16 tgtype, const char *arg)
{
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *clones = NIL;
	ListCell   *lc;

	ScanKeyInit(&key, Anum_pg_trigger_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(tgoid));
	scan = systable_beginscan(tgrel, TriggerOidIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
	{
		Datum		values[Natts_pg_trigger] = {0};
		bool		nulls[Natts_pg_trigger] = {false};
		bool		replace[Natts_pg_trigger] = {false};
		Form_pg_trigger tg = (Form_pg_trigger) GETSTRUCT(tuple);
		HeapTuple	newtuple;
		Oid			relid = tg->tgrelid;

		values[Anum_pg_trigger_tgtype - 1] = Int16GetDatum(tgtype);
		replace[Anum_pg_trigger_tgtype - 1] = true;
		values[Anum_pg_trigger_tgnargs - 1] = Int16GetDatum(1);
		replace[Anum_pg_trigger_tgnargs - 1] = true;
		values[Anum_pg_trigger_tgargs - 1] = PointerGetDatum(hooks_trigger_args(arg));
		replace[Anum_pg_trigger_tgargs - 1] = true;
		newtuple = heap_modify_tuple(tuple, RelationGetDescr(tgrel), values, nulls, replace);
		CatalogTupleUpdate(tgrel, &newtuple->t_self, newtuple);
		heap_freetuple(newtuple);
		CacheInvalidateRelcacheByRelid(relid);
	}
	systable_endscan(scan);

	ScanKeyInit(&key, Anum_pg_trigger_tgparentid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(tgoid));
	scan = systable_beginscan(tgrel, InvalidOid, false, NULL, 1, &key);
	while ((tuple = systable_getnext(scan)) != NULL)
		clones = lappend_oid(clones, ((Form_pg_trigger) GETSTRUCT(tuple))->oid);
	systable_endscan(scan);
	foreach(lc, clones)
		hooks_alter_trigger(tgrel, lfirst_oid(lc), tgtype, arg);
}

/*
 * Whether events of relid or of its partitions are queued in this
 * transaction.
 */
static bool
hooks_events_pending(Oid relid)
{
	List	   *rels = find_all_inheritors(relid, NoLock, NULL);
	ListCell   *lc;

	foreach(lc, rels)
		if (AfterTriggerPendingOnRel(lfirst_oid(lc)))
			return true;
	return false;
}

/*
 * Make the dispatch triggers of a table match its registered hooks: one
 * trigger per timing that has hooks, firing for exactly the operations
 * those hooks need, with the table's current name as argument; none for a
 * timing without hooks (unless events are pending, see the file header).
 * The caller holds ShareRowExclusiveLock on the table.
 */
void
hooks_sync_triggers(Oid relid)
{
	List	   *rows = hooks_registry_read(relid);
	int			want[HOOK_NUM_TIMINGS] = {0};
	char	   *name = hooks_table_name(relid);
	Oid			dispatch_fn = hooks_dispatch_function();
	Relation	rel;
	Relation	tgrel = NULL;
	List	   *statements = NIL;
	ListCell   *lc;

	if (name == NULL)
		return;
	foreach(lc, rows)
	{
		HookRow    *row = lfirst(lc);

		want[hooks_event_timing(row->event)] |= hooks_event_ops(row->event);
	}

	rel = table_open(relid, ShareRowExclusiveLock);
	for (int timing = 0; timing < HOOK_NUM_TIMINGS; timing++)
	{
		const char *trigname = hooks_trigger_names[timing];
		Trigger    *found = hooks_named_trigger(rel, timing);
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

		if (found && want[timing] != 0)
		{
			if (found->tgtype != tgtype || found->tgnargs != 1 ||
				strcmp(found->tgargs[0], name) != 0)
			{
				if (tgrel == NULL)
					tgrel = table_open(TriggerRelationId, RowExclusiveLock);
				hooks_alter_trigger(tgrel, found->tgoid, tgtype, name);
			}
		}
		else if (found)
		{
			if (!hooks_events_pending(relid))
			{
				initStringInfo(&sql);
				appendStringInfo(&sql, "DROP TRIGGER %s ON %s", trigname, name);
				statements = lappend(statements, sql.data);
			}
		}
		else if (want[timing] != 0)
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
				appendStringInfoString(&sql, " WHEN (" AM_SCHEMA ".hooks_enabled())");
			appendStringInfo(&sql, " EXECUTE FUNCTION " AM_SCHEMA ".hooks_dispatch(%s)",
							 quote_literal_cstr(name));
			statements = lappend(statements, sql.data);
		}
	}
	if (tgrel != NULL)
		table_close(tgrel, RowExclusiveLock);
	table_close(rel, NoLock);
	CommandCounterIncrement();

	foreach(lc, statements)
		am_exec_as(am_relation_owner(relid), lfirst(lc), 0, NULL, NULL);
	hooks_sync_dependencies(relid);
	list_free_deep(rows);
}

/*
 * After a rename: give the dispatch triggers of relid (and their clones)
 * the table's current name, in place.  Nothing else changes.
 */
void
hooks_refresh_trigger_names(Oid relid)
{
	char	   *name = hooks_table_name(relid);
	Relation	rel;
	Relation	tgrel = NULL;
	Oid			dispatch_fn = hooks_dispatch_function();

	if (name == NULL)
		return;
	rel = table_open(relid, AccessShareLock);
	for (int timing = 0; timing < HOOK_NUM_TIMINGS; timing++)
	{
		Trigger    *found = hooks_named_trigger(rel, timing);

		if (found == NULL || found->tgfoid != dispatch_fn ||
			(found->tgnargs == 1 && strcmp(found->tgargs[0], name) == 0))
			continue;
		if (tgrel == NULL)
			tgrel = table_open(TriggerRelationId, RowExclusiveLock);
		hooks_alter_trigger(tgrel, found->tgoid, found->tgtype, name);
	}
	if (tgrel != NULL)
		table_close(tgrel, RowExclusiveLock);
	table_close(rel, NoLock);
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
 * hooks: each depends normally on the functions of the hooks it runs.
 * CREATE TRIGGER records only the dependency on am.hooks_dispatch(), so
 * this runs whenever a dispatch trigger or the registry changes: after
 * am.add_hook and am.remove_hook, when a restore creates a dispatch
 * trigger, and when the registry is written by other means.
 */
void
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

			if (hooks_event_timing(row->event) != (HookTiming) timing)
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
List *
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
