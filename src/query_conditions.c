/*-------------------------------------------------------------------------
 *
 * query_conditions.c
 *	  The condition compiler of the helpers: jsonb conditions to a SQL
 *	  boolean expression with $n parameters.
 *
 * A condition is a JSON object whose keys must all hold ({"col": v},
 * {"col__op": v}, {"col__transform__op": v}, "$or", "$and", "$not") or a
 * JSON array of conditions that must all hold.  Every column name is
 * checked against the model's tuple descriptor and quoted; every value is
 * a parameter of the column's type (query_values.c).  Operators and
 * transforms are rows of two tables below, each a small function that owns
 * its SQL and the preparation of its value, as Django's lookups do.
 *
 * Comparison operators are those of the type's default btree operator
 * family and are written OPERATOR(schema.op), so that no search_path can
 * change what a statement calls.
 *
 * Logic is two-valued: a comparison with a NULL is false, so "$not" is
 * NOT COALESCE(c, false).  AND and OR need no COALESCE: three-valued logic
 * with unknown read as false at the end agrees with two-valued logic.
 *
 * IDENTIFICATION
 *	  src/query_conditions.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/relation.h"
#include "access/stratnum.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "query.h"

typedef struct QueryLookup QueryLookup;
typedef void (*LookupCompile) (QueryBuilder *qb, const QueryLookup *lookup,
							   QueryOperand *lhs, JsonbValue *value,
							   const char *key);

/* how a pattern lookup turns its value into a LIKE pattern */
typedef enum PatternMode
{
	PATTERN_AS_IS,				/* like, ilike, regex, iregex */
	PATTERN_EXACT,				/* iexact */
	PATTERN_PREFIX,				/* startswith */
	PATTERN_SUFFIX,				/* endswith */
	PATTERN_INFIX				/* contains */
} PatternMode;

/* an operator of the conditions: "col__<name>" */
struct QueryLookup
{
	const char *name;
	LookupCompile compile;
	int16		strategy;		/* btree strategy, for comparisons */
	const char *sqlop;			/* pg_catalog operator, for the others */
	PatternMode pattern;
};

/* a transform: "col__<name>__op" */
typedef struct QueryTransform
{
	const char *name;
	const char *field;			/* EXTRACT field, or NULL for date */
	bool		on_dates;		/* applies to date */
	bool		on_times;		/* applies to time and timetz */
} QueryTransform;

static void compile_compare(QueryBuilder *qb, const QueryLookup *lookup,
							QueryOperand *lhs, JsonbValue *value,
							const char *key);
static void compile_ne(QueryBuilder *qb, const QueryLookup *lookup,
					   QueryOperand *lhs, JsonbValue *value, const char *key);
static void compile_in(QueryBuilder *qb, const QueryLookup *lookup,
					   QueryOperand *lhs, JsonbValue *value, const char *key);
static void compile_isnull(QueryBuilder *qb, const QueryLookup *lookup,
						   QueryOperand *lhs, JsonbValue *value,
						   const char *key);
static void compile_between(QueryBuilder *qb, const QueryLookup *lookup,
							QueryOperand *lhs, JsonbValue *value,
							const char *key);
static void compile_pattern(QueryBuilder *qb, const QueryLookup *lookup,
							QueryOperand *lhs, JsonbValue *value,
							const char *key);
static void compile_contains(QueryBuilder *qb, const QueryLookup *lookup,
							 QueryOperand *lhs, JsonbValue *value,
							 const char *key);
static void compile_container(QueryBuilder *qb, const QueryLookup *lookup,
							  QueryOperand *lhs, JsonbValue *value,
							  const char *key);

static const QueryLookup lookups[] = {
	{"eq", compile_compare, BTEqualStrategyNumber, NULL, PATTERN_AS_IS},
	{"exact", compile_compare, BTEqualStrategyNumber, NULL, PATTERN_AS_IS},
	{"ne", compile_ne, BTEqualStrategyNumber, NULL, PATTERN_AS_IS},
	{"gt", compile_compare, BTGreaterStrategyNumber, NULL, PATTERN_AS_IS},
	{"gte", compile_compare, BTGreaterEqualStrategyNumber, NULL, PATTERN_AS_IS},
	{"ge", compile_compare, BTGreaterEqualStrategyNumber, NULL, PATTERN_AS_IS},
	{"lt", compile_compare, BTLessStrategyNumber, NULL, PATTERN_AS_IS},
	{"lte", compile_compare, BTLessEqualStrategyNumber, NULL, PATTERN_AS_IS},
	{"le", compile_compare, BTLessEqualStrategyNumber, NULL, PATTERN_AS_IS},
	{"in", compile_in, BTEqualStrategyNumber, NULL, PATTERN_AS_IS},
	{"notin", compile_in, BTEqualStrategyNumber, NULL, PATTERN_AS_IS},
	{"isnull", compile_isnull, 0, NULL, PATTERN_AS_IS},
	{"between", compile_between, 0, NULL, PATTERN_AS_IS},
	{"range", compile_between, 0, NULL, PATTERN_AS_IS},
	{"like", compile_pattern, 0, "~~", PATTERN_AS_IS},
	{"ilike", compile_pattern, 0, "~~*", PATTERN_AS_IS},
	{"startswith", compile_pattern, 0, "~~", PATTERN_PREFIX},
	{"istartswith", compile_pattern, 0, "~~*", PATTERN_PREFIX},
	{"endswith", compile_pattern, 0, "~~", PATTERN_SUFFIX},
	{"iendswith", compile_pattern, 0, "~~*", PATTERN_SUFFIX},
	{"contains", compile_contains, 0, "~~", PATTERN_INFIX},
	{"icontains", compile_pattern, 0, "~~*", PATTERN_INFIX},
	{"iexact", compile_pattern, 0, "~~*", PATTERN_EXACT},
	{"regex", compile_pattern, 0, "~", PATTERN_AS_IS},
	{"iregex", compile_pattern, 0, "~*", PATTERN_AS_IS},
	{"contained_by", compile_container, 0, "<@", PATTERN_AS_IS},
	{"overlap", compile_container, 0, "&&", PATTERN_AS_IS},
	{"has_key", compile_container, 0, "?", PATTERN_AS_IS},
};

