/*-------------------------------------------------------------------------
 *
 * query_values.c
 *	  JSON values of the helpers' conditions as parameters of a column's
 *	  type.
 *
 * A value is converted as an assignment to the column would convert it:
 * the JSON scalar's text goes through the type's input function with the
 * column's type modifier (input functions apply a typmod with assignment
 * semantics: numeric(12,2) rounds, varchar(40) refuses longer values, a
 * typeid('user') column refuses org_...).  A JSON array becomes an array of
 * the element type, a jsonb column takes the JSON value itself, and a typeid
 * column also takes a UUID in its standard form, which gets the column's
 * prefix.  An error of the type's input function is raised as it is, with
 * the condition key added to its detail.
 *
 * IDENTIFICATION
 *	  src/query_values.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/uuid.h"

#include "query.h"
#include "typeid.h"

/* typeid_io.c: a column whose input function is this is of type typeid */
extern Datum typeid_in(PG_FUNCTION_ARGS);

/*
 * Look up the input function of type, its FmgrInfo allocated in cxt.
 */
void
query_type_input_init(QueryTypeInput *in, Oid type, int32 typmod,
					  MemoryContext cxt)
{
	Oid			fn;

	in->type = type;
	in->typmod = typmod;
	getTypeInputInfo(type, &fn, &in->ioparam);
	fmgr_info_cxt(fn, &in->fn, cxt);
	in->is_typeid = (in->fn.fn_addr == typeid_in);
}

static void
type_input_init(QueryBuilder *qb, QueryTypeInput *in, Oid type, int32 typmod)
{
	query_type_input_init(in, type, typmod, CurrentMemoryContext);
}

/*
 * Is str a UUID in its standard form (8-4-4-4-12 hex digits)?
 */
static bool
is_standard_uuid(const char *str)
{
	int			i;

	for (i = 0; i < 36; i++)
	{
		char		c = str[i];

		if (i == 8 || i == 13 || i == 18 || i == 23)
		{
			if (c != '-')
				return false;
		}
		else if (!isxdigit((unsigned char) c))
			return false;
	}
	return str[36] == '\0';
}

static Datum
type_input_convert(QueryTypeInput *in, char *str)
{
	if (in->is_typeid && is_standard_uuid(str))
	{
		pg_uuid_t  *uuid = DatumGetUUIDP(DirectFunctionCall1(uuid_in,
															 CStringGetDatum(str)));
		TypeId	   *value = typeid_build("", 0, uuid->data);

		return PointerGetDatum(typeid_apply_typmod(value, in->typmod, NULL));
	}
	return InputFunctionCall(&in->fn, str, in->ioparam, in->typmod);
}

/*
 * The type's input, with the key added to the detail of a data exception
 * it raises.  Other errors (out of memory, cancel) pass unchanged.
 */
static Datum
type_input_call(QueryTypeInput *in, char *str, const char *key)
{
	MemoryContext cxt = CurrentMemoryContext;
	Datum		result = (Datum) 0;

	PG_TRY();
	{
		result = type_input_convert(in, str);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		char	   *note;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->elevel != ERROR ||
			ERRCODE_TO_CATEGORY(edata->sqlerrcode) != ERRCODE_DATA_EXCEPTION)
			PG_RE_THROW();
		FlushErrorState();
		note = psprintf("The value was given for key \"%s\".", key);
		if (edata->detail)
			edata->detail = psprintf("%s\n%s", edata->detail, note);
		else
			edata->detail = note;
		ReThrowError(edata);
	}
	PG_END_TRY();

	return result;
}

/* the type's input for one value, errors naming key */
Datum
query_type_input_call(QueryTypeInput *in, char *str, const char *key)
{
	return type_input_call(in, str, key);
}

/*
 * Text of a JSON scalar as the type input functions read it, or NULL for
 * null, objects and arrays.
 */
char *
query_json_scalar_text(JsonbValue *v)
{
	switch (v->type)
	{
		case jbvString:
			return pnstrdup(v->val.string.val, v->val.string.len);
		case jbvNumeric:
			return DatumGetCString(DirectFunctionCall1(numeric_out,
													   NumericGetDatum(v->val.numeric)));
		case jbvBool:
			return pstrdup(v->val.boolean ? "true" : "false");
		default:
			return NULL;
	}
}

