/*-------------------------------------------------------------------------
 *
 * typeid_codec.h
 *	  Pure-C TypeID (spec v0.3) text codec, shared by the server module,
 *	  the fuzz harness and any command-line tool.
 *
 * This header and typeid_codec.c use no PostgreSQL server headers, so they
 * can be compiled on their own.
 *
 * IDENTIFICATION
 *	  src/typeid_codec.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TYPEID_CODEC_H
#define TYPEID_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define TYPEID_UUID_BYTES		16
#define TYPEID_SUFFIX_LEN		26
#define TYPEID_MAX_PREFIX_LEN	63
/* prefix, separator, suffix */
#define TYPEID_MAX_TEXT_LEN		(TYPEID_MAX_PREFIX_LEN + 1 + TYPEID_SUFFIX_LEN)

/* Why a text failed to parse; TYPEID_OK when it did not fail. */
typedef enum TypeIdError
{
	TYPEID_OK = 0,
	TYPEID_ERR_EMPTY,				/* empty input */
	TYPEID_ERR_EMPTY_PREFIX,		/* "_" with nothing before it */
	TYPEID_ERR_PREFIX_TOO_LONG,		/* more than 63 bytes */
	TYPEID_ERR_PREFIX_CHAR,			/* byte outside [a-z_] */
	TYPEID_ERR_PREFIX_START,		/* prefix starts with "_" */
	TYPEID_ERR_PREFIX_END,			/* prefix ends with "_" */
	TYPEID_ERR_SUFFIX_LENGTH,		/* suffix is not 26 bytes */
	TYPEID_ERR_SUFFIX_CHAR,			/* byte outside the base32 alphabet */
	TYPEID_ERR_SUFFIX_OVERFLOW		/* first suffix byte above '7' */
} TypeIdError;

/* Result of a parse: on success the prefix span and the UUID bytes. */
typedef struct TypeIdParse
{
	TypeIdError error;
	size_t		prefix_len;		/* prefix starts at the input's first byte */
	size_t		bad_pos;		/* offset of the offending byte, if any */
	unsigned char bad_byte;		/* the offending byte, if any */
	size_t		suffix_len;		/* for TYPEID_ERR_SUFFIX_LENGTH */
	uint8_t		uuid[TYPEID_UUID_BYTES];
} TypeIdParse;

/*
 * Parse "prefix_suffix" or "suffix" (len bytes, need not be NUL-terminated).
 * Returns true on success; otherwise result->error says why.
 */
extern bool typeid_parse(const char *str, size_t len, TypeIdParse *result);

/*
 * Check a bare prefix (as given to typeid_generate()).  The empty prefix is
 * valid.  On failure fills error, bad_pos and bad_byte of result.
 */
extern bool typeid_check_prefix(const char *prefix, size_t len,
								TypeIdParse *result);

/* Write the 26-byte base32 suffix of uuid to out (not NUL-terminated). */
extern void typeid_encode_suffix(const uint8_t uuid[TYPEID_UUID_BYTES],
								 char out[TYPEID_SUFFIX_LEN]);

/*
 * Write the text form of (prefix, uuid) to out, which must have room for
 * prefix_len + 27 bytes.  Returns the number of bytes written; no NUL.
 */
extern size_t typeid_format(const char *prefix, size_t prefix_len,
							const uint8_t uuid[TYPEID_UUID_BYTES], char *out);

/*
 * A full sentence explaining a failed parse, written to buf (always
 * NUL-terminated).  Used as the errdetail of input errors.
 */
extern void typeid_describe_error(const TypeIdParse *result,
								  char *buf, size_t buflen);

/*
 * Type modifiers of prefix-checked columns, typeid('user').
 *
 * The mapping prefix -> int32 typmod is a pure function of the prefix, so it
 * is the same in every database and cluster.  Prefixes of up to 6 bytes are
 * encoded exactly, as bijective base-28 numbers ('a'..'z' = 1..26, '_' = 27)
 * below TYPEID_TYPMOD_DIRECT_LIMIT; longer ones map to TYPEID_TYPMOD_HASHED
 * plus 30 bits of their FNV-1a hash, which the server keeps in a registry to
 * turn them back into prefixes and to refuse a second prefix with the same
 * number.
 */
#define TYPEID_TYPMOD_DIRECT_MAX_LEN	6
#define TYPEID_TYPMOD_DIRECT_LIMIT		(INT32_C(1) << 29)
#define TYPEID_TYPMOD_HASHED			(INT32_C(1) << 30)

/* typmod of a valid, non-empty prefix */
extern int32_t typeid_prefix_typmod(const char *prefix, size_t len);

/* whether typmod holds the prefix itself (no registry needed) */
static inline bool
typeid_typmod_is_direct(int32_t typmod)
{
	return typmod > 0 && typmod < TYPEID_TYPMOD_DIRECT_LIMIT;
}

/*
 * Decode a direct typmod into out (no NUL).  Returns the prefix length, or
 * -1 when typmod is not the direct encoding of a valid prefix: not in the
 * direct range, a zero digit, or digits that spell an invalid prefix such
 * as "_" or "a_".
 */
extern int	typeid_typmod_direct_prefix(int32_t typmod,
										char out[TYPEID_TYPMOD_DIRECT_MAX_LEN]);

#endif							/* TYPEID_CODEC_H */
