/*-------------------------------------------------------------------------
 *
 * hooks_ddl.c
 *	  Lifecycle hooks: keeping the registry and the dispatch triggers in step
 *	  with DDL.  The extension's event triggers run am.hooks_ddl_trigger():
 *	- sql_drop: forget the hooks of dropped tables, and the hooks whose
 *	  function was dropped (DROP FUNCTION ... CASCADE);
 *	- ddl_command_start/end of the commands that can rename a table, a
 *	  function or a schema: give dispatch triggers their table's new name,
 *	  and registry rows their function's new name;
 *	- ddl_command_end of CREATE TRIGGER: record the dependencies of a
 *	  dispatch trigger created other than by am.add_hook (a restore).
 *	The registry's own statement trigger runs am.hooks_registry_changed().
 *
 * Cost.  These run for every such command of every role, so they look at
 * the objects the command names, not at the registry: a rename looks up the
 * renamed table by OID (an index probe of the registry), a drop the dropped
 * objects; an ALTER that renames nothing (ALTER TABLE ... ADD COLUMN, ALTER
 * FUNCTION ... COST) reads nothing.  Only ALTER SCHEMA ... RENAME and ALTER
 * EXTENSION, which may rename many objects at once, read the whole
 * registry.  What a command notes lives in a memory context of its own,
 * deleted when the command ends.
 *
 * IDENTIFICATION
 *	  src/hooks_ddl.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/event_trigger.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parse_func.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "activemodel.h"
#include "hooks.h"

PG_FUNCTION_INFO_V1(hooks_ddl_trigger);
PG_FUNCTION_INFO_V1(hooks_registry_changed);

/* a hook function a command may rename, and its registry rows */
typedef struct HookRenameFn
{
	Oid			fn;
	List	   *rows;			/* of HookRow, with the names before */
} HookRenameFn;

/* a table a command may rename */
typedef struct HookRenameTable
{
	Oid			relid;
	char	   *name;			/* before */
} HookRenameTable;

/* what ddl_command_start noted for ddl_command_end */
typedef struct HookRenameFrame
{
	SubTransactionId subid;
	MemoryContext cxt;
	List	   *fns;			/* of HookRenameFn */
	List	   *tables;			/* of HookRenameTable */
} HookRenameFrame;

static List *rename_frames = NIL;

static bool
hooks_is_relation_objtype(ObjectType type)
{
	return type == OBJECT_TABLE || type == OBJECT_INDEX || type == OBJECT_VIEW ||
		type == OBJECT_MATVIEW || type == OBJECT_SEQUENCE ||
		type == OBJECT_FOREIGN_TABLE;
}

static bool
hooks_is_function_objtype(ObjectType type)
{
	return type == OBJECT_FUNCTION || type == OBJECT_ROUTINE ||
		type == OBJECT_PROCEDURE;
}

static void
hooks_note_table(HookRenameFrame *frame, Oid relid)
{
	HookRenameTable *entry;
	ListCell   *lc;

	if (!OidIsValid(relid) || !hooks_registry_has_table(relid))
		return;
	foreach(lc, frame->tables)
		if (((HookRenameTable *) lfirst(lc))->relid == relid)
			return;
	entry = palloc(sizeof(HookRenameTable));
	entry->relid = relid;
	entry->name = hooks_table_name(relid);
	frame->tables = lappend(frame->tables, entry);
}

/*
 * Note fn if it is a registered hook: the registry rows naming it (same
 * schema and name, and the function takes the row type of the row's table).
 */
static void
hooks_note_function(HookRenameFrame *frame, Oid fn)
{
	HeapTuple	tuple;
	Form_pg_proc proc;
	List	   *rows;
	HookRenameFn *entry = NULL;
	ListCell   *lc;

	if (!OidIsValid(fn))
		return;
	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
	if (!HeapTupleIsValid(tuple))
		return;
	proc = (Form_pg_proc) GETSTRUCT(tuple);
	rows = hooks_registry_read_function(get_namespace_name(proc->pronamespace),
										NameStr(proc->proname));
	foreach(lc, rows)
	{
		HookRow    *row = lfirst(lc);

		if (hooks_function_lookup(row->fn_schema, row->fn_name, row->fn_nargs,
								  get_rel_type_id(row->tbl)) != fn)
			continue;
		if (entry == NULL)
		{
			entry = palloc0(sizeof(HookRenameFn));
			entry->fn = fn;
			frame->fns = lappend(frame->fns, entry);
		}
		entry->rows = lappend(entry->rows, row);
	}
	ReleaseSysCache(tuple);
}

/*
 * Note every hooked table and every hook function: for the commands that
 * may rename many at once.
 */
