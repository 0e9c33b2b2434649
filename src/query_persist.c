/*-------------------------------------------------------------------------
 *
 * query_persist.c
 *	  The persistence helpers: am.create, am.insert_all, am.update,
 *	  am.update_all, am.upsert, am.upsert_all, am.destroy, am.destroy_all,
 *	  am.delete_all, am.find_or_create_by, am.increment, am.touch,
 *	  am.toggle, am.soft_delete and am.restore.
 *
 * Each helper is one INSERT, UPDATE or DELETE built on the query half
 * (query.h): attribute keys are checked against the model's columns as
 * condition keys are, each value becomes a parameter of its column's type
 * through the type's input function (query_values.c), conditions are
 * compiled by query_conditions.c, and the statement's plan is kept in the
 * plan cache.  Statements run through SPI as the caller (SECURITY INVOKER),
 * so privileges, column privileges and row-level security apply as for the
 * plain SQL, and the table's triggers (timestamps, hooks) fire as for any
 * write.
 *
 * Rails' skipping methods, update_all and delete_all, run their statement
 * with activemodel.hooks and activemodel.record_timestamps off, set for that
 * statement only in a GUC nest level of their own.  The after and commit
 * hook triggers decide at queue time (WHEN am.hooks_enabled()), so the
 * settings are off while the statement runs and restored right after.
 *
 * Several rows (insert_all, upsert_all) go in as one parameter: an array
 * of the model's row type, unnested by the statement, so that any number
 * of rows shares one kept plan.
 *
 * am.create, am.update and am.insert_all, the calls made most often, keep
 * their statement per model and attribute keys (a "shape", below): a call
 * of a known shape builds nothing and looks nothing up in the catalog.
 *
 * IDENTIFICATION
 *	  src/query_persist.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "lib/ilist.h"
#include "miscadmin.h"
#include "parser/parse_oper.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "activemodel.h"
#include "query.h"

PG_FUNCTION_INFO_V1(am_create);
PG_FUNCTION_INFO_V1(am_insert_all);
PG_FUNCTION_INFO_V1(am_update);
PG_FUNCTION_INFO_V1(am_update_all);
PG_FUNCTION_INFO_V1(am_upsert);
PG_FUNCTION_INFO_V1(am_upsert_all);
PG_FUNCTION_INFO_V1(am_destroy);
PG_FUNCTION_INFO_V1(am_destroy_all);
PG_FUNCTION_INFO_V1(am_delete_all);
PG_FUNCTION_INFO_V1(am_find_or_create_by);
PG_FUNCTION_INFO_V1(am_increment);
PG_FUNCTION_INFO_V1(am_touch);
PG_FUNCTION_INFO_V1(am_toggle);
PG_FUNCTION_INFO_V1(am_soft_delete);
PG_FUNCTION_INFO_V1(am_restore);

/* the trigger of am.add_timestamps; its arguments name the columns */
#define TIMESTAMPS_TRIGGER "am_timestamps"

/*
 * find_or_create_by: rounds of "read, else insert unless it conflicts"
 * before the last plain INSERT, which raises the real unique violation
 * when the conflict was on a key other than the conditions'.
 */
#define FIND_OR_CREATE_ROUNDS 3

/* one attribute: a key of an attrs object and its value */
typedef struct PersistAttr
{
	AttrNumber	attnum;
	char	   *name;			/* the key, which is the column's name */
	JsonbValue	value;
} PersistAttr;

/* the attributes of one JSON object */
typedef struct PersistAttrs
{
	int			n;
	PersistAttr *attrs;
} PersistAttrs;

/* one statement of a helper by id */
typedef struct PersistStatement
{
	QueryBuilder qb;
	QueryOperand key;			/* the primary key, when by id */
	char	   *idstr;			/* the id as text, for messages */
} PersistStatement;

/* the SET list of an UPDATE by id (increment, touch, toggle) */
typedef char *(*SetBuilder) (PersistStatement *st, FunctionCallInfo fcinfo);

