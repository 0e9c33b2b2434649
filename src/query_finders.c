/*-------------------------------------------------------------------------
 *
 * query_finders.c
 *	  The finders of the ActiveRecord helpers: am.where, am.find,
 *	  am.find_by, am.first, am.last, am.count and am.exists.
 *
 * Each finder names its model by the type of its first argument (a typed
 * NULL of a table's row type), compiles its conditions and options into
 * one SELECT (query_conditions.c), takes the kept plan for that shape
 * (query_plan_cache.c) and runs it through SPI as the calling user: the
 * functions are SECURITY INVOKER, so privileges, column privileges and
 * row-level security apply as for the plain SELECT.  am.where streams the
 * columns into its tuplestore, mapped to the model's row type; the
 * single-row finders return a whole-row value of the table.
 *
 * IDENTIFICATION
 *	  src/query_finders.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/stratnum.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "executor/tstoreReceiver.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "query.h"

PG_FUNCTION_INFO_V1(am_where);
PG_FUNCTION_INFO_V1(am_find);
PG_FUNCTION_INFO_V1(am_find_by);
PG_FUNCTION_INFO_V1(am_first);
PG_FUNCTION_INFO_V1(am_last);
PG_FUNCTION_INFO_V1(am_count);
PG_FUNCTION_INFO_V1(am_exists);
PG_FUNCTION_INFO_V1(am_pluck);
PG_FUNCTION_INFO_V1(am_group_count);

/* the model's primary key */
typedef struct PrimaryKey
{
	int			ncolumns;		/* 0 when there is none */
	AttrNumber	attnums[INDEX_MAX_KEYS];
} PrimaryKey;

/*
 * The row type named by the first argument; raises unless it is the row
 * type of a relation.
 */
static Oid
model_rowtype(FunctionCallInfo fcinfo)
{
	Oid			rowtype = get_fn_expr_argtype(fcinfo->flinfo, 0);

	if (!OidIsValid(rowtype) || !OidIsValid(get_typ_typrelid(rowtype)))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("the first argument must be the row type of a table or view"),
				 errdetail("The argument is of type %s.",
						   OidIsValid(rowtype) ? format_type_be(rowtype) : "unknown"),
				 errhint("Pass a typed NULL, as in am.where(NULL::users, ...).")));
	return rowtype;
}

/* connect to SPI and open the model */
static void
finder_begin(QueryBuilder *qb, FunctionCallInfo fcinfo)
{
	Oid			rowtype = model_rowtype(fcinfo);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	query_builder_init(qb, rowtype);
}

static void
finder_end(QueryBuilder *qb)
{
	query_builder_close(qb);
	SPI_finish();
}

/* run the built statement read-only; returns the number of rows */
static uint64
finder_run(QueryBuilder *qb, long count)
{
	void	   *handle;
	SPIPlanPtr	plan = query_plan_acquire(qb, &handle);
	int			rc = 0;

	PG_TRY();
	{
		rc = SPI_execute_plan(plan, qb->values, qb->nulls, true, count);
	}
	PG_FINALLY();
	{
		query_plan_release(handle);
	}
	PG_END_TRY();

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

/*
 * Run the built statement read-only with its rows going straight into a
 * tuplestore, converted by position to desc (which may hold dropped
 * columns the statement's rows do not).
 */
static void
finder_run_to_store(QueryBuilder *qb, Tuplestorestate *store, TupleDesc desc,
					MemoryContext cxt)
{
	void	   *handle;
	SPIPlanPtr	plan = query_plan_acquire(qb, &handle);
	ParamListInfo params = makeParamList(qb->nparams);
	SPIExecuteOptions options;
	DestReceiver *dest = CreateDestReceiver(DestTuplestore);
	int			rc = 0;
	int			i;

	for (i = 0; i < qb->nparams; i++)
	{
		ParamExternData *prm = &params->params[i];

		prm->value = qb->values[i];
		prm->isnull = (qb->nulls[i] == 'n');
		prm->pflags = PARAM_FLAG_CONST;
		prm->ptype = qb->paramtypes[i];
	}
	SetTuplestoreDestReceiverParams(dest, store, cxt, false, desc,
									gettext_noop("the rows do not match the row type of the model"));
	memset(&options, 0, sizeof(options));
	options.params = params;
	options.read_only = true;
	options.dest = dest;

	PG_TRY();
	{
		rc = SPI_execute_plan_extended(plan, &options);
	}
	PG_FINALLY();
	{
		query_plan_release(handle);
	}
	PG_END_TRY();

	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan_extended failed: %s", SPI_result_code_string(rc));
}

static void
primary_key(QueryBuilder *qb, PrimaryKey *pk)
{
	Oid			indexoid = RelationGetPrimaryKeyIndex(qb->rel);
	HeapTuple	tup;
	Form_pg_index index;
	int			i;

	pk->ncolumns = 0;
	if (!OidIsValid(indexoid))
		return;
	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for index %u", indexoid);
	index = (Form_pg_index) GETSTRUCT(tup);
	pk->ncolumns = index->indnkeyatts;
	for (i = 0; i < index->indnkeyatts; i++)
		pk->attnums[i] = index->indkey.values[i];
	ReleaseSysCache(tup);
}

static void
require_primary_key(QueryBuilder *qb, PrimaryKey *pk, bool single,
					const char *what)
{
	primary_key(qb, pk);
	if (pk->ncolumns == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_COLUMN_REFERENCE),
				 errmsg("relation \"%s\" has no primary key",
						RelationGetRelationName(qb->rel)),
				 errdetail("%s works by primary key.", what)));
	if (single && pk->ncolumns > 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("relation \"%s\" has a composite primary key",
						RelationGetRelationName(qb->rel)),
				 errdetail("%s takes the value of a single-column primary key.",
						   what)));
}

