/*-------------------------------------------------------------------------
 *
 * query_json.c
 *	  Serialization helpers: am.to_json, am.as_json (rows as JSON objects
 *	  with nested related rows) and am.from_json (a row from a JSON object).
 *
 * An include tree ({"author": {"only": ["name"]}, "comments": {"author":
 * {}}}) becomes one statement whose levels are common table expressions,
 * each loading the related rows of all the rows of the level above at once
 * (a semi-join on the keys), never one query per row:
 *
 *	 l0: the rows asked for                  (r = the row, o = their order)
 *	 lN: the rows of relation N of level P   (r, k = the key that joins P)
 *	 oN: lN's rows as objects with their own relations attached (v)
 *	 aN: oN aggregated per k into an array ordered by primary key
 *		 (has-many, many-to-many); belongs-to joins oN directly
 *
 * and the answer is jsonb_agg(o0.v ORDER BY o0.o).  Objects are to_jsonb of
 * the row (typeids as strings, timestamps in ISO 8601), or the "only"
 * columns, minus the "except" columns, with the relations added as keys.
 * Every table is read as the caller (SECURITY INVOKER): privileges and
 * row-level security apply to each level.
 *
 * IDENTIFICATION
 *	  src/query_json.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "query.h"

PG_FUNCTION_INFO_V1(am_to_json);
PG_FUNCTION_INFO_V1(am_as_json);
PG_FUNCTION_INFO_V1(am_from_json);

/* one level of the include tree */
typedef struct JsonLevel
{
	int			id;				/* N of lN, oN, aN */
	QueryScope *scope;			/* its table (alias unused in CTEs) */
	QueryRelation *relation;	/* how the parent reaches it; NULL at root */
	struct JsonLevel *parent;
	List	   *children;
	List	   *only;			/* column names, or NIL for all */
	int			except_param;	/* $n of the text[] to remove, or 0 */
} JsonLevel;

/* "(lN.r).col" for a column of the level's table */
static char *
row_column(JsonLevel *level, AttrNumber attnum)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(level->scope->rel),
										  attnum - 1);

	return psprintf("(l%d.r).%s", level->id,
					quote_identifier(NameStr(att->attname)));
}

/* read a list of column names of an option ("only", "except", columns) */
static List *
column_list(QueryBuilder *qb, QueryScope *scope, JsonbValue *v,
			const char *option)
{
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;
	List	   *result = NIL;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("option \"%s\" takes a JSON array of column names", option)));
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		char	   *name;

		if (tok != WJB_ELEM)
			continue;
		if (elem.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("option \"%s\" takes a JSON array of column names", option)));
		name = pnstrdup(elem.val.string.val, elem.val.string.len);
		if (query_scope_attnum(scope, name) == InvalidAttrNumber)
			query_report_unknown_column(qb, scope,
										psprintf("%s%s", scope->path, name), name);
		result = lappend(result, name);
	}
	return result;
}

/* text[] of column names checked against the scope, as a parameter */
static int
except_param(QueryBuilder *qb, QueryScope *scope, List *names)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(list_length(names), 1));
	ListCell   *lc;
	int			n = 0;

	foreach(lc, names)
		elems[n++] = CStringGetTextDatum((char *) lfirst(lc));
	return query_add_param(qb, TEXTARRAYOID,
						   PointerGetDatum(construct_array(elems, n, TEXTOID, -1,
														   false, TYPALIGN_INT)),
						   false);
}

/*
 * Build the include tree below level from an options object: "only" and
 * "except" are options, every other key a relation whose value is the
 * options object of its level ({} or true for all columns).
 */
