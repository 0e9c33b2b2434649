/*-------------------------------------------------------------------------
 *
 * typeid_ops.c
 *	  Comparison, hashing and sort support for the typeid type.
 *
 * Order: by prefix (bytes, then length), then by UUID bytes.  This equals
 * the order of the text forms under the "C" collation, and within one
 * prefix it is UUID order, which for UUIDv7 is creation order.
 *
 * Hashing covers the canonical byte image (UUID bytes, then prefix bytes),
 * so equal values hash equally and the hash never depends on the header
 * format the value happens to be stored with.
 *
 * IDENTIFICATION
 *	  src/typeid_ops.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "lib/hyperloglog.h"
#include "utils/sortsupport.h"

#include "typeid.h"

PG_FUNCTION_INFO_V1(typeid_cmp);
PG_FUNCTION_INFO_V1(typeid_eq);
PG_FUNCTION_INFO_V1(typeid_ne);
PG_FUNCTION_INFO_V1(typeid_lt);
PG_FUNCTION_INFO_V1(typeid_le);
PG_FUNCTION_INFO_V1(typeid_gt);
PG_FUNCTION_INFO_V1(typeid_ge);
PG_FUNCTION_INFO_V1(typeid_smaller);
PG_FUNCTION_INFO_V1(typeid_larger);
PG_FUNCTION_INFO_V1(typeid_hash);
PG_FUNCTION_INFO_V1(typeid_hash_extended);
PG_FUNCTION_INFO_V1(typeid_sortsupport);

/*
 * The tail word of a prefix: its last 8 bytes, as they lie in memory, with
 * the bytes before the prefix (if it is shorter) zeroed.  end points just
 * past the prefix, and the 8 bytes before end must be readable: in a value
 * they are, as the 16 UUID bytes come first.  Prefixes of up to 8 bytes are
 * equal when their lengths and tail words are.
 */
static inline uint64
typeid_prefix_tail(const char *end, int len)
{
	/* by length: ones over the last len bytes of a word in memory */
	static const uint64 masks[sizeof(uint64) + 1] = {
#ifdef WORDS_BIGENDIAN
		UINT64CONST(0), UINT64CONST(0xFF), UINT64CONST(0xFFFF),
		UINT64CONST(0xFFFFFF), UINT64CONST(0xFFFFFFFF),
		UINT64CONST(0xFFFFFFFFFF), UINT64CONST(0xFFFFFFFFFFFF),
		UINT64CONST(0xFFFFFFFFFFFFFF), UINT64CONST(0xFFFFFFFFFFFFFFFF)
#else
		UINT64CONST(0), UINT64CONST(0xFF00000000000000),
		UINT64CONST(0xFFFF000000000000), UINT64CONST(0xFFFFFF0000000000),
		UINT64CONST(0xFFFFFFFF00000000), UINT64CONST(0xFFFFFFFFFF000000),
		UINT64CONST(0xFFFFFFFFFFFF0000), UINT64CONST(0xFFFFFFFFFFFFFF00),
		UINT64CONST(0xFFFFFFFFFFFFFFFF)
#endif
	};
	uint64		word;

	memcpy(&word, end - sizeof(uint64), sizeof(uint64));
	return word & masks[Min(len, (int) sizeof(uint64))];
}

/*
 * Is a datum a value inline with a short header (not a TOAST pointer, whose
 * header is one byte too)?  Values in tuples are.
 */
#define TYPEID_IS_SHORT_INLINE(p) (VARATT_IS_1B(p) && !VARATT_IS_1B_E(p))

/*
 * Three-way comparison of two values given their data (UUID bytes, then
 * prefix bytes) and prefix lengths: prefix bytes, then prefix length, then
 * the UUID as two big-endian 64-bit words (DESIGN's order, equal to
 * ORDER BY id::text COLLATE "C"), with little work for the common case of
 * prefixes of the same length: a prefix of up to 8 bytes is compared as its
 * tail word, which read big-endian orders like its bytes.
 */
