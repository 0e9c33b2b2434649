/*-------------------------------------------------------------------------
 *
 * hooks_dispatch.c
 *	  Lifecycle hooks: the dispatch trigger am.hooks_dispatch(), its
 *	  per-backend cache of hooks, and the activemodel.hooks setting.
 *
 * A table with hooks has up to three dispatch triggers (see hooks.h), all
 * running am.hooks_dispatch(name) where name is the table's qualified name.
 *
 * Whose hooks run.  A trigger runs the hooks of the table it belongs to,
 * found by identity, never by a name alone (anyone with CREATE on a schema
 * could create a table under a freed name): the trigger on a table itself
 * runs that table's hooks and its argument must name that very table; the
 * clone of the trigger on a partition runs the hooks of the partitioned
 * table it names, which must be one of the partition's ancestors
 * (pg_partition_ancestors); a copy of the trigger on a Citus shard runs the
 * hooks of the distributed table it names only if Citus' own metadata
 * (pg_catalog.pg_dist_shard, which only a superuser can create) says the
 * relation is a shard of it.  Anything else fails closed with an error:
 * a trigger whose table was renamed while the event triggers were off, a
 * trigger copied by hand onto another table.
 *
 * The cache.  The hooks of a table and timing are read once per backend
 * into a HookSet (the functions in order, with their FmgrInfo), shared by
 * the table's trigger and the clones on all its partitions; each trigger
 * (by OID) has a small HookBinding to its set, holding the tuple conversion
 * maps where a partition's column layout differs from the table's.  A set
 * is dropped when a relcache invalidation arrives for its table (am.add_hook
 * and am.remove_hook send one at commit) or a pg_proc invalidation for one
 * of its functions; a binding with its set, or when one arrives for the
 * relation it fires on; everything by one for am.hook_registry, which its
 * statement trigger sends when the registry is changed by other means.  A
 * dropped set may still be running hooks further up the stack, so its
 * memory is kept until the end of the transaction.
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
#include "catalog/pg_namespace.h"
#include "catalog/pg_proc.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "executor/spi.h"
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

typedef struct HookSetKey
{
	Oid			source_relid;	/* the hooked table */
	HookTiming	timing;
} HookSetKey;

/* the hooks of one table run by its dispatch trigger of one timing */
typedef struct HookSet
{
	HookSetKey	key;
	MemoryContext cxt;
	char	   *source_name;
	Oid			rowtype;		/* the table's row type: the hooks' argument */
	TupleDesc	source_desc;
	int			ncalls[HOOK_NUM_OPS];
	HookCall  **calls[HOOK_NUM_OPS];	/* in firing order */
	bool		busy;			/* its FmgrInfos are in use up the stack */
	bool		retired;		/* no longer in the cache */
} HookSet;

typedef struct HookSetEntry
{
	HookSetKey	key;			/* hash key */
	HookSet    *set;
} HookSetEntry;

/* one dispatch trigger (or clone) and the set it runs */
typedef struct HookBinding
{
	Oid			tgoid;			/* hash key: the trigger */
	Oid			firing_relid;	/* the relation it fires on */
	HookSet    *set;
	MemoryContext cxt;			/* of the maps, NULL without maps */
	/* firing relation <-> hooked table, NULL when the layouts are the same */
	TupleConversionMap *to_source;
	TupleConversionMap *from_source;
} HookBinding;

static HTAB *hook_sets = NULL;
static HTAB *hook_bindings = NULL;

/* parent of the memory dropped from the cache, emptied at transaction end */
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
 * Keep memory that left the cache until the end of the transaction.
 */
static void
hooks_retire_context(MemoryContext cxt)
{
	if (cxt == NULL)
		return;
	if (hook_graveyard == NULL)
		hook_graveyard = AllocSetContextCreate(TopMemoryContext,
											   "activemodel retired hooks",
											   ALLOCSET_SMALL_SIZES);
	MemoryContextSetParent(cxt, hook_graveyard);
}

static void
hooks_retire_set(HookSet *set)
{
	if (hash_search(hook_sets, &set->key, HASH_REMOVE, NULL) == NULL)
		elog(ERROR, "hook cache corrupted");
	set->retired = true;
	hooks_retire_context(set->cxt);
}

static void
hooks_remove_binding(HookBinding *binding)
{
	hooks_retire_context(binding->cxt);
	if (hash_search(hook_bindings, &binding->tgoid, HASH_REMOVE, NULL) == NULL)
		elog(ERROR, "hook cache corrupted");
}

/*
 * Drop the bindings to retired sets, and those firing on relid (all for
 * InvalidOid).
 */
