/*-------------------------------------------------------------------------
 *
 * query_relations.c
 *	  Relations of a model, found from foreign keys with no declarations.
 *
 * - belongs-to: a single-column foreign key of this table, named after its
 *   column without an "_id" suffix (author_id or author -> "author");
 * - has-many: a single-column foreign key of another table that points
 *   here, named after that table ("comments");
 * - many-to-many: a junction table whose only foreign keys (two, single
 *   column, both part of its primary key) point here and to one other
 *   table, named after that other table ("tags" through post_tags), as
 *   Rails' has_many :through and PostgREST's junction rule.
 *
 * The relations are read from pg_constraint when a key, order or column
 * names one; a statement that uses none never reads them.  They are kept
 * per backend, and forgotten on any change of pg_constraint or any relcache
 * invalidation (a table renamed, dropped or altered).  Two relations of one
 * name are ambiguous (42702).
 *
 * IDENTIFICATION
 *	  src/query_relations.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "query.h"

/* a single-column foreign key */
typedef struct ForeignKey
{
	Oid			conoid;
	char	   *conname;
	Oid			conrelid;		/* referencing table */
	Oid			confrelid;		/* referenced table */
	AttrNumber	conkey;			/* referencing column */
	AttrNumber	confkey;		/* referenced column */
	Oid			pfeqop;			/* referenced = referencing */
	int			nkeys;			/* columns of the key (only 1 is used) */
} ForeignKey;

/* a primary key, to tell junction tables */
typedef struct PrimaryKeyColumns
{
	Oid			conrelid;
	int			nkeys;
	int16	   *keys;
} PrimaryKeyColumns;

/*
 * Every foreign key of the database, and (in *pkeys) every primary key.
 */
/* the elements of an int2[] or oid[] column of a pg_constraint row */
static Datum *
constraint_array(HeapTuple tup, TupleDesc desc, AttrNumber attnum,
				 Oid elemtype, int *n)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, attnum, desc, &isnull);
	Datum	   *elems;

	if (isnull)
	{
		*n = 0;
		return NULL;
	}
	if (elemtype == INT2OID)
		deconstruct_array(DatumGetArrayTypeP(d), INT2OID, sizeof(int16), true,
						  TYPALIGN_SHORT, &elems, NULL, n);
	else
		deconstruct_array(DatumGetArrayTypeP(d), OIDOID, sizeof(Oid), true,
						  TYPALIGN_INT, &elems, NULL, n);
	return elems;
}