static const char *
column_sql(QueryBuilder *qb, AttrNumber attnum)
{
	QueryOperand op;

	query_column_operand(qb, attnum, &op);
	return op.expr;
}

/* "SELECT <the row> FROM <model> t0 WHERE " */
static void
append_select_rows(QueryBuilder *qb)
{
	appendStringInfo(&qb->sql, "SELECT CAST(" QUERY_ALIAS ".* AS %s) FROM %s " QUERY_ALIAS " WHERE ",
					 format_type_be_qualified(qb->rowtype), qb->qualname);
}

static void
append_order_by_pk(QueryBuilder *qb, PrimaryKey *pk, bool descending)
{
	int			i;

	for (i = 0; i < pk->ncolumns; i++)
		appendStringInfo(&qb->sql, "%s%s%s",
						 i ? ", " : " ORDER BY ",
						 column_sql(qb, pk->attnums[i]),
						 descending ? " DESC" : "");
}

/* one term of order_by */
typedef struct OrderTerm
{
	char	   *expr;			/* its SQL */
	AttrNumber	attnum;			/* the model's column, or 0 for a path */
	bool		descending;
} OrderTerm;

/*
 * Parse order_by ('col, -col2'); returns the number of terms.
 */
static int
parse_order_by(QueryBuilder *qb, const char *order_by, OrderTerm **terms)
{
	char	   *copy = pstrdup(order_by);
	char	   *next = copy;
	int			n = 0;
	int			cap = 4;

	*terms = palloc(sizeof(OrderTerm) * cap);
	while (next != NULL)
	{
		char	   *term = next;
		char	   *comma = strchr(term, ',');
		char	   *end;
		bool		descending = false;
		AttrNumber	attnum;

		if (comma)
			*comma = '\0';
		next = comma ? comma + 1 : NULL;
		while (isspace((unsigned char) *term))
			term++;
		end = term + strlen(term);
		while (end > term && isspace((unsigned char) end[-1]))
			*--end = '\0';
		if (*term == '-')
		{
			descending = true;
			term++;
		}
		else if (*term == '+')
			term++;
		if (*term == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid order_by \"%s\"", order_by),
					 errdetail("order_by is a comma-separated list of column names, each with an optional \"-\" for descending order.")));
		if (n >= QUERY_MAX_TERMS)
			ereport(ERROR,
					(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
					 errmsg("order_by has more than %d terms", QUERY_MAX_TERMS)));
		if (n >= cap)
		{
			cap *= 2;
			*terms = repalloc(*terms, sizeof(OrderTerm) * cap);
		}
		(*terms)[n].expr = query_path_expr(qb, &qb->model, term, "order_by",
										   &attnum);
		(*terms)[n].attnum = attnum;
		(*terms)[n].descending = descending;
		n++;
	}
	return n;
}

/*
 * The ORDER BY list of order_by, or of the primary key when order_by is
 * NULL; NULL when there is neither.
 */