static const QueryTransform transforms[] = {
	{"year", "year", true, false},
	{"month", "month", true, false},
	{"day", "day", true, false},
	{"hour", "hour", false, true},
	{"minute", "minute", false, true},
	{"second", "second", false, true},
	{"date", NULL, true, false},
	{"week_day", "dow", true, false},
	{"quarter", "quarter", true, false},
};

static void compile_condition(QueryBuilder *qb, QueryScope *scope,
							  JsonbValue *v, int depth);

/*
 * Open the model named by a row type, for one statement.
 */
void
query_builder_init(QueryBuilder *qb, Oid rowtype)
{
	Oid			relid = OidIsValid(rowtype) ? get_typ_typrelid(rowtype) : InvalidOid;
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("the first argument must be the row type of a table or view"),
				 errdetail("The argument is of type %s.",
						   OidIsValid(rowtype) ? format_type_be(rowtype) : "unknown"),
				 errhint("Pass a typed NULL, as in am.where(NULL::users, ...).")));

	memset(qb, 0, sizeof(*qb));
	qb->rel = relation_open(relid, AccessShareLock);
	switch (qb->rel->rd_rel->relkind)
	{
		case RELKIND_RELATION:
		case RELKIND_PARTITIONED_TABLE:
		case RELKIND_VIEW:
		case RELKIND_MATVIEW:
		case RELKIND_FOREIGN_TABLE:
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is not a table or view",
							RelationGetRelationName(qb->rel))));
	}
	qb->rowtype = rowtype;
	qb->qualname = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(qb->rel)),
											  RelationGetRelationName(qb->rel));
	qb->model.rel = qb->rel;
	qb->model.alias = QUERY_ALIAS;
	qb->model.qualname = qb->qualname;
	qb->model.path = "";
	qb->relids = list_make1_oid(relid);
	initStringInfo(&qb->sql);
	qb->maxparams = 8;
	qb->paramtypes = palloc(sizeof(Oid) * qb->maxparams);
	qb->values = palloc(sizeof(Datum) * qb->maxparams);
	qb->nulls = palloc(sizeof(char) * qb->maxparams);
}

/*
 * Close the model; its lock is kept to the end of the transaction.
 */
void
query_builder_close(QueryBuilder *qb)
{
	ListCell   *lc;

	foreach(lc, qb->scopes)
		relation_close(((QueryScope *) lfirst(lc))->rel, NoLock);
	qb->scopes = NIL;
	if (qb->rel)
		relation_close(qb->rel, NoLock);
	qb->rel = NULL;
}

/*
 * Add a parameter; returns its number for "$n".
 */
int
query_add_param(QueryBuilder *qb, Oid type, Datum value, bool isnull)
{
	if (qb->nparams >= qb->maxparams)
	{
		qb->maxparams *= 2;
		qb->paramtypes = repalloc(qb->paramtypes, sizeof(Oid) * qb->maxparams);
		qb->values = repalloc(qb->values, sizeof(Datum) * qb->maxparams);
		qb->nulls = repalloc(qb->nulls, sizeof(char) * qb->maxparams);
	}
	qb->paramtypes[qb->nparams] = type;
	qb->values[qb->nparams] = value;
	qb->nulls[qb->nparams] = isnull ? 'n' : ' ';
	return ++qb->nparams;
}

/*
 * Attribute number of the model's user column called name, or
 * InvalidAttrNumber.
 */
AttrNumber
query_column_attnum(QueryBuilder *qb, const char *name)
{
	return query_scope_attnum(&qb->model, name);
}

void
query_column_operand(QueryBuilder *qb, AttrNumber attnum, QueryOperand *op)
{
	query_scope_operand(&qb->model, attnum, op);
}

/*
 * Attribute number of the user column of a table of the statement called
 * name, or InvalidAttrNumber.
 */
AttrNumber
query_scope_attnum(QueryScope *scope, const char *name)
{
	TupleDesc	desc = RelationGetDescr(scope->rel);
	int			i;

	if (strlen(name) >= NAMEDATALEN)
		return InvalidAttrNumber;
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return att->attnum;
	}
	return InvalidAttrNumber;
}

void
query_scope_operand(QueryScope *scope, AttrNumber attnum, QueryOperand *op)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(scope->rel), attnum - 1);

	op->expr = psprintf("%s.%s", scope->alias, quote_identifier(NameStr(att->attname)));
	op->type = att->atttypid;
	op->typmod = att->atttypmod;
	op->column = NameStr(att->attname);
}

/*
 * 42703 for a name that is no column of the model, listing its columns.
 */
void
query_report_unknown_column(QueryBuilder *qb, QueryScope *scope,
							const char *key, const char *name)
{
	TupleDesc	desc = RelationGetDescr(scope->rel);
	StringInfoData cols;
	int			i;
	char	   *relations;

	initStringInfo(&cols);
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		if (cols.len > 0)
			appendStringInfoString(&cols, ", ");
		appendStringInfoString(&cols, quote_identifier(NameStr(att->attname)));
	}
	relations = query_relation_names(query_scope_relations(scope));
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" of relation \"%s\" does not exist",
					name, RelationGetRelationName(scope->rel)),
			 errdetail("The key is \"%s\".", key),
			 relations ?
			 errhint("Columns of \"%s\" are: %s; its relations: %s.",
					 RelationGetRelationName(scope->rel), cols.data, relations) :
			 errhint("Columns of \"%s\" are: %s.",
					 RelationGetRelationName(scope->rel), cols.data)));
}