static pg_attribute_always_inline int
typeid_compare_data(const char *a, int alen, const char *b, int blen)
{
	uint64		wa;
	uint64		wb;
	int			cmp;

	if (likely(alen == blen && alen <= (int) sizeof(uint64)))
	{
		wa = typeid_prefix_tail(a + TYPEID_UUID_BYTES + alen, alen);
		wb = typeid_prefix_tail(b + TYPEID_UUID_BYTES + blen, blen);
		if (wa != wb)
			return (pg_ntoh64(wa) < pg_ntoh64(wb)) ? -1 : 1;
	}
	else
	{
		cmp = memcmp(a + TYPEID_UUID_BYTES, b + TYPEID_UUID_BYTES, Min(alen, blen));
		if (cmp != 0)
			return (cmp < 0) ? -1 : 1;
		if (alen != blen)
			return (alen < blen) ? -1 : 1;
	}

	memcpy(&wa, a, sizeof(uint64));
	memcpy(&wb, b, sizeof(uint64));
	if (wa == wb)
	{
		memcpy(&wa, a + sizeof(uint64), sizeof(uint64));
		memcpy(&wb, b + sizeof(uint64), sizeof(uint64));
		if (wa == wb)
			return 0;
	}
	return (pg_ntoh64(wa) < pg_ntoh64(wb)) ? -1 : 1;
}

/* typeid_compare_data() of two (detoasted) values */
static inline int
typeid_compare_fast(const TypeId *a, const TypeId *b)
{
	return typeid_compare_data(VARDATA_ANY(a), typeid_prefix_length(a),
							   VARDATA_ANY(b), typeid_prefix_length(b));
}

/* Equality is equality of the byte images. */
static inline bool
typeid_equal(const TypeId *a, const TypeId *b)
{
	Size		alen = VARSIZE_ANY_EXHDR(a);

	return alen == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), alen) == 0;
}

/*
 * Fetch both arguments, compare them with the given expression and free
 * any detoasted copies, as btree support functions must not leak.
 */
#define TYPEID_BINARY_OP(name, expr) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	TypeId	   *a = PG_GETARG_TYPEID_PP(0); \
	TypeId	   *b = PG_GETARG_TYPEID_PP(1); \
	bool		result = (expr); \
\
	PG_FREE_IF_COPY(a, 0); \
	PG_FREE_IF_COPY(b, 1); \
	PG_RETURN_BOOL(result); \
}

TYPEID_BINARY_OP(typeid_eq, typeid_equal(a, b))
TYPEID_BINARY_OP(typeid_ne, !typeid_equal(a, b))
TYPEID_BINARY_OP(typeid_lt, typeid_compare_fast(a, b) < 0)
TYPEID_BINARY_OP(typeid_le, typeid_compare_fast(a, b) <= 0)
TYPEID_BINARY_OP(typeid_gt, typeid_compare_fast(a, b) > 0)
TYPEID_BINARY_OP(typeid_ge, typeid_compare_fast(a, b) >= 0)

/*
 * typeid_cmp - btree support function 1.
 */
