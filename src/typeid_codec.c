/*-------------------------------------------------------------------------
 *
 * typeid_codec.c
 *	  Pure-C TypeID (spec v0.3) text codec: parse, validate and format.
 *
 * The suffix is the 128 UUID bits, big-endian, with two zero bits in front,
 * written 5 bits at a time in the alphabet 0123456789abcdefghjkmnpqrstvwxyz.
 * Validation is byte-wise: no trimming, no case folding, non-ASCII bytes
 * are invalid.
 *
 * IDENTIFICATION
 *	  src/typeid_codec.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "typeid_codec.h"

static const char typeid_alphabet[32] = "0123456789abcdefghjkmnpqrstvwxyz";

/* Value of each suffix byte, or -1 when it is not in the alphabet. */
static const int8_t typeid_decode_table[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	/* '0' .. '9' */
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	/* '`', 'a' .. 'o' (no 'i', 'l', 'o') */
	-1, 10, 11, 12, 13, 14, 15, 16, 17, -1, 18, 19, -1, 20, 21, -1,
	/* 'p' .. 'z' (no 'u') */
	22, 23, 24, 25, 26, -1, 27, 28, 29, 30, 31, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
};

static inline bool
is_prefix_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

static void
set_error(TypeIdParse *result, TypeIdError error, const char *str, size_t pos)
{
	result->error = error;
	result->bad_pos = pos;
	result->bad_byte = str ? (unsigned char) str[pos] : 0;
}

/*
 * Check a prefix: 0-63 bytes of [a-z_], first and last byte [a-z].
 */
bool
typeid_check_prefix(const char *prefix, size_t len, TypeIdParse *result)
{
	size_t		i;

	result->error = TYPEID_OK;
	result->prefix_len = len;
	if (len == 0)
		return true;
	if (len > TYPEID_MAX_PREFIX_LEN)
	{
		set_error(result, TYPEID_ERR_PREFIX_TOO_LONG, NULL, 0);
		return false;
	}
	for (i = 0; i < len; i++)
	{
		if (!is_prefix_byte((unsigned char) prefix[i]))
		{
			set_error(result, TYPEID_ERR_PREFIX_CHAR, prefix, i);
			return false;
		}
	}
	if (prefix[0] == '_')
	{
		set_error(result, TYPEID_ERR_PREFIX_START, prefix, 0);
		return false;
	}
	if (prefix[len - 1] == '_')
	{
		set_error(result, TYPEID_ERR_PREFIX_END, prefix, len - 1);
		return false;
	}
	return true;
}

/*
 * Decode a 26-byte suffix into 16 UUID bytes.
 */
static bool
decode_suffix(const char *str, size_t offset, TypeIdParse *result)
{
	const unsigned char *s = (const unsigned char *) str + offset;
	uint64_t	hi = 0;
	uint64_t	lo = 0;
	int			i;

	for (i = 0; i < TYPEID_SUFFIX_LEN; i++)
	{
		int			v = typeid_decode_table[s[i]];

		if (v < 0)
		{
			set_error(result, TYPEID_ERR_SUFFIX_CHAR, str, offset + i);
			return false;
		}
		hi = (hi << 5) | (lo >> 59);
		lo = (lo << 5) | (uint64_t) v;
	}

	/* the first byte carries the top 3 bits; anything above '7' overflows */
	if (typeid_decode_table[s[0]] > 7)
	{
		set_error(result, TYPEID_ERR_SUFFIX_OVERFLOW, str, offset);
		return false;
	}

	for (i = 0; i < 8; i++)
	{
		result->uuid[i] = (uint8_t) (hi >> (56 - 8 * i));
		result->uuid[8 + i] = (uint8_t) (lo >> (56 - 8 * i));
	}
	return true;
}

bool
typeid_parse(const char *str, size_t len, TypeIdParse *result)
{
	size_t		sep;
	size_t		suffix_start;

	memset(result, 0, sizeof(*result));
	if (len == 0)
	{
		result->error = TYPEID_ERR_EMPTY;
		return false;
	}

	/* split at the last '_' */
	sep = len;
	while (sep > 0 && str[sep - 1] != '_')
		sep--;

	if (sep == 0)
	{
		/* no separator: the whole input is the suffix */
		suffix_start = 0;
		result->prefix_len = 0;
	}
	else
	{
		if (sep == 1)
		{
			set_error(result, TYPEID_ERR_EMPTY_PREFIX, str, 0);
			return false;
		}
		if (!typeid_check_prefix(str, sep - 1, result))
			return false;
		suffix_start = sep;
	}

	if (len - suffix_start != TYPEID_SUFFIX_LEN)
	{
		result->error = TYPEID_ERR_SUFFIX_LENGTH;
		result->suffix_len = len - suffix_start;
		return false;
	}
	return decode_suffix(str, suffix_start, result);
}

void
typeid_encode_suffix(const uint8_t uuid[TYPEID_UUID_BYTES],
					 char out[TYPEID_SUFFIX_LEN])
{
	uint64_t	hi = 0;
	uint64_t	lo = 0;
	int			i;

	for (i = 0; i < 8; i++)
	{
		hi = (hi << 8) | uuid[i];
		lo = (lo << 8) | uuid[8 + i];
	}
	for (i = TYPEID_SUFFIX_LEN - 1; i >= 0; i--)
	{
		out[i] = typeid_alphabet[lo & 31];
		lo = (lo >> 5) | (hi << 59);
		hi >>= 5;
	}
}