/*
 * OPERATOR(schema.op) for a btree strategy of the type's default btree
 * operator family.
 */
const char *
query_operator_sql(Oid type, int16 strategy, const char *column)
{
	TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_BTREE_OPFAMILY);
	Oid			opr = InvalidOid;

	if (OidIsValid(tc->btree_opf))
		opr = get_opfamily_member(tc->btree_opf, tc->btree_opintype,
								  tc->btree_opintype, strategy);
	if (!OidIsValid(opr))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 strategy == BTEqualStrategyNumber ?
				 errmsg("could not identify an equality operator for type %s",
						format_type_be(type)) :
				 errmsg("could not identify an ordering operator for type %s",
						format_type_be(type)),
				 errdetail("Column \"%s\" is compared.", column)));

	return query_operator_oid_sql(opr);
}

/*
 * OPERATOR(schema.op) for an operator.
 */
char *
query_operator_oid_sql(Oid opr)
{
	HeapTuple	tup;
	Form_pg_operator form;
	char	   *result;

	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(opr));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for operator %u", opr);
	form = (Form_pg_operator) GETSTRUCT(tup);
	result = psprintf("OPERATOR(%s.%s)",
					  quote_identifier(get_namespace_name(form->oprnamespace)),
					  NameStr(form->oprname));
	ReleaseSysCache(tup);
	return result;
}

static char *
lookup_names(void)
{
	StringInfoData s;
	int			i;

	initStringInfo(&s);
	for (i = 0; i < (int) lengthof(lookups); i++)
		appendStringInfo(&s, "%s%s", i ? ", " : "", lookups[i].name);
	appendStringInfoString(&s, "; transforms ");
	for (i = 0; i < (int) lengthof(transforms); i++)
		appendStringInfo(&s, "%s%s", i ? ", " : "", transforms[i].name);
	return s.data;
}

static void
report_unknown_operator(const char *key, const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown operator \"%s\" in key \"%s\"", name, key),
			 errhint("Operators are %s.", lookup_names())));
}

static void
report_null_value(const QueryLookup *lookup, const char *key)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("operator \"%s\" does not take null", lookup->name),
			 errdetail("The key is \"%s\".", key),
			 errhint("Use eq or ne with null for IS NULL and IS NOT NULL, or isnull with true or false.")));
}

static void
report_not_applicable(const char *what, const char *name,
					  QueryOperand *lhs)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_FUNCTION),
			 errmsg("%s \"%s\" does not apply to column \"%s\" of type %s",
					what, name, lhs->column, format_type_be(lhs->type))));
}

static const QueryLookup *
find_lookup(const char *name)
{
	int			i;

	for (i = 0; i < (int) lengthof(lookups); i++)
		if (strcmp(lookups[i].name, name) == 0)
			return &lookups[i];
	return NULL;
}

static const QueryTransform *
find_transform(const char *name)
{
	int			i;

	for (i = 0; i < (int) lengthof(transforms); i++)
		if (strcmp(transforms[i].name, name) == 0)
			return &transforms[i];
	return NULL;
}

/* add a parameter of lhs's type holding value; returns its number */
static int
value_param(QueryBuilder *qb, QueryOperand *lhs, JsonbValue *value,
			const char *key)
{
	return query_add_param(qb, lhs->type,
						   query_json_value(qb, value, lhs->type, lhs->typmod, key),
						   false);
}

/* eq exact gt gte ge lt lte le */
static void
compile_compare(QueryBuilder *qb, const QueryLookup *lookup,
				QueryOperand *lhs, JsonbValue *value, const char *key)
{
	const char *op;
	int			n;

	if (value->type == jbvNull)
	{
		if (lookup->strategy != BTEqualStrategyNumber)
			report_null_value(lookup, key);
		appendStringInfo(&qb->sql, "(%s IS NULL)", lhs->expr);
		return;
	}
	op = query_operator_sql(lhs->type, lookup->strategy, lhs->column);
	n = value_param(qb, lhs, value, key);
	appendStringInfo(&qb->sql, "(%s %s $%d)", lhs->expr, op, n);
}

/* ne: SQL <>, so NULL rows do not match; null means IS NOT NULL */
static void
compile_ne(QueryBuilder *qb, const QueryLookup *lookup,
		   QueryOperand *lhs, JsonbValue *value, const char *key)
{
	const char *op;
	int			n;

	if (value->type == jbvNull)
	{
		appendStringInfo(&qb->sql, "(%s IS NOT NULL)", lhs->expr);
		return;
	}
	op = query_operator_sql(lhs->type, BTEqualStrategyNumber, lhs->column);
	n = value_param(qb, lhs, value, key);
	appendStringInfo(&qb->sql, "(NOT (%s %s $%d))", lhs->expr, op, n);
}

/*
 * in and notin: one array parameter, so that lists of any length share a
 * plan.  A null in the list matches NULL rows (in) or excludes them (notin).
 */