char *
query_order_by_sql(QueryBuilder *qb, const char *order_by)
{
	StringInfoData s;
	int			i;

	initStringInfo(&s);
	if (order_by)
	{
		OrderTerm  *terms;
		int			nterms = parse_order_by(qb, order_by, &terms);

		for (i = 0; i < nterms; i++)
			appendStringInfo(&s, "%s%s%s", i ? ", " : "", terms[i].expr,
							 terms[i].descending ? " DESC" : "");
	}
	else
	{
		PrimaryKey	pk;

		primary_key(qb, &pk);
		for (i = 0; i < pk.ncolumns; i++)
			appendStringInfo(&s, "%s%s", i ? ", " : "",
							 column_sql(qb, pk.attnums[i]));
	}
	return s.len ? s.data : NULL;
}

/*
 * The rows statement of am.where: conditions, keyset, order, limit.
 */
static void
build_where(QueryBuilder *qb, Jsonb *conditions, text *order_by,
			bool has_take, int32 take, bool has_skip, int32 skip,
			text *after)
{
	OrderTerm  *terms = NULL;
	int			nterms = 0;
	int			i;

	/* the columns themselves: the receiver maps them to the row type */
	appendStringInfo(&qb->sql, "SELECT " QUERY_ALIAS ".* FROM %s " QUERY_ALIAS " WHERE ",
					 qb->qualname);
	query_compile_conditions(qb, conditions);

	if (order_by)
		nterms = parse_order_by(qb, text_to_cstring(order_by), &terms);

	if (after)
	{
		PrimaryKey	pk;
		QueryOperand key;
		bool		descending = false;
		Datum		value;
		int			n;

		require_primary_key(qb, &pk, true, "after");
		if (nterms > 1 || (nterms == 1 && terms[0].attnum != pk.attnums[0]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("after needs the rows in primary-key order"),
					 errdetail("order_by is \"%s\".", text_to_cstring(order_by)),
					 errhint("Leave order_by out, or order by the primary key alone (descending with \"-\").")));
		if (nterms == 1)
			descending = terms[0].descending;
		else
		{
			terms = palloc(sizeof(OrderTerm));
			terms[0].expr = (char *) column_sql(qb, pk.attnums[0]);
			terms[0].attnum = pk.attnums[0];
			terms[0].descending = false;
			nterms = 1;
		}
		query_column_operand(qb, pk.attnums[0], &key);
		value = query_text_value(qb, text_to_cstring(after), key.type,
								 key.typmod, "after");
		n = query_add_param(qb, key.type, value, false);
		appendStringInfo(&qb->sql, " AND (%s %s $%d)", key.expr,
						 query_operator_sql(key.type,
											descending ? BTLessStrategyNumber : BTGreaterStrategyNumber,
											key.column),
						 n);
	}

	for (i = 0; i < nterms; i++)
		appendStringInfo(&qb->sql, "%s%s%s",
						 i ? ", " : " ORDER BY ",
						 terms[i].expr,
						 terms[i].descending ? " DESC" : "");
	if (has_take)
		appendStringInfo(&qb->sql, " LIMIT $%d",
						 query_add_param(qb, INT8OID, Int64GetDatum(take), false));
	if (has_skip)
		appendStringInfo(&qb->sql, " OFFSET $%d",
						 query_add_param(qb, INT8OID, Int64GetDatum(skip), false));
}

/*
 * am.where(model, conditions, order_by, take, skip, after) -> SETOF model
 */
Datum
am_where(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	QueryBuilder qb;

	model_rowtype(fcinfo);
	InitMaterializedSRF(fcinfo, 0);

	finder_begin(&qb, fcinfo);
	build_where(&qb,
				PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1),
				PG_ARGISNULL(2) ? NULL : PG_GETARG_TEXT_PP(2),
				!PG_ARGISNULL(3), PG_ARGISNULL(3) ? 0 : PG_GETARG_INT32(3),
				!PG_ARGISNULL(4), PG_ARGISNULL(4) ? 0 : PG_GETARG_INT32(4),
				PG_ARGISNULL(5) ? NULL : PG_GETARG_TEXT_PP(5));
	finder_run_to_store(&qb, rsinfo->setResult, rsinfo->setDesc,
						rsinfo->econtext->ecxt_per_query_memory);
	finder_end(&qb);
	return (Datum) 0;
}

/* the first row of the result as a datum of the caller, or NULL */
static Datum
first_row(bool *isnull)
{
	Datum		d;

	if (SPI_processed == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, isnull);
	if (*isnull)
		return (Datum) 0;
	return SPI_datumTransfer(d, false, -1);
}


