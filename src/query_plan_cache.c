/*-------------------------------------------------------------------------
 *
 * query_plan_cache.c
 *	  Per-backend cache of the helpers' prepared plans.
 *
 * A plan is kept (SPI_keepplan) under a key made of the model's OID, the
 * parameter types and the SQL text, which is the shape of the conditions
 * and options: values are parameters and never part of it.  Statements
 * with a long "in" list are kept apart and always use a generic plan.  The plan
 * cache of the server replans a kept plan when its tables change; this
 * cache drops its entries on a relcache invalidation of any relation the
 * statement reads (the model and the related tables) (ALTER TABLE, DROP, new index), so that no plan outlives
 * the columns its SQL was compiled from.
 *
 * An invalidation can arrive while a plan runs (locks are taken at
 * executor start), so the callback only unlinks entries; an unlinked entry
 * is freed at the next acquire once no execution holds it.
 *
 * IDENTIFICATION
 *	  src/query_plan_cache.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/ilist.h"
#include "nodes/parsenodes.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"

#include "query.h"

/* at most this many plans are kept; more drops the unused ones */
#define QUERY_PLAN_CACHE_SIZE 1000

typedef struct PlanEntry
{
	char	   *key;
	Oid		   *relids;			/* the relations the statement reads */
	int			nrelids;
	SPIPlanPtr	plan;
	int			refcount;		/* executions using the plan now */
	bool		linked;			/* still in the hash table */
	dlist_node	dead_node;		/* in dead_plans when unlinked */
} PlanEntry;

typedef struct PlanHashEntry
{
	char	   *key;			/* hash key: points to entry->key */
	PlanEntry  *entry;
} PlanHashEntry;

static HTAB *plan_hash = NULL;
static MemoryContext plan_cxt = NULL;
static dlist_head dead_plans = DLIST_STATIC_INIT(dead_plans);

static uint32
plan_key_hash(const void *key, Size keysize)
{
	const char *s = *(char *const *) key;

	return hash_bytes((const unsigned char *) s, strlen(s));
}

static int
plan_key_match(const void *key1, const void *key2, Size keysize)
{
	return strcmp(*(char *const *) key1, *(char *const *) key2);
}

/* take an entry out of the hash table; it is freed when unused */
static void
unlink_entry(PlanEntry *entry)
{
	bool		found;

	hash_search(plan_hash, &entry->key, HASH_REMOVE, &found);
	Assert(found);
	entry->linked = false;
	dlist_push_tail(&dead_plans, &entry->dead_node);
}

/*
 * Relcache invalidation: drop the plans of that relation, or all plans
 * when relid is InvalidOid.
 */
static void
plan_cache_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	PlanHashEntry *he;

	if (plan_hash == NULL)
		return;
	hash_seq_init(&status, plan_hash);
	while ((he = hash_seq_search(&status)) != NULL)
	{
		PlanEntry  *entry = he->entry;
		int			i;

		for (i = 0; i < entry->nrelids; i++)
		{
			if (!OidIsValid(relid) || entry->relids[i] == relid)
			{
				unlink_entry(entry);
				break;
			}
		}
	}
}

/* free the unlinked entries that no execution holds */
static void
free_dead_entries(void)
{
	dlist_mutable_iter iter;

	dlist_foreach_modify(iter, &dead_plans)
	{
		PlanEntry  *entry = dlist_container(PlanEntry, dead_node, iter.cur);

		if (entry->refcount > 0)
			continue;
		dlist_delete(&entry->dead_node);
		SPI_freeplan(entry->plan);
		pfree(entry->key);
		pfree(entry->relids);
		pfree(entry);
	}
}

static void
plan_cache_init(void)
{
	HASHCTL		ctl;

	plan_cxt = AllocSetContextCreate(TopMemoryContext,
									 "activemodel helper plans",
									 ALLOCSET_SMALL_SIZES);
	ctl.keysize = sizeof(char *);
	ctl.entrysize = sizeof(PlanHashEntry);
	ctl.hash = plan_key_hash;
	ctl.match = plan_key_match;
	ctl.hcxt = plan_cxt;
	plan_hash = hash_create("activemodel helper plans", 64, &ctl,
							HASH_ELEM | HASH_FUNCTION | HASH_COMPARE |
							HASH_CONTEXT);
	CacheRegisterRelcacheCallback(plan_cache_relcache_callback, (Datum) 0);
}

/*
 * The kept plan for the builder's statement, prepared on first use.  The
 * caller runs it, then calls query_plan_release(*handle), also on error.
 */
SPIPlanPtr
query_plan_acquire(QueryBuilder *qb, void **handle)
{
	StringInfoData key;
	PlanHashEntry *he;
	PlanEntry  *entry;
	char	   *keyptr;
	bool		found;
	int			i;

	if (plan_hash == NULL)
		plan_cache_init();
	free_dead_entries();

	initStringInfo(&key);
	appendStringInfo(&key, "%u%s:", linitial_oid(qb->relids),
					 qb->generic_plan ? "g" : "");
	for (i = 0; i < qb->nparams; i++)
		appendStringInfo(&key, "%u,", qb->paramtypes[i]);
	appendStringInfo(&key, "|%s", qb->sql.data);
	keyptr = key.data;

	he = hash_search(plan_hash, &keyptr, HASH_FIND, NULL);
	if (he == NULL)
	{
		SPIPlanPtr	plan;

		if (hash_get_num_entries(plan_hash) >= QUERY_PLAN_CACHE_SIZE)
		{
			HASH_SEQ_STATUS status;
			PlanHashEntry *old;

			hash_seq_init(&status, plan_hash);
			while ((old = hash_seq_search(&status)) != NULL)
				unlink_entry(old->entry);
			free_dead_entries();
		}

		plan = SPI_prepare_cursor(qb->sql.data, qb->nparams, qb->paramtypes,
								  CURSOR_OPT_PARALLEL_OK |
								  (qb->generic_plan ? CURSOR_OPT_GENERIC_PLAN : 0));
		if (plan == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s",
				 qb->sql.data, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "SPI_keepplan failed");

		entry = MemoryContextAllocZero(plan_cxt, sizeof(PlanEntry));
		entry->key = MemoryContextStrdup(plan_cxt, key.data);
		entry->nrelids = list_length(qb->relids);
		entry->relids = MemoryContextAlloc(plan_cxt, sizeof(Oid) * entry->nrelids);
		i = 0;
		{
			ListCell   *lc;

			foreach(lc, qb->relids)
				entry->relids[i++] = lfirst_oid(lc);
		}
		entry->plan = plan;
		entry->linked = true;
		he = hash_search(plan_hash, &entry->key, HASH_ENTER, &found);
		Assert(!found);
		he->key = entry->key;
		he->entry = entry;
	}
	entry = he->entry;
	entry->refcount++;
	*handle = entry;
	pfree(key.data);
	return entry->plan;
}

void
query_plan_release(void *handle)
{
	PlanEntry  *entry = (PlanEntry *) handle;

	Assert(entry->refcount > 0);
	entry->refcount--;
}