Datum
typeid_cmp(PG_FUNCTION_ARGS)
{
	TypeId	   *a = PG_GETARG_TYPEID_PP(0);
	TypeId	   *b = PG_GETARG_TYPEID_PP(1);
	int			result = typeid_compare_fast(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_INT32(result);
}

/*
 * typeid_smaller / typeid_larger - transition functions of min() and max().
 */
Datum
typeid_smaller(PG_FUNCTION_ARGS)
{
	TypeId	   *a = PG_GETARG_TYPEID_PP(0);
	TypeId	   *b = PG_GETARG_TYPEID_PP(1);

	PG_RETURN_TYPEID_P(typeid_compare_fast(a, b) <= 0 ? a : b);
}

Datum
typeid_larger(PG_FUNCTION_ARGS)
{
	TypeId	   *a = PG_GETARG_TYPEID_PP(0);
	TypeId	   *b = PG_GETARG_TYPEID_PP(1);

	PG_RETURN_TYPEID_P(typeid_compare_fast(a, b) >= 0 ? a : b);
}

/*
 * typeid_hash - hash support function 1: hash_any over the byte image.
 */
Datum
typeid_hash(PG_FUNCTION_ARGS)
{
	TypeId	   *id = PG_GETARG_TYPEID_PP(0);
	Datum		result;

	result = hash_any((const unsigned char *) VARDATA_ANY(id),
					  VARSIZE_ANY_EXHDR(id));
	PG_FREE_IF_COPY(id, 0);
	return result;
}

/*
 * typeid_hash_extended - hash support function 2, seeded 64-bit hash.
 */
Datum
typeid_hash_extended(PG_FUNCTION_ARGS)
{
	TypeId	   *id = PG_GETARG_TYPEID_PP(0);
	Datum		result;

	result = hash_any_extended((const unsigned char *) VARDATA_ANY(id),
							   VARSIZE_ANY_EXHDR(id),
							   PG_GETARG_INT64(1));
	PG_FREE_IF_COPY(id, 0);
	return result;
}

/*
 * The comparator of sorts and merge joins.  Values in tuples are stored with
 * a short header; any other goes through typeid_fastcmp_any().
 */
static pg_noinline int
typeid_fastcmp_any(Datum x, Datum y)
{
	TypeId	   *a = DatumGetTypeIdPP(x);
	TypeId	   *b = DatumGetTypeIdPP(y);
	int			result = typeid_compare_fast(a, b);

	if ((Pointer) a != DatumGetPointer(x))
		pfree(a);
	if ((Pointer) b != DatumGetPointer(y))
		pfree(b);
	return result;
}

static int
typeid_fastcmp(Datum x, Datum y, SortSupport ssup)
{
	const char *a = DatumGetPointer(x);
	const char *b = DatumGetPointer(y);

	if (likely(TYPEID_IS_SHORT_INLINE(a) && TYPEID_IS_SHORT_INLINE(b)))
		return typeid_compare_data(a + VARHDRSZ_SHORT,
								   VARSIZE_SHORT(a) - VARHDRSZ_SHORT - TYPEID_UUID_BYTES,
								   b + VARHDRSZ_SHORT,
								   VARSIZE_SHORT(b) - VARHDRSZ_SHORT - TYPEID_UUID_BYTES);
	return typeid_fastcmp_any(x, y);
}

/*
 * Sort support.
 *
 * The abbreviated key is a 64-bit unsigned integer that is consistent with
 * typeid_compare_data(): a smaller key means a smaller value, equal keys are
 * settled by the full comparison.  Its top TYPEID_LABEL_BITS bits are a
 * label of the prefix, the others a digest of the UUID.
 *
 * Labels keep the order of prefixes.  A sort does not know its prefixes in
 * advance, so each prefix gets its label when the sort first meets it, from
 * a table of the prefixes seen so far kept in prefix order: halfway between
 * the labels of its neighbours, or, past the smallest or largest prefix so
 * far, a quarter of the way to the end of the label range (so that prefixes
 * met in increasing or decreasing order, as in a UNION of tables, still get
 * labels of their own).  The first prefix gets the middle label.  A prefix
 * that finds no free label between its neighbours, or that comes when the
 * table is full, gets one key for all its values just below its upper
 * neighbour's range (or the free label above its lower neighbour when there
 * is one), so the keys stay consistent and only such values compare in
 * full.  A value's prefix is looked up first in a small cache of the
 * prefixes met lately, by its length and tail word, then in the table.  One
 * prefix, or a few, therefore cost little over uuid.
 *
 * The UUID digest uses the UUID's first 8 bytes.  A UUIDv7 there is a
 * 48-bit millisecond count, the 4-bit version and 12 bits of sub-millisecond
 * fraction, which the generator keeps increasing even between values made
 * in the same millisecond; a digest that drops any of those bits would tie
 * on IDs made in a burst.  Until the year 2109 the top 6 bits of the
 * millisecond count are zero, so those words (range A) map to the 42 low
 * millisecond bits and then the 12 fraction bits, with the version nibble
 * left out: a version below 7 maps to the lowest fraction and one above to
 * the highest, which keeps the order.  Any other word (range B: random
 * UUIDs, mostly) maps above range A to its own top bits, enough for random
 * UUIDs.  Both parts are monotonic, so the digest is consistent with the
 * UUID order whatever the version mix.
 */
#if SIZEOF_DATUM == 8

#define TYPEID_LABEL_BITS		9
#define TYPEID_LABELS			(1 << TYPEID_LABEL_BITS)
#define TYPEID_DIGEST_BITS		(64 - TYPEID_LABEL_BITS)
#define TYPEID_MAX_LABELED		128
#define TYPEID_CACHE_BITS		4
#define TYPEID_CACHE_SLOTS		(1 << TYPEID_CACHE_BITS)
/* range A: words whose top 6 bits are zero */
#define TYPEID_RANGE_A_SHIFT	58
#define TYPEID_RANGE_A_BITS		54
#define TYPEID_V7_VERSION		7

StaticAssertDecl(TYPEID_RANGE_A_BITS + 1 == TYPEID_DIGEST_BITS,
				 "range A and range B fill the digest");
StaticAssertDecl(TYPEID_MAX_LABELED <= PG_UINT8_MAX + 1,
				 "entries are numbered by uint8");

/* a labeled prefix; it stays where it is made */
typedef struct TypeIdSortPrefix
{
	Datum		base;			/* its label, shifted in place */
	uint16		label;
	uint8		len;
	char		bytes[TYPEID_MAX_PREFIX_LEN];
} TypeIdSortPrefix;

/* a slot of the cache of prefixes met */
typedef struct TypeIdPrefixSlot
{
	int			len;			/* the prefix's length; -1: empty */
	uint64		tail;			/* its tail word, see typeid_prefix_tail() */
	const TypeIdSortPrefix *entry;
} TypeIdPrefixSlot;

typedef struct TypeIdSortSupport
{
	/*
	 * Prefixes met lately, by a hash of their length and tail word: finding
	 * a value's prefix there takes no byte loop.
	 */
	TypeIdPrefixSlot cache[TYPEID_CACHE_SLOTS];
	int64		input_count;	/* values converted so far */
	bool		estimating;		/* still tracking key cardinality? */

	/*
	 * Keys of input already in order need no estimate: while the keys rise
	 * from the first one on, they are all distinct, and are only counted.
	 */
	bool		rising;			/* have all keys so far risen? */
	int64		rising_count;	/* keys that rose from the first one on */
	Datum		rising_last;	/* the last of them */
	hyperLogLogState abbr_card; /* cardinality of the keys */
	int			nprefixes;		/* entries in prefixes[] */
	uint8		order[TYPEID_MAX_LABELED];	/* prefixes[] in prefix order */
	TypeIdSortPrefix prefixes[TYPEID_MAX_LABELED];	/* in order of arrival */
} TypeIdSortSupport;

/*
 * Compare a prefix with an entry of the table: bytes, then length.
 */
static inline int
typeid_sort_prefix_cmp(const char *p, int len, const TypeIdSortPrefix *entry)
{
	const unsigned char *a = (const unsigned char *) p;
	const unsigned char *b = (const unsigned char *) entry->bytes;
	int			n = Min(len, entry->len);
	int			i;

	for (i = 0; i < n; i++)
	{
		if (a[i] != b[i])
			return (a[i] < b[i]) ? -1 : 1;
	}
	return (len > entry->len) - (len < entry->len);
}

/* the cache slot of a prefix */
static inline TypeIdPrefixSlot *
typeid_prefix_slot(TypeIdSortSupport *tss, uint64 tail, int len)
{
	uint64		hash = (tail + len) * UINT64CONST(0x9E3779B97F4A7C15);

	return &tss->cache[hash >> (64 - TYPEID_CACHE_BITS)];
}

/*
 * The digest of a UUID: a TYPEID_DIGEST_BITS-bit number that grows with the
 * UUID (never shrinks), from its first 8 bytes.
 */
static inline uint64
typeid_uuid_digest(const uint8 *uuid)
{
	uint64		word;
	uint64		version;
	uint64		fraction;

	memcpy(&word, uuid, sizeof(word));
	word = pg_ntoh64(word);

	/* range B, above range A: the word's top bits */
	if (word >> TYPEID_RANGE_A_SHIFT)
		return (UINT64CONST(1) << TYPEID_RANGE_A_BITS) +
			((word - (UINT64CONST(1) << TYPEID_RANGE_A_SHIFT)) >>
			 (64 - TYPEID_RANGE_A_BITS));

	/* range A: 42 millisecond bits, then the fraction without the version */
	version = (word >> 12) & 0xF;
	if (version == TYPEID_V7_VERSION)
		fraction = word & 0xFFF;
	else
		fraction = (version < TYPEID_V7_VERSION) ? 0 : 0xFFF;
	return ((word >> 16) << 12) | fraction;
}

/*
 * The key of a value whose prefix is not in the table, which is full or has
 * no free label for it.  lower and upper are the labels of its neighbours
 * in the table (-1 and TYPEID_LABELS where there is none).
 */
static inline Datum
typeid_unlabeled_key(int lower, int upper)
{
	/* a label no prefix will get (the table is full) */
	if (upper - lower >= 2)
		return (Datum) ((uint64) (lower + 1) << TYPEID_DIGEST_BITS);
	/* the top of the lower neighbour's range: ties settled in full */
	if (upper == 0)
		return (Datum) 0;
	return (Datum) (((uint64) upper << TYPEID_DIGEST_BITS) - 1);
}

/*
 * The key of a value whose prefix is not in the cache, given its prefix,
 * the prefix's tail word and the UUID's digest.  Finds the prefix in the
 * table, or enters it there with a label if one is free, and caches it.
 * Kept out of line, so that the common case of typeid_abbrev_convert()
 * stays small.
 */
static pg_noinline Datum
typeid_abbrev_uncached(TypeIdSortSupport *tss, const char *prefix, int len,
					   uint64 tail, uint64 digest)
{
	int			lo = 0;
	int			hi = tss->nprefixes;
	int			lower;
	int			upper;
	int			label;
	TypeIdSortPrefix *entry;
	TypeIdPrefixSlot *slot;

	/* binary search: on exit lo is where the prefix is or would go */
	entry = NULL;
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;
		TypeIdSortPrefix *e = &tss->prefixes[tss->order[mid]];
		int			cmp = typeid_sort_prefix_cmp(prefix, len, e);

		if (cmp == 0)
		{
			entry = e;
			break;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}

	if (entry == NULL)
	{
		lower = (lo > 0) ? tss->prefixes[tss->order[lo - 1]].label : -1;
		upper = (lo < tss->nprefixes) ? tss->prefixes[tss->order[lo]].label : TYPEID_LABELS;
		if (upper - lower < 2 || tss->nprefixes == TYPEID_MAX_LABELED)
			return typeid_unlabeled_key(lower, upper);

		if (tss->nprefixes == 0)
			label = TYPEID_LABELS / 2;
		else if (lo == tss->nprefixes)
			label = lower + Max((upper - lower) / 4, 1);
		else if (lo == 0)
			label = upper - Max((upper - lower) / 4, 1);
		else
			label = lower + (upper - lower) / 2;

		entry = &tss->prefixes[tss->nprefixes];
		entry->label = label;
		entry->base = (Datum) ((uint64) label << TYPEID_DIGEST_BITS);
		entry->len = len;
		memcpy(entry->bytes, prefix, len);
		memmove(&tss->order[lo + 1], &tss->order[lo], tss->nprefixes - lo);
		tss->order[lo] = tss->nprefixes;
		tss->nprefixes++;
	}

	slot = typeid_prefix_slot(tss, tail, len);
	slot->len = len;
	slot->tail = tail;
	slot->entry = entry;
	return entry->base | (Datum) digest;
}

/*
 * Count a key into the estimate of the number of distinct keys, and return
 * it.
 */
static pg_noinline Datum
typeid_abbrev_count(TypeIdSortSupport *tss, Datum key)
{
	uint32		tmp;

	if (tss->rising)
	{
		if (tss->rising_count == 0 || key > tss->rising_last)
		{
			tss->rising_count++;
			tss->rising_last = key;
			return key;
		}
		tss->rising = false;
	}
	tmp = (uint32) key ^ (uint32) ((uint64) key >> 32);
	addHyperLogLog(&tss->abbr_card, DatumGetUInt32(hash_uint32(tmp)));
	return key;
}

/*
 * The key of a value given its data (UUID and prefix bytes) and its prefix's
 * length, whose prefix is not in the cache, or is longer than 8 bytes.
 */
static pg_noinline Datum
typeid_abbrev_key_slow(TypeIdSortSupport *tss, const char *data, int len)
{
	const char *prefix = data + TYPEID_UUID_BYTES;
	uint64		tail = typeid_prefix_tail(prefix + len, len);
	uint64		digest = typeid_uuid_digest((const uint8 *) data);
	TypeIdPrefixSlot *slot = typeid_prefix_slot(tss, tail, len);
	Datum		result;

	if (slot->len == len && slot->tail == tail &&
		memcmp(prefix, slot->entry->bytes, len) == 0)
		result = slot->entry->base | (Datum) digest;
	else
		result = typeid_abbrev_uncached(tss, prefix, len, tail, digest);

	tss->input_count++;
	if (tss->estimating)
		return typeid_abbrev_count(tss, result);
	return result;
}

/* typeid_abbrev_convert() of a value without a short header */
static pg_noinline Datum
typeid_abbrev_convert_any(Datum original, TypeIdSortSupport *tss)
{
	TypeId	   *id = DatumGetTypeIdPP(original);
	Datum		result = typeid_abbrev_key_slow(tss, VARDATA_ANY(id),
												typeid_prefix_length(id));

	if ((Pointer) id != DatumGetPointer(original))
		pfree(id);
	return result;
}

/*
 * The abbreviated key of a value.  The common case, a value stored with a
 * short header whose prefix of up to 8 bytes is in the cache, is handled
 * here without a call but a tail call; the others go out of line.
 */
static Datum
typeid_abbrev_convert(Datum original, SortSupport ssup)
{
	TypeIdSortSupport *tss = (TypeIdSortSupport *) ssup->ssup_extra;
	const char *p = DatumGetPointer(original);
	const char *data;
	int			len;
	uint64		tail;
	TypeIdPrefixSlot *slot;
	Datum		result;

	if (unlikely(!TYPEID_IS_SHORT_INLINE(p)))
		return typeid_abbrev_convert_any(original, tss);

	data = p + VARHDRSZ_SHORT;
	len = VARSIZE_SHORT(p) - VARHDRSZ_SHORT - TYPEID_UUID_BYTES;
	tail = typeid_prefix_tail(data + TYPEID_UUID_BYTES + len, len);
	slot = typeid_prefix_slot(tss, tail, len);
	if (unlikely(slot->len != len || slot->tail != tail ||
				 len > (int) sizeof(uint64)))
		return typeid_abbrev_key_slow(tss, data, len);

	result = slot->entry->base | (Datum) typeid_uuid_digest((const uint8 *) data);
	tss->input_count++;
	if (tss->estimating)
		return typeid_abbrev_count(tss, result);
	return result;
}

/*
 * Give up on abbreviation when the keys turn out to be mostly equal (for
 * example when most values are equal, or when many prefixes got no label).
 */
static bool
typeid_abbrev_abort(int memtupcount, SortSupport ssup)
{
	TypeIdSortSupport *tss = (TypeIdSortSupport *) ssup->ssup_extra;
	double		abbr_card;

	if (memtupcount < 10000 || tss->input_count < 10000 || !tss->estimating)
		return false;

	/* at least as many as the keys that rose from the first one on */
	abbr_card = Max(estimateHyperLogLog(&tss->abbr_card), (double) tss->rising_count);

	/* plenty of distinct keys: stop paying for the estimate */
	if (abbr_card > 100000.0)
	{
		tss->estimating = false;
		return false;
	}

	/* fewer than one distinct key in 2000 values: not worth it */
	return abbr_card < tss->input_count / 2000.0 + 0.5;
}

#endif							/* SIZEOF_DATUM == 8 */

/*
 * typeid_sortsupport - btree support function 2.
 *
 * The key needs 64 bits; where a Datum is narrower, sorts use the full
 * comparison only.
 */
Datum
typeid_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);
#if SIZEOF_DATUM == 8
	int			i;
#endif

	ssup->comparator = typeid_fastcmp;
	ssup->ssup_extra = NULL;

#if SIZEOF_DATUM == 8
	if (ssup->abbreviate)
	{
		MemoryContext oldcontext = MemoryContextSwitchTo(ssup->ssup_cxt);
		TypeIdSortSupport *tss = palloc(sizeof(TypeIdSortSupport));

		for (i = 0; i < TYPEID_CACHE_SLOTS; i++)
			tss->cache[i].len = -1;
		tss->nprefixes = 0;
		tss->input_count = 0;
		tss->estimating = true;
		tss->rising = true;
		tss->rising_count = 0;
		tss->rising_last = 0;
		initHyperLogLog(&tss->abbr_card, 10);

		ssup->ssup_extra = tss;
		ssup->comparator = ssup_datum_unsigned_cmp;
		ssup->abbrev_converter = typeid_abbrev_convert;
		ssup->abbrev_abort = typeid_abbrev_abort;
		ssup->abbrev_full_comparator = typeid_fastcmp;
		MemoryContextSwitchTo(oldcontext);
	}
#endif

	PG_RETURN_VOID();
}
