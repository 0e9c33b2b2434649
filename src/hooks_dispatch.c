/*-------------------------------------------------------------------------
 *
 * hooks_dispatch.c
 *	  Lifecycle hooks: the dispatch trigger am.hooks_dispatch(), its
 *	  per-backend cache of hooks, and the activemodel.hooks setting.
 *
 * A table with hooks has up to three dispatch triggers (see hooks.h), all
 * running am.hooks_dispatch(name) where name is the table's qualified name.
 * The dispatcher looks the hooks up by that name, not by the relation it
 * fires on: a trigger cloned to a partition, or copied to another table
 * (a Citus shard), runs the hooks of the table it names, with rows converted
 * to that table's row type.
 *
 * Each trigger (by OID) caches its hooks in order, with their FmgrInfo.  An
 * entry is dropped when a relcache invalidation arrives for the relation it
 * fires on or the table it names (am.add_hook and am.remove_hook send one at
 * commit), or a pg_proc invalidation for one of its functions; every entry
 * is dropped by one for am.hook_registry, which its statement trigger sends
 * when the registry is changed by other means.  A dropped entry may still be
 * running hooks further up the stack, so its memory is kept until the end of
 * the transaction.
 *
 * Hooks get the row as PL/pgSQL gives NEW to a trigger function: an expanded
 * record over the trigger's tuple, whose out-of-line (TOASTed) values stay
 * out of line.  A PL/pgSQL hook takes that record over and may hand it back
 * changed or not; what a before hook returns is written, so an unchanged
 * value keeps its TOAST pointer and is neither rewritten nor detoasted.
 * Functions in other languages read the record flattened, as usual.
 *
 * IDENTIFICATION
 *	  src/hooks_dispatch.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/tupconvert.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/expandedrecord.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "activemodel.h"
#include "hooks.h"

PG_FUNCTION_INFO_V1(hooks_dispatch);
PG_FUNCTION_INFO_V1(hooks_enabled_fn);
PG_FUNCTION_INFO_V1(hook_event);
PG_FUNCTION_INFO_V1(hook_operation);

/* activemodel.hooks */
bool		hooks_enabled = true;

/* one registered function, ready to call */
typedef struct HookCall
{
	HookEvent	event;
	int			nargs;
	bool		strict;
	uint32		proc_hash;		/* PROCOID syscache hash of the function */
	char	   *fn_desc;		/* schema.name(types), for messages */
	FmgrInfo	flinfo;
} HookCall;

/* the hooks one dispatch trigger runs */
typedef struct HookSet
{
	MemoryContext cxt;
	Oid			source_relid;	/* the table named by the trigger */
	char	   *source_name;
	Oid			rowtype;		/* its row type: the hooks' argument type */
	TupleDesc	source_desc;
	/* firing relation <-> source table, NULL when the layouts are the same */
	TupleConversionMap *to_source;
	TupleConversionMap *from_source;
	int			ncalls[HOOK_NUM_OPS];
	HookCall  **calls[HOOK_NUM_OPS];	/* in firing order */
	bool		busy;			/* its FmgrInfos are in use up the stack */
} HookSet;

typedef struct HookCacheEntry
{
	Oid			tgoid;			/* hash key: the trigger */
	Oid			firing_relid;	/* the relation it fires on */
	HookSet    *set;
} HookCacheEntry;

static HTAB *hook_cache = NULL;

/* parent of the sets dropped from the cache, emptied at transaction end */
static MemoryContext hook_graveyard = NULL;

/* bumped by every invalidation, to detect one during a cache build */
static uint64 hook_inval_count = 0;

/* am.hook_registry as of the last cache build: changes to it flush all */
static Oid	hook_registry_relid = InvalidOid;

/* the hook running now, for am.hook_event() and am.hook_operation() */
static int	current_event = -1;
static int	current_op = -1;

/* error context of a hook call */
typedef struct HookErrorContext
{
	HookSet    *set;
	HookCall   *call;
} HookErrorContext;

/*
 * Keep a set that left the cache until the end of the transaction.
 */
static void
hooks_retire_set(HookSet *set)
{
	if (hook_graveyard == NULL)
		hook_graveyard = AllocSetContextCreate(TopMemoryContext,
											   "activemodel retired hooks",
											   ALLOCSET_SMALL_SIZES);
	MemoryContextSetParent(set->cxt, hook_graveyard);
}