static void
compile_in(QueryBuilder *qb, const QueryLookup *lookup,
		   QueryOperand *lhs, JsonbValue *value, const char *key)
{
	bool		negate = (strcmp(lookup->name, "notin") == 0);
	Oid			arraytype;
	Datum		array;
	bool		has_null;
	int			nitems;
	const char *op;
	int			n;

	if (value->type != jbvBinary || !JsonContainerIsArray(value->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("operator \"%s\" takes a JSON array", lookup->name),
				 errdetail("The key is \"%s\".", key)));
	arraytype = get_array_type(lhs->type);
	if (!OidIsValid(arraytype))
		report_not_applicable("operator", lookup->name, lhs);
	op = query_operator_sql(lhs->type, BTEqualStrategyNumber, lhs->column);

	array = query_json_array_value(qb, value, lhs->type, lhs->typmod, key,
								   &has_null, true);
	nitems = ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(array)),
							ARR_DIMS(DatumGetArrayTypeP(array)));
	if (nitems == 0)
	{
		if (has_null)
			appendStringInfo(&qb->sql, "(%s IS %sNULL)", lhs->expr,
							 negate ? "NOT " : "");
		else
			appendStringInfoString(&qb->sql, negate ? "true" : "false");
		return;
	}
	if (nitems > QUERY_CUSTOM_PLAN_MAX_LIST)
		qb->generic_plan = true;
	n = query_add_param(qb, arraytype, array, false);
	if (!negate)
		appendStringInfo(&qb->sql, "(%s %s ANY ($%d)%s%s%s)",
						 lhs->expr, op, n,
						 has_null ? " OR " : "",
						 has_null ? lhs->expr : "",
						 has_null ? " IS NULL" : "");
	else
		appendStringInfo(&qb->sql, "(NOT (%s %s ANY ($%d))%s%s%s)",
						 lhs->expr, op, n,
						 has_null ? " AND " : "",
						 has_null ? lhs->expr : "",
						 has_null ? " IS NOT NULL" : "");
}

/* isnull: true or false */
static void
compile_isnull(QueryBuilder *qb, const QueryLookup *lookup,
			   QueryOperand *lhs, JsonbValue *value, const char *key)
{
	if (value->type != jbvBool)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("operator \"isnull\" takes true or false"),
				 errdetail("The key is \"%s\".", key)));
	appendStringInfo(&qb->sql, "(%s IS %sNULL)", lhs->expr,
					 value->val.boolean ? "" : "NOT ");
}

/* between and range: [low, high], both inclusive */
static void
compile_between(QueryBuilder *qb, const QueryLookup *lookup,
				QueryOperand *lhs, JsonbValue *value, const char *key)
{
	JsonbValue *low = NULL;
	JsonbValue *high = NULL;
	const char *ge;
	const char *le;
	int			nlow;
	int			nhigh;

	if (value->type == jbvBinary && JsonContainerIsArray(value->val.binary.data) &&
		JsonContainerSize(value->val.binary.data) == 2)
	{
		low = getIthJsonbValueFromContainer(value->val.binary.data, 0);
		high = getIthJsonbValueFromContainer(value->val.binary.data, 1);
	}
	if (low == NULL || high == NULL ||
		low->type == jbvNull || high->type == jbvNull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("operator \"%s\" takes a JSON array [low, high]",
						lookup->name),
				 errdetail("The key is \"%s\".", key)));
	ge = query_operator_sql(lhs->type, BTGreaterEqualStrategyNumber, lhs->column);
	le = query_operator_sql(lhs->type, BTLessEqualStrategyNumber, lhs->column);
	nlow = value_param(qb, lhs, low, key);
	nhigh = value_param(qb, lhs, high, key);
	appendStringInfo(&qb->sql, "(%s %s $%d AND %s %s $%d)",
					 lhs->expr, ge, nlow, lhs->expr, le, nhigh);
}

/* the operand as text: itself for string types, else its text form */
static char *
text_operand(QueryOperand *lhs)
{
	char		category;
	bool		preferred;

	get_type_category_preferred(getBaseType(lhs->type), &category, &preferred);
	if (category == TYPCATEGORY_STRING)
		return lhs->expr;
	return psprintf("CAST(%s AS pg_catalog.text)", lhs->expr);
}

/* append str to buf with the LIKE wildcards and escape escaped */
static void
append_like_escaped(StringInfo buf, const char *str)
{
	for (; *str; str++)
	{
		if (*str == '%' || *str == '_' || *str == '\\')
			appendStringInfoChar(buf, '\\');
		appendStringInfoChar(buf, *str);
	}
}

/* like ilike regex iregex iexact startswith endswith contains ... */
static void
compile_pattern(QueryBuilder *qb, const QueryLookup *lookup,
				QueryOperand *lhs, JsonbValue *value, const char *key)
{
	char	   *str;
	StringInfoData pattern;
	int			n;

	if (value->type == jbvNull)
		report_null_value(lookup, key);
	str = query_json_scalar_text(value);
	if (str == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("operator \"%s\" takes a JSON string", lookup->name),
				 errdetail("The key is \"%s\".", key)));

	initStringInfo(&pattern);
	if (lookup->pattern == PATTERN_AS_IS)
		appendStringInfoString(&pattern, str);
	else
	{
		if (lookup->pattern == PATTERN_SUFFIX || lookup->pattern == PATTERN_INFIX)
			appendStringInfoChar(&pattern, '%');
		append_like_escaped(&pattern, str);
		if (lookup->pattern == PATTERN_PREFIX || lookup->pattern == PATTERN_INFIX)
			appendStringInfoChar(&pattern, '%');
	}
	n = query_add_param(qb, TEXTOID, CStringGetTextDatum(pattern.data), false);
	appendStringInfo(&qb->sql, "(%s OPERATOR(pg_catalog.%s) $%d)",
					 text_operand(lhs), lookup->sqlop, n);
}

static bool
operand_is_jsonb(QueryOperand *lhs)
{
	return getBaseType(lhs->type) == JSONBOID;
}

static bool
operand_is_array(QueryOperand *lhs)
{
	return type_is_array(lhs->type);
}

/* contains: @> on arrays and jsonb, a literal substring on the rest */
static void
compile_contains(QueryBuilder *qb, const QueryLookup *lookup,
				 QueryOperand *lhs, JsonbValue *value, const char *key)
{
	static const QueryLookup array_contains = {"contains", compile_container, 0, "@>", PATTERN_AS_IS};

	if (operand_is_array(lhs) || operand_is_jsonb(lhs))
		compile_container(qb, &array_contains, lhs, value, key);
	else
		compile_pattern(qb, lookup, lhs, value, key);
}

