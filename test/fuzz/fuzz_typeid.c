/*-------------------------------------------------------------------------
 *
 * fuzz_typeid.c
 *	  libFuzzer target for the pure-C TypeID codec (src/typeid_codec.c).
 *
 * Each input is used twice.
 *
 * As text, it goes through typeid_parse(), which must accept it exactly
 * when the reference parser below does.  That parser is written from the
 * spec (v0.3) and shares nothing with the codec: it finds the last "_" by a
 * forward scan, looks characters up in the alphabet string, and decodes the
 * suffix one bit at a time into the UUID, catching overflow as a set bit in
 * front of the 128 UUID bits rather than as a first character above "7".
 * A rejection must carry a valid error code whose details (position, byte,
 * length) are true of the input; an acceptance must report the reference's
 * prefix length and UUID, and typeid_format() of that prefix and UUID must
 * give back the input byte for byte.  typeid_check_prefix() must agree with
 * the reference prefix rule on the whole input, and typeid_describe_error()
 * must always produce a NUL-terminated sentence, even in a tiny buffer.
 *
 * As raw material, its first 16 bytes become a UUID and the following ones
 * (at most 63) a prefix mapped onto [a-z_] with letters at both ends.
 * typeid_format() must write what the reference encoder writes, and
 * typeid_parse() must give back the same prefix and UUID.
 *
 * As a prefix, it must get a type modifier that decodes back (up to 6 bytes)
 * or lies in the hashed range (longer); as a number, it must decode to a
 * prefix that maps back to it, or not decode at all.
 *
 * A violation is reported on stderr and ends in abort(), which libFuzzer
 * records as a crash.  test/fuzz/run.sh builds and runs this target.
 *
 * IDENTIFICATION
 *	  test/fuzz/fuzz_typeid.c
 *
 *-------------------------------------------------------------------------
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typeid_codec.h"

/* the last member of TypeIdError; update when the codec adds one */
#define LAST_TYPEID_ERROR	TYPEID_ERR_SUFFIX_OVERFLOW

/* room for any sentence of typeid_describe_error(), with plenty to spare */
#define DESCRIBE_BUFLEN		512
/* a buffer too small for any sentence, to exercise truncation */
#define SMALL_BUFLEN		8

static const char ref_alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Report a violated property together with the input, then abort.
 */
static void
fail(const uint8_t *data, size_t size, const char *fmt,...)
__attribute__((format(printf, 3, 4), noreturn));

static void
fail(const uint8_t *data, size_t size, const char *fmt,...)
{
	va_list		args;
	size_t		i;

	fprintf(stderr, "fuzz_typeid: property violated: ");
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, "\nfuzz_typeid: input (%zu bytes): \"", size);
	for (i = 0; i < size; i++)
	{
		if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '"' &&
			data[i] != '\\')
			fputc(data[i], stderr);
		else
			fprintf(stderr, "\\x%02x", data[i]);
	}
	fprintf(stderr, "\"\n");
	abort();
}

static bool
ref_is_lower(uint8_t c)
{
	return c >= 'a' && c <= 'z';
}

/* Value of a suffix character, or -1 when it is not in the alphabet. */
static int
ref_digit(uint8_t c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(ref_alphabet, c);
	return p ? (int) (p - ref_alphabet) : -1;
}

/* The spec's prefix rule: empty, or 1-63 of [a-z_] with letters at the ends. */
static bool
ref_prefix_ok(const uint8_t *p, size_t len)
{
	size_t		i;

	if (len == 0)
		return true;
	if (len > TYPEID_MAX_PREFIX_LEN)
		return false;
	if (!ref_is_lower(p[0]) || !ref_is_lower(p[len - 1]))
		return false;
	for (i = 1; i + 1 < len; i++)
	{
		if (p[i] != '_' && !ref_is_lower(p[i]))
			return false;
	}
	return true;
}

/*
 * Decode a suffix bit by bit.  Its 26 characters carry 130 bits, most
 * significant first; the first two are padding and must be zero, the other
 * 128 are the UUID, big-endian.
 */
static bool
ref_decode_suffix(const uint8_t *s, size_t len, uint8_t uuid[TYPEID_UUID_BYTES])
{
	size_t		i;
	int			b;

	if (len != TYPEID_SUFFIX_LEN)
		return false;
	memset(uuid, 0, TYPEID_UUID_BYTES);
	for (i = 0; i < len; i++)
	{
		int			v = ref_digit(s[i]);

		if (v < 0)
			return false;
		for (b = 0; b < 5; b++)
		{
			/* position of this bit among the UUID's bits; padding is < 0 */
			long		pos = (long) (i * 5 + b) - 2;

			if ((v & (0x10 >> b)) == 0)
				continue;
			if (pos < 0)
				return false;
			uuid[pos / 8] |= (uint8_t) (0x80 >> (pos % 8));
		}
	}
	return true;
}