static void
hooks_cache_retire(HookCacheEntry *entry)
{
	hooks_retire_set(entry->set);
	if (hash_search(hook_cache, &entry->tgoid, HASH_REMOVE, NULL) == NULL)
		elog(ERROR, "hook cache corrupted");
}

/*
 * Relcache invalidation: drop the entries of triggers firing on relid or
 * naming it; all entries for InvalidOid, or for the registry itself (sent
 * by its statement trigger when it is changed other than by am.add_hook and
 * am.remove_hook, e.g. by a superuser or a data-only restore).
 */
static void
hooks_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	HookCacheEntry *entry;

	hook_inval_count++;
	if (hook_cache == NULL)
		return;
	hash_seq_init(&status, hook_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		if (!OidIsValid(relid) || relid == hook_registry_relid ||
			entry->firing_relid == relid || entry->set->source_relid == relid)
			hooks_cache_retire(entry);
	}
}

/*
 * pg_proc invalidation: drop the entries calling that function (all entries
 * for hashvalue 0), so that ALTER FUNCTION, CREATE OR REPLACE and renames
 * take effect.
 */
static void
hooks_proc_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS status;
	HookCacheEntry *entry;

	hook_inval_count++;
	if (hook_cache == NULL)
		return;
	hash_seq_init(&status, hook_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		HookSet    *set = entry->set;
		bool		hit = (hashvalue == 0);

		for (int op = 0; op < HOOK_NUM_OPS && !hit; op++)
			for (int i = 0; i < set->ncalls[op] && !hit; i++)
				hit = set->calls[op][i]->proc_hash == hashvalue;
		if (hit)
			hooks_cache_retire(entry);
	}
}

static void
hooks_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			if (hook_graveyard != NULL)
				MemoryContextReset(hook_graveyard);
			current_event = -1;
			current_op = -1;
			break;
		default:
			break;
	}
}

/* registry rows in firing order within an event */
static int
hook_row_cmp(const ListCell *a, const ListCell *b)
{
	const HookRow *ra = lfirst(a);
	const HookRow *rb = lfirst(b);
	int			c;

	if (ra->priority != rb->priority)
		return ra->priority < rb->priority ? -1 : 1;
	if ((c = strcmp(ra->fn_name, rb->fn_name)) != 0)
		return c;
	if ((c = strcmp(ra->fn_schema, rb->fn_schema)) != 0)
		return c;
	return ra->fn_nargs - rb->fn_nargs;
}

/*
 * A trigger on rel names another table, whose hooks it would run: allowed
 * for a partition of that table (its triggers are clones of the table's),
 * and for a table whose owner could add those hooks to it anyway (a copy of
 * the table, e.g. a Citus shard, has the same owner).  Anyone else could
 * otherwise run another role's hook functions, which may be SECURITY
 * DEFINER or not executable by them, on rows of their choosing.
 */
static void
hooks_check_foreign_trigger(Trigger *tg, Relation rel, HookSet *set)
{
	if (has_privs_of_role(rel->rd_rel->relowner, relation_owner(set->source_relid)))
		return;
	if (rel->rd_rel->relispartition &&
		list_member_oid(get_partition_ancestors(RelationGetRelid(rel)),
						set->source_relid))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("trigger \"%s\" on table \"%s\" cannot run the hooks of table %s",
					tg->tgname, RelationGetRelationName(rel), set->source_name),
			 errdetail("A table runs the hooks of another table only if it is one of its partitions or has the same owner."),
			 errhint("Add the hooks to table \"%s\" with am.add_hook.",
					 RelationGetRelationName(rel))));
}

/*
 * The hooks of trigger tg on rel, which fires at timing, freshly read from
 * the registry.  The set's memory is a child of CacheMemoryContext once
 * complete, so an error on the way leaks nothing.
 */