/* contains contained_by overlap (arrays, jsonb but overlap), has_key (jsonb) */
static void
compile_container(QueryBuilder *qb, const QueryLookup *lookup,
				  QueryOperand *lhs, JsonbValue *value, const char *key)
{
	bool		is_jsonb = operand_is_jsonb(lhs);
	bool		is_array = operand_is_array(lhs);
	bool		has_key = (strcmp(lookup->name, "has_key") == 0);
	int			n;

	if (has_key ? !is_jsonb :
		!(is_array || (is_jsonb && strcmp(lookup->name, "overlap") != 0)))
		report_not_applicable("operator", lookup->name, lhs);
	if (value->type == jbvNull)
		report_null_value(lookup, key);

	if (has_key)
	{
		if (value->type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("operator \"has_key\" takes a JSON string"),
					 errdetail("The key is \"%s\".", key)));
		n = query_add_param(qb, TEXTOID,
							PointerGetDatum(cstring_to_text_with_len(value->val.string.val,
																	 value->val.string.len)),
							false);
	}
	else
		n = value_param(qb, lhs, value, key);
	appendStringInfo(&qb->sql, "(%s OPERATOR(pg_catalog.%s) $%d)",
					 lhs->expr, lookup->sqlop, n);
}

/*
 * A transform applied to an operand: the new operand's SQL and type.
 */
static void
apply_transform(const QueryTransform *tf, QueryOperand *in, QueryOperand *out)
{
	Oid			base = getBaseType(in->type);
	bool		ok;

	ok = (base == TIMESTAMPOID || base == TIMESTAMPTZOID ||
		  (tf->on_dates && base == DATEOID) ||
		  (tf->on_times && (base == TIMEOID || base == TIMETZOID)));
	if (!ok)
		report_not_applicable("transform", tf->name, in);

	out->column = in->column;
	out->typmod = -1;
	if (tf->field == NULL)
	{
		out->expr = psprintf("CAST(%s AS pg_catalog.date)", in->expr);
		out->type = DATEOID;
		return;
	}
	out->type = INT4OID;
	if (strcmp(tf->name, "second") == 0)
		out->expr = psprintf("CAST(pg_catalog.floor(EXTRACT(second FROM %s)) AS pg_catalog.int4)",
							 in->expr);
	else if (strcmp(tf->name, "week_day") == 0)
		out->expr = psprintf("(CAST(EXTRACT(dow FROM %s) AS pg_catalog.int4) OPERATOR(pg_catalog.+) 1)",
							 in->expr);
	else
		out->expr = psprintf("CAST(EXTRACT(%s FROM %s) AS pg_catalog.int4)",
							 tf->field, in->expr);
}

/*
 * col__year with eq/gt/gte/lt/lte as a range on col itself, so that an
 * index on col serves it (as Django does).  src is the operand before the
 * year transform.  Returns false when the range form does not apply.
 */
static bool
compile_year_range(QueryBuilder *qb, const QueryLookup *lookup,
				   QueryOperand *src, JsonbValue *value, const char *key)
{
	Oid			base = getBaseType(src->type);
	const char *start;
	int32		year;
	int			n;
	const char *ge;
	const char *lt;

	if (value->type == jbvNull || lookup->compile != compile_compare)
		return false;
	if (base == DATEOID)
		start = "pg_catalog.make_date($%d, 1, 1)";
	else if (base == TIMESTAMPOID)
		start = "pg_catalog.make_timestamp($%d, 1, 1, 0, 0, 0)";
	else if (base == TIMESTAMPTZOID)
		start = "pg_catalog.make_timestamptz($%d, 1, 1, 0, 0, 0)";
	else
		return false;

	year = DatumGetInt32(query_json_value(qb, value, INT4OID, -1, key));
	ge = query_operator_sql(src->type, BTGreaterEqualStrategyNumber, src->column);
	lt = query_operator_sql(src->type, BTLessStrategyNumber, src->column);

	/* gt y is gte y + 1, lte y is lt y + 1 */
	if (lookup->strategy == BTGreaterStrategyNumber ||
		lookup->strategy == BTLessEqualStrategyNumber)
		year = (year < PG_INT32_MAX) ? year + 1 : year;
	n = query_add_param(qb, INT4OID, Int32GetDatum(year), false);

	appendStringInfoChar(&qb->sql, '(');
	switch (lookup->strategy)
	{
		case BTEqualStrategyNumber:
			{
				int			n2 = query_add_param(qb, INT4OID,
												 Int32GetDatum(year < PG_INT32_MAX ? year + 1 : year),
												 false);

				appendStringInfo(&qb->sql, "%s %s ", src->expr, ge);
				appendStringInfo(&qb->sql, start, n);
				appendStringInfo(&qb->sql, " AND %s %s ", src->expr, lt);
				appendStringInfo(&qb->sql, start, n2);
				break;
			}
		case BTGreaterStrategyNumber:
		case BTGreaterEqualStrategyNumber:
			appendStringInfo(&qb->sql, "%s %s ", src->expr, ge);
			appendStringInfo(&qb->sql, start, n);
			break;
		default:
			appendStringInfo(&qb->sql, "%s %s ", src->expr, lt);
			appendStringInfo(&qb->sql, start, n);
			break;
	}
	appendStringInfoChar(&qb->sql, ')');
	return true;
}

/*
 * One segment after the column: a transform or a lookup, or a transform and
 * a lookup joined by one underscore as sqlactive writes them (year_gte).
 */
static bool
split_segment(const char *seg, const QueryTransform **tf,
			  const QueryLookup **lookup)
{
	const char *p;

	*tf = find_transform(seg);
	*lookup = NULL;
	if (*tf)
		return true;
	*lookup = find_lookup(seg);
	if (*lookup)
		return true;
	for (p = strchr(seg, '_'); p; p = strchr(p + 1, '_'))
	{
		char	   *head = pnstrdup(seg, p - seg);

		*tf = find_transform(head);
		*lookup = find_lookup(p + 1);
		if (*tf && *lookup)
			return true;
	}
	*tf = NULL;
	*lookup = NULL;
	return false;
}