/* open the model named by the first argument and connect to SPI */
static void
persist_begin(QueryBuilder *qb, FunctionCallInfo fcinfo)
{
	Oid			rowtype = get_fn_expr_argtype(fcinfo->flinfo, 0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* raises unless rowtype is the row type of a relation */
	query_builder_init(qb, rowtype);
}

static void
persist_end(QueryBuilder *qb)
{
	query_builder_close(qb);
	SPI_finish();
}

/*
 * Run the built statement as a write; returns the number of rows.
 */
static uint64
persist_run(QueryBuilder *qb)
{
	void	   *handle;
	SPIPlanPtr	plan = query_plan_acquire(qb, &handle);
	int			rc = 0;

	PG_TRY();
	{
		rc = SPI_execute_plan(plan, qb->values, qb->nulls, false, 0);
	}
	PG_FINALLY();
	{
		query_plan_release(handle);
	}
	PG_END_TRY();

	if (rc < 0)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

/*
 * Run the statement with hooks and timestamps off for it alone (Rails'
 * update_all and delete_all).  The settings are set as a function's SET
 * clause would set them, in a nest level that ends with the statement; an
 * error unwinds it with the (sub)transaction.  activemodel.hooks is
 * superuser-only for SET, but not for this fixed use.
 */
static uint64
persist_run_skipping(QueryBuilder *qb)
{
	int			nestlevel = NewGUCNestLevel();
	uint64		processed;

	(void) set_config_option(ACTIVEMODEL_GUC_PREFIX ".hooks", "off",
							 PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	(void) set_config_option(ACTIVEMODEL_GUC_PREFIX ".record_timestamps", "off",
							 PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
							 true, 0, false);
	processed = persist_run(qb);
	AtEOXact_GUC(true, nestlevel);
	return processed;
}

/*
 * The statement cache of the single-row and bulk helpers by shape.
 *
 * am.create, am.update and am.insert_all run one statement whose text
 * depends only on the model, the helper and the attribute keys given (the
 * values are parameters).  A shape is kept per backend under that key, with
 * what a call needs besides the values: the kept plan, and each key's
 * column and the FmgrInfo of its type's input function.  A call whose shape
 * is known so reads its keys (JSON object keys come in one canonical
 * order), converts the values and runs the plan: no catalog lookup, no SQL
 * text, no hash of it.  A miss, and every call whose arguments would raise
 * an error before values are read, take the path that builds the statement,
 * which checks the keys and keeps the shape.
 *
 * As the finders' cache does, a shape is made invalid by a relcache
 * invalidation of its relation (ALTER TABLE, a new primary key or trigger,
 * DROP), seen once the relation is locked, and rebuilt on its next use.  An
 * invalidation can arrive while the shape's plan runs (a trigger may change
 * the table, or call the helper again), so a replaced shape is freed only
 * once no execution holds it.
 */

/* at most this many shapes are kept; more drops the unused ones */
#define PERSIST_SHAPES_MAX 1000

typedef enum PersistShapeKind
{
	SHAPE_CREATE = 'c',
	SHAPE_UPDATE = 'u',
	SHAPE_INSERT_ALL = 'i'
} PersistShapeKind;

/* the key of a shape: helper, model and attribute keys, in bytes */
typedef struct ShapeKey
{
	char	   *data;
	int			len;
} ShapeKey;

/* one attribute key of a call: its name and value */
typedef struct ShapeAttr
{
	char	   *name;			/* not terminated */
	int			namelen;
	JsonbValue	value;
} ShapeAttr;

/* a column given by a key of the shape */
typedef struct ShapeColumn
{
	AttrNumber	attnum;
	char	   *name;			/* the key */
	int			namelen;
	Oid			type;
	int32		typmod;
	QueryTypeInput input;		/* of type, unless jsonb */
} ShapeColumn;

typedef struct PersistShape
{
	ShapeKey	key;
	MemoryContext cxt;			/* holds the shape and all it points to */
	Oid			relid;
	char	   *relname;		/* for messages */
	bool		valid;			/* false after a relcache invalidation */
	int			refcount;		/* calls using the shape now */
	dlist_node	dead_node;		/* in dead_shapes when unlinked */
	SPIPlanPtr	plan;
	int			nparams;
	int			first_column_param; /* parameter index of columns[0] */
	int			ncolumns;
	ShapeColumn *columns;
	/* by id (update) */
	char	   *keycolumn;
	Oid			keytype;
	QueryTypeInput keyinput;
	/* rows (insert_all): the model's row type and descriptor */
	TupleDesc	desc;
	Oid			rowtype;
	int16		typlen;
	bool		typbyval;
	char		typalign;
} PersistShape;

typedef struct ShapeHashEntry
{
	ShapeKey	key;			/* points to shape->key's data */
	PersistShape *shape;
} ShapeHashEntry;

static HTAB *shape_hash = NULL;
static MemoryContext shape_cxt = NULL;
static dlist_head dead_shapes = DLIST_STATIC_INIT(dead_shapes);

static uint32
shape_key_hash(const void *key, Size keysize)
{
	const ShapeKey *k = (const ShapeKey *) key;

	return hash_bytes((const unsigned char *) k->data, k->len);
}

static int
shape_key_match(const void *key1, const void *key2, Size keysize)
{
	const ShapeKey *a = (const ShapeKey *) key1;
	const ShapeKey *b = (const ShapeKey *) key2;

	if (a->len != b->len)
		return 1;
	return memcmp(a->data, b->data, a->len);
}

/* take a shape out of the hash table; it is freed when unused */
static void
shape_unlink(PersistShape *shape)
{
	bool		found;

	hash_search(shape_hash, &shape->key, HASH_REMOVE, &found);
	Assert(found);
	dlist_push_tail(&dead_shapes, &shape->dead_node);
}

static void
shape_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	ShapeHashEntry *he;

	hash_seq_init(&status, shape_hash);
	while ((he = hash_seq_search(&status)) != NULL)
		if (!OidIsValid(relid) || he->shape->relid == relid)
			he->shape->valid = false;
}

/* free the unlinked shapes that no execution holds */
static void
shape_free_dead(void)
{
	dlist_mutable_iter iter;

	dlist_foreach_modify(iter, &dead_shapes)
	{
		PersistShape *shape = dlist_container(PersistShape, dead_node, iter.cur);

		if (shape->refcount > 0)
			continue;
		dlist_delete(&shape->dead_node);
		if (shape->plan)
			SPI_freeplan(shape->plan);
		MemoryContextDelete(shape->cxt);
	}
}

static void
shape_cache_init(void)
{
	HASHCTL		ctl;

	shape_cxt = AllocSetContextCreate(TopMemoryContext,
									  "activemodel persistence statements",
									  ALLOCSET_SMALL_SIZES);
	ctl.keysize = sizeof(ShapeKey);
	ctl.entrysize = sizeof(ShapeHashEntry);
	ctl.hash = shape_key_hash;
	ctl.match = shape_key_match;
	ctl.hcxt = shape_cxt;
	shape_hash = hash_create("activemodel persistence statements", 64, &ctl,
							 HASH_ELEM | HASH_FUNCTION | HASH_COMPARE |
							 HASH_CONTEXT);
	CacheRegisterRelcacheCallback(shape_relcache_callback, (Datum) 0);
}

/*
 * The keys and values of an attributes object (not checked against the
 * model), and the key of the shape: kind, model and the keys, each with its
 * length.  Returns the number of attributes.
 */
static int
shape_read(PersistShapeKind kind, Oid rowtype, JsonbContainer *obj,
		   ShapeKey *key, ShapeAttr **attrs)
{
	StringInfoData buf;
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char		c = (char) kind;
	int			n = 0;

	Assert(JsonContainerIsObject(obj));
	*attrs = palloc(sizeof(ShapeAttr) * Max(JsonContainerSize(obj), 1));
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, &c, 1);
	appendBinaryStringInfo(&buf, (char *) &rowtype, sizeof(Oid));
	it = JsonbIteratorInit(obj);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		ShapeAttr  *a;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &v, true);
		Assert(tok == WJB_VALUE);
		a = &(*attrs)[n++];
		a->name = k.val.string.val;
		a->namelen = k.val.string.len;
		a->value = v;
		appendBinaryStringInfo(&buf, (char *) &a->namelen, sizeof(int));
		appendBinaryStringInfo(&buf, a->name, a->namelen);
	}
	key->data = buf.data;
	key->len = buf.len;
	return n;
}

/*
 * The valid shape of key, held for the call (shape_release), or NULL.  Its
 * relation is locked first (as the statement would lock it), so that
 * invalidations are seen; an invalid shape is unlinked.
 */
static PersistShape *
shape_lookup(ShapeKey *key)
{
	ShapeHashEntry *he;
	PersistShape *shape;

	if (shape_hash == NULL)
		shape_cache_init();
	if (!dlist_is_empty(&dead_shapes))
		shape_free_dead();
	he = hash_search(shape_hash, key, HASH_FIND, NULL);
	if (he == NULL)
		return NULL;
	shape = he->shape;
	if (shape->valid)
		LockRelationOid(shape->relid, AccessShareLock);
	if (!shape->valid)
	{
		shape_unlink(shape);
		shape_free_dead();
		return NULL;
	}
	shape->refcount++;
	return shape;
}

/* the end of a call that held the shape, also on error */
static void
shape_release(PersistShape *shape)
{
	Assert(shape->refcount > 0);
	shape->refcount--;
}

/* a shape being built for key: the builder's statement and model */
typedef struct ShapeBuild
{
	ShapeKey   *key;
	PersistAttrs *columns;		/* the attributes in key order */
	QueryOperand *pk;			/* by id: the key column */
	bool		rows;			/* the columns of rows (insert_all) */
	int			first_column_param;
} ShapeBuild;

/*
 * Keep the shape of the builder's statement (SQL text and parameter types
 * complete), with its kept plan.
 */