static void
build_levels(QueryBuilder *qb, JsonLevel *level, JsonbValue *opts,
			 int *nlevels, int depth)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;

	check_stack_depth();
	if (depth > QUERY_MAX_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("include is nested more than %d levels deep",
						QUERY_MAX_DEPTH)));
	if (opts == NULL || opts->type == jbvNull ||
		(opts->type == jbvBool && opts->val.boolean))
		return;
	if (opts->type != jbvBinary || !JsonContainerIsObject(opts->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("include takes a JSON object of relations"),
				 errdetail("At \"%s\", the value is not an object.",
						   *level->scope->path ? level->scope->path : "the top level")));

	it = JsonbIteratorInit(opts->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &v, true);
		key = pnstrdup(k.val.string.val, k.val.string.len);
		if (strcmp(key, "only") == 0)
			level->only = column_list(qb, level->scope, &v, "only");
		else if (strcmp(key, "except") == 0)
			level->except_param = except_param(qb, level->scope,
											   column_list(qb, level->scope, &v, "except"));
		else
		{
			JsonLevel  *child = palloc0(sizeof(JsonLevel));

			if (++(*nlevels) > QUERY_MAX_INCLUDES)
				ereport(ERROR,
						(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
						 errmsg("include names more than %d relations",
								QUERY_MAX_INCLUDES)));
			child->id = *nlevels;
			child->parent = level;
			child->relation = query_scope_relation(qb, level->scope, key,
												   psprintf("%s%s", level->scope->path, key));
			child->scope = query_scope_open(qb, child->relation->target,
											psprintf("%s%s___", level->scope->path, key));
			if (child->relation->kind == QUERY_MANY_TO_MANY)
				(void) query_scope_open(qb, child->relation->junction, "");
			level->children = lappend(level->children, child);
			build_levels(qb, child, &v, nlevels, depth + 1);
		}
	}
}

/* the "lN AS (...)" of a child level and its children, pre-order */
static void
append_load_ctes(QueryBuilder *qb, JsonLevel *level)
{
	ListCell   *lc;

	if (level->parent != NULL)
	{
		QueryRelation *r = level->relation;
		JsonLevel  *p = level->parent;
		QueryOperand theirs;
		const char *rowtype = format_type_be_qualified(RelationGetForm(level->scope->rel)->reltype);

		query_scope_operand(level->scope, r->target_attnum, &theirs);
		appendStringInfo(&qb->sql, ", l%d AS (SELECT CAST(%s.* AS %s) AS r, ",
						 level->id, level->scope->alias, rowtype);
		switch (r->kind)
		{
			case QUERY_BELONGS_TO:
				/* target.pk = parent.fk */
				appendStringInfo(&qb->sql, "%s AS k FROM %s %s WHERE EXISTS (SELECT FROM l%d WHERE %s %s %s)",
								 theirs.expr, level->scope->qualname, level->scope->alias,
								 p->id, theirs.expr, query_operator_oid_sql(r->eqop),
								 row_column(p, r->local_attnum));
				break;
			case QUERY_HAS_MANY:
				/* parent.pk = child.fk */
				appendStringInfo(&qb->sql, "%s AS k FROM %s %s WHERE EXISTS (SELECT FROM l%d WHERE %s %s %s)",
								 theirs.expr, level->scope->qualname, level->scope->alias,
								 p->id, row_column(p, r->local_attnum),
								 query_operator_oid_sql(r->eqop), theirs.expr);
				break;
			case QUERY_MANY_TO_MANY:
				{
					Relation	jrel = relation_open(r->junction, NoLock);
					AttrNumber	jdeleted;
					char	   *jname = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(jrel)),
																   RelationGetRelationName(jrel));
					char	   *jalias = psprintf("j%d", level->id);
					char	   *jlocal = psprintf("%s.%s", jalias,
												  quote_identifier(get_attname(r->junction, r->junction_local_attnum, false)));
					char	   *jtarget = psprintf("%s.%s", jalias,
												   quote_identifier(get_attname(r->junction, r->junction_target_attnum, false)));

					jdeleted = query_soft_delete_attnum(jrel);
					relation_close(jrel, NoLock);
					/* target.pk = junction.target_fk, parent.pk = junction.local_fk */
					appendStringInfo(&qb->sql, "%s AS k FROM %s %s, %s %s WHERE %s %s %s AND EXISTS (SELECT FROM l%d WHERE %s %s %s)",
									 jlocal, jname, jalias, level->scope->qualname,
									 level->scope->alias, theirs.expr,
									 query_operator_oid_sql(r->junction_eqop), jtarget,
									 p->id, row_column(p, r->local_attnum),
									 query_operator_oid_sql(r->eqop), jlocal);
					/* soft-deleted junction rows do not join */
					if (jdeleted != InvalidAttrNumber)
						appendStringInfo(&qb->sql, " AND (%s.%s IS NULL)", jalias,
										 quote_identifier(get_attname(r->junction, jdeleted, false)));
					break;
				}
		}
		/* soft-deleted related rows are left out */
		query_append_soft_delete(qb, level->scope, false);
		appendStringInfoChar(&qb->sql, ')');
	}
	foreach(lc, level->children)
		append_load_ctes(qb, lfirst(lc));
}