/*
 * {"key": value} where key names a column of scope, with transforms and a
 * lookup.
 */
static void
compile_key(QueryBuilder *qb, QueryScope *scope, const char *subkey,
			JsonbValue *value)
{
	/* key as the caller wrote it, for messages; subkey within scope */
	const char *key = *scope->path ? psprintf("%s%s", scope->path, subkey) : subkey;
	AttrNumber	attnum;
	char	   *rest = NULL;
	QueryOperand operand;
	QueryOperand before;
	const QueryTransform *last_tf = NULL;
	const QueryLookup *lookup = NULL;

	/* a key that names a column exactly is that column */
	attnum = query_scope_attnum(scope, subkey);
	if (attnum == InvalidAttrNumber)
	{
		/* the longest prefix ending before a "__" that names a column */
		const char *p;
		const char *end = subkey + strlen(subkey);

		for (p = end - 2; p > subkey; p--)
		{
			if (p[0] == '_' && p[1] == '_')
			{
				char	   *name = pnstrdup(subkey, p - subkey);

				attnum = query_scope_attnum(scope, name);
				if (attnum != InvalidAttrNumber)
				{
					rest = pstrdup(p + 2);
					break;
				}
			}
		}
		if (attnum == InvalidAttrNumber)
		{
			p = strstr(subkey, "__");
			query_report_unknown_column(qb, scope, key,
										p && p > subkey ? pnstrdup(subkey, p - subkey) : subkey);
		}
	}
	query_scope_operand(scope, attnum, &operand);
	before = operand;

	/* transforms, then at most one lookup */
	while (rest != NULL)
	{
		char	   *sep = strstr(rest, "__");
		char	   *seg = sep ? pnstrdup(rest, sep - rest) : rest;
		const QueryTransform *tf;
		const QueryLookup *lk;

		if (*seg == '\0' || !split_segment(seg, &tf, &lk))
			report_unknown_operator(key, seg);
		if (lk != NULL && sep != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("operator \"%s\" must end key \"%s\"", seg, key),
					 errhint("A key is a column, then transforms, then at most one operator, joined by \"__\".")));
		if (tf)
		{
			before = operand;
			apply_transform(tf, &before, &operand);
			last_tf = tf;
		}
		lookup = lk;
		rest = sep ? sep + 2 : NULL;
	}
	if (lookup == NULL)
		lookup = &lookups[0];	/* eq */

	if (last_tf != NULL && strcmp(last_tf->name, "year") == 0 &&
		compile_year_range(qb, lookup, &before, value, key))
		return;
	lookup->compile(qb, lookup, &operand, value, key);
}

static void
count_conditions(QueryBuilder *qb, int n)
{
	qb->nconditions += n;
	if (qb->nconditions > QUERY_MAX_CONDITIONS)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("conditions have more than %d keys and items",
						QUERY_MAX_CONDITIONS)));
}

static void
check_depth(int depth)
{
	check_stack_depth();
	CHECK_FOR_INTERRUPTS();
	if (depth > QUERY_MAX_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
				 errmsg("conditions are nested more than %d levels deep",
						QUERY_MAX_DEPTH)));
}

/* the items of a JSON array joined by AND or OR; empty gives if_empty */
static void
compile_list(QueryBuilder *qb, QueryScope *scope, JsonbValue *v,
			 const char *join, const char *if_empty, int depth)
{
	JsonbIterator *it;
	JsonbValue	item;
	JsonbIteratorToken tok;
	int			n = 0;

	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &item, true)) != WJB_DONE)
	{
		if (tok != WJB_ELEM)
			continue;
		appendStringInfoString(&qb->sql, n++ ? join : "(");
		compile_condition(qb, scope, &item, depth);
	}
	if (n == 0)
		appendStringInfoString(&qb->sql, if_empty);
	else
		appendStringInfoChar(&qb->sql, ')');
}

static void
require_array(JsonbValue *v, const char *key)
{
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" takes a JSON array of conditions", key)));
}

/* "$or", "$and", "$not" */
static void
compile_special(QueryBuilder *qb, QueryScope *scope, const char *key,
				JsonbValue *value, int depth)
{
	/* soft-delete scope: read by query_compile_conditions, top level only */
	if (query_soft_delete_key(key))
	{
		if (depth > 0 || scope != &qb->model)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" is allowed only at the top level of conditions", key)));
		appendStringInfoString(&qb->sql, "true");
		return;
	}
	if (strcmp(key, "$or") == 0)
	{
		require_array(value, key);
		compile_list(qb, scope, value, " OR ", "false", depth + 1);
	}
	else if (strcmp(key, "$and") == 0)
	{
		require_array(value, key);
		compile_list(qb, scope, value, " AND ", "true", depth + 1);
	}
	else if (strcmp(key, "$not") == 0)
	{
		appendStringInfoString(&qb->sql, "(NOT COALESCE(");
		compile_condition(qb, scope, value, depth + 1);
		appendStringInfoString(&qb->sql, ", false))");
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown key \"%s\" in conditions", key),
				 errhint("Keys starting with \"$\" are \"$or\", \"$and\", \"$not\", \"$with_deleted\" and \"$only_deleted\".")));
}

/*
 * Open a related table for the statement under a fresh alias.
 */
QueryScope *
query_scope_open(QueryBuilder *qb, Oid relid, const char *path)
{
	QueryScope *scope = palloc0(sizeof(QueryScope));

	scope->path = pstrdup(path);
	scope->rel = relation_open(relid, AccessShareLock);
	scope->alias = psprintf("t%d", ++qb->naliases);
	scope->qualname = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(scope->rel)),
												 RelationGetRelationName(scope->rel));
	qb->scopes = lappend(qb->scopes, scope);
	qb->relids = list_append_unique_oid(qb->relids, relid);
	return scope;
}