static PersistShape *
shape_create(QueryBuilder *qb, ShapeBuild *sb)
{
	MemoryContext cxt;
	MemoryContext oldcxt;
	PersistShape *shape;
	ShapeHashEntry *he;
	TupleDesc	desc = RelationGetDescr(qb->rel);
	SPIPlanPtr	plan;
	bool		found;
	int			i;

	if (hash_get_num_entries(shape_hash) >= PERSIST_SHAPES_MAX)
	{
		HASH_SEQ_STATUS status;
		ShapeHashEntry *old;

		hash_seq_init(&status, shape_hash);
		while ((old = hash_seq_search(&status)) != NULL)
			shape_unlink(old->shape);
		shape_free_dead();
	}

	/* in the caller's context until complete, so that an error frees it */
	cxt = AllocSetContextCreate(CurrentMemoryContext,
								"activemodel persistence statement",
								ALLOCSET_SMALL_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	shape = palloc0(sizeof(PersistShape));
	shape->cxt = cxt;
	shape->key.data = palloc(sb->key->len);
	memcpy(shape->key.data, sb->key->data, sb->key->len);
	shape->key.len = sb->key->len;
	shape->relid = RelationGetRelid(qb->rel);
	shape->relname = pstrdup(RelationGetRelationName(qb->rel));
	shape->nparams = qb->nparams;
	shape->first_column_param = sb->first_column_param;
	shape->ncolumns = sb->columns->n;
	shape->columns = palloc0(sizeof(ShapeColumn) * Max(shape->ncolumns, 1));
	for (i = 0; i < shape->ncolumns; i++)
	{
		PersistAttr *a = &sb->columns->attrs[i];
		ShapeColumn *col = &shape->columns[i];
		Form_pg_attribute att = TupleDescAttr(desc, a->attnum - 1);

		col->attnum = a->attnum;
		col->name = pstrdup(a->name);
		col->namelen = strlen(a->name);
		col->type = att->atttypid;
		col->typmod = att->atttypmod;
		if (col->type != JSONBOID)
			query_type_input_init(&col->input, col->type, col->typmod, cxt);
	}
	if (sb->pk)
	{
		shape->keycolumn = pstrdup(sb->pk->column);
		shape->keytype = sb->pk->type;
		query_type_input_init(&shape->keyinput, sb->pk->type, sb->pk->typmod,
							  cxt);
	}
	if (sb->rows)
	{
		shape->desc = CreateTupleDescCopy(desc);
		shape->rowtype = qb->rowtype;
		get_typlenbyvalalign(qb->rowtype, &shape->typlen, &shape->typbyval,
							 &shape->typalign);
	}
	MemoryContextSwitchTo(oldcxt);

	plan = SPI_prepare_cursor(qb->sql.data, qb->nparams, qb->paramtypes,
							  CURSOR_OPT_PARALLEL_OK);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s",
			 qb->sql.data, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	shape->plan = plan;
	MemoryContextSetParent(cxt, shape_cxt);
	shape->valid = true;
	/* a call made while this one converted values may have kept one */
	he = hash_search(shape_hash, &shape->key, HASH_FIND, NULL);
	if (he != NULL)
		shape_unlink(he->shape);
	he = hash_search(shape_hash, &shape->key, HASH_ENTER, &found);
	Assert(!found);
	he->key = shape->key;
	he->shape = shape;
	return shape;
}

/*
 * Run the shape's plan with these parameters; returns the number of rows.
 * The caller holds the shape (refcount) from its lookup to the end of the
 * call, errors included: converting a value can run user code (a domain's
 * check), which may call a helper that replaces the shape.
 */
static uint64
shape_run(PersistShape *shape, Datum *values, char *nulls)
{
	int			rc;

	Assert(shape->refcount > 0);
	rc = SPI_execute_plan(shape->plan, values, nulls, false, 0);
	if (rc < 0)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

/* the value of an attribute for its column, as attr_datum converts it */
static Datum
shape_value(ShapeColumn *col, JsonbValue *v, bool *isnull)
{
	*isnull = (v->type == jbvNull);
	if (*isnull)
		return (Datum) 0;
	if (col->type == JSONBOID || v->type == jbvBinary)
		return query_json_value(NULL, v, col->type, col->typmod, col->name);
	return query_type_input_call(&col->input, query_json_scalar_text(v),
								 col->name);
}

/*
 * Run the builder's statement: through the shape kept for sb->key when one
 * is given (then kept for the next calls), else through the plan cache.
 */
static uint64
persist_run_shape(QueryBuilder *qb, ShapeBuild *sb)
{
	PersistShape *shape;
	uint64		processed = 0;

	if (sb == NULL || sb->key == NULL)
		return persist_run(qb);
	shape = shape_create(qb, sb);
	shape->refcount++;
	PG_TRY();
	{
		processed = shape_run(shape, qb->values, qb->nulls);
	}
	PG_FINALLY();
	{
		shape->refcount--;
	}
	PG_END_TRY();
	return processed;
}

/* the first row of the last statement, copied out of SPI, or NULL */
static Datum
persist_first_row(bool *isnull)
{
	Datum		d;

	if (SPI_processed == 0 || SPI_tuptable == NULL)
	{
		*isnull = true;
		return (Datum) 0;
	}
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, isnull);
	if (*isnull)
		return (Datum) 0;
	return SPI_datumTransfer(d, false, -1);
}

/* put the rows of the last statement into the function's tuplestore */
static void
persist_store_rows(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	uint64		i;

	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[i],
									  SPI_tuptable->tupdesc, 1, &isnull);
		HeapTupleHeader td;
		HeapTupleData tuple;

		if (isnull)
			continue;
		td = DatumGetHeapTupleHeader(d);
		tuple.t_len = HeapTupleHeaderGetDatumLength(td);
		ItemPointerSetInvalid(&tuple.t_self);
		tuple.t_tableOid = InvalidOid;
		tuple.t_data = td;
		tuplestore_puttuple(rsinfo->setResult, &tuple);
	}
}

/* " RETURNING CAST(t0.* AS rowtype)" */
static void
append_returning(QueryBuilder *qb)
{
	appendStringInfo(&qb->sql, " RETURNING CAST(" QUERY_ALIAS ".* AS %s)",
					 format_type_be_qualified(qb->rowtype));
}

/* "SELECT CAST(t0.* AS rowtype) FROM model t0" */
static void
append_select_rows(QueryBuilder *qb)
{
	appendStringInfo(&qb->sql, "SELECT CAST(" QUERY_ALIAS ".* AS %s) FROM %s " QUERY_ALIAS,
					 format_type_be_qualified(qb->rowtype), qb->qualname);
}

/* the quoted name of a column of the model */
static const char *
column_name(QueryBuilder *qb, AttrNumber attnum)
{
	return quote_identifier(NameStr(TupleDescAttr(RelationGetDescr(qb->rel),
												  attnum - 1)->attname));
}

/*
 * The keys and values of an attributes object, each key checked to be a
 * column of the model (42703 listing the columns, as condition keys).
 */
static void
read_attrs(QueryBuilder *qb, JsonbContainer *obj, const char *what,
		   PersistAttrs *out)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;

	if (!JsonContainerIsObject(obj))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON object of column names and values", what)));
	out->n = 0;
	out->attrs = palloc(sizeof(PersistAttr) * Max(JsonContainerSize(obj), 1));
	it = JsonbIteratorInit(obj);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		PersistAttr *a;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &v, true);
		Assert(tok == WJB_VALUE);
		a = &out->attrs[out->n++];
		a->name = pnstrdup(k.val.string.val, k.val.string.len);
		a->attnum = query_column_attnum(qb, a->name);
		if (a->attnum == InvalidAttrNumber)
			query_report_unknown_column(qb, &qb->model, a->name, a->name);
		a->value = v;
	}
}

/* the attributes argument argno, which must not be NULL */
static void
attrs_arg(QueryBuilder *qb, FunctionCallInfo fcinfo, int argno,
		  const char *what, PersistAttrs *out)
{
	Jsonb	   *attrs;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what),
				 errhint("Pass '{}' for none.")));
	attrs = PG_GETARG_JSONB_P(argno);
	if (JB_ROOT_IS_SCALAR(attrs))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON object of column names and values", what)));
	read_attrs(qb, &attrs->root, what, out);
}

/* the value of an attribute, converted for its column */
static Datum
attr_datum(QueryBuilder *qb, PersistAttr *a, bool *isnull)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(qb->rel), a->attnum - 1);

	*isnull = (a->value.type == jbvNull);
	if (*isnull)
		return (Datum) 0;
	return query_json_value(qb, &a->value, att->atttypid, att->atttypmod,
							a->name);
}

/* a parameter holding an attribute's value; returns its number */
static int
attr_param(QueryBuilder *qb, PersistAttr *a)
{
	bool		isnull;
	Datum		d = attr_datum(qb, a, &isnull);

	return query_add_param(qb, TupleDescAttr(RelationGetDescr(qb->rel), a->attnum - 1)->atttypid,
						   d, isnull);
}

/* the model's primary-key columns; 0 when it has none */
static int
primary_key(QueryBuilder *qb, AttrNumber *attnums)
{
	Oid			indexoid = RelationGetPrimaryKeyIndex(qb->rel);
	HeapTuple	tup;
	Form_pg_index index;
	int			n;
	int			i;

	if (!OidIsValid(indexoid))
		return 0;
	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for index %u", indexoid);
	index = (Form_pg_index) GETSTRUCT(tup);
	n = index->indnkeyatts;
	for (i = 0; i < n; i++)
		attnums[i] = index->indkey.values[i];
	ReleaseSysCache(tup);
	return n;
}