/* Encode a UUID bit by bit, the inverse of ref_decode_suffix(). */
static void
ref_encode_suffix(const uint8_t uuid[TYPEID_UUID_BYTES],
				  char out[TYPEID_SUFFIX_LEN])
{
	int			i;
	int			b;

	for (i = 0; i < TYPEID_SUFFIX_LEN; i++)
	{
		int			v = 0;

		for (b = 0; b < 5; b++)
		{
			int			pos = i * 5 + b - 2;

			v <<= 1;
			if (pos >= 0 && (uuid[pos / 8] & (0x80 >> (pos % 8))) != 0)
				v |= 1;
		}
		out[i] = ref_alphabet[v];
	}
}

/*
 * Reference parse of "prefix_suffix" or "suffix", split at the last "_".
 * On success sets *prefix_len and uuid.
 */
static bool
ref_parse(const uint8_t *data, size_t size, size_t *prefix_len,
		  uint8_t uuid[TYPEID_UUID_BYTES])
{
	bool		has_sep = false;
	size_t		sep = 0;
	size_t		i;

	for (i = 0; i < size; i++)
	{
		if (data[i] == '_')
		{
			has_sep = true;
			sep = i;
		}
	}

	if (!has_sep)
	{
		*prefix_len = 0;
		return ref_decode_suffix(data, size, uuid);
	}

	/* a separator needs a prefix in front of it */
	if (sep == 0 || !ref_prefix_ok(data, sep))
		return false;
	*prefix_len = sep;
	return ref_decode_suffix(data + sep + 1, size - sep - 1, uuid);
}

/*
 * typeid_describe_error() must write a NUL-terminated sentence for any
 * result, and stay within a buffer too small for it.
 */
static void
check_describe(const TypeIdParse *res, const uint8_t *data, size_t size)
{
	char		buf[DESCRIBE_BUFLEN];
	char		small[SMALL_BUFLEN];
	size_t		smalllen = 1 + size % SMALL_BUFLEN;
	const char *nul;
	size_t		len;
	size_t		i;

	memset(buf, 'x', sizeof(buf));
	typeid_describe_error(res, buf, sizeof(buf));
	nul = memchr(buf, '\0', sizeof(buf));
	if (nul == NULL)
		fail(data, size, "typeid_describe_error() left its buffer unterminated (error %d)",
			 (int) res->error);
	len = nul - buf;
	if (len + 1 == sizeof(buf))
		fail(data, size, "typeid_describe_error() filled all %d bytes; sentence truncated?",
			 DESCRIBE_BUFLEN);
	if (len < 2 || buf[0] < 'A' || buf[0] > 'Z' || buf[len - 1] != '.')
		fail(data, size, "typeid_describe_error() wrote no sentence: \"%s\" (error %d)",
			 buf, (int) res->error);

	memset(small, 'x', sizeof(small));
	typeid_describe_error(res, small, smalllen);
	if (memchr(small, '\0', smalllen) == NULL)
		fail(data, size, "typeid_describe_error() left a %zu-byte buffer unterminated",
			 smalllen);
	for (i = smalllen; i < sizeof(small); i++)
	{
		if (small[i] != 'x')
			fail(data, size, "typeid_describe_error() wrote past a %zu-byte buffer",
				 smalllen);
	}
}

/*
 * A rejection must name a real error, and what it says about the input
 * (offending byte and its position, lengths) must be true.
 */