/* primary-key columns of a level's table as "(oN.r).col, ..." or NULL */
static char *
order_by_primary_key(JsonLevel *level)
{
	Oid			indexoid = RelationGetPrimaryKeyIndex(level->scope->rel);
	HeapTuple	tup;
	Form_pg_index index;
	StringInfoData s;
	int			i;

	if (!OidIsValid(indexoid))
		return NULL;
	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for index %u", indexoid);
	index = (Form_pg_index) GETSTRUCT(tup);
	initStringInfo(&s);
	for (i = 0; i < index->indnkeyatts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(RelationGetDescr(level->scope->rel),
											  index->indkey.values[i] - 1);

		appendStringInfo(&s, "%s(o%d.r).%s", i ? ", " : "", level->id,
						 quote_identifier(NameStr(att->attname)));
	}
	ReleaseSysCache(tup);
	return s.data;
}

/* the "oN AS (...)" and "aN AS (...)" of a level, children first */
static void
append_object_ctes(QueryBuilder *qb, JsonLevel *level)
{
	ListCell   *lc;
	StringInfoData base;
	StringInfoData joins;
	int			nchildren = 0;

	foreach(lc, level->children)
		append_object_ctes(qb, lfirst(lc));

	/* the object of a row: its columns, then its relations */
	initStringInfo(&base);
	if (level->only != NIL)
	{
		/* a function takes at most 100 arguments: 50 pairs per call */
		foreach(lc, level->only)
		{
			char	   *col = lfirst(lc);
			int			i = foreach_current_index(lc);

			if (i % 50 == 0)
				appendStringInfoString(&base, i ? ") OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(" :
									   "pg_catalog.jsonb_build_object(");
			else
				appendStringInfoString(&base, ", ");
			appendStringInfo(&base, "%s, (l%d.r).%s", quote_literal_cstr(col),
							 level->id, quote_identifier(col));
		}
		appendStringInfoChar(&base, ')');
	}
	else
		appendStringInfo(&base, "pg_catalog.to_jsonb(l%d.r)", level->id);
	if (level->except_param)
		appendStringInfo(&base, " OPERATOR(pg_catalog.-) $%d", level->except_param);

	initStringInfo(&joins);
	foreach(lc, level->children)
	{
		JsonLevel  *child = lfirst(lc);
		QueryRelation *r = child->relation;
		bool		single = (r->kind == QUERY_BELONGS_TO);

		appendStringInfo(&base, "%s%s, %s",
						 nchildren % 50 ? ", " :
						 nchildren ? ") OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(" :
						 " OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(",
						 quote_literal_cstr(r->name),
						 single ? psprintf("o%d.v", child->id) :
						 psprintf("COALESCE(a%d.v, '[]'::pg_catalog.jsonb)", child->id));
		nchildren++;
		if (single)
			/* target.pk (o.k) = our fk */
			appendStringInfo(&joins, " LEFT JOIN o%d ON o%d.k %s %s",
							 child->id, child->id, query_operator_oid_sql(r->eqop),
							 row_column(level, r->local_attnum));
		else
			/* our pk = their fk (a.k) */
			appendStringInfo(&joins, " LEFT JOIN a%d ON %s %s a%d.k",
							 child->id, row_column(level, r->local_attnum),
							 query_operator_oid_sql(r->eqop), child->id);
	}
	if (nchildren > 0)
		appendStringInfoChar(&base, ')');

	appendStringInfo(&qb->sql, ", o%d AS (SELECT l%d.%s, l%d.r, %s AS v FROM l%d%s)",
					 level->id, level->id, level->parent ? "k" : "o", level->id,
					 base.data, level->id, joins.data);

	/* has-many and many-to-many: one array per parent key */
	if (level->parent != NULL && level->relation->kind != QUERY_BELONGS_TO)
	{
		char	   *order = order_by_primary_key(level);

		appendStringInfo(&qb->sql, ", a%d AS (SELECT o%d.k, pg_catalog.jsonb_agg(o%d.v%s%s) AS v FROM o%d GROUP BY o%d.k)",
						 level->id, level->id, level->id,
						 order ? " ORDER BY " : "", order ? order : "",
						 level->id, level->id);
	}
}