/* the single-column primary key, with am.find's errors */
static void
require_single_key(QueryBuilder *qb, const char *what, QueryOperand *key)
{
	AttrNumber	attnums[INDEX_MAX_KEYS];
	int			n = primary_key(qb, attnums);

	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
				 errmsg("relation \"%s\" has no primary key",
						RelationGetRelationName(qb->rel)),
				 errdetail("%s works by primary key.", what)));
	if (n > 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("relation \"%s\" has a composite primary key",
						RelationGetRelationName(qb->rel)),
				 errdetail("%s takes the value of a single-column primary key.",
						   what)));
	query_column_operand(qb, attnums[0], key);
}

/*
 * Start a statement by id: open the model, find its single-column primary
 * key and convert the id argument (of the key's type, text, an integer, or
 * a uuid for a typeid key) into a parameter.  Returns the parameter's
 * number.
 */
static int
begin_by_id(PersistStatement *st, FunctionCallInfo fcinfo, const char *what)
{
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, 1);
	Datum		value;

	persist_begin(&st->qb, fcinfo);
	require_single_key(&st->qb, what, &st->key);
	st->idstr = NULL;
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("could not find \"%s\" without an id",
						RelationGetRelationName(st->qb.rel))));
	if (argtype == st->key.type)
		value = PG_GETARG_DATUM(1);
	else
	{
		st->idstr = query_id_text(fcinfo, 1, argtype);
		value = query_text_value(&st->qb, st->idstr, st->key.type,
								 st->key.typmod, "id");
	}
	return query_add_param(&st->qb, st->key.type, value, false);
}

/* " WHERE (t0.pk = $n)" */
static void
append_id_condition(PersistStatement *st, int n)
{
	appendStringInfo(&st->qb.sql, " WHERE (%s %s $%d)", st->key.expr,
					 query_operator_sql(st->key.type, BTEqualStrategyNumber,
										st->key.column),
					 n);
}

/* P0002, as am.find raises it */
/* the row returned by the statement; P0002 when there is none */
static Datum
returned_row_or_not_found(PersistStatement *st, FunctionCallInfo fcinfo)
{
	bool		isnull;
	Datum		result = persist_first_row(&isnull);

	if (isnull)
		query_report_not_found(RelationGetRelationName(st->qb.rel),
							   st->key.column, fcinfo, 1, st->idstr);
	return result;
}

/*
 * The column of the model that the am_timestamps trigger maintains as its
 * created (which = 0) or updated (which = 1) column; without the trigger,
 * a column named created_at or updated_at.  InvalidAttrNumber if none.
 */
static AttrNumber
timestamps_column(QueryBuilder *qb, int which)
{
	TriggerDesc *trigdesc = qb->rel->trigdesc;
	int			i;

	for (i = 0; trigdesc && i < trigdesc->numtriggers; i++)
	{
		Trigger    *tg = &trigdesc->triggers[i];

		if (strcmp(tg->tgname, TIMESTAMPS_TRIGGER) != 0)
			continue;
		if (tg->tgnargs == 0)
			break;
		if (tg->tgnargs != 2 || tg->tgargs[which][0] == '\0')
			return InvalidAttrNumber;
		return query_column_attnum(qb, tg->tgargs[which]);
	}
	return query_column_attnum(qb, which == 0 ? "created_at" : "updated_at");
}

/* the model's soft-delete column, or 42703 */
static AttrNumber
require_soft_delete(QueryBuilder *qb, const char *what)
{
	AttrNumber	attnum = query_soft_delete_attnum(qb->rel);

	if (attnum == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("relation \"%s\" has no soft-delete column",
						RelationGetRelationName(qb->rel)),
				 errdetail("%s sets or clears the column am.add_soft_delete adds.", what),
				 errhint("Call am.add_soft_delete('%s') first.",
						 RelationGetRelationName(qb->rel))));
	return attnum;
}

/* "INSERT INTO model AS t0 (cols) VALUES ($n, ...)" */
static void
append_insert_values(QueryBuilder *qb, PersistAttrs *attrs)
{
	int			i;

	appendStringInfo(&qb->sql, "INSERT INTO %s AS " QUERY_ALIAS, qb->qualname);
	if (attrs->n == 0)
	{
		appendStringInfoString(&qb->sql, " DEFAULT VALUES");
		return;
	}
	for (i = 0; i < attrs->n; i++)
		appendStringInfo(&qb->sql, "%s%s", i ? ", " : " (",
						 column_name(qb, attrs->attrs[i].attnum));
	for (i = 0; i < attrs->n; i++)
		appendStringInfo(&qb->sql, "%s$%d", i ? ", " : ") VALUES (",
						 attr_param(qb, &attrs->attrs[i]));
	appendStringInfoChar(&qb->sql, ')');
}

/*
 * The rows of insert_all and upsert_all: a JSON array of objects with the
 * same keys (Rails' rule), as one parameter of the model's array type.
 * The columns are the first row's keys; *nrows is the number of rows.
 */
static int
rows_param(QueryBuilder *qb, FunctionCallInfo fcinfo, int argno,
		   PersistAttrs *columns, int *nrows)
{
	Jsonb	   *rows;
	TupleDesc	desc = RelationGetDescr(qb->rel);
	Oid			arraytype = get_array_type(qb->rowtype);
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;
	Datum	   *elems;
	Datum	   *values;
	bool	   *nulls;
	int			n = 0;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("rows must not be null"),
				 errhint("Pass '[]' for none.")));
	rows = PG_GETARG_JSONB_P(argno);
	if (!JB_ROOT_IS_ARRAY(rows) || JB_ROOT_IS_SCALAR(rows))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rows must be a JSON array of objects")));
	if (!OidIsValid(arraytype))
		elog(ERROR, "row type %s has no array type", format_type_be(qb->rowtype));

	elems = palloc(sizeof(Datum) * Max(JB_ROOT_COUNT(rows), 1));
	values = palloc(sizeof(Datum) * desc->natts);
	nulls = palloc(sizeof(bool) * desc->natts);
	columns->n = -1;
	it = JsonbIteratorInit(&rows->root);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		PersistAttrs row;
		HeapTuple	tuple;
		int			i;

		if (tok != WJB_ELEM)
			continue;
		CHECK_FOR_INTERRUPTS();
		if (elem.type != jbvBinary || !JsonContainerIsObject(elem.val.binary.data))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("rows must be a JSON array of objects"),
					 errdetail("Row %d is not an object.", n + 1)));
		read_attrs(qb, elem.val.binary.data, "a row", &row);
		if (columns->n < 0)
			*columns = row;
		else
		{
			bool		same = (row.n == columns->n);

			for (i = 0; same && i < row.n; i++)
				same = (row.attrs[i].attnum == columns->attrs[i].attnum);
			if (!same)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("all rows must have the same keys"),
						 errdetail("Row %d has other keys than row 1.", n + 1),
						 errhint("Give every row every key, with null where needed.")));
		}
		for (i = 0; i < desc->natts; i++)
			nulls[i] = true;
		for (i = 0; i < row.n; i++)
		{
			AttrNumber	attnum = row.attrs[i].attnum;

			values[attnum - 1] = attr_datum(qb, &row.attrs[i], &nulls[attnum - 1]);
		}
		tuple = heap_form_tuple(desc, values, nulls);
		elems[n++] = heap_copy_tuple_as_datum(tuple, desc);
		heap_freetuple(tuple);
	}
	if (columns->n < 0)
		columns->n = 0;
	*nrows = n;
	get_typlenbyvalalign(qb->rowtype, &typlen, &typbyval, &typalign);
	return query_add_param(qb, arraytype,
						   PointerGetDatum(construct_array(elems, n, qb->rowtype,
														   typlen, typbyval,
														   typalign)),
						   false);
}