static void
check_rejection(const TypeIdParse *res, const uint8_t *data, size_t size)
{
	TypeIdError err = res->error;
	uint8_t		c;

	if (err <= TYPEID_OK || err > LAST_TYPEID_ERROR)
		fail(data, size, "typeid_parse() failed with error code %d", (int) err);

	switch (err)
	{
		case TYPEID_ERR_EMPTY:
			if (size != 0)
				fail(data, size, "TYPEID_ERR_EMPTY for a non-empty input");
			return;
		case TYPEID_ERR_PREFIX_TOO_LONG:
			if (res->prefix_len <= TYPEID_MAX_PREFIX_LEN || res->prefix_len >= size)
				fail(data, size, "TYPEID_ERR_PREFIX_TOO_LONG with prefix_len %zu",
					 res->prefix_len);
			return;
		case TYPEID_ERR_SUFFIX_LENGTH:
			if (res->suffix_len == TYPEID_SUFFIX_LEN || res->suffix_len > size)
				fail(data, size, "TYPEID_ERR_SUFFIX_LENGTH with suffix_len %zu",
					 res->suffix_len);
			return;
		default:
			break;
	}

	/* the remaining errors point at one byte of the input */
	if (res->bad_pos >= size || res->bad_byte != data[res->bad_pos])
		fail(data, size, "error %d points at byte 0x%02x at offset %zu, which the input does not hold",
			 (int) err, res->bad_byte, res->bad_pos);
	c = res->bad_byte;
	switch (err)
	{
		case TYPEID_ERR_EMPTY_PREFIX:
		case TYPEID_ERR_PREFIX_START:
		case TYPEID_ERR_PREFIX_END:
			if (c != '_')
				fail(data, size, "error %d blames byte 0x%02x instead of \"_\"",
					 (int) err, c);
			break;
		case TYPEID_ERR_PREFIX_CHAR:
			if (c == '_' || ref_is_lower(c))
				fail(data, size, "TYPEID_ERR_PREFIX_CHAR blames valid prefix byte 0x%02x", c);
			break;
		case TYPEID_ERR_SUFFIX_CHAR:
			if (ref_digit(c) >= 0)
				fail(data, size, "TYPEID_ERR_SUFFIX_CHAR blames alphabet byte 0x%02x", c);
			break;
		case TYPEID_ERR_SUFFIX_OVERFLOW:
			if (ref_digit(c) < 8)
				fail(data, size, "TYPEID_ERR_SUFFIX_OVERFLOW blames byte 0x%02x", c);
			break;
		default:
			break;
	}
}

/*
 * Property 1: the input as text.
 */
static void
check_text(const uint8_t *data, size_t size)
{
	TypeIdParse res;
	uint8_t		ref_uuid[TYPEID_UUID_BYTES];
	size_t		ref_prefix_len = 0;
	bool		ok;
	bool		ref_ok;
	char		out[TYPEID_MAX_TEXT_LEN];
	size_t		n;

	ok = typeid_parse((const char *) data, size, &res);
	ref_ok = ref_parse(data, size, &ref_prefix_len, ref_uuid);
	check_describe(&res, data, size);

	if (ok != ref_ok)
		fail(data, size, "typeid_parse() %s (error %d) but the reference %s",
			 ok ? "accepted" : "rejected", (int) res.error,
			 ref_ok ? "accepts" : "rejects");

	if (!ok)
		check_rejection(&res, data, size);
	else
	{
		if (res.error != TYPEID_OK)
			fail(data, size, "typeid_parse() succeeded with error code %d",
				 (int) res.error);
		if (res.prefix_len != ref_prefix_len)
			fail(data, size, "typeid_parse() prefix length %zu, reference %zu",
				 res.prefix_len, ref_prefix_len);
		if (memcmp(res.uuid, ref_uuid, TYPEID_UUID_BYTES) != 0)
			fail(data, size, "typeid_parse() UUID differs from the reference decode");

		n = typeid_format((const char *) data, res.prefix_len, res.uuid, out);
		if (n != size || memcmp(out, data, size) != 0)
			fail(data, size, "typeid_format() gave back \"%.*s\"", (int) n, out);
	}

	ok = typeid_check_prefix((const char *) data, size, &res);
	if (ok != ref_prefix_ok(data, size))
		fail(data, size, "typeid_check_prefix() %s (error %d) but the reference disagrees",
			 ok ? "accepted" : "rejected", (int) res.error);
}

/* Map a byte onto [a-z_], or onto [a-z] for the ends of a prefix. */
static char
prefix_byte(uint8_t b, bool at_end)
{
	if (at_end)
		return (char) ('a' + b % 26);
	return b % 27 == 26 ? '_' : (char) ('a' + b % 27);
}

/*
 * Property 3: the typmod of a valid prefix.  Short prefixes (up to 6
 * bytes) are held in the typmod itself and must decode back; longer ones
 * land in the hashed range, which never decodes as a short prefix.  Any
 * typmod in the direct range either decodes to a valid prefix that maps
 * back to it, or is refused.
 */