/*
 * The statement for a root level whose "l0" CTE is already in qb->sql
 * (after "WITH "): the other CTEs and the final aggregate.
 */
static void
finish_statement(QueryBuilder *qb, JsonLevel *root, bool array)
{
	append_load_ctes(qb, root);
	append_object_ctes(qb, root);
	if (array)
		appendStringInfoString(&qb->sql,
							   " SELECT COALESCE(pg_catalog.jsonb_agg(o0.v ORDER BY o0.o), '[]'::pg_catalog.jsonb) FROM o0");
	else
		appendStringInfoString(&qb->sql, " SELECT o0.v FROM o0");
}

/* the root level with the columns/exclude arguments and include */
static JsonLevel *
root_level(QueryBuilder *qb, Jsonb *include, ArrayType *columns,
		   ArrayType *exclude)
{
	JsonLevel  *root = palloc0(sizeof(JsonLevel));
	int			nlevels = 0;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	int			i;

	root->id = 0;
	root->scope = &qb->model;
	if (columns)
	{
		deconstruct_array(columns, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
		for (i = 0; i < n; i++)
		{
			char	   *name = nulls[i] ? "" : TextDatumGetCString(elems[i]);

			if (query_column_attnum(qb, name) == InvalidAttrNumber)
				query_report_unknown_column(qb, &qb->model, name, name);
			root->only = lappend(root->only, name);
		}
	}
	if (exclude)
	{
		List	   *names = NIL;

		deconstruct_array(exclude, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
		for (i = 0; i < n; i++)
		{
			char	   *name = nulls[i] ? "" : TextDatumGetCString(elems[i]);

			if (query_column_attnum(qb, name) == InvalidAttrNumber)
				query_report_unknown_column(qb, &qb->model, name, name);
			names = lappend(names, name);
		}
		root->except_param = except_param(qb, &qb->model, names);
	}
	if (include)
	{
		JsonbValue	v;

		if (JB_ROOT_IS_SCALAR(include) || !JB_ROOT_IS_OBJECT(include))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("include takes a JSON object of relations")));
		v.type = jbvBinary;
		v.val.binary.data = &include->root;
		v.val.binary.len = VARSIZE(include) - VARHDRSZ;
		build_levels(qb, root, &v, &nlevels, 0);
	}
	return root;
}

/* run the built statement; its one value, or NULL */
static Datum
run_single(QueryBuilder *qb, bool *isnull)
{
	void	   *handle;
	SPIPlanPtr	plan = query_plan_acquire(qb, &handle);
	int			rc = 0;

	PG_TRY();
	{
		rc = SPI_execute_plan(plan, qb->values, qb->nulls, true, 1);
	}
	PG_FINALLY();
	{
		query_plan_release(handle);
	}
	PG_END_TRY();
	if (rc != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed: %s", SPI_result_code_string(rc));
	if (SPI_processed == 0)
	{
		*isnull = true;
		return (Datum) 0;
	}
	return SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0],
										   SPI_tuptable->tupdesc, 1, isnull),
							 false, -1);
}

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
				 errhint("Pass a row of a table, or a typed NULL, as in am.as_json(NULL::users, ...).")));
	return rowtype;
}

/*
 * am.to_json(row, include, columns, exclude) -> jsonb, as Rails' as_json
 */
Datum
am_to_json(PG_FUNCTION_ARGS)
{
	Oid			rowtype = model_rowtype(fcinfo);
	QueryBuilder qb;
	JsonLevel  *root;
	Datum		result;
	bool		isnull;
	int			n;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	query_builder_init(&qb, rowtype);
	n = query_add_param(&qb, rowtype, PG_GETARG_DATUM(0), false);
	appendStringInfo(&qb.sql, "WITH l0 AS (SELECT $%d AS r, 1 AS o)", n);
	root = root_level(&qb,
					  PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1),
					  PG_ARGISNULL(2) ? NULL : PG_GETARG_ARRAYTYPE_P(2),
					  PG_ARGISNULL(3) ? NULL : PG_GETARG_ARRAYTYPE_P(3));
	finish_statement(&qb, root, false);
	result = run_single(&qb, &isnull);
	query_builder_close(&qb);
	SPI_finish();
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * am.as_json(model, conditions, include, order_by, take, skip) -> jsonb
 * array of the matching rows with their related rows.
 */