size_t
typeid_format(const char *prefix, size_t prefix_len,
			  const uint8_t uuid[TYPEID_UUID_BYTES], char *out)
{
	size_t		n = 0;

	if (prefix_len > 0)
	{
		memcpy(out, prefix, prefix_len);
		out[prefix_len] = '_';
		n = prefix_len + 1;
	}
	typeid_encode_suffix(uuid, out + n);
	return n + TYPEID_SUFFIX_LEN;
}

/* Show a byte as "x" when printable ASCII, else as byte 0xNN. */
static void
describe_byte(unsigned char c, char *buf, size_t buflen)
{
	if (c > 0x20 && c < 0x7f && c != '"')
		snprintf(buf, buflen, "\"%c\"", c);
	else
		snprintf(buf, buflen, "byte 0x%02x", c);
}

void
typeid_describe_error(const TypeIdParse *result, char *buf, size_t buflen)
{
	char		b[16];

	describe_byte(result->bad_byte, b, sizeof(b));
	switch (result->error)
	{
		case TYPEID_OK:
			snprintf(buf, buflen, "The value is valid.");
			break;
		case TYPEID_ERR_EMPTY:
			snprintf(buf, buflen, "A TypeID cannot be empty.");
			break;
		case TYPEID_ERR_EMPTY_PREFIX:
			snprintf(buf, buflen,
					 "The prefix before the \"_\" separator is empty; a TypeID without a prefix has no separator.");
			break;
		case TYPEID_ERR_PREFIX_TOO_LONG:
			snprintf(buf, buflen,
					 "The prefix is %zu bytes long; at most %d are allowed.",
					 result->prefix_len, TYPEID_MAX_PREFIX_LEN);
			break;
		case TYPEID_ERR_PREFIX_CHAR:
			snprintf(buf, buflen,
					 "The prefix contains %s at position %zu; only lowercase ASCII letters and \"_\" are allowed.",
					 b, result->bad_pos + 1);
			break;
		case TYPEID_ERR_PREFIX_START:
			snprintf(buf, buflen,
					 "The prefix starts with \"_\"; it must start with a lowercase letter.");
			break;
		case TYPEID_ERR_PREFIX_END:
			snprintf(buf, buflen,
					 "The prefix ends with \"_\"; it must end with a lowercase letter.");
			break;
		case TYPEID_ERR_SUFFIX_LENGTH:
			snprintf(buf, buflen,
					 "The suffix is %zu bytes long; it must be exactly %d.",
					 result->suffix_len, TYPEID_SUFFIX_LEN);
			break;
		case TYPEID_ERR_SUFFIX_CHAR:
			if (result->bad_byte >= 'A' && result->bad_byte <= 'Z' &&
				typeid_decode_table[result->bad_byte + ('a' - 'A')] >= 0)
				snprintf(buf, buflen,
						 "The suffix contains uppercase %s at position %zu; TypeIDs are lowercase.",
						 b, result->bad_pos + 1);
			else
				snprintf(buf, buflen,
						 "The suffix contains %s at position %zu, which is not in the TypeID alphabet \"%.32s\".",
						 b, result->bad_pos + 1, typeid_alphabet);
			break;
		case TYPEID_ERR_SUFFIX_OVERFLOW:
			snprintf(buf, buflen,
					 "The suffix starts with %s; a first character above \"7\" does not fit in 128 bits.",
					 b);
			break;
	}
}

/* digit of a prefix byte in the direct typmod encoding: 1..27 */
static inline int
typmod_digit(unsigned char c)
{
	return (c == '_') ? 27 : c - 'a' + 1;
}

int32_t
typeid_prefix_typmod(const char *prefix, size_t len)
{
	uint32_t	value = 0;
	size_t		i;

	if (len <= TYPEID_TYPMOD_DIRECT_MAX_LEN)
	{
		for (i = 0; i < len; i++)
			value = value * 28 + typmod_digit((unsigned char) prefix[i]);
		return (int32_t) value;
	}

	/* 32-bit FNV-1a */
	value = 2166136261u;
	for (i = 0; i < len; i++)
	{
		value ^= (unsigned char) prefix[i];
		value *= 16777619u;
	}
	return TYPEID_TYPMOD_HASHED + (int32_t) (value & 0x3FFFFFFF);
}

int
typeid_typmod_direct_prefix(int32_t typmod, char out[TYPEID_TYPMOD_DIRECT_MAX_LEN])
{
	char		reversed[TYPEID_TYPMOD_DIRECT_MAX_LEN];
	TypeIdParse check;
	int			len = 0;
	int			i;

	if (!typeid_typmod_is_direct(typmod))
		return -1;
	while (typmod > 0)
	{
		int			digit = typmod % 28;

		if (digit == 0 || len == TYPEID_TYPMOD_DIRECT_MAX_LEN)
			return -1;
		reversed[len++] = (digit == 27) ? '_' : (char) ('a' + digit - 1);
		typmod /= 28;
	}
	for (i = 0; i < len; i++)
		out[i] = reversed[len - 1 - i];

	/* "_", "a_", "_a": digits of no valid prefix */
	if (!typeid_check_prefix(out, len, &check))
		return -1;
	return len;
}