static void
check_typmod(const uint8_t *data, size_t size)
{
	char		prefix[TYPEID_MAX_PREFIX_LEN];
	char		decoded[TYPEID_TYPMOD_DIRECT_MAX_LEN];
	size_t		prefix_len = size < TYPEID_MAX_PREFIX_LEN ? size : TYPEID_MAX_PREFIX_LEN;
	size_t		i;
	int32_t		typmod;
	int32_t		raw = 0;
	int			len;
	TypeIdParse check;

	for (i = 0; i < prefix_len; i++)
		prefix[i] = prefix_byte(data[i], i == 0 || i == prefix_len - 1);
	if (prefix_len > 0)
	{
		typmod = typeid_prefix_typmod(prefix, prefix_len);
		len = typeid_typmod_direct_prefix(typmod, decoded);
		if (prefix_len <= TYPEID_TYPMOD_DIRECT_MAX_LEN)
		{
			if (!typeid_typmod_is_direct(typmod) || len != (int) prefix_len ||
				memcmp(decoded, prefix, prefix_len) != 0)
				fail(data, size, "typmod %d of \"%.*s\" does not decode back",
					 (int) typmod, (int) prefix_len, prefix);
		}
		else if (typmod < TYPEID_TYPMOD_HASHED || len != -1)
			fail(data, size, "typmod %d of long prefix \"%.*s\" is not in the hashed range",
				 (int) typmod, (int) prefix_len, prefix);
	}

	/* an arbitrary number, decoded */
	for (i = 0; i < size && i < sizeof(raw); i++)
		raw = (int32_t) (((uint32_t) raw << 8) | data[i]);
	len = typeid_typmod_direct_prefix(raw, decoded);
	if (len == 0 || len > TYPEID_TYPMOD_DIRECT_MAX_LEN)
		fail(data, size, "typmod %d decodes to a prefix of %d bytes",
			 (int) raw, len);
	if (len > 0 && !typeid_check_prefix(decoded, len, &check))
		fail(data, size, "typmod %d decodes to \"%.*s\", which is not a valid prefix",
			 (int) raw, len, decoded);
	if (len > 0 && typeid_prefix_typmod(decoded, len) != raw)
		fail(data, size, "typmod %d decodes to \"%.*s\", which maps elsewhere",
			 (int) raw, len, decoded);
}

/*
 * Property 2: the input as raw material for a (prefix, UUID) pair, which
 * must survive format and parse unchanged.
 */
static void
check_roundtrip(const uint8_t *data, size_t size)
{
	uint8_t		uuid[TYPEID_UUID_BYTES] = {0};
	char		prefix[TYPEID_MAX_PREFIX_LEN];
	size_t		prefix_len = 0;
	char		expect[TYPEID_MAX_TEXT_LEN];
	char		out[TYPEID_MAX_TEXT_LEN];
	size_t		expect_len;
	size_t		n;
	size_t		i;
	TypeIdParse res;

	memcpy(uuid, data, size < TYPEID_UUID_BYTES ? size : TYPEID_UUID_BYTES);
	if (size > TYPEID_UUID_BYTES)
		prefix_len = size - TYPEID_UUID_BYTES;
	if (prefix_len > TYPEID_MAX_PREFIX_LEN)
		prefix_len = TYPEID_MAX_PREFIX_LEN;
	for (i = 0; i < prefix_len; i++)
		prefix[i] = prefix_byte(data[TYPEID_UUID_BYTES + i],
								i == 0 || i == prefix_len - 1);

	if (!typeid_check_prefix(prefix, prefix_len, &res))
		fail(data, size, "typeid_check_prefix() rejects valid prefix \"%.*s\" (error %d)",
			 (int) prefix_len, prefix, (int) res.error);

	memcpy(expect, prefix, prefix_len);
	expect_len = prefix_len;
	if (prefix_len > 0)
		expect[expect_len++] = '_';
	ref_encode_suffix(uuid, expect + expect_len);
	expect_len += TYPEID_SUFFIX_LEN;

	n = typeid_format(prefix, prefix_len, uuid, out);
	if (n != expect_len || memcmp(out, expect, n) != 0)
		fail(data, size, "typeid_format() wrote \"%.*s\", the reference \"%.*s\"",
			 (int) n, out, (int) expect_len, expect);

	if (!typeid_parse(out, n, &res))
		fail(data, size, "typeid_parse() rejects formatted \"%.*s\" (error %d)",
			 (int) n, out, (int) res.error);
	if (res.prefix_len != prefix_len ||
		memcmp(res.uuid, uuid, TYPEID_UUID_BYTES) != 0)
		fail(data, size, "parse(format(x)) != x for \"%.*s\"", (int) n, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_text(data, size);
	check_roundtrip(data, size);
	check_typmod(data, size);
	return 0;
}