/* "INSERT INTO model AS t0 (cols) SELECT r.cols FROM unnest($n) r" */
static void
append_insert_rows(QueryBuilder *qb, PersistAttrs *columns, int param)
{
	int			i;

	appendStringInfo(&qb->sql, "INSERT INTO %s AS " QUERY_ALIAS, qb->qualname);
	for (i = 0; i < columns->n; i++)
		appendStringInfo(&qb->sql, "%s%s", i ? ", " : " (",
						 column_name(qb, columns->attrs[i].attnum));
	appendStringInfoString(&qb->sql, columns->n ? ") SELECT " : " SELECT ");
	for (i = 0; i < columns->n; i++)
		appendStringInfo(&qb->sql, "%sr.%s", i ? ", " : "",
						 column_name(qb, columns->attrs[i].attnum));
	appendStringInfo(&qb->sql, " FROM pg_catalog.unnest($%d) AS r", param);
}

/*
 * " ON CONFLICT (keys) DO UPDATE SET col = EXCLUDED.col, ...": every given
 * column but the conflict key and the created column.  With nothing left
 * to set, the key is set to itself, so that the row is still returned (and
 * its update hooks run; the timestamps see no change).
 */
static void
append_on_conflict(QueryBuilder *qb, FunctionCallInfo fcinfo, int argno,
				   PersistAttrs *columns)
{
	AttrNumber	keys[INDEX_MAX_KEYS];
	int			nkeys;
	AttrNumber	created = timestamps_column(qb, 0);
	int			nset = 0;
	int			i;
	int			j;

	if (PG_ARGISNULL(argno))
	{
		nkeys = primary_key(qb, keys);
		if (nkeys == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
					 errmsg("relation \"%s\" has no primary key",
							RelationGetRelationName(qb->rel)),
					 errhint("Name the columns of a unique index in unique_by.")));
	}
	else
	{
		ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(argno);
		Datum	   *elems;
		bool	   *elemnulls;

		deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
						  &elems, &elemnulls, &nkeys);
		if (nkeys == 0 || nkeys > INDEX_MAX_KEYS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unique_by must name from 1 to %d columns",
							INDEX_MAX_KEYS)));
		for (i = 0; i < nkeys; i++)
		{
			char	   *name;

			if (elemnulls[i])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("the columns of unique_by must not be null")));
			name = TextDatumGetCString(elems[i]);
			keys[i] = query_column_attnum(qb, name);
			if (keys[i] == InvalidAttrNumber)
				query_report_unknown_column(qb, &qb->model, "unique_by", name);
		}
	}

	for (i = 0; i < nkeys; i++)
		appendStringInfo(&qb->sql, "%s%s", i ? ", " : " ON CONFLICT (",
						 column_name(qb, keys[i]));
	appendStringInfoString(&qb->sql, ") DO UPDATE SET ");
	for (i = 0; i < columns->n; i++)
	{
		AttrNumber	attnum = columns->attrs[i].attnum;
		bool		skip = (attnum == created);

		for (j = 0; !skip && j < nkeys; j++)
			skip = (attnum == keys[j]);
		if (skip)
			continue;
		appendStringInfo(&qb->sql, "%s%s = EXCLUDED.%s", nset++ ? ", " : "",
						 column_name(qb, attnum), column_name(qb, attnum));
	}
	if (nset == 0)
		appendStringInfo(&qb->sql, "%s = " QUERY_ALIAS ".%s",
						 column_name(qb, keys[0]), column_name(qb, keys[0]));
}

/*
 * am.create by building the statement (a miss of the shape cache, or
 * arguments that raise an error); the shape is kept under key if given.
 */
static Datum
create_built(FunctionCallInfo fcinfo, ShapeKey *key, bool *isnull)
{
	QueryBuilder qb;
	PersistAttrs attrs;
	ShapeBuild	sb = {key, &attrs, NULL, false, 0};
	Datum		result;

	persist_begin(&qb, fcinfo);
	attrs_arg(&qb, fcinfo, 1, "attrs", &attrs);
	append_insert_values(&qb, &attrs);
	append_returning(&qb);
	persist_run_shape(&qb, &sb);
	result = persist_first_row(isnull);
	persist_end(&qb);
	return result;
}

/* the given attributes as the parameters of the shape's columns */
static void
shape_column_params(PersistShape *shape, ShapeAttr *given, int n,
					Datum *values, char *nulls)
{
	for (int i = 0; i < n; i++)
	{
		bool		null;

		values[i] = shape_value(&shape->columns[i], &given[i].value, &null);
		nulls[i] = null ? 'n' : ' ';
	}
}

