/*-------------------------------------------------------------------------
 *
 * typeid_functions.c
 *	  SQL functions over typeid values: parts, conversions, timestamps.
 *
 * IDENTIFICATION
 *	  src/typeid_functions.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "typeid.h"

PG_FUNCTION_INFO_V1(typeid_prefix);
PG_FUNCTION_INFO_V1(typeid_uuid);
PG_FUNCTION_INFO_V1(typeid_from_uuid);
PG_FUNCTION_INFO_V1(typeid_from_uuid_cast);
PG_FUNCTION_INFO_V1(typeid_timestamp);
PG_FUNCTION_INFO_V1(uuid_v7_timestamp);
PG_FUNCTION_INFO_V1(typeid_min_at);

/* milliseconds between the Unix epoch and the PostgreSQL epoch */
#define UNIX_TO_PG_EPOCH_MS \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * 1000)

/* a UUIDv7 timestamp has 48 bits of milliseconds */
#define UUIDV7_MAX_MS	((INT64CONST(1) << 48) - 1)

/*
 * typeid_prefix(typeid) - the prefix, '' when there is none.
 */
Datum
typeid_prefix(PG_FUNCTION_ARGS)
{
	TypeId	   *id = PG_GETARG_TYPEID_PP(0);

	PG_RETURN_TEXT_P(cstring_to_text_with_len(typeid_prefix_bytes(id),
											  typeid_prefix_length(id)));
}

/*
 * typeid_uuid(typeid) - the UUID; also the typeid -> uuid cast.
 */
Datum
typeid_uuid(PG_FUNCTION_ARGS)
{
	TypeId	   *id = PG_GETARG_TYPEID_PP(0);
	pg_uuid_t  *result = palloc(sizeof(pg_uuid_t));

	memcpy(result->data, typeid_uuid_bytes(id), TYPEID_UUID_BYTES);
	PG_RETURN_UUID_P(result);
}

/*
 * typeid_from_uuid(prefix text, uuid) - encode any UUID with a prefix.
 */
Datum
typeid_from_uuid(PG_FUNCTION_ARGS)
{
	text	   *prefix = PG_GETARG_TEXT_PP(0);
	pg_uuid_t  *uuid = PG_GETARG_UUID_P(1);
	int			prefix_len = VARSIZE_ANY_EXHDR(prefix);

	typeid_check_prefix_param(VARDATA_ANY(prefix), prefix_len);
	PG_RETURN_TYPEID_P(typeid_build(VARDATA_ANY(prefix), prefix_len, uuid->data));
}

/*
 * typeid(uuid) - the uuid -> typeid cast: a typeid with an empty prefix.
 */
Datum
typeid_from_uuid_cast(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *uuid = PG_GETARG_UUID_P(0);

	PG_RETURN_TYPEID_P(typeid_build(NULL, 0, uuid->data));
}

/*
 * The millisecond timestamp of a UUIDv7 (version 7, RFC variant), or false
 * when the UUID is of another version or variant.
 */
static bool
uuidv7_timestamp(const uint8 *uuid, TimestampTz *result)
{
	int64		ms = 0;
	int			i;

	if ((uuid[6] >> 4) != 7 || (uuid[8] & 0xC0) != 0x80)
		return false;
	for (i = 0; i < 6; i++)
		ms = (ms << 8) | uuid[i];
	*result = (ms - UNIX_TO_PG_EPOCH_MS) * 1000;
	return true;
}

/*
 * typeid_timestamp(typeid) - creation time of a UUIDv7 typeid, else NULL.
 */
Datum
typeid_timestamp(PG_FUNCTION_ARGS)
{
	TypeId	   *id = PG_GETARG_TYPEID_PP(0);
	TimestampTz result;

	if (!uuidv7_timestamp(typeid_uuid_bytes(id), &result))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(result);
}

/*
 * uuid_v7_timestamp(uuid) - creation time of a UUIDv7, else NULL.
 */
Datum
uuid_v7_timestamp(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *uuid = PG_GETARG_UUID_P(0);
	TimestampTz result;

	if (!uuidv7_timestamp(uuid->data, &result))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(result);
}

/*
 * typeid_min_at(prefix text, at timestamptz) - the smallest UUIDv7 typeid
 * of the millisecond that contains at: a bound for time-range scans.
 */
Datum
typeid_min_at(PG_FUNCTION_ARGS)
{
	text	   *prefix = PG_GETARG_TEXT_PP(0);
	TimestampTz at = PG_GETARG_TIMESTAMPTZ(1);
	int			prefix_len = VARSIZE_ANY_EXHDR(prefix);
	uint8		uuid[TYPEID_UUID_BYTES] = {0};
	int64		ms;
	int			i;

	typeid_check_prefix_param(VARDATA_ANY(prefix), prefix_len);

	/* floor division, so that times before a whole millisecond round down */
	ms = at / 1000;
	if (at % 1000 < 0)
		ms--;
	if (TIMESTAMP_NOT_FINITE(at) ||
		ms < -UNIX_TO_PG_EPOCH_MS ||
		ms > UUIDV7_MAX_MS - UNIX_TO_PG_EPOCH_MS)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for a UUIDv7"),
				 errdetail("A UUIDv7 holds a time from 1970-01-01 00:00:00 UTC to 10889-08-02 05:31:50.655 UTC.")));
	ms += UNIX_TO_PG_EPOCH_MS;

	for (i = 0; i < 6; i++)
		uuid[i] = (uint8) (ms >> (40 - 8 * i));
	uuid[6] = 0x70;				/* version 7, rand_a zero */
	uuid[8] = 0x80;				/* variant 10, rand_b zero */

	PG_RETURN_TYPEID_P(typeid_build(VARDATA_ANY(prefix), prefix_len, uuid));
}