static void
hooks_note_all(HookRenameFrame *frame)
{
	List	   *rows = hooks_registry_read(InvalidOid);
	ListCell   *lc;

	foreach(lc, rows)
	{
		HookRow    *row = lfirst(lc);
		Oid			fn;
		HookRenameFn *entry = NULL;
		ListCell   *lc2;

		CHECK_FOR_INTERRUPTS();
		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(row->tbl)))
			continue;
		hooks_note_table(frame, row->tbl);
		fn = hooks_function_lookup(row->fn_schema, row->fn_name, row->fn_nargs,
								   get_rel_type_id(row->tbl));
		if (!OidIsValid(fn))
			continue;
		foreach(lc2, frame->fns)
			if (((HookRenameFn *) lfirst(lc2))->fn == fn)
				entry = lfirst(lc2);
		if (entry == NULL)
		{
			entry = palloc0(sizeof(HookRenameFn));
			entry->fn = fn;
			frame->fns = lappend(frame->fns, entry);
		}
		entry->rows = lappend(entry->rows, row);
	}
}

/*
 * ddl_command_start: note what the command may rename.  Always pushes a
 * frame (maybe empty), which the command's ddl_command_end pops.
 */
static void
hooks_rename_start(Node *parsetree)
{
	MemoryContext cxt;
	MemoryContext oldcxt;
	HookRenameFrame *frame;

	if (!OidIsValid(hooks_registry_relid(true)))
		return;
	cxt = AllocSetContextCreate(TopTransactionContext, "activemodel rename",
								ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	frame = palloc0(sizeof(HookRenameFrame));
	frame->subid = GetCurrentSubTransactionId();
	frame->cxt = cxt;

	if (IsA(parsetree, RenameStmt))
	{
		RenameStmt *stmt = (RenameStmt *) parsetree;

		if (hooks_is_relation_objtype(stmt->renameType) && stmt->relation)
			hooks_note_table(frame, RangeVarGetRelid(stmt->relation, NoLock, true));
		else if (hooks_is_function_objtype(stmt->renameType))
			hooks_note_function(frame, LookupFuncWithArgs(stmt->renameType,
														  (ObjectWithArgs *) stmt->object,
														  true));
		else if (stmt->renameType == OBJECT_SCHEMA)
			hooks_note_all(frame);
	}
	else if (IsA(parsetree, AlterObjectSchemaStmt))
	{
		AlterObjectSchemaStmt *stmt = (AlterObjectSchemaStmt *) parsetree;

		if (hooks_is_relation_objtype(stmt->objectType) && stmt->relation)
			hooks_note_table(frame, RangeVarGetRelid(stmt->relation, NoLock, true));
		else if (hooks_is_function_objtype(stmt->objectType))
			hooks_note_function(frame, LookupFuncWithArgs(stmt->objectType,
														  (ObjectWithArgs *) stmt->object,
														  true));
		else if (stmt->objectType == OBJECT_EXTENSION)
			hooks_note_all(frame);
	}
	else if (IsA(parsetree, AlterExtensionStmt))
		hooks_note_all(frame);

	/* the stack outlives this call */
	MemoryContextSwitchTo(TopTransactionContext);
	rename_frames = lappend(rename_frames, frame);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * ddl_command_end: rewrite what the command renamed.
 */
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
	{
		MemoryContextDelete(frame->cxt);
		return;
	}

	foreach(lc, frame->fns)
	{
		HookRenameFn *entry = lfirst(lc);
		HeapTuple	tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(entry->fn));
		Form_pg_proc proc;
		char	   *schema;
		ListCell   *lc2;

		CHECK_FOR_INTERRUPTS();
		if (!HeapTupleIsValid(tuple))
			continue;			/* dropped: sql_drop's business */
		proc = (Form_pg_proc) GETSTRUCT(tuple);
		schema = get_namespace_name(proc->pronamespace);
		foreach(lc2, entry->rows)
		{
			HookRow    *row = lfirst(lc2);

			if (strcmp(schema, row->fn_schema) == 0 &&
				strcmp(NameStr(proc->proname), row->fn_name) == 0)
				continue;
			hooks_registry_rename_function(row, schema, NameStr(proc->proname));
			changed = list_append_unique_oid(changed, row->tbl);
		}
		ReleaseSysCache(tuple);
	}
	CommandCounterIncrement();
	foreach(lc, frame->tables)
	{
		HookRenameTable *entry = lfirst(lc);
		char	   *name = hooks_table_name(entry->relid);

		CHECK_FOR_INTERRUPTS();
		if (name != NULL && (entry->name == NULL || strcmp(name, entry->name) != 0))
		{
			hooks_refresh_trigger_names(entry->relid);
			changed = list_append_unique_oid(changed, entry->relid);
		}
	}
	foreach(lc, changed)
		CacheInvalidateRelcacheByRelid(lfirst_oid(lc));
	list_free(changed);
	MemoryContextDelete(frame->cxt);
}

/* an object that the command being run dropped */
typedef struct HookDropped
{
	Oid			classid;
	Oid			objid;
	char	   *schema;			/* functions: the name, for the registry */
	char	   *name;
} HookDropped;

/*
 * The tables and functions the command dropped, from
 * pg_event_trigger_dropped_objects().
 */