/* am.create with a kept shape: the given attributes are its columns */
static Datum
create_cached(PersistShape *shape, ShapeAttr *given, int n, bool *isnull)
{
	Datum	   *values = palloc(sizeof(Datum) * Max(shape->nparams, 1));
	char	   *nulls = palloc(sizeof(char) * Max(shape->nparams, 1));
	Datum		result;

	Assert(n == shape->ncolumns && shape->first_column_param == 0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	shape_column_params(shape, given, n, values, nulls);
	shape_run(shape, values, nulls);
	result = persist_first_row(isnull);
	SPI_finish();
	return result;
}

/*
 * am.create(model, attrs jsonb) -> model: one INSERT ... RETURNING
 */
Datum
am_create(PG_FUNCTION_ARGS)
{
	Oid			rowtype = get_fn_expr_argtype(fcinfo->flinfo, 0);
	Jsonb	   *attrs = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	PersistShape *shape;
	ShapeKey	key;
	ShapeAttr  *given;
	volatile Datum result = (Datum) 0;
	bool		isnull = true;
	int			n;

	/* malformed attrs: the errors of the built statement */
	if (!OidIsValid(rowtype) || attrs == NULL ||
		JB_ROOT_IS_SCALAR(attrs) || !JB_ROOT_IS_OBJECT(attrs))
		result = create_built(fcinfo, NULL, &isnull);
	else
	{
		n = shape_read(SHAPE_CREATE, rowtype, &attrs->root, &key, &given);
		shape = shape_lookup(&key);
		if (shape == NULL)
			result = create_built(fcinfo, &key, &isnull);
		else
		{
			PG_TRY();
			{
				result = create_cached(shape, given, n, &isnull);
			}
			PG_FINALLY();
			{
				shape_release(shape);
			}
			PG_END_TRY();
		}
	}
	/* a BEFORE trigger that skips the row returns no row */
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * am.insert_all by building the statement (see create_built)
 */
static void
insert_all_built(FunctionCallInfo fcinfo, ShapeKey *key)
{
	QueryBuilder qb;
	PersistAttrs columns;
	ShapeBuild	sb = {key, &columns, NULL, true, 0};
	int			nrows;
	int			param;

	persist_begin(&qb, fcinfo);
	param = rows_param(&qb, fcinfo, 1, &columns, &nrows);
	if (nrows > 0)
	{
		append_insert_rows(&qb, &columns, param);
		append_returning(&qb);
		persist_run_shape(&qb, &sb);
		persist_store_rows(fcinfo);
	}
	persist_end(&qb);
}

/*
 * The rows of insert_all as the array parameter of a kept shape; false
 * when a row is no object or has other keys than the shape (then nothing
 * was run, and the statement is built, to raise the error).
 */
static bool
shape_rows_param(PersistShape *shape, Jsonb *rows, Datum *param)
{
	TupleDesc	desc = shape->desc;
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;
	Datum	   *elems;
	Datum	   *values;
	bool	   *nulls;
	JsonbValue *given;
	int			n = 0;

	elems = palloc(sizeof(Datum) * Max(JB_ROOT_COUNT(rows), 1));
	values = palloc(sizeof(Datum) * desc->natts);
	nulls = palloc(sizeof(bool) * desc->natts);
	given = palloc(sizeof(JsonbValue) * Max(shape->ncolumns, 1));
	it = JsonbIteratorInit(&rows->root);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		JsonbIterator *rit;
		JsonbValue	k;
		HeapTuple	tuple;
		int			ncols = 0;
		int			i;

		if (tok != WJB_ELEM)
			continue;
		CHECK_FOR_INTERRUPTS();
		if (elem.type != jbvBinary || !JsonContainerIsObject(elem.val.binary.data) ||
			JsonContainerSize(elem.val.binary.data) != (uint32) shape->ncolumns)
			return false;
		rit = JsonbIteratorInit(elem.val.binary.data);
		while ((tok = JsonbIteratorNext(&rit, &k, true)) != WJB_DONE)
		{
			ShapeColumn *col;

			if (tok != WJB_KEY)
				continue;
			if (ncols >= shape->ncolumns)
				return false;
			col = &shape->columns[ncols];
			if (k.val.string.len != col->namelen ||
				memcmp(k.val.string.val, col->name, col->namelen) != 0)
				return false;
			tok = JsonbIteratorNext(&rit, &given[ncols++], true);
			Assert(tok == WJB_VALUE);
		}
		if (ncols != shape->ncolumns)
			return false;
		for (i = 0; i < desc->natts; i++)
			nulls[i] = true;
		for (i = 0; i < ncols; i++)
		{
			AttrNumber	attnum = shape->columns[i].attnum;

			values[attnum - 1] = shape_value(&shape->columns[i], &given[i],
											 &nulls[attnum - 1]);
		}
		tuple = heap_form_tuple(desc, values, nulls);
		elems[n++] = heap_copy_tuple_as_datum(tuple, desc);
		heap_freetuple(tuple);
	}
	*param = PointerGetDatum(construct_array(elems, n, shape->rowtype,
											 shape->typlen, shape->typbyval,
											 shape->typalign));
	return true;
}

/* am.insert_all with a kept shape; false when a row does not fit it */
static bool
insert_all_cached(FunctionCallInfo fcinfo, PersistShape *shape, Jsonb *rows)
{
	Datum		param;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (!shape_rows_param(shape, rows, &param))
	{
		SPI_finish();
		return false;
	}
	shape_run(shape, &param, " ");
	persist_store_rows(fcinfo);
	SPI_finish();
	return true;
}

/*
 * am.insert_all(model, rows jsonb) -> SETOF model: one INSERT of all rows
 */
Datum
am_insert_all(PG_FUNCTION_ARGS)
{
	Oid			rowtype = get_fn_expr_argtype(fcinfo->flinfo, 0);
	Jsonb	   *rows = PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1);
	JsonbValue *first = NULL;
	PersistShape *shape;
	ShapeKey	key;
	ShapeAttr  *given;
	volatile bool done = false;

	InitMaterializedSRF(fcinfo, 0);
	if (OidIsValid(rowtype) && rows != NULL && JB_ROOT_IS_ARRAY(rows) &&
		!JB_ROOT_IS_SCALAR(rows) && JB_ROOT_COUNT(rows) > 0)
		first = getIthJsonbValueFromContainer(&rows->root, 0);
	if (first == NULL || first->type != jbvBinary ||
		!JsonContainerIsObject(first->val.binary.data))
	{
		insert_all_built(fcinfo, NULL);
		return (Datum) 0;
	}
	(void) shape_read(SHAPE_INSERT_ALL, rowtype, first->val.binary.data,
					  &key, &given);
	shape = shape_lookup(&key);
	if (shape == NULL)
	{
		insert_all_built(fcinfo, &key);
		return (Datum) 0;
	}
	PG_TRY();
	{
		done = insert_all_cached(fcinfo, shape, rows);
	}
	PG_FINALLY();
	{
		shape_release(shape);
	}
	PG_END_TRY();
	/* a row of other keys: nothing ran; raise the error as built */
	if (!done)
		insert_all_built(fcinfo, NULL);
	return (Datum) 0;
}

/*
 * am.update by building the statement (see create_built)
 */
static Datum
update_built(FunctionCallInfo fcinfo, ShapeKey *key)
{
	PersistStatement st;
	PersistAttrs attrs;
	ShapeBuild	sb = {key, &attrs, &st.key, false, 1};
	StringInfoData set;
	Datum		result;
	int			id;
	int			i;

	id = begin_by_id(&st, fcinfo, "am.update");
	attrs_arg(&st.qb, fcinfo, 2, "attrs", &attrs);
	initStringInfo(&set);
	for (i = 0; i < attrs.n; i++)
		appendStringInfo(&set, "%s%s = $%d", i ? ", " : "",
						 column_name(&st.qb, attrs.attrs[i].attnum),
						 attr_param(&st.qb, &attrs.attrs[i]));
	if (attrs.n == 0)
		append_select_rows(&st.qb);
	else
		appendStringInfo(&st.qb.sql, "UPDATE %s AS " QUERY_ALIAS " SET %s",
						 st.qb.qualname, set.data);
	append_id_condition(&st, id);
	query_append_model_scope(&st.qb);
	if (attrs.n > 0)
		append_returning(&st.qb);
	persist_run_shape(&st.qb, &sb);
	result = returned_row_or_not_found(&st, fcinfo);
	persist_end(&st.qb);
	return result;
}

/* am.update with a kept shape: the given attributes are its columns */
static Datum
update_cached(FunctionCallInfo fcinfo, PersistShape *shape, ShapeAttr *given,
			  int n)
{
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, 1);
	Datum	   *values = palloc(sizeof(Datum) * shape->nparams);
	char	   *nulls = palloc(sizeof(char) * shape->nparams);
	char	   *idstr = NULL;
	Datum		result;
	bool		isnull;

	Assert(n == shape->ncolumns && shape->first_column_param == 1);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (argtype == shape->keytype)
		values[0] = PG_GETARG_DATUM(1);
	else
	{
		idstr = query_id_text(fcinfo, 1, argtype);
		values[0] = query_type_input_call(&shape->keyinput, pstrdup(idstr),
										  "id");
	}
	nulls[0] = ' ';
	shape_column_params(shape, given, n, values + 1, nulls + 1);
	shape_run(shape, values, nulls);
	result = persist_first_row(&isnull);
	if (isnull)
		query_report_not_found(shape->relname, shape->keycolumn, fcinfo, 1,
							   idstr);
	SPI_finish();
	return result;
}

/*
 * am.update(model, id, attrs jsonb) -> model; P0002 when missing.  Empty
 * attrs read the row and write nothing.
 */
Datum
am_update(PG_FUNCTION_ARGS)
{
	Oid			rowtype = get_fn_expr_argtype(fcinfo->flinfo, 0);
	Jsonb	   *attrs = PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2);
	PersistShape *shape;
	ShapeKey	key;
	ShapeAttr  *given;
	volatile Datum result = (Datum) 0;
	int			n;

	/* a null id or malformed attrs: the errors of the built statement */
	if (!OidIsValid(rowtype) || PG_ARGISNULL(1) || attrs == NULL ||
		JB_ROOT_IS_SCALAR(attrs) || !JB_ROOT_IS_OBJECT(attrs))
		PG_RETURN_DATUM(update_built(fcinfo, NULL));
	n = shape_read(SHAPE_UPDATE, rowtype, &attrs->root, &key, &given);
	shape = shape_lookup(&key);
	if (shape == NULL)
		PG_RETURN_DATUM(update_built(fcinfo, &key));
	PG_TRY();
	{
		result = update_cached(fcinfo, shape, given, n);
	}
	PG_FINALLY();
	{
		shape_release(shape);
	}
	PG_END_TRY();
	PG_RETURN_DATUM(result);
}

/*
 * am.update_all(model, conditions, attrs) -> bigint: one UPDATE, without
 * hooks or timestamps (Rails' update_all)
 */