List *
query_scope_relations(QueryScope *scope)
{
	if (!scope->relations_read)
	{
		scope->relations = query_relations(RelationGetRelid(scope->rel));
		scope->relations_read = true;
	}
	return scope->relations;
}

/* a relation of scope, or 42703 listing its relations */
QueryRelation *
query_scope_relation(QueryBuilder *qb, QueryScope *scope, const char *name,
			   const char *key)
{
	List	   *relations = query_scope_relations(scope);
	QueryRelation *r = query_find_relation(scope->rel, relations, name);
	char	   *names;

	if (r)
		return r;
	names = query_relation_names(relations);
	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("relation \"%s\" of \"%s\" does not exist",
					name, RelationGetRelationName(scope->rel)),
			 errdetail("The key is \"%s\".", key),
			 names ?
			 errhint("Relations of \"%s\" (from foreign keys) are: %s.",
					 RelationGetRelationName(scope->rel), names) :
			 errhint("\"%s\" has no relations: no foreign key points from or to it.",
					 RelationGetRelationName(scope->rel))));
	return NULL;
}

/*
 * "FROM <related> tN WHERE <join>" for a relation of scope, the related
 * table's scope in *target.
 */
static void
append_relation_join(QueryBuilder *qb, QueryScope *scope, QueryRelation *r,
					 QueryScope **target)
{
	QueryScope *t = query_scope_open(qb, r->target,
							   psprintf("%s%s___", scope->path, r->name));
	QueryOperand ours;
	QueryOperand theirs;

	query_scope_operand(scope, r->local_attnum, &ours);
	query_scope_operand(t, r->target_attnum, &theirs);
	switch (r->kind)
	{
		case QUERY_BELONGS_TO:
			/* referenced (theirs) = referencing (ours) */
			appendStringInfo(&qb->sql, "FROM %s %s WHERE %s %s %s",
							 t->qualname, t->alias, theirs.expr,
							 query_operator_oid_sql(r->eqop), ours.expr);
			break;
		case QUERY_HAS_MANY:
			appendStringInfo(&qb->sql, "FROM %s %s WHERE %s %s %s",
							 t->qualname, t->alias, ours.expr,
							 query_operator_oid_sql(r->eqop), theirs.expr);
			break;
		case QUERY_MANY_TO_MANY:
			{
				QueryScope *j = query_scope_open(qb, r->junction, "");
				QueryOperand j_ours;
				QueryOperand j_theirs;

				query_scope_operand(j, r->junction_local_attnum, &j_ours);
				query_scope_operand(j, r->junction_target_attnum, &j_theirs);
				appendStringInfo(&qb->sql, "FROM %s %s, %s %s WHERE %s %s %s AND %s %s %s",
								 j->qualname, j->alias, t->qualname, t->alias,
								 ours.expr, query_operator_oid_sql(r->eqop), j_ours.expr,
								 theirs.expr, query_operator_oid_sql(r->junction_eqop),
								 j_theirs.expr);
				/* soft-deleted junction rows do not join */
				query_append_soft_delete(qb, j, false);
				break;
			}
	}
	/* related rows that are soft-deleted are left out */
	query_append_soft_delete(qb, t, false);
	*target = t;
}

static void compile_pairs(QueryBuilder *qb, QueryScope *scope, char **keys,
						  JsonbValue *values, int n, int depth);

/*
 * Keys through one relation of one object: a semi-join, so rows never
 * repeat, and every key holds for the same related row.
 */
static void
compile_exists(QueryBuilder *qb, QueryScope *scope, QueryRelation *r,
			   char **keys, JsonbValue *values, int n, int depth)
{
	QueryScope *t;

	check_depth(depth);
	appendStringInfoString(&qb->sql, "(EXISTS (SELECT ");
	append_relation_join(qb, scope, r, &t);
	appendStringInfoString(&qb->sql, " AND ");
	compile_pairs(qb, t, keys, values, n, depth);
	appendStringInfoString(&qb->sql, "))");
}

/* the relation named by a key "rel___rest", or NULL for a column key */
static char *
relation_prefix(QueryScope *scope, const char *key)
{
	const char *sep;

	if (query_scope_attnum(scope, key) != InvalidAttrNumber)
		return NULL;
	sep = strstr(key, "___");
	if (sep == NULL || sep == key)
		return NULL;
	return pnstrdup(key, sep - key);
}

/*
 * The keys of one object, all of which must hold.  Keys through the same
 * relation are compiled into one EXISTS.
 */