static List *
hooks_dropped_objects(void)
{
	MemoryContext cxt = CurrentMemoryContext;
	List	   *result = NIL;
	Oid			argtypes[2] = {OIDOID, OIDOID};
	Datum		args[2] = {ObjectIdGetDatum(RelationRelationId),
	ObjectIdGetDatum(ProcedureRelationId)};

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT classid, objid, address_names"
							  " FROM pg_catalog.pg_event_trigger_dropped_objects()"
							  " WHERE objsubid OPERATOR(pg_catalog.=) 0"
							  " AND (classid OPERATOR(pg_catalog.=) $1"
							  " OR classid OPERATOR(pg_catalog.=) $2)",
							  2, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the dropped objects");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
		HookDropped *obj = palloc0(sizeof(HookDropped));

		obj->classid = DatumGetObjectId(SPI_getbinval(tuple, desc, 1, &isnull));
		obj->objid = DatumGetObjectId(SPI_getbinval(tuple, desc, 2, &isnull));
		if (obj->classid == ProcedureRelationId)
		{
			Datum		names = SPI_getbinval(tuple, desc, 3, &isnull);
			Datum	   *elems;
			bool	   *elemnulls;
			int			nelems = 0;

			if (!isnull)
				deconstruct_array(DatumGetArrayTypeP(names), TEXTOID, -1, false,
								  TYPALIGN_INT, &elems, &elemnulls, &nelems);
			if (nelems == 2 && !elemnulls[0] && !elemnulls[1])
			{
				obj->schema = TextDatumGetCString(elems[0]);
				obj->name = TextDatumGetCString(elems[1]);
				result = lappend(result, obj);
			}
		}
		else
			result = lappend(result, obj);
		MemoryContextSwitchTo(oldcxt);
	}
	SPI_finish();
	return result;
}

/*
 * sql_drop: forget the hooks of dropped tables, and the hooks whose function
 * was dropped (with a NOTICE, as DROP ... CASCADE reports what it drops);
 * then put back the dispatch triggers of tables that have other hooks.
 */
static void
hooks_forget_dropped(void)
{
	List	   *tables = NIL;
	ListCell   *lc;

	if (!OidIsValid(hooks_registry_relid(true)))
		return;
	foreach(lc, hooks_dropped_objects())
	{
		HookDropped *obj = lfirst(lc);
		ListCell   *lc2;

		CHECK_FOR_INTERRUPTS();
		if (obj->classid == RelationRelationId)
		{
			foreach(lc2, hooks_registry_read(obj->objid))
				hooks_registry_delete(lfirst(lc2));
			continue;
		}
		foreach(lc2, hooks_registry_read_function(obj->schema, obj->name))
		{
			HookRow    *row = lfirst(lc2);

			if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(row->tbl)))
				continue;		/* its table goes too */
			if (OidIsValid(hooks_function_lookup(row->fn_schema, row->fn_name,
												 row->fn_nargs,
												 get_rel_type_id(row->tbl))))
				continue;		/* another function of that name */
			ereport(NOTICE,
					(errmsg("removing %s hook %s.%s of table %s, whose function was dropped",
							hooks_event_names[row->event],
							quote_identifier(row->fn_schema),
							quote_identifier(row->fn_name),
							hooks_table_name(row->tbl))));
			hooks_registry_delete(row);
			tables = list_append_unique_oid(tables, row->tbl);
		}
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
 * Rename frames end with their transaction, or with the subtransaction
 * in which their command failed (their memory goes with the transaction's).
 */
static void
hooks_ddl_xact_callback(XactEvent event, void *arg)
{
	rename_frames = NIL;
}

static void
hooks_ddl_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
						   SubTransactionId parentSubid, void *arg)
{
	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;
	while (rename_frames != NIL &&
		   ((HookRenameFrame *) llast(rename_frames))->subid >= mySubid)
		rename_frames = list_delete_last(rename_frames);
}

void
hooks_ddl_init(void)
{
	RegisterXactCallback(hooks_ddl_xact_callback, NULL);
	RegisterSubXactCallback(hooks_ddl_subxact_callback, NULL);
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
	Oid			relid;

	if (hooks_timing_of_trigger_name(stmt->trigname) < 0 ||
		!OidIsValid(hooks_registry_relid(true)))
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
 * them itself, after loading the registry.  It runs for the registry only:
 * attached elsewhere, it would let any role flush every session's cache and
 * lock every hooked table.
 */
Datum
hooks_registry_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	ListCell   *lc;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		RelationGetRelid(trigdata->tg_relation) != hooks_registry_relid(true) ||
		!TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event) ||
		!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s must be fired AFTER STATEMENT on %s.%s",
						"am.hooks_registry_changed()", AM_SCHEMA, HOOKS_REGISTRY)));
	if (hooks_registry_writing())
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
 * triggers on sql_drop, on ddl_command_start/end of the commands that can
 * rename, and on ddl_command_end of CREATE TRIGGER.
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
		hooks_rename_start(trigdata->parsetree);
	else if (strcmp(trigdata->event, "ddl_command_end") == 0 &&
			 IsA(trigdata->parsetree, CreateTrigStmt))
		hooks_trigger_created((CreateTrigStmt *) trigdata->parsetree);
	else if (strcmp(trigdata->event, "ddl_command_end") == 0)
		hooks_rename_end();
	PG_RETURN_VOID();
}