static HookSet *
hookset_build(Trigger *tg, Relation rel, HookTiming timing)
{
	MemoryContext cxt;
	MemoryContext oldcxt;
	HookSet    *set;
	RangeVar   *rv;
	List	   *rows;
	List	   *timing_rows = NIL;
	ListCell   *lc;
	HookCall  **calls;
	int			ncalls = 0;

	if (tg->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table \"%s\" must pass one argument to %s",
						tg->tgname, RelationGetRelationName(rel), "am.hooks_dispatch()"),
				 errdetail("The argument is the qualified name of the table whose hooks run.")));

	cxt = AllocSetContextCreate(CurrentMemoryContext, "activemodel hooks",
								ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	set = palloc0(sizeof(HookSet));
	set->cxt = cxt;
	set->source_name = pstrdup(tg->tgargs[0]);

	rv = makeRangeVarFromNameList(stringToQualifiedNameList(set->source_name));
	set->source_relid = RangeVarGetRelid(rv, NoLock, true);
	if (!OidIsValid(set->source_relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table %s named by trigger \"%s\" on table \"%s\" does not exist",
						set->source_name, tg->tgname, RelationGetRelationName(rel)),
				 errhint("Drop the trigger, or add the hooks again with am.add_hook.")));
	if (set->source_relid != RelationGetRelid(rel))
		hooks_check_foreign_trigger(tg, rel, set);
	set->rowtype = get_rel_type_id(set->source_relid);
	set->source_desc = lookup_rowtype_tupdesc_copy(set->rowtype, -1);
	if (set->source_relid != RelationGetRelid(rel))
	{
		TupleDesc	firing_desc = CreateTupleDescCopy(RelationGetDescr(rel));

		set->to_source = convert_tuples_by_name(firing_desc, set->source_desc);
		set->from_source = convert_tuples_by_name(set->source_desc, firing_desc);
	}

	hook_registry_relid = hooks_registry_relid(false);
	rows = hooks_registry_read(set->source_relid);
	foreach(lc, rows)
	{
		HookRow    *row = lfirst(lc);

		if (hook_event_timing(row->event) == timing)
			timing_rows = lappend(timing_rows, row);
	}
	list_sort(timing_rows, hook_row_cmp);

	calls = palloc0(sizeof(HookCall *) * (list_length(timing_rows) + 1));
	foreach(lc, timing_rows)
	{
		HookRow    *row = lfirst(lc);
		HookCall   *call = palloc0(sizeof(HookCall));
		Oid			fn = hooks_function_lookup(row->fn_schema, row->fn_name,
											   row->fn_nargs, set->rowtype);
		HeapTuple	tuple;
		Form_pg_proc proc;

		if (!OidIsValid(fn))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("function %s.%s of the %s hook of table %s does not exist",
							quote_identifier(row->fn_schema),
							quote_identifier(row->fn_name),
							hook_event_names[row->event], set->source_name),
					 errhint("Create the function again, or have a superuser delete the hook from %s.%s.",
							 HOOKS_SCHEMA, HOOKS_REGISTRY)));
		tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
		if (!HeapTupleIsValid(tuple))
			elog(ERROR, "cache lookup failed for function %u", fn);
		proc = (Form_pg_proc) GETSTRUCT(tuple);
		if (timing == HOOK_TIMING_BEFORE && proc->prorettype != set->rowtype)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
					 errmsg("%s hook %s must return type %s",
							hook_event_names[row->event], format_procedure(fn),
							format_type_be(set->rowtype))));
		call->event = row->event;
		call->nargs = row->fn_nargs;
		call->strict = proc->proisstrict;
		ReleaseSysCache(tuple);
		call->proc_hash = GetSysCacheHashValue1(PROCOID, ObjectIdGetDatum(fn));
		call->fn_desc = format_procedure_qualified(fn);
		fmgr_info_cxt(fn, &call->flinfo, cxt);
		calls[ncalls++] = call;
	}

	/* per operation, the events in Rails order, each by priority then name */
	for (int op = 0; op < HOOK_NUM_OPS; op++)
	{
		set->calls[op] = palloc0(sizeof(HookCall *) * (ncalls + 1));
		for (int e = 0; e < HOOK_MAX_EVENTS_PER_OP; e++)
		{
			int			event = hook_op_events[timing][op][e];

			for (int i = 0; i < ncalls && event >= 0; i++)
				if ((int) calls[i]->event == event)
					set->calls[op][set->ncalls[op]++] = calls[i];
		}
	}

	MemoryContextSwitchTo(oldcxt);
	list_free_deep(rows);
	list_free(timing_rows);
	return set;
}

/*
 * The cached hooks of the trigger that fired.
 */