Datum
am_as_json(PG_FUNCTION_ARGS)
{
	Oid			rowtype = model_rowtype(fcinfo);
	QueryBuilder qb;
	JsonLevel  *root;
	Datum		result;
	bool		isnull;
	char	   *order;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	query_builder_init(&qb, rowtype);
	order = query_order_by_sql(&qb, PG_ARGISNULL(3) ? NULL :
							   text_to_cstring(PG_GETARG_TEXT_PP(3)));
	appendStringInfo(&qb.sql,
					 "WITH l0 AS (SELECT CAST(" QUERY_ALIAS ".* AS %s) AS r, pg_catalog.row_number() OVER (%s%s) AS o FROM %s " QUERY_ALIAS " WHERE ",
					 format_type_be_qualified(rowtype),
					 order ? "ORDER BY " : "", order ? order : "", qb.qualname);
	query_compile_conditions(&qb, PG_ARGISNULL(1) ? NULL : PG_GETARG_JSONB_P(1));
	if (order)
		appendStringInfo(&qb.sql, " ORDER BY %s", order);
	if (!PG_ARGISNULL(4))
		appendStringInfo(&qb.sql, " LIMIT $%d",
						 query_add_param(&qb, INT8OID, Int64GetDatum(PG_GETARG_INT32(4)), false));
	if (!PG_ARGISNULL(5))
		appendStringInfo(&qb.sql, " OFFSET $%d",
						 query_add_param(&qb, INT8OID, Int64GetDatum(PG_GETARG_INT32(5)), false));
	appendStringInfoChar(&qb.sql, ')');
	root = root_level(&qb, PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2), NULL, NULL);
	finish_statement(&qb, root, true);
	result = run_single(&qb, &isnull);
	query_builder_close(&qb);
	SPI_finish();
	if (isnull)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(result);
}

/*
 * am.from_json(model, jsonb) -> model: a row from a JSON object, each value
 * converted as an assignment to its column would be; unknown keys are 42703
 * (as sqlactive's from_dict), missing keys NULL.
 */
Datum
am_from_json(PG_FUNCTION_ARGS)
{
	Oid			rowtype = model_rowtype(fcinfo);
	Jsonb	   *obj;
	QueryBuilder qb;
	TupleDesc	desc;
	Datum	   *values;
	bool	   *nulls;
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	v;
	JsonbIteratorToken tok;
	HeapTuple	tuple;
	Datum		result;
	int			i;

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	obj = PG_GETARG_JSONB_P(1);
	if (!JB_ROOT_IS_OBJECT(obj) || JB_ROOT_IS_SCALAR(obj))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("am.from_json takes a JSON object")));

	query_builder_init(&qb, rowtype);
	desc = lookup_rowtype_tupdesc_copy(rowtype, -1);
	values = palloc0(sizeof(Datum) * desc->natts);
	nulls = palloc(sizeof(bool) * desc->natts);
	for (i = 0; i < desc->natts; i++)
		nulls[i] = true;

	it = JsonbIteratorInit(&obj->root);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		char	   *key;
		AttrNumber	attnum;
		Form_pg_attribute att;

		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &v, true);
		key = pnstrdup(k.val.string.val, k.val.string.len);
		attnum = query_column_attnum(&qb, key);
		if (attnum == InvalidAttrNumber)
			query_report_unknown_column(&qb, &qb.model, key, key);
		if (v.type == jbvNull)
			continue;
		att = TupleDescAttr(desc, attnum - 1);
		values[attnum - 1] = query_json_value(&qb, &v, att->atttypid,
											  att->atttypmod, key);
		nulls[attnum - 1] = false;
	}
	query_builder_close(&qb);

	tuple = heap_form_tuple(desc, values, nulls);
	result = HeapTupleGetDatum(tuple);
	PG_RETURN_DATUM(result);
}