static List *
read_foreign_keys(List **pkeys)
{
	Relation	conrel = table_open(ConstraintRelationId, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(conrel);
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *result = NIL;

	scan = systable_beginscan(conrel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		ForeignKey *fk;
		Datum	   *elems;
		int			n;
		int			i;

		if (con->contype == CONSTRAINT_PRIMARY)
		{
			PrimaryKeyColumns *pk = palloc0(sizeof(PrimaryKeyColumns));

			elems = constraint_array(tup, desc, Anum_pg_constraint_conkey, INT2OID, &n);
			pk->conrelid = con->conrelid;
			pk->nkeys = n;
			pk->keys = palloc(sizeof(int16) * Max(n, 1));
			for (i = 0; i < n; i++)
				pk->keys[i] = DatumGetInt16(elems[i]);
			*pkeys = lappend(*pkeys, pk);
			continue;
		}
		if (con->contype != CONSTRAINT_FOREIGN)
			continue;
		fk = palloc0(sizeof(ForeignKey));
		fk->conoid = con->oid;
		fk->conname = pstrdup(NameStr(con->conname));
		fk->conrelid = con->conrelid;
		fk->confrelid = con->confrelid;

		elems = constraint_array(tup, desc, Anum_pg_constraint_conkey, INT2OID, &n);
		fk->nkeys = n;
		if (n < 1)
			continue;
		fk->conkey = DatumGetInt16(elems[0]);
		elems = constraint_array(tup, desc, Anum_pg_constraint_confkey, INT2OID, &n);
		if (n < 1)
			continue;
		fk->confkey = DatumGetInt16(elems[0]);
		elems = constraint_array(tup, desc, Anum_pg_constraint_conpfeqop, OIDOID, &n);
		if (n < 1)
			continue;
		fk->pfeqop = DatumGetObjectId(elems[0]);
		result = lappend(result, fk);
	}
	systable_endscan(scan);
	table_close(conrel, AccessShareLock);
	return result;
}

/* is attnum a column of the primary key of relid? */
static bool
in_primary_key(List *pkeys, Oid relid, AttrNumber attnum)
{
	ListCell   *lc;

	foreach(lc, pkeys)
	{
		PrimaryKeyColumns *pk = lfirst(lc);
		int			i;

		if (pk->conrelid != relid)
			continue;
		for (i = 0; i < pk->nkeys; i++)
			if (pk->keys[i] == attnum)
				return true;
	}
	return false;
}

/* belongs-to name of a foreign-key column: author_id -> author */
static char *
belongs_to_name(Oid relid, AttrNumber attnum)
{
	char	   *col = get_attname(relid, attnum, false);
	int			len = strlen(col);

	if (len > 3 && strcmp(col + len - 3, "_id") == 0)
		col[len - 3] = '\0';
	return col;
}

/*
 * All relations of the table relid, from the catalog.
 */
static List *
build_relations(Oid relid)
{
	List	   *pkeys = NIL;
	List	   *fks = read_foreign_keys(&pkeys);
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, fks)
	{
		ForeignKey *fk = lfirst(lc);
		QueryRelation *r;

		if (fk->nkeys != 1)
			continue;

		/* belongs-to: our column references another table's key */
		if (fk->conrelid == relid)
		{
			r = palloc0(sizeof(QueryRelation));
			r->kind = QUERY_BELONGS_TO;
			r->name = belongs_to_name(relid, fk->conkey);
			r->conname = fk->conname;
			r->target = fk->confrelid;
			r->local_attnum = fk->conkey;
			r->target_attnum = fk->confkey;
			r->eqop = fk->pfeqop;
			result = lappend(result, r);
		}

		/* has-many, and many-to-many when the referencing table is a junction */
		if (fk->confrelid == relid)
		{
			ListCell   *lc2;
			ForeignKey *other = NULL;
			int			nfks = 0;

			r = palloc0(sizeof(QueryRelation));
			r->kind = QUERY_HAS_MANY;
			r->name = get_rel_name(fk->conrelid);
			r->conname = fk->conname;
			r->target = fk->conrelid;
			r->local_attnum = fk->confkey;
			r->target_attnum = fk->conkey;
			r->eqop = fk->pfeqop;
			result = lappend(result, r);

			foreach(lc2, fks)
			{
				ForeignKey *fk2 = lfirst(lc2);

				if (fk2->conrelid != fk->conrelid)
					continue;
				nfks++;
				if (fk2 != fk)
					other = fk2;
			}
			if (nfks == 2 && other != NULL && other->nkeys == 1 &&
				other->confrelid != relid && other->confrelid != fk->conrelid &&
				in_primary_key(pkeys, fk->conrelid, fk->conkey) &&
				in_primary_key(pkeys, fk->conrelid, other->conkey))
			{
				r = palloc0(sizeof(QueryRelation));
				r->kind = QUERY_MANY_TO_MANY;
				r->name = get_rel_name(other->confrelid);
				r->conname = psprintf("%s, %s", fk->conname, other->conname);
				r->target = other->confrelid;
				r->local_attnum = fk->confkey;
				r->target_attnum = other->confkey;
				r->eqop = fk->pfeqop;
				r->junction = fk->conrelid;
				r->junction_local_attnum = fk->conkey;
				r->junction_target_attnum = other->conkey;
				r->junction_eqop = other->pfeqop;
				result = lappend(result, r);
			}
		}
	}
	return result;
}