Datum
am_update_all(PG_FUNCTION_ARGS)
{
	QueryBuilder qb;
	PersistAttrs attrs;
	uint64		processed;
	int			i;

	persist_begin(&qb, fcinfo);
	attrs_arg(&qb, fcinfo, 2, "attrs", &attrs);
	if (attrs.n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("am.update_all needs attributes to set")));
	appendStringInfo(&qb.sql, "UPDATE %s AS " QUERY_ALIAS " SET ", qb.qualname);
	for (i = 0; i < attrs.n; i++)
		appendStringInfo(&qb.sql, "%s%s = $%d", i ? ", " : "",
						 column_name(&qb, attrs.attrs[i].attnum),
						 attr_param(&qb, &attrs.attrs[i]));
	appendStringInfoString(&qb.sql, " WHERE ");
	query_compile_conditions(&qb, PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1));
	processed = persist_run_skipping(&qb);
	persist_end(&qb);
	PG_RETURN_INT64((int64) processed);
}

/*
 * am.upsert(model, attrs, unique_by text[]) -> model: INSERT ... ON
 * CONFLICT (unique_by, or the primary key) DO UPDATE of the other given
 * columns; the key and the created column are never overwritten.
 */
Datum
am_upsert(PG_FUNCTION_ARGS)
{
	QueryBuilder qb;
	PersistAttrs attrs;
	Datum		result;
	bool		isnull;

	persist_begin(&qb, fcinfo);
	attrs_arg(&qb, fcinfo, 1, "attrs", &attrs);
	if (attrs.n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("am.upsert needs attributes"),
				 errhint("Give at least the columns of the conflict key.")));
	append_insert_values(&qb, &attrs);
	append_on_conflict(&qb, fcinfo, 2, &attrs);
	append_returning(&qb);
	persist_run(&qb);
	result = persist_first_row(&isnull);
	persist_end(&qb);
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * am.upsert_all(model, rows, unique_by) -> SETOF model: one INSERT ... ON
 * CONFLICT of all rows
 */
Datum
am_upsert_all(PG_FUNCTION_ARGS)
{
	QueryBuilder qb;
	PersistAttrs columns;
	int			nrows;
	int			param;

	InitMaterializedSRF(fcinfo, 0);
	persist_begin(&qb, fcinfo);
	param = rows_param(&qb, fcinfo, 1, &columns, &nrows);
	if (nrows > 0)
	{
		if (columns.n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("am.upsert_all needs attributes"),
					 errhint("Give at least the columns of the conflict key.")));
		append_insert_rows(&qb, &columns, param);
		append_on_conflict(&qb, fcinfo, 2, &columns);
		append_returning(&qb);
		persist_run(&qb);
		persist_store_rows(fcinfo);
	}
	persist_end(&qb);
	return (Datum) 0;
}

/*
 * am.destroy(model, id) -> model: DELETE ... RETURNING; P0002 when missing
 */
Datum
am_destroy(PG_FUNCTION_ARGS)
{
	PersistStatement st;
	Datum		result;
	int			id;

	id = begin_by_id(&st, fcinfo, "am.destroy");
	appendStringInfo(&st.qb.sql, "DELETE FROM %s AS " QUERY_ALIAS, st.qb.qualname);
	append_id_condition(&st, id);
	query_append_model_scope(&st.qb);
	append_returning(&st.qb);
	persist_run(&st.qb);
	result = returned_row_or_not_found(&st, fcinfo);
	persist_end(&st.qb);
	PG_RETURN_DATUM(result);
}

/* DELETE of the rows matching the conditions; the number deleted */
static int64
delete_where(FunctionCallInfo fcinfo, bool skipping)
{
	QueryBuilder qb;
	uint64		processed;

	persist_begin(&qb, fcinfo);
	appendStringInfo(&qb.sql, "DELETE FROM %s AS " QUERY_ALIAS " WHERE ", qb.qualname);
	query_compile_conditions(&qb, PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1));
	processed = skipping ? persist_run_skipping(&qb) : persist_run(&qb);
	persist_end(&qb);
	return (int64) processed;
}

/*
 * am.destroy_all(model, conditions) -> bigint, with hooks
 */
Datum
am_destroy_all(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(delete_where(fcinfo, false));
}

/*
 * am.delete_all(model, conditions) -> bigint, without hooks (Rails)
 */
Datum
am_delete_all(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(delete_where(fcinfo, true));
}

/*
 * The statements of find_or_create_by: the read by the conditions (each an
 * equality, null IS NULL) and the insert of conditions and extra.
 */
static Datum
find_by_attrs(FunctionCallInfo fcinfo, Jsonb *conditions, bool *isnull)
{
	QueryBuilder qb;
	PersistAttrs attrs;
	AttrNumber	pk[INDEX_MAX_KEYS];
	int			npk;
	int			i;
	Datum		result;

	query_builder_init(&qb, get_fn_expr_argtype(fcinfo->flinfo, 0));
	read_attrs(&qb, &conditions->root, "conditions", &attrs);
	append_select_rows(&qb);
	appendStringInfoString(&qb.sql, " WHERE (");
	for (i = 0; i < attrs.n; i++)
	{
		QueryOperand op;

		if (i > 0)
			appendStringInfoString(&qb.sql, " AND ");
		query_column_operand(&qb, attrs.attrs[i].attnum, &op);
		if (attrs.attrs[i].value.type == jbvNull)
			appendStringInfo(&qb.sql, "%s IS NULL", op.expr);
		else
			appendStringInfo(&qb.sql, "%s %s $%d", op.expr,
							 query_operator_sql(op.type, BTEqualStrategyNumber, op.column),
							 attr_param(&qb, &attrs.attrs[i]));
	}
	appendStringInfoString(&qb.sql, attrs.n ? ")" : "true)");
	query_append_model_scope(&qb);
	npk = primary_key(&qb, pk);
	for (i = 0; i < npk; i++)
		appendStringInfo(&qb.sql, "%s%s.%s", i ? ", " : " ORDER BY ",
						 QUERY_ALIAS, column_name(&qb, pk[i]));
	appendStringInfoString(&qb.sql, " LIMIT 1");
	persist_run(&qb);
	result = persist_first_row(isnull);
	query_builder_close(&qb);
	return result;
}

static Datum
insert_attrs(FunctionCallInfo fcinfo, Jsonb *conditions, Jsonb *extra,
			 bool on_conflict_do_nothing, bool *isnull)
{
	QueryBuilder qb;
	PersistAttrs attrs;
	PersistAttrs more;
	Datum		result;
	int			i;

	query_builder_init(&qb, get_fn_expr_argtype(fcinfo->flinfo, 0));
	read_attrs(&qb, &conditions->root, "conditions", &attrs);
	read_attrs(&qb, &extra->root, "extra", &more);
	/* the conditions' values win over extra's */
	attrs.attrs = repalloc(attrs.attrs, sizeof(PersistAttr) * Max(attrs.n + more.n, 1));
	for (i = 0; i < more.n; i++)
	{
		bool		dup = false;
		int			j;

		for (j = 0; !dup && j < attrs.n; j++)
			dup = (attrs.attrs[j].attnum == more.attrs[i].attnum);
		if (!dup)
			attrs.attrs[attrs.n++] = more.attrs[i];
	}
	append_insert_values(&qb, &attrs);
	if (on_conflict_do_nothing)
		appendStringInfoString(&qb.sql, " ON CONFLICT DO NOTHING");
	append_returning(&qb);
	persist_run(&qb);
	result = persist_first_row(isnull);
	query_builder_close(&qb);
	return result;
}