static HookSet *
hooks_lookup(TriggerData *trigdata, HookTiming timing)
{
	Trigger    *tg = trigdata->tg_trigger;
	Oid			relid = RelationGetRelid(trigdata->tg_relation);
	HookCacheEntry *entry;
	HookSet    *set;
	bool		found;

	if (hook_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(HookCacheEntry);
		ctl.hcxt = CacheMemoryContext;
		hook_cache = hash_create("activemodel hook cache", 64, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}

	entry = hash_search(hook_cache, &tg->tgoid, HASH_FIND, NULL);
	if (entry != NULL && entry->firing_relid == relid)
		return entry->set;
	if (entry != NULL)
		hooks_cache_retire(entry);

	/*
	 * Build; if an invalidation arrives meanwhile, what we read may be stale
	 * already, so build again.  After a few tries, use the last build for
	 * this call only.
	 */
	for (int attempt = 0;; attempt++)
	{
		uint64		count = hook_inval_count;

		set = hookset_build(tg, trigdata->tg_relation, timing);
		if (count == hook_inval_count)
			break;
		if (attempt >= 3)
		{
			MemoryContextSetParent(set->cxt, CurrentMemoryContext);
			return set;
		}
		MemoryContextDelete(set->cxt);
	}

	MemoryContextSetParent(set->cxt, CacheMemoryContext);
	entry = hash_search(hook_cache, &tg->tgoid, HASH_ENTER, &found);
	if (found)
		hooks_retire_set(entry->set);
	entry->firing_relid = relid;
	entry->set = set;
	return set;
}

/*
 * A tuple of the firing relation in the layout of the table named by the
 * trigger.
 */
static HeapTuple
hooks_source_tuple(HookSet *set, HeapTuple tuple)
{
	if (set->to_source != NULL)
		return execute_attr_map_tuple(tuple, set->to_source);
	return tuple;
}

/*
 * A row as the composite argument of hooks: an expanded record of the row
 * type of the table named by the trigger over a tuple in its layout,
 * neither copied nor detoasted, as PL/pgSQL makes NEW for a trigger.  It
 * lives in the current (per-row) memory context and is used during the
 * trigger call only, while the tuple it does not own is valid.
 */
static ExpandedRecordHeader *
hooks_row_record(HookSet *set, HeapTuple tuple)
{
	ExpandedRecordHeader *erh;

	erh = make_expanded_record_from_typeid(set->rowtype, -1, CurrentMemoryContext);
	expanded_record_set_tuple(erh, tuple, false, false);
	return erh;
}

/*
 * The row a before hook returned, checked to be of the table's row type: an
 * expanded record (read/write if the hook handed it over, *owned set) or a
 * composite datum.
 */
static Datum
hooks_returned_row(HookSet *set, HookCall *call, Datum result, bool *owned)
{
	Oid			typid;

	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(result)))
	{
		ExpandedRecordHeader *erh = (ExpandedRecordHeader *) DatumGetEOHP(result);

		if (erh->er_magic != ER_MAGIC)
			elog(ERROR, "%s hook %s returned an expanded object that is not a record",
				 hook_event_names[call->event], call->fn_desc);
		typid = erh->er_typeid;
		*owned = VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(result));
	}
	else
	{
		HeapTupleHeader td = DatumGetHeapTupleHeader(result);

		typid = HeapTupleHeaderGetTypeId(td);
		result = PointerGetDatum(td);
		*owned = false;
	}

	if (typid != set->rowtype)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s hook %s returned a row of type %s instead of %s",
						hook_event_names[call->event], call->fn_desc,
						format_type_be(typid), format_type_be(set->rowtype))));
	return result;
}

/*
 * The tuple of a row that hooks_returned_row accepted, as trigger.c takes
 * it from a trigger function (PL/pgSQL's included): the record's own tuple,
 * or the composite datum as a tuple.
 */
static HeapTuple
hooks_row_tuple(Datum row)
{
	HeapTupleHeader td;
	HeapTuple	tuple;

	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(row)))
	{
		tuple = expanded_record_get_tuple((ExpandedRecordHeader *) DatumGetEOHP(row));
		if (tuple == NULL)
			elog(ERROR, "hook returned an empty record");
		return tuple;
	}
	td = DatumGetHeapTupleHeader(row);
	tuple = palloc(sizeof(HeapTupleData));
	tuple->t_len = HeapTupleHeaderGetDatumLength(td);
	ItemPointerSetInvalid(&tuple->t_self);
	tuple->t_tableOid = InvalidOid;
	tuple->t_data = td;
	return tuple;
}

static void
hooks_error_callback(void *arg)
{
	HookErrorContext *ctx = arg;

	if (ctx->call != NULL)
		errcontext("%s hook %s of table %s",
				   hook_event_names[ctx->call->event], ctx->call->fn_desc,
				   ctx->set->source_name);
}