static void
compile_pairs(QueryBuilder *qb, QueryScope *scope, char **keys,
			  JsonbValue *values, int n, int depth)
{
	bool	   *done = palloc0(sizeof(bool) * Max(n, 1));
	int			emitted = 0;
	int			i;

	for (i = 0; i < n; i++)
	{
		const char *key = keys[i];
		char	   *relname;

		if (done[i])
			continue;
		appendStringInfoString(&qb->sql, emitted++ ? " AND " : "(");

		if (key[0] == '$' && query_scope_attnum(scope, key) == InvalidAttrNumber)
		{
			compile_special(qb, scope, key, &values[i], depth);
			continue;
		}

		relname = relation_prefix(scope, key);
		if (relname != NULL)
		{
			QueryRelation *r = query_scope_relation(qb, scope, relname,
											  psprintf("%s%s", scope->path, key));
			size_t		plen = strlen(relname) + 3;
			char	  **subkeys = palloc(sizeof(char *) * (n - i));
			JsonbValue *subvalues = palloc(sizeof(JsonbValue) * (n - i));
			int			m = 0;
			int			j;

			for (j = i; j < n; j++)
			{
				char	   *other = done[j] ? NULL : relation_prefix(scope, keys[j]);

				if (other == NULL || strcmp(other, relname) != 0)
					continue;
				done[j] = true;
				count_conditions(qb, 1);
				subkeys[m] = keys[j] + plen;
				subvalues[m++] = values[j];
			}
			compile_exists(qb, scope, r, subkeys, subvalues, m, depth + 1);
			continue;
		}

		/* {"rel__isnull": true}: no related row exists */
		if (query_scope_attnum(scope, key) == InvalidAttrNumber)
		{
			size_t		len = strlen(key);

			if (len > 8 && strcmp(key + len - 8, "__isnull") == 0)
			{
				char	   *name = pnstrdup(key, len - 8);

				if (query_scope_attnum(scope, name) == InvalidAttrNumber &&
					query_find_relation(scope->rel, query_scope_relations(scope), name))
				{
					QueryRelation *r = query_scope_relation(qb, scope, name,
													  psprintf("%s%s", scope->path, key));
					QueryScope *t;

					if (values[i].type != jbvBool)
						ereport(ERROR,
								(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
								 errmsg("operator \"isnull\" takes true or false"),
								 errdetail("The key is \"%s%s\".", scope->path, key)));
					count_conditions(qb, 1);
					appendStringInfoString(&qb->sql,
										   values[i].val.boolean ? "(NOT EXISTS (SELECT " : "(EXISTS (SELECT ");
					append_relation_join(qb, scope, r, &t);
					appendStringInfoString(&qb->sql, "))");
					continue;
				}
			}
		}

		count_conditions(qb, 1);
		compile_key(qb, scope, key, &values[i]);
	}
	if (emitted == 0)
		appendStringInfoString(&qb->sql, "true");
	else
		appendStringInfoChar(&qb->sql, ')');
}

/* a condition: an object whose keys must all hold, or an array of them */
static void
compile_condition(QueryBuilder *qb, QueryScope *scope, JsonbValue *v,
				  int depth)
{
	JsonbIterator *it;
	JsonbValue	k;
	JsonbValue	val;
	JsonbIteratorToken tok;
	char	  **keys;
	JsonbValue *values;
	int			n = 0;
	int			size;

	check_depth(depth);
	count_conditions(qb, 1);
	if (v->type != jbvBinary)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("conditions must be a JSON object or array")));
	if (JsonContainerIsArray(v->val.binary.data))
	{
		compile_list(qb, scope, v, " AND ", "true", depth + 1);
		return;
	}

	size = JsonContainerSize(v->val.binary.data);
	if (qb->nconditions + size > QUERY_MAX_CONDITIONS)
		count_conditions(qb, size);
	keys = palloc(sizeof(char *) * Max(size, 1));
	values = palloc(sizeof(JsonbValue) * Max(size, 1));
	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &k, true)) != WJB_DONE)
	{
		if (tok != WJB_KEY)
			continue;
		tok = JsonbIteratorNext(&it, &val, true);
		Assert(tok == WJB_VALUE);
		if (n >= size)
			elog(ERROR, "jsonb object has more keys than its size");
		keys[n] = pnstrdup(k.val.string.val, k.val.string.len);
		values[n++] = val;
	}
	compile_pairs(qb, scope, keys, values, n, depth);
}

/*
 * Append the conditions on the model as a boolean SQL expression, with the
 * soft-delete scope of the model (query_soft_delete.c) after them.
 */
void
query_compile_conditions(QueryBuilder *qb, Jsonb *conditions)
{
	JsonbValue	v;

	if (conditions == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("conditions must not be null"),
				 errhint("Pass '{}' for no conditions.")));
	if (JB_ROOT_IS_SCALAR(conditions))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("conditions must be a JSON object or array")));
	v.type = jbvBinary;
	v.val.binary.data = &conditions->root;
	v.val.binary.len = VARSIZE(conditions) - VARHDRSZ;
	query_soft_delete_read_scope(qb, conditions);
	compile_condition(qb, &qb->model, &v, 0);
	query_append_model_scope(qb);
}

/*
 * SQL of a path "col" or "rel___col" (belongs-to relations only, any
 * number of hops) from scope, for order_by and pluck; *attnum is the column
 * of scope for a plain column and 0 for a path.  what names the option in
 * errors.
 */
char *
query_path_expr(QueryBuilder *qb, QueryScope *scope, const char *path,
				const char *what, AttrNumber *attnum)
{
	AttrNumber	col = query_scope_attnum(scope, path);
	QueryOperand op;
	char	   *relname;
	QueryRelation *r;
	QueryScope *t;
	StringInfoData saved;
	char	   *inner;
	char	   *result;

	check_depth(qb->naliases);
	if (col != InvalidAttrNumber)
	{
		query_scope_operand(scope, col, &op);
		if (attnum)
			*attnum = col;
		return op.expr;
	}
	if (attnum)
		*attnum = InvalidAttrNumber;
	relname = relation_prefix(scope, path);
	if (relname == NULL)
		query_report_unknown_column(qb, scope, psprintf("%s%s", scope->path, path), path);
	r = query_scope_relation(qb, scope, relname, psprintf("%s%s", scope->path, path));
	if (r->kind != QUERY_BELONGS_TO)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s \"%s%s\" goes through a has-many relation", what,
						scope->path, path),
				 errdetail("Relation \"%s\" may give several rows; %s goes through belongs-to relations only.",
						   relname, what)));

	/* (SELECT <inner> FROM target tN WHERE join), built aside */
	saved = qb->sql;
	initStringInfo(&qb->sql);
	appendStringInfoString(&qb->sql, " ");
	append_relation_join(qb, scope, r, &t);
	inner = query_path_expr(qb, t, path + strlen(relname) + 3, what, NULL);
	result = psprintf("(SELECT %s%s)", inner, qb->sql.data);
	pfree(qb->sql.data);
	qb->sql = saved;
	return result;
}