/*
 * am.find_or_create_by(model, conditions, extra) -> model: the first row
 * by primary key whose columns equal the conditions, else a new row of the
 * conditions and extra.  Race-safe given a unique index on the condition
 * columns: the insert is ON CONFLICT DO NOTHING, which waits for a
 * concurrent inserter of the same key to finish, and a conflict is read
 * again with the next statement's snapshot.  Without such an index it is
 * Rails' read then insert.
 */
Datum
am_find_or_create_by(PG_FUNCTION_ARGS)
{
	Jsonb	   *conditions;
	Jsonb	   *extra;
	Datum		result = (Datum) 0;
	bool		isnull = true;
	int			round;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("conditions must not be null")));
	conditions = PG_GETARG_JSONB_P(1);
	extra = PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2);
	if (JB_ROOT_IS_SCALAR(conditions) || !JB_ROOT_IS_OBJECT(conditions))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("conditions must be a JSON object of column names and values")));
	if (extra == NULL)
		extra = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
	if (JB_ROOT_IS_SCALAR(extra) || !JB_ROOT_IS_OBJECT(extra))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("extra must be a JSON object of column names and values")));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	for (round = 0; round < FIND_OR_CREATE_ROUNDS && isnull; round++)
	{
		result = find_by_attrs(fcinfo, conditions, &isnull);
		if (isnull)
			result = insert_attrs(fcinfo, conditions, extra, true, &isnull);
	}
	/* still nothing: a conflict on another key; raise it */
	if (isnull)
		result = insert_attrs(fcinfo, conditions, extra, false, &isnull);
	SPI_finish();
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * One UPDATE of the row with this id: "UPDATE model AS t0 SET <set> WHERE
 * (t0.pk = $1)" and the soft-delete scope; the row, or P0002.  build makes
 * the SET list, adding the parameters it needs.
 */
static Datum
update_by_id(FunctionCallInfo fcinfo, const char *what, SetBuilder build)
{
	PersistStatement st;
	Datum		result;
	char	   *set;
	int			id;

	id = begin_by_id(&st, fcinfo, what);
	set = build(&st, fcinfo);
	appendStringInfo(&st.qb.sql, "UPDATE %s AS " QUERY_ALIAS " SET %s",
					 st.qb.qualname, set);
	append_id_condition(&st, id);
	query_append_model_scope(&st.qb);
	append_returning(&st.qb);
	persist_run(&st.qb);
	result = returned_row_or_not_found(&st, fcinfo);
	persist_end(&st.qb);
	return result;
}

/* the column named by argument argno, or 42703 */
static AttrNumber
column_arg(QueryBuilder *qb, FunctionCallInfo fcinfo, int argno,
		   QueryOperand *op)
{
	char	   *name;
	AttrNumber	attnum;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the column must not be null")));
	name = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	attnum = query_column_attnum(qb, name);
	if (attnum == InvalidAttrNumber)
		query_report_unknown_column(qb, &qb->model, name, name);
	query_column_operand(qb, attnum, op);
	return attnum;
}

/* increment: col = COALESCE(t0.col, 0) + by, in the column's type */
static char *
increment_set(PersistStatement *st, FunctionCallInfo fcinfo)
{
	QueryOperand col;
	Oid			base;
	Oid			plus;
	char	   *by;
	int			nby;
	int			nzero;

	column_arg(&st->qb, fcinfo, 2, &col);
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("by must not be null")));
	base = getBaseType(col.type);
	plus = LookupOperName(NULL, list_make2(makeString("pg_catalog"), makeString("+")),
						  base, base, true, -1);
	if (!OidIsValid(plus) || get_op_rettype(plus) != base)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of type %s cannot be incremented",
						col.column, format_type_be(col.type)),
				 errhint("am.increment works on columns of a numeric type.")));
	/* by goes through the column's input: 1.5 is no integer */
	by = DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(3)));
	nby = query_add_param(&st->qb, base,
						  query_text_value(&st->qb, by, base, -1, "by"), false);
	nzero = query_add_param(&st->qb, base,
							query_text_value(&st->qb, "0", base, -1, "by"), false);
	return psprintf("%s = COALESCE(%s, $%d) %s $%d",
					quote_identifier(col.column), col.expr, nzero,
					query_operator_oid_sql(plus), nby);
}

/*
 * am.increment(model, id, col text, by numeric DEFAULT 1) -> model: one
 * UPDATE, col = coalesce(col, 0) + by (Rails treats nil as 0)
 */
Datum
am_increment(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(update_by_id(fcinfo, "am.increment", increment_set));
}

/* touch: the updated column = am.timestamp_now() */
static char *
touch_set(PersistStatement *st, FunctionCallInfo fcinfo)
{
	AttrNumber	updated = timestamps_column(&st->qb, 1);

	if (updated == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("relation \"%s\" has no updated timestamp column",
						RelationGetRelationName(st->qb.rel)),
				 errhint("Call am.add_timestamps('%s') first.",
						 RelationGetRelationName(st->qb.rel))));
	return psprintf("%s = %s.timestamp_now()", column_name(&st->qb, updated),
					quote_identifier(AM_SCHEMA));
}

/*
 * am.touch(model, id) -> model: the updated column set to the time of the
 * timestamp clock
 */
Datum
am_touch(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(update_by_id(fcinfo, "am.touch", touch_set));
}

/* toggle: col = NOT coalesce(col, false) */
static char *
toggle_set(PersistStatement *st, FunctionCallInfo fcinfo)
{
	QueryOperand col;

	column_arg(&st->qb, fcinfo, 2, &col);
	if (getBaseType(col.type) != BOOLOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of type %s cannot be toggled",
						col.column, format_type_be(col.type)),
				 errhint("am.toggle works on boolean columns.")));
	return psprintf("%s = NOT COALESCE(%s, false)",
					quote_identifier(col.column), col.expr);
}

/*
 * am.toggle(model, id, col) -> model: one UPDATE, col = NOT col (NULL
 * becomes true, as Rails' toggle!)
 */
Datum
am_toggle(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(update_by_id(fcinfo, "am.toggle", toggle_set));
}

/*
 * soft_delete and restore: set (or clear) the soft-delete column of the
 * row with this id when it is not yet (or is) soft-deleted; a row already
 * so is returned unchanged, without a write.
 */
static Datum
set_deleted(FunctionCallInfo fcinfo, bool deleting)
{
	const char *what = deleting ? "am.soft_delete" : "am.restore";
	PersistStatement st;
	AttrNumber	attnum;
	QueryOperand col;
	Datum		result;
	bool		isnull;
	int			id;

	id = begin_by_id(&st, fcinfo, what);
	attnum = require_soft_delete(&st.qb, what);
	query_column_operand(&st.qb, attnum, &col);
	appendStringInfo(&st.qb.sql, "UPDATE %s AS " QUERY_ALIAS " SET %s = %s",
					 st.qb.qualname, quote_identifier(col.column),
					 deleting ? psprintf("%s.timestamp_now()", quote_identifier(AM_SCHEMA)) : "NULL");
	append_id_condition(&st, id);
	appendStringInfo(&st.qb.sql, " AND (%s IS %sNULL)", col.expr,
					 deleting ? "" : "NOT ");
	append_returning(&st.qb);
	persist_run(&st.qb);
	result = persist_first_row(&isnull);
	if (isnull)
	{
		/* already so, or missing: read it, deleted or not */
		resetStringInfo(&st.qb.sql);
		append_select_rows(&st.qb);
		append_id_condition(&st, id);
		persist_run(&st.qb);
		result = returned_row_or_not_found(&st, fcinfo);
	}
	persist_end(&st.qb);
	return result;
}

/*
 * am.soft_delete(model, id) -> model: the soft-delete column set to the
 * time of the timestamp clock, running the update hooks
 */
Datum
am_soft_delete(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(set_deleted(fcinfo, true));
}

/*
 * am.restore(model, id) -> model: the soft-delete column cleared
 */
Datum
am_restore(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(set_deleted(fcinfo, false));
}