/* the relation names of a table, for hints */
char *
query_relation_names(List *relations)
{
	StringInfoData s;
	ListCell   *lc;

	initStringInfo(&s);
	foreach(lc, relations)
	{
		QueryRelation *r = lfirst(lc);
		ListCell   *prev;
		bool		seen = false;

		foreach(prev, relations)
		{
			if (prev == lc)
				break;
			if (strcmp(((QueryRelation *) lfirst(prev))->name, r->name) == 0)
				seen = true;
		}
		if (!seen)
			appendStringInfo(&s, "%s%s", s.len ? ", " : "", r->name);
	}
	return s.len ? s.data : NULL;
}

/*
 * The relation of rel called name, or NULL; 42702 when several are.
 */
QueryRelation *
query_find_relation(Relation rel, List *relations, const char *name)
{
	QueryRelation *found = NULL;
	ListCell   *lc;
	StringInfoData all;

	foreach(lc, relations)
	{
		QueryRelation *r = lfirst(lc);

		if (strcmp(r->name, name) == 0)
		{
			if (found == NULL)
				found = r;
			else
			{
				ListCell   *lc2;

				initStringInfo(&all);
				foreach(lc2, relations)
				{
					QueryRelation *r2 = lfirst(lc2);

					if (strcmp(r2->name, name) == 0)
						appendStringInfo(&all, "%s%s", all.len ? "; " : "",
										 r2->conname);
				}
				ereport(ERROR,
						(errcode(ERRCODE_AMBIGUOUS_COLUMN),
						 errmsg("relation \"%s\" of \"%s\" is ambiguous",
								name, RelationGetRelationName(rel)),
						 errdetail("The foreign keys that give it are: %s.", all.data)));
			}
		}
	}
	return found;
}

/* relations per table, kept across statements */
typedef struct RelationsEntry
{
	Oid			relid;			/* hash key */
	List	   *relations;		/* of QueryRelation, in relations_cxt */
} RelationsEntry;

static MemoryContext relations_cxt = NULL;
static HTAB *relations_cache = NULL;
static bool relations_reset_pending = false;

/*
 * Invalidation: forget everything at the next lookup (an invalidation may
 * arrive while a lookup is reading the catalog, so nothing is freed here).
 */
static void
relations_relcache_callback(Datum arg, Oid relid)
{
	relations_reset_pending = true;
}

static void
relations_syscache_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	relations_reset_pending = true;
}

static List *
copy_relations(List *relations)
{
	List	   *result = NIL;
	ListCell   *lc;

	foreach(lc, relations)
	{
		QueryRelation *r = palloc(sizeof(QueryRelation));

		memcpy(r, lfirst(lc), sizeof(QueryRelation));
		r->name = pstrdup(r->name);
		r->conname = pstrdup(r->conname);
		result = lappend(result, r);
	}
	return result;
}

static void
relations_cache_create(void)
{
	HASHCTL		ctl;

	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(RelationsEntry);
	ctl.hcxt = relations_cxt;
	relations_cache = hash_create("activemodel relations", 16, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/*
 * All relations of the table relid, in the current memory context.
 */
List *
query_relations(Oid relid)
{
	RelationsEntry *entry;
	List	   *relations;
	MemoryContext oldcxt;

	if (relations_cxt == NULL)
	{
		relations_cxt = AllocSetContextCreate(TopMemoryContext,
											  "activemodel relations",
											  ALLOCSET_SMALL_SIZES);
		relations_cache_create();
		CacheRegisterRelcacheCallback(relations_relcache_callback, (Datum) 0);
		CacheRegisterSyscacheCallback(CONSTROID, relations_syscache_callback, (Datum) 0);
	}
	if (relations_reset_pending)
	{
		relations_reset_pending = false;
		MemoryContextReset(relations_cxt);
		relations_cache_create();
	}

	entry = hash_search(relations_cache, &relid, HASH_FIND, NULL);
	if (entry)
		return copy_relations(entry->relations);

	relations = build_relations(relid);
	if (!relations_reset_pending)
	{
		bool		found;

		oldcxt = MemoryContextSwitchTo(relations_cxt);
		entry = hash_search(relations_cache, &relid, HASH_ENTER, &found);
		entry->relations = copy_relations(relations);
		MemoryContextSwitchTo(oldcxt);
	}
	return relations;
}