static void
hooks_prune_bindings(Oid relid, bool all)
{
	HASH_SEQ_STATUS status;
	HookBinding *binding;

	if (hook_bindings == NULL)
		return;
	hash_seq_init(&status, hook_bindings);
	while ((binding = hash_seq_search(&status)) != NULL)
	{
		if (all || binding->set->retired || binding->firing_relid == relid)
			hooks_remove_binding(binding);
	}
}

/*
 * Relcache invalidation: drop the sets of relid and the bindings firing on
 * it; everything for InvalidOid, or for the registry itself (sent by its
 * statement trigger when it is changed other than by am.add_hook and
 * am.remove_hook, e.g. by a superuser or a data-only restore).
 */
static void
hooks_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	HookSetEntry *entry;
	bool		all = !OidIsValid(relid) || relid == hook_registry_relid;

	hook_inval_count++;
	if (hook_sets == NULL)
		return;
	hash_seq_init(&status, hook_sets);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		if (all || entry->key.source_relid == relid)
			hooks_retire_set(entry->set);
	}
	hooks_prune_bindings(relid, all);
}

/*
 * pg_proc invalidation: drop the sets calling that function (all for
 * hashvalue 0), so that ALTER FUNCTION, CREATE OR REPLACE and renames take
 * effect.
 */
static void
hooks_proc_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	HASH_SEQ_STATUS status;
	HookSetEntry *entry;

	hook_inval_count++;
	if (hook_sets == NULL)
		return;
	hash_seq_init(&status, hook_sets);
	while ((entry = hash_seq_search(&status)) != NULL)
	{
		HookSet    *set = entry->set;
		bool		hit = (hashvalue == 0);

		for (int op = 0; op < HOOK_NUM_OPS && !hit; op++)
			for (int i = 0; i < set->ncalls[op] && !hit; i++)
				hit = set->calls[op][i]->proc_hash == hashvalue;
		if (hit)
			hooks_retire_set(set);
	}
	hooks_prune_bindings(InvalidOid, false);
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
 * Whether rel is a shard of the distributed table source according to
 * Citus' metadata: pg_catalog.pg_dist_shard has a shard of source whose
 * name is rel's (Citus names a shard "<table>_<shardid>", in the table's
 * schema).  False where Citus is not installed.
 */
static bool
hooks_is_citus_shard(Relation rel, Oid source)
{
	const char *relname = RelationGetRelationName(rel);
	char	   *source_name = get_rel_name(source);
	size_t		len;
	char	   *end;
	int64		shardid;
	Oid			argtypes[2] = {OIDOID, INT8OID};
	Datum		args[2];
	bool		result;

	if (!OidIsValid(get_relname_relid("pg_dist_shard", PG_CATALOG_NAMESPACE)) ||
		source_name == NULL ||
		get_rel_namespace(source) != RelationGetNamespace(rel))
		return false;
	len = strlen(source_name);
	if (strncmp(relname, source_name, len) != 0 || relname[len] != '_' ||
		!isdigit((unsigned char) relname[len + 1]))
		return false;
	errno = 0;
	shardid = strtoi64(relname + len + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;

	args[0] = ObjectIdGetDatum(source);
	args[1] = Int64GetDatum(shardid);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT FROM pg_catalog.pg_dist_shard"
							  " WHERE logicalrelid OPERATOR(pg_catalog.=) $1"
							  " AND shardid OPERATOR(pg_catalog.=) $2",
							  2, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_catalog.pg_dist_shard");
	result = SPI_processed > 0;
	SPI_finish();
	return result;
}

/*
 * The table whose hooks trigger tg on rel runs, by identity (see the file
 * header); an error for a trigger that is not verifiably that table's.
 */
static Oid
hooks_trigger_source(Trigger *tg, Relation rel)
{
	Oid			relid = RelationGetRelid(rel);
	Oid			named;

	if (tg->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on table \"%s\" must pass one argument to %s",
						tg->tgname, RelationGetRelationName(rel), "am.hooks_dispatch()"),
				 errdetail("The argument is the qualified name of the table whose hooks run.")));
	named = RangeVarGetRelid(makeRangeVarFromNameList(stringToQualifiedNameList(tg->tgargs[0])),
							 NoLock, true);

	if (!tg->tgisclone)
	{
		if (named == relid)
			return relid;
		if (OidIsValid(named) && hooks_is_citus_shard(rel, named))
			return named;
	}
	else if (OidIsValid(named) && rel->rd_rel->relispartition &&
			 list_member_oid(get_partition_ancestors(relid), named))
		return named;

	if (!OidIsValid(named))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table %s named by trigger \"%s\" on table \"%s\" does not exist",
						tg->tgargs[0], tg->tgname, RelationGetRelationName(rel)),
				 errdetail("The table was renamed while the extension's event triggers were not running."),
				 errhint("Have the owner of table \"%s\" call am.remove_hook or am.add_hook, which gives the trigger the table's current name.",
						 RelationGetRelationName(rel))));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("trigger \"%s\" on table \"%s\" cannot run the hooks of table %s",
					tg->tgname, RelationGetRelationName(rel), tg->tgargs[0]),
			 errdetail("A dispatch trigger runs the hooks of its own table, or of the partitioned table of which its table is a partition."),
			 errhint("Add the hooks to table \"%s\" with am.add_hook.",
					 RelationGetRelationName(rel))));
	pg_unreachable();
}