/*
 * What am.find needs of a model, kept per backend so that a call compiles
 * nothing: the statement, the key's type and its input function.  An entry
 * is rebuilt after a relcache invalidation of its relation.
 */
typedef struct FindEntry
{
	Oid			rowtype;		/* hash key */
	Oid			relid;
	bool		valid;
	char	   *sql;
	char	   *relname;
	char	   *column;			/* the primary key column */
	Oid			keytype;
	QueryTypeInput input;		/* of keytype, with the column's typmod */
} FindEntry;

static HTAB *find_cache = NULL;
static MemoryContext find_cxt = NULL;

static void
find_cache_relcache_callback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	FindEntry  *entry;

	hash_seq_init(&status, find_cache);
	while ((entry = hash_seq_search(&status)) != NULL)
		if (!OidIsValid(relid) || entry->relid == relid)
			entry->valid = false;
}

/*
 * The find entry of a row type, built from the catalog when missing or
 * invalid.  The relation is locked first, so that invalidations are seen.
 */
static FindEntry *
find_entry(FunctionCallInfo fcinfo, Oid rowtype)
{
	FindEntry  *entry;
	bool		found;
	QueryBuilder qb;
	PrimaryKey	pk;
	QueryOperand key;
	MemoryContext oldcxt;

	if (find_cache == NULL)
	{
		HASHCTL		ctl;

		find_cxt = AllocSetContextCreate(TopMemoryContext,
										 "activemodel am.find cache",
										 ALLOCSET_SMALL_SIZES);
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(FindEntry);
		ctl.hcxt = find_cxt;
		find_cache = hash_create("activemodel am.find cache", 16, &ctl,
								 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		CacheRegisterRelcacheCallback(find_cache_relcache_callback, (Datum) 0);
	}

	entry = hash_search(find_cache, &rowtype, HASH_ENTER, &found);
	if (!found)
	{
		entry->valid = false;
		entry->relid = InvalidOid;
		entry->sql = entry->relname = entry->column = NULL;
	}
	if (entry->valid)
	{
		LockRelationOid(entry->relid, AccessShareLock);
		if (entry->valid)
			return entry;
	}

	/* (re)build: check the model as every finder does */
	model_rowtype(fcinfo);
	query_builder_init(&qb, rowtype);
	require_primary_key(&qb, &pk, true, "am.find");
	query_column_operand(&qb, pk.attnums[0], &key);
	append_select_rows(&qb);
	appendStringInfo(&qb.sql, "(%s %s $1)", key.expr,
					 query_operator_sql(key.type, BTEqualStrategyNumber, key.column));
	/* a soft-deleted row is not found (query_soft_delete.c) */
	query_append_model_scope(&qb);

	if (entry->sql)
		pfree(entry->sql);
	if (entry->relname)
		pfree(entry->relname);
	if (entry->column)
		pfree(entry->column);
	entry->sql = entry->relname = entry->column = NULL;
	oldcxt = MemoryContextSwitchTo(find_cxt);
	entry->relid = RelationGetRelid(qb.rel);
	entry->sql = pstrdup(qb.sql.data);
	entry->relname = pstrdup(RelationGetRelationName(qb.rel));
	entry->column = pstrdup(key.column);
	entry->keytype = key.type;
	MemoryContextSwitchTo(oldcxt);
	query_type_input_init(&entry->input, key.type, key.typmod, find_cxt);
	query_builder_close(&qb);
	entry->valid = true;
	return entry;
}

/*
 * Text form of an "any" id argument, for messages and for conversion (the
 * finders and the persistence helpers).
 */
char *
query_id_text(FunctionCallInfo fcinfo, int argno, Oid argtype)
{
	Datum		d = PG_GETARG_DATUM(argno);
	Oid			output;
	bool		isvarlena;

	if (argtype == UNKNOWNOID || argtype == CSTRINGOID)
		return pstrdup(DatumGetCString(d));
	if (argtype == TEXTOID)
		return TextDatumGetCString(d);
	getTypeOutputInfo(argtype, &output, &isvarlena);
	return OidOutputFunctionCall(output, d);
}

/*
 * P0002 for the id argument argno that matched no row of relname; idstr is
 * its text form when the caller has it already (else NULL).  One wording
 * for am.find and the persistence helpers.
 */
void
query_report_not_found(const char *relname, const char *keycolumn,
					   FunctionCallInfo fcinfo, int argno, const char *idstr)
{
	if (idstr == NULL)
		idstr = query_id_text(fcinfo, argno,
							  get_fn_expr_argtype(fcinfo->flinfo, argno));
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("could not find \"%s\" with %s = %s",
					relname, quote_identifier(keycolumn), idstr)));
}