/*
 * Run the hooks of one row.  For the before timing, returns the row to
 * write: the trigger's own tuple if the hooks returned it unchanged, or a
 * new one; NULL when a hook skipped the row.  Otherwise returns NULL.
 *
 * The new row of a create or update goes read/write: a hook may change it
 * in place or take it over (PL/pgSQL does, instead of copying it).  A before
 * hook passes it on to the next as it returns it; an after hook returns
 * nothing, so the next gets a record of its own.  The old row, and the row
 * of a destroy, which is both, go read-only: one record serves every hook.
 *
 * nested: the set's FmgrInfos are in use further up the stack (a hook wrote
 * to the same table), so each call gets a fresh copy, as a trigger fired by
 * a nested statement would.
 */
static HeapTuple
hooks_run(HookSet *set, HookTiming timing, HookOp op,
		  HeapTuple newtuple, HeapTuple oldtuple, bool nested)
{
	HookCall  **calls = set->calls[op];
	int			ncalls = set->ncalls[op];
	ExpandedRecordHeader *new_record;
	HeapTuple	new_source;
	Datum		new_datum;
	bool		new_owned;
	bool		new_passed = false;
	Datum		old_datum = (Datum) 0;
	bool		old_isnull = true;
	ErrorContextCallback errcallback;
	HookErrorContext errctx;
	HeapTuple	result;

	new_record = hooks_row_record(set, hooks_source_tuple(set, newtuple));
	new_source = new_record->fvalue;	/* outlives the record */
	new_datum = ExpandedRecordGetDatum(new_record);
	new_owned = (op != HOOK_OP_DESTROY);
	if (op == HOOK_OP_DESTROY)
	{
		old_datum = ExpandedRecordGetRODatum(new_record);
		old_isnull = false;
	}
	else if (op == HOOK_OP_UPDATE)
	{
		for (int i = 0; i < ncalls && old_isnull; i++)
			if (calls[i]->nargs == 2)
			{
				old_datum = ExpandedRecordGetRODatum(hooks_row_record(set,
																	  hooks_source_tuple(set, oldtuple)));
				old_isnull = false;
			}
	}

	errctx.set = set;
	errctx.call = NULL;
	errcallback.callback = hooks_error_callback;
	errcallback.arg = &errctx;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	for (int i = 0; i < ncalls; i++)
	{
		HookCall   *call = calls[i];
		LOCAL_FCINFO(hookcinfo, 2);
		FmgrInfo	fresh;
		FmgrInfo   *flinfo = &call->flinfo;
		Datum		value;

		/* a STRICT function of (new, old) is not called without an old row */
		if (call->strict && call->nargs == 2 && old_isnull)
			continue;
		if (nested)
		{
			fmgr_info_copy(&fresh, &call->flinfo, CurrentMemoryContext);
			flinfo = &fresh;
		}
		if (new_passed)
			new_datum = ExpandedRecordGetDatum(hooks_row_record(set, new_source));
		InitFunctionCallInfoData(*hookcinfo, flinfo, call->nargs, InvalidOid,
								 NULL, NULL);
		hookcinfo->args[0].value = new_owned ? new_datum :
			MakeExpandedObjectReadOnlyInternal(new_datum);
		hookcinfo->args[0].isnull = false;
		hookcinfo->args[1].value = old_datum;
		hookcinfo->args[1].isnull = old_isnull;

		errctx.call = call;
		current_event = call->event;
		current_op = op;
		value = FunctionCallInvoke(hookcinfo);

		if (timing != HOOK_TIMING_BEFORE)
		{
			/* the hook may have taken the record over */
			new_passed = new_owned;
			continue;
		}
		if (hookcinfo->isnull)
		{
			/* skip the row: no later hook, no write */
			error_context_stack = errcallback.previous;
			return NULL;
		}
		/* a record passed read/write may be gone: only the result counts */
		new_datum = hooks_returned_row(set, call, value, &new_owned);
	}
	error_context_stack = errcallback.previous;

	if (timing != HOOK_TIMING_BEFORE)
		return NULL;
	if (op == HOOK_OP_DESTROY)
		return newtuple;		/* proceed with the delete */

	/*
	 * The row to write, in the firing relation's layout.  The record we made,
	 * handed back still holding its tuple, means the trigger's tuple: no hook
	 * changed the row.
	 */
	result = hooks_row_tuple(new_datum);
	if (result == new_source)
		return newtuple;
	if (set->from_source != NULL)
		result = execute_attr_map_tuple(result, set->from_source);
	return result;
}