/*
 * The hooks of table source_relid that run at timing, freshly read from
 * the registry.  The set's memory is a child of CacheMemoryContext once
 * complete, so an error on the way leaks nothing.
 */
static HookSet *
hookset_build(Oid source_relid, HookTiming timing)
{
	MemoryContext cxt;
	MemoryContext oldcxt;
	HookSet    *set;
	List	   *rows;
	List	   *timing_rows = NIL;
	ListCell   *lc;
	HookCall  **calls;
	int			ncalls = 0;

	cxt = AllocSetContextCreate(CurrentMemoryContext, "activemodel hooks",
								ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	set = palloc0(sizeof(HookSet));
	set->cxt = cxt;
	set->key.source_relid = source_relid;
	set->key.timing = timing;
	set->source_name = hooks_table_name(source_relid);
	if (set->source_name == NULL)
		elog(ERROR, "cache lookup failed for relation %u", source_relid);
	set->rowtype = get_rel_type_id(source_relid);
	set->source_desc = lookup_rowtype_tupdesc_copy(set->rowtype, -1);

	hook_registry_relid = hooks_registry_relid(false);
	rows = hooks_registry_read(source_relid);
	foreach(lc, rows)
	{
		HookRow    *row = lfirst(lc);

		if (hooks_event_timing(row->event) == timing)
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
							hooks_event_names[row->event], set->source_name),
					 errhint("Create the function again, or have a superuser delete the hook from %s.%s.",
							 AM_SCHEMA, HOOKS_REGISTRY)));
		tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
		if (!HeapTupleIsValid(tuple))
			elog(ERROR, "cache lookup failed for function %u", fn);
		proc = (Form_pg_proc) GETSTRUCT(tuple);
		if (timing == HOOK_TIMING_BEFORE && proc->prorettype != set->rowtype)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
					 errmsg("%s hook %s must return type %s",
							hooks_event_names[row->event], format_procedure(fn),
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
			int			event = hooks_op_events[timing][op][e];

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
 * The cached hooks of table source_relid at timing: from the cache, or
 * built.  If an invalidation arrives during the build, what was read may be
 * stale already, so build again; after a few tries, the last build serves
 * this call only (*cached false), in the current memory context.
 */
static HookSet *
hooks_lookup_set(Oid source_relid, HookTiming timing, bool *cached)
{
	HookSetKey	key;
	HookSetEntry *entry;
	HookSet    *set;
	bool		found;

	memset(&key, 0, sizeof(key));
	key.source_relid = source_relid;
	key.timing = timing;
	entry = hash_search(hook_sets, &key, HASH_FIND, NULL);
	*cached = true;
	if (entry != NULL)
		return entry->set;

	for (int attempt = 0;; attempt++)
	{
		uint64		count = hook_inval_count;

		set = hookset_build(source_relid, timing);
		if (count == hook_inval_count)
			break;
		if (attempt >= 3)
		{
			*cached = false;
			return set;
		}
		MemoryContextDelete(set->cxt);
	}
	MemoryContextSetParent(set->cxt, CacheMemoryContext);
	entry = hash_search(hook_sets, &key, HASH_ENTER, &found);
	Assert(!found);
	entry->set = set;
	return set;
}

/*
 * The hooks to run for the trigger that fired: its binding, from the cache
 * or made (with the identity check of hooks_trigger_source).
 */
static HookBinding *
hooks_lookup(TriggerData *trigdata, HookTiming timing)
{
	Trigger    *tg = trigdata->tg_trigger;
	Relation	rel = trigdata->tg_relation;
	Oid			relid = RelationGetRelid(rel);
	HookBinding *binding;
	HookBinding local;
	HookSet    *set;
	Oid			source_relid;
	bool		cached;
	bool		found;

	if (hook_sets == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(HookSetKey);
		ctl.entrysize = sizeof(HookSetEntry);
		ctl.hcxt = CacheMemoryContext;
		hook_sets = hash_create("activemodel hook sets", 64, &ctl,
								HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(HookBinding);
		hook_bindings = hash_create("activemodel hook bindings", 64, &ctl,
									HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}

	binding = hash_search(hook_bindings, &tg->tgoid, HASH_FIND, NULL);
	if (binding != NULL && binding->firing_relid == relid && !binding->set->retired)
		return binding;
	if (binding != NULL)
		hooks_remove_binding(binding);

	source_relid = hooks_trigger_source(tg, rel);
	set = hooks_lookup_set(source_relid, timing, &cached);

	memset(&local, 0, sizeof(local));
	local.tgoid = tg->tgoid;
	local.firing_relid = relid;
	local.set = set;
	if (source_relid != relid)
	{
		MemoryContext cxt = AllocSetContextCreate(cached ? CacheMemoryContext : CurrentMemoryContext,
												  "activemodel hook maps",
												  ALLOCSET_SMALL_SIZES);
		MemoryContext oldcxt = MemoryContextSwitchTo(cxt);
		TupleDesc	firing_desc = CreateTupleDescCopy(RelationGetDescr(rel));

		local.to_source = convert_tuples_by_name(firing_desc, set->source_desc);
		local.from_source = convert_tuples_by_name(set->source_desc, firing_desc);
		MemoryContextSwitchTo(oldcxt);
		if (local.to_source == NULL && local.from_source == NULL)
			MemoryContextDelete(cxt);
		else
			local.cxt = cxt;
	}
	if (!cached)
	{
		binding = palloc(sizeof(HookBinding));
		*binding = local;
		return binding;
	}
	binding = hash_search(hook_bindings, &tg->tgoid, HASH_ENTER, &found);
	Assert(!found);
	*binding = local;
	return binding;
}

/*
 * A tuple of the firing relation in the layout of the hooked table.  A row
 * of a partition written before a column was added has fewer attributes
 * than the partition, whose descriptor has the added columns' defaults
 * (attmissingval); the table's row type has none, so the row is completed
 * first with the partition's descriptor.
 */
static HeapTuple
hooks_source_tuple(HookBinding *binding, Relation rel, HeapTuple tuple)
{
	if (binding->set->key.source_relid == RelationGetRelid(rel))
		return tuple;
	if (HeapTupleHeaderGetNatts(tuple->t_data) < RelationGetDescr(rel)->natts)
		tuple = heap_expand_tuple(tuple, RelationGetDescr(rel));
	if (binding->to_source != NULL)
		tuple = execute_attr_map_tuple(tuple, binding->to_source);
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
				 hooks_event_names[call->event], call->fn_desc);
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
						hooks_event_names[call->event], call->fn_desc,
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
				   hooks_event_names[ctx->call->event], ctx->call->fn_desc,
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
hooks_run(HookBinding *binding, Relation rel, HookTiming timing, HookOp op,
		  HeapTuple newtuple, HeapTuple oldtuple, bool nested)
{
	HookSet    *set = binding->set;
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

	new_record = hooks_row_record(set, hooks_source_tuple(binding, rel, newtuple));
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
																	  hooks_source_tuple(binding, rel, oldtuple)));
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
	if (binding->from_source != NULL)
		result = execute_attr_map_tuple(result, binding->from_source);
	return result;
}

/*
 * hooks_run, marking the set busy meanwhile and restoring the state of
 * am.hook_event() after it, even on error.  Not inlined, so that setjmp does
 * not share a frame with the caller's variables.
 */
static pg_noinline HeapTuple
hooks_run_guarded(HookBinding *binding, Relation rel, HookTiming timing, HookOp op,
				  HeapTuple newtuple, HeapTuple oldtuple)
{
	HookSet    *set = binding->set;
	bool		nested = set->busy;
	int			save_event = current_event;
	int			save_op = current_op;
	HeapTuple	result = NULL;

	set->busy = true;
	PG_TRY();
	{
		result = hooks_run(binding, rel, timing, op, newtuple, oldtuple, nested);
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
	HookBinding *binding;

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

	binding = hooks_lookup(trigdata, timing);
	if (binding->set->ncalls[op] == 0)
		return PointerGetDatum(rettuple);

	return PointerGetDatum(hooks_run_guarded(binding, trigdata->tg_relation, timing, op,
											 newtuple, oldtuple));
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
	PG_RETURN_TEXT_P(cstring_to_text(hooks_event_names[current_event]));
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
	PG_RETURN_TEXT_P(cstring_to_text(hooks_op_names[current_op]));
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
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	CacheRegisterRelcacheCallback(hooks_relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(PROCOID, hooks_proc_callback, (Datum) 0);
	RegisterXactCallback(hooks_xact_callback, NULL);
	hooks_ddl_init();
}