/*
 * am.find(model, id "any") -> model; P0002 when missing
 */
Datum
am_find(PG_FUNCTION_ARGS)
{
	Oid			rowtype = get_fn_expr_argtype(fcinfo->flinfo, 0);
	Oid			argtype = get_fn_expr_argtype(fcinfo->flinfo, 1);
	FindEntry  *entry;
	QueryBuilder qb;
	char	   *idstr = NULL;
	Datum		value;
	Datum		result;
	bool		isnull;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	entry = find_entry(fcinfo, rowtype);

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("could not find \"%s\" without an id", entry->relname)));
	if (argtype == entry->keytype)
		value = PG_GETARG_DATUM(1);
	else
	{
		idstr = query_id_text(fcinfo, 1, argtype);
		value = query_type_input_call(&entry->input, pstrdup(idstr), "id");
	}

	/* a builder holding just the cached statement and its parameter */
	memset(&qb, 0, sizeof(qb));
	qb.relids = list_make1_oid(entry->relid);
	initStringInfo(&qb.sql);
	appendStringInfoString(&qb.sql, entry->sql);
	qb.maxparams = 1;
	qb.paramtypes = palloc(sizeof(Oid));
	qb.values = palloc(sizeof(Datum));
	qb.nulls = palloc(sizeof(char));
	query_add_param(&qb, entry->keytype, value, false);

	finder_run(&qb, 1);
	result = first_row(&isnull);
	if (isnull)
		query_report_not_found(entry->relname, entry->column, fcinfo, 1, idstr);
	SPI_finish();
	PG_RETURN_DATUM(result);
}

/* the first row by primary key (or any row without one) of conditions */
static Datum
find_one(FunctionCallInfo fcinfo, bool descending, bool need_pk,
		 const char *what, bool *isnull)
{
	QueryBuilder qb;
	PrimaryKey	pk;
	Datum		result;

	finder_begin(&qb, fcinfo);
	if (need_pk)
		require_primary_key(&qb, &pk, false, what);
	else
		primary_key(&qb, &pk);
	append_select_rows(&qb);
	query_compile_conditions(&qb, PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1));
	append_order_by_pk(&qb, &pk, descending);
	appendStringInfoString(&qb.sql, " LIMIT 1");
	finder_run(&qb, 1);
	result = first_row(isnull);
	finder_end(&qb);
	return result;
}

/*
 * am.find_by(model, conditions) -> model or NULL; the first by primary key
 */
Datum
am_find_by(PG_FUNCTION_ARGS)
{
	bool		isnull;
	Datum		result = find_one(fcinfo, false, false, "am.find_by", &isnull);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * am.first(model, conditions) -> model or NULL, by primary key
 */
Datum
am_first(PG_FUNCTION_ARGS)
{
	bool		isnull;
	Datum		result = find_one(fcinfo, false, true, "am.first", &isnull);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * am.last(model, conditions) -> model or NULL, by primary key
 */
Datum
am_last(PG_FUNCTION_ARGS)
{
	bool		isnull;
	Datum		result = find_one(fcinfo, true, true, "am.last", &isnull);

	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * am.count(model, conditions) -> bigint
 */
Datum
am_count(PG_FUNCTION_ARGS)
{
	QueryBuilder qb;
	bool		isnull;
	int64		result;

	finder_begin(&qb, fcinfo);
	appendStringInfo(&qb.sql, "SELECT pg_catalog.count(*) FROM %s " QUERY_ALIAS " WHERE ",
					 qb.qualname);
	query_compile_conditions(&qb, PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1));
	finder_run(&qb, 1);
	result = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
										 SPI_tuptable->tupdesc, 1, &isnull));
	finder_end(&qb);
	PG_RETURN_INT64(result);
}

/*
 * am.exists(model, conditions) -> boolean
 */
Datum
am_exists(PG_FUNCTION_ARGS)
{
	QueryBuilder qb;
	bool		isnull;
	bool		result;

	finder_begin(&qb, fcinfo);
	appendStringInfo(&qb.sql, "SELECT EXISTS (SELECT FROM %s " QUERY_ALIAS " WHERE ",
					 qb.qualname);
	query_compile_conditions(&qb, PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1));
	appendStringInfoChar(&qb.sql, ')');
	finder_run(&qb, 1);
	result = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0],
										SPI_tuptable->tupdesc, 1, &isnull));
	finder_end(&qb);
	PG_RETURN_BOOL(result);
}

