/*-------------------------------------------------------------------------
 *
 * typeid_generate.c
 *	  UUIDv7 generation for typeid_generate() and uuid_generate_v7().
 *
 * RFC 9562 method 3, as PostgreSQL 18's uuidv7() does it: a 48-bit Unix
 * timestamp in milliseconds, 12 bits of sub-millisecond fraction in rand_a,
 * and 62 random bits in rand_b.  The 60-bit (milliseconds, fraction) pair
 * is strictly increasing within a backend: when the clock has not moved on
 * (or stepped back) the previous value plus one is used.
 *
 * Random bits come from pg_strong_random() through a per-backend buffer
 * that is refilled in blocks, so one call does not pay one CSPRNG call.
 * The buffer remembers the process it was filled in and is refilled in any
 * other, so a forked process never reuses its parent's bytes.
 *
 * IDENTIFICATION
 *	  src/typeid_generate.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <time.h>

#include "miscadmin.h"
#include "utils/builtins.h"

#include "typeid.h"

PG_FUNCTION_INFO_V1(typeid_generate);
PG_FUNCTION_INFO_V1(uuid_generate_v7);

/* 8 random bytes per UUID: 128 UUIDs per refill */
#define RANDOM_BUFFER_SIZE 1024

static uint8 random_buffer[RANDOM_BUFFER_SIZE];
static int	random_used = RANDOM_BUFFER_SIZE;
static int	random_owner_pid = 0;

/* last (unix_ms << 12 | fraction) handed out by this backend */
static uint64 last_timestamp = 0;

/*
 * Copy n fresh random bytes to dst, refilling the buffer when it is used
 * up or was filled in another process.
 */
static inline void
take_random_bytes(uint8 *dst, int n)
{
	if (random_used + n > RANDOM_BUFFER_SIZE || random_owner_pid != MyProcPid)
	{
		if (!pg_strong_random(random_buffer, RANDOM_BUFFER_SIZE))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate random values")));
		random_used = 0;
		random_owner_pid = MyProcPid;
	}
	memcpy(dst, random_buffer + random_used, n);
	random_used += n;
}

/*
 * Fill uuid (16 bytes) with a new UUIDv7.
 */
static void
uuidv7_generate(uint8 *uuid)
{
	struct timespec now;
	uint64		ms;
	uint64		fraction;
	uint64		timestamp;

	if (clock_gettime(CLOCK_REALTIME, &now) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_SYSTEM_ERROR),
				 errmsg("could not read the system clock: %m")));

	ms = (uint64) now.tv_sec * 1000 + (uint64) now.tv_nsec / 1000000;
	/* nanoseconds within the millisecond, scaled to 12 bits */
	fraction = ((uint64) (now.tv_nsec % 1000000) << 12) / 1000000;
	timestamp = (ms << 12) | fraction;

	if (timestamp <= last_timestamp)
		timestamp = last_timestamp + 1;
	last_timestamp = timestamp;

	ms = timestamp >> 12;
	fraction = timestamp & 0xFFF;

	uuid[0] = (uint8) (ms >> 40);
	uuid[1] = (uint8) (ms >> 32);
	uuid[2] = (uint8) (ms >> 24);
	uuid[3] = (uint8) (ms >> 16);
	uuid[4] = (uint8) (ms >> 8);
	uuid[5] = (uint8) ms;
	uuid[6] = (uint8) (0x70 | (fraction >> 8));	/* version 7 */
	uuid[7] = (uint8) fraction;

	take_random_bytes(uuid + 8, 8);
	uuid[8] = (uuid[8] & 0x3F) | 0x80;	/* variant 10 */
}

/*
 * typeid_generate(prefix text DEFAULT '') - a new typeid with a UUIDv7.
 */
Datum
typeid_generate(PG_FUNCTION_ARGS)
{
	text	   *prefix = PG_GETARG_TEXT_PP(0);
	int			prefix_len = VARSIZE_ANY_EXHDR(prefix);
	uint8		uuid[TYPEID_UUID_BYTES];

	typeid_check_prefix_param(VARDATA_ANY(prefix), prefix_len);
	uuidv7_generate(uuid);
	PG_RETURN_TYPEID_P(typeid_build(VARDATA_ANY(prefix), prefix_len, uuid));
}

/*
 * uuid_generate_v7() - a new UUIDv7 as a plain uuid.
 */
Datum
uuid_generate_v7(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *result = palloc(sizeof(pg_uuid_t));

	uuidv7_generate(result->data);
	PG_RETURN_UUID_P(result);
}