/*
 * hooks_run, marking the set busy meanwhile and restoring the state of
 * am.hook_event() after it, even on error.  Not inlined, so that setjmp does
 * not share a frame with the caller's variables.
 */
static pg_noinline HeapTuple
hooks_run_guarded(HookSet *set, HookTiming timing, HookOp op,
				  HeapTuple newtuple, HeapTuple oldtuple)
{
	bool		nested = set->busy;
	int			save_event = current_event;
	int			save_op = current_op;
	HeapTuple	result = NULL;

	set->busy = true;
	PG_TRY();
	{
		result = hooks_run(set, timing, op, newtuple, oldtuple, nested);
	}
	PG_FINALLY();
	{
		set->busy = nested;
		current_event = save_event;
		current_op = save_op;
	}
	PG_END_TRY();
	return result;
}

/*
 * am.hooks_dispatch() returns trigger: the dispatch trigger.  Its argument
 * names the table whose hooks run; the trigger's timing says which: BEFORE,
 * AFTER, or the deferred constraint trigger (the after_*commit events).
 */
Datum
hooks_dispatch(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HookTiming	timing;
	HookOp		op;
	HeapTuple	newtuple;
	HeapTuple	oldtuple;
	HeapTuple	rettuple;
	HookSet    *set;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s must be fired by a trigger", "am.hooks_dispatch()")));
	if (!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_INSTEAD(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s must be fired BEFORE or AFTER ROW", "am.hooks_dispatch()")));

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		op = HOOK_OP_CREATE;
		newtuple = rettuple = trigdata->tg_trigtuple;
		oldtuple = NULL;
	}
	else if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		op = HOOK_OP_UPDATE;
		newtuple = rettuple = trigdata->tg_newtuple;
		oldtuple = trigdata->tg_trigtuple;
	}
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		op = HOOK_OP_DESTROY;
		newtuple = oldtuple = rettuple = trigdata->tg_trigtuple;
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s must be fired for INSERT, UPDATE or DELETE",
						"am.hooks_dispatch()")));

	if (TRIGGER_FIRED_BEFORE(trigdata->tg_event))
	{
		timing = HOOK_TIMING_BEFORE;
		/* AFTER triggers decide in their WHEN clause, when the row is written */
		if (!hooks_enabled)
			return PointerGetDatum(rettuple);
	}
	else
	{
		timing = trigdata->tg_trigger->tgdeferrable ?
			HOOK_TIMING_COMMIT : HOOK_TIMING_AFTER;
		rettuple = NULL;
	}

	set = hooks_lookup(trigdata, timing);
	if (set->ncalls[op] == 0)
		return PointerGetDatum(rettuple);

	return PointerGetDatum(hooks_run_guarded(set, timing, op, newtuple, oldtuple));
}

/*
 * am.hooks_enabled() returns boolean: the activemodel.hooks setting; the
 * WHEN clause of the AFTER dispatch triggers.
 */
Datum
hooks_enabled_fn(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(hooks_enabled);
}

/*
 * am.hook_event() returns text: the event of the hook running now, NULL
 * outside hooks.
 */
Datum
hook_event(PG_FUNCTION_ARGS)
{
	if (current_event < 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(hook_event_names[current_event]));
}

/*
 * am.hook_operation() returns text: the write that fired the hook running
 * now (create, update or destroy), NULL outside hooks.
 */
Datum
hook_operation(PG_FUNCTION_ARGS)
{
	if (current_op < 0)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(hook_op_names[current_op]));
}

/*
 * Called from _PG_init: the activemodel.hooks setting and the callbacks
 * that keep the cache current.
 */
void
hooks_init(void)
{
	DefineCustomBoolVariable(ACTIVEMODEL_GUC_PREFIX ".hooks",
							 "Runs the lifecycle hooks registered with am.add_hook.",
							 "When off, rows are written without running their hooks; "
							 "after and commit hooks are skipped for the rows written while off.",
							 &hooks_enabled,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	CacheRegisterRelcacheCallback(hooks_relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(PROCOID, hooks_proc_callback, (Datum) 0);
	RegisterXactCallback(hooks_xact_callback, NULL);
	hooks_registry_init();
}