/*
 * Set up materialize mode for a function returning SETOF jsonb, whose
 * rsinfo may carry no expected descriptor (select-list calls).
 */
static Tuplestorestate *
materialize_jsonb(FunctionCallInfo fcinfo, TupleDesc *desc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext oldcxt;
	Tuplestorestate *store;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	oldcxt = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	*desc = CreateTemplateTupleDesc(1);
	TupleDescInitEntry(*desc, (AttrNumber) 1, "pluck", JSONBOID, -1, 0);
	store = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = store;
	rsinfo->setDesc = *desc;
	MemoryContextSwitchTo(oldcxt);
	return store;
}

/*
 * am.pluck(model, cols text[], conditions, order_by) -> SETOF jsonb, one
 * JSON array of the columns' values per row.  Columns may go through
 * belongs-to relations (author___name).
 */
Datum
am_pluck(PG_FUNCTION_ARGS)
{
	QueryBuilder qb;
	ArrayType  *cols;
	Datum	   *elems;
	bool	   *elemnulls;
	int			ncols;
	int			i;
	uint64		nrows;
	uint64		r;
	Tuplestorestate *store;
	TupleDesc	desc;
	StringInfoData select;

	model_rowtype(fcinfo);
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the columns to pluck must not be null")));
	cols = PG_GETARG_ARRAYTYPE_P(1);
	deconstruct_array(cols, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &elemnulls, &ncols);
	if (ncols == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no columns to pluck")));
	if (ncols > QUERY_MAX_TERMS)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("more than %d columns to pluck", QUERY_MAX_TERMS)));
	store = materialize_jsonb(fcinfo, &desc);

	finder_begin(&qb, fcinfo);
	initStringInfo(&select);
	for (i = 0; i < ncols; i++)
	{
		if (elemnulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the columns to pluck must not be null")));
		appendStringInfo(&select, "%s%s", i ? ", " : "",
						 query_path_expr(&qb, &qb.model, TextDatumGetCString(elems[i]),
										 "pluck", NULL));
	}
	appendStringInfo(&qb.sql, "SELECT pg_catalog.jsonb_build_array(%s) FROM %s " QUERY_ALIAS " WHERE ",
					 select.data, qb.qualname);
	query_compile_conditions(&qb, PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2));
	if (!PG_ARGISNULL(3))
	{
		OrderTerm  *terms;
		int			nterms = parse_order_by(&qb, text_to_cstring(PG_GETARG_TEXT_PP(3)),
											&terms);

		for (i = 0; i < nterms; i++)
			appendStringInfo(&qb.sql, "%s%s%s", i ? ", " : " ORDER BY ",
							 terms[i].expr, terms[i].descending ? " DESC" : "");
	}
	nrows = finder_run(&qb, 0);
	for (r = 0; r < nrows; r++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc,
									  1, &isnull);

		tuplestore_putvalues(store, desc, &d, &isnull);
	}
	finder_end(&qb);
	return (Datum) 0;
}

/*
 * am.group_count(model, col text, conditions) -> TABLE(key jsonb, count
 * bigint): the number of matching rows per value of col (a column or a
 * belongs-to path), in the order of the values.
 */
Datum
am_group_count(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	QueryBuilder qb;
	uint64		nrows;
	uint64		r;
	char	   *expr;

	model_rowtype(fcinfo);
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the column to group by must not be null")));
	InitMaterializedSRF(fcinfo, 0);

	finder_begin(&qb, fcinfo);
	expr = query_path_expr(&qb, &qb.model, text_to_cstring(PG_GETARG_TEXT_PP(1)),
						   "group_count", NULL);
	appendStringInfo(&qb.sql, "SELECT pg_catalog.to_jsonb(g.k), pg_catalog.count(*) FROM (SELECT %s AS k FROM %s " QUERY_ALIAS " WHERE ",
					 expr, qb.qualname);
	query_compile_conditions(&qb, PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2));
	appendStringInfoString(&qb.sql, ") g GROUP BY g.k ORDER BY g.k");
	nrows = finder_run(&qb, 0);
	for (r = 0; r < nrows; r++)
	{
		Datum		values[2];
		bool		nulls[2];

		values[0] = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &nulls[0]);
		values[1] = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &nulls[1]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	finder_end(&qb);
	return (Datum) 0;
}