/*
 * Text through the input function of type with typmod.
 */
Datum
query_text_value(QueryBuilder *qb, const char *text, Oid type, int32 typmod,
				 const char *key)
{
	QueryTypeInput in;

	type_input_init(qb, &in, type, typmod);
	return type_input_call(&in, pstrdup(text), key);
}

static void
report_not_scalar(const char *key, Oid type)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for key \"%s\"", key),
			 errdetail("A value of type %s is given as a JSON string, number or boolean.",
					   format_type_be(type))));
}

/*
 * A JSON array as a one-dimensional array of elemtype.  JSON nulls become
 * NULL elements, or are left out when drop_nulls; *has_null tells whether
 * there were any.
 */
Datum
query_json_array_value(QueryBuilder *qb, JsonbValue *v, Oid elemtype,
					   int32 typmod, const char *key, bool *has_null,
					   bool drop_nulls)
{
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;
	QueryTypeInput in;
	bool		elem_is_jsonb = (elemtype == JSONBOID);
	int			n = 0;
	int			cap;
	Datum	   *elems;
	bool	   *nulls;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			dims[1];
	int			lbs[1] = {1};

	Assert(v->type == jbvBinary && JsonContainerIsArray(v->val.binary.data));
	*has_null = false;
	cap = Max(JsonContainerSize(v->val.binary.data), 1);
	elems = palloc(sizeof(Datum) * cap);
	nulls = palloc(sizeof(bool) * cap);
	if (!elem_is_jsonb)
		type_input_init(qb, &in, elemtype, typmod);

	it = JsonbIteratorInit(v->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		char	   *str;

		if (tok != WJB_ELEM)
			continue;
		if (elem.type == jbvNull)
		{
			*has_null = true;
			if (drop_nulls)
				continue;
			elems[n] = (Datum) 0;
			nulls[n++] = true;
			continue;
		}
		if (elem_is_jsonb)
		{
			elems[n] = JsonbPGetDatum(JsonbValueToJsonb(&elem));
			nulls[n++] = false;
			continue;
		}
		str = query_json_scalar_text(&elem);
		if (str == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid value for key \"%s\"", key),
					 errdetail("Elements of the list are JSON strings, numbers, booleans or nulls, of type %s.",
							   format_type_be(elemtype))));
		elems[n] = type_input_call(&in, str, key);
		nulls[n++] = false;
	}

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	dims[0] = n;
	return PointerGetDatum(construct_md_array(elems, nulls, n > 0 ? 1 : 0,
											  dims, lbs, elemtype, typlen,
											  typbyval, typalign));
}

/*
 * A JSON value (not null) as a value of type with typmod.
 */
Datum
query_json_value(QueryBuilder *qb, JsonbValue *v, Oid type, int32 typmod,
				 const char *key)
{
	char	   *str;

	Assert(v->type != jbvNull);

	/* a jsonb column compares with the JSON value itself */
	if (type == JSONBOID)
		return JsonbPGetDatum(JsonbValueToJsonb(v));

	if (v->type == jbvBinary)
	{
		Oid			elemtype = get_element_type(type);
		Oid			basetype = getBaseType(type);

		if (OidIsValid(elemtype) && type_is_array(type) &&
			JsonContainerIsArray(v->val.binary.data))
		{
			bool		has_null;

			return query_json_array_value(qb, v, elemtype, typmod, key,
										  &has_null, false);
		}
		if (basetype == JSONOID || basetype == JSONBOID)
			return query_text_value(qb,
									JsonbToCString(NULL, v->val.binary.data,
												   v->val.binary.len),
									type, typmod, key);
		report_not_scalar(key, type);
	}

	str = query_json_scalar_text(v);
	Assert(str != NULL);
	{
		QueryTypeInput in;

		type_input_init(qb, &in, type, typmod);
		return type_input_call(&in, str, key);
	}
}
