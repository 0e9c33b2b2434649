/*-------------------------------------------------------------------------
 *
 * typeid_io.c
 *	  Text and binary input/output of the typeid type.
 *
 * The binary wire format is the canonical text, so that binary-mode clients
 * that do not know the type still receive the string; receive validates
 * exactly like text input.
 *
 * IDENTIFICATION
 *	  src/typeid_io.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"

#include "typeid.h"

PG_FUNCTION_INFO_V1(typeid_in);
PG_FUNCTION_INFO_V1(typeid_out);
PG_FUNCTION_INFO_V1(typeid_recv);
PG_FUNCTION_INFO_V1(typeid_send);
PG_FUNCTION_INFO_V1(typeid_is_valid);

/*
 * Parse len bytes of text into a typeid, raising 22P02 when invalid.
 */
static TypeId *
typeid_from_cstring(const char *str, int len)
{
	TypeIdParse parsed;

	if (!typeid_parse(str, len, &parsed))
	{
		char		detail[256];

		typeid_describe_error(&parsed, detail, sizeof(detail));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						"typeid", typeid_quote_input(str, len)),
				 errdetail_internal("%s", detail)));
	}
	return typeid_build(str, (int) parsed.prefix_len, parsed.uuid);
}

/*
 * typeid_in - text input.  A typmod (from COPY into a typeid('prefix')
 * column) is enforced here, since COPY applies no length coercion.
 */
Datum
typeid_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int32		typmod = PG_GETARG_INT32(2);
	TypeId	   *result = typeid_from_cstring(str, strlen(str));

	PG_RETURN_TYPEID_P(typeid_apply_typmod(result, typmod, fcinfo->flinfo));
}

/*
 * typeid_out - canonical text output.
 */
Datum
typeid_out(PG_FUNCTION_ARGS)
{
	TypeId	   *id = PG_GETARG_TYPEID_PP(0);
	int			prefix_len = typeid_prefix_length(id);
	char	   *result = palloc(prefix_len + 1 + TYPEID_SUFFIX_LEN + 1);
	size_t		n;

	n = typeid_format(typeid_prefix_bytes(id), prefix_len,
					  typeid_uuid_bytes(id), result);
	result[n] = '\0';
	PG_RETURN_CSTRING(result);
}

/*
 * typeid_recv - binary input: the canonical text bytes.
 */
Datum
typeid_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	const char *data = pq_getmsgbytes(buf, len);
	int32		typmod = PG_GETARG_INT32(2);
	TypeId	   *result = typeid_from_cstring(data, len);

	PG_RETURN_TYPEID_P(typeid_apply_typmod(result, typmod, fcinfo->flinfo));
}

/*
 * typeid_send - binary output: the canonical text bytes.
 */
Datum
typeid_send(PG_FUNCTION_ARGS)
{
	TypeId	   *id = PG_GETARG_TYPEID_PP(0);
	char		text[TYPEID_MAX_TEXT_LEN];
	size_t		n;
	StringInfoData buf;

	n = typeid_format(typeid_prefix_bytes(id), typeid_prefix_length(id),
					  typeid_uuid_bytes(id), text);
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, text, n);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * typeid_is_valid(text) - whether the text is a valid typeid; never raises.
 */
Datum
typeid_is_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	TypeIdParse parsed;

	PG_RETURN_BOOL(typeid_parse(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &parsed));
}
