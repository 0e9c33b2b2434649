/*-------------------------------------------------------------------------
 *
 * typeid_value.c
 *	  Making typeid values, checking prefixes given as arguments, and
 *	  quoting input in messages: the helpers that the I/O, type modifier,
 *	  function and generation units share.
 *
 * This unit depends on the codec only, so that the others depend on it
 * and not on each other (typeid_io.c uses typeid_typmod.c, never the
 * reverse).
 *
 * IDENTIFICATION
 *	  src/typeid_value.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"

#include "typeid.h"

/* bytes of an input quoted in a message, as core's COPY does */
#define TYPEID_QUOTE_MAX_BYTES	100

/*
 * Make a typeid value from a validated prefix and 16 UUID bytes.
 */
TypeId *
typeid_build(const char *prefix, int prefix_len, const uint8 *uuid)
{
	TypeId	   *result = (TypeId *) palloc(VARHDRSZ + TYPEID_UUID_BYTES + prefix_len);

	SET_VARSIZE(result, VARHDRSZ + TYPEID_UUID_BYTES + prefix_len);
	memcpy(VARDATA(result), uuid, TYPEID_UUID_BYTES);
	if (prefix_len > 0)
		memcpy(VARDATA(result) + TYPEID_UUID_BYTES, prefix, prefix_len);
	return result;
}

/*
 * Check a prefix given as a function argument or in typeid('prefix'),
 * raising 22P02 when it is invalid: like input syntax, not like a value
 * that a column refuses (22023).
 */
void
typeid_check_prefix_param(const char *prefix, int prefix_len)
{
	TypeIdParse parsed;

	if (!typeid_check_prefix(prefix, prefix_len, &parsed))
	{
		char		detail[256];

		typeid_describe_error(&parsed, detail, sizeof(detail));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid typeid prefix \"%s\"",
						typeid_quote_input(prefix, prefix_len)),
				 errdetail_internal("%s", detail),
				 errhint("A prefix is up to 63 lowercase ASCII letters or underscores, starting and ending with a letter.")));
	}
}

/*
 * The input as it is quoted in a message: at most its first
 * TYPEID_QUOTE_MAX_BYTES bytes, then "..." when there is more, with every
 * byte outside printable ASCII written as \xNN and a backslash as \\.
 * Input of any size (a COPY value can be a gigabyte) and any bytes (binary
 * input can hold NUL and control bytes) gives a short, printable message;
 * the limit is core's COPY's.  A valid TypeID is printable ASCII, so the
 * escaped bytes are exactly the offending ones.
 */
char *
typeid_quote_input(const char *str, int len)
{
	StringInfoData buf;
	int			n = Min(len, TYPEID_QUOTE_MAX_BYTES);
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) str[i];

		if (c == '\\')
			appendStringInfoString(&buf, "\\\\");
		else if (c >= 0x20 && c < 0x7f)
			appendStringInfoChar(&buf, c);
		else
			appendStringInfo(&buf, "\\x%02x", c);
	}
	if (len > n)
		appendStringInfoString(&buf, "...");
	return buf.data;
}
