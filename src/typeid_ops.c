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
TYPEID_BINARY_OP(typeid_lt, typeid_compare(a, b) < 0)
TYPEID_BINARY_OP(typeid_le, typeid_compare(a, b) <= 0)
TYPEID_BINARY_OP(typeid_gt, typeid_compare(a, b) > 0)
TYPEID_BINARY_OP(typeid_ge, typeid_compare(a, b) >= 0)

/*
 * typeid_cmp - btree support function 1.
 */
Datum
typeid_cmp(PG_FUNCTION_ARGS)
{
	TypeId	   *a = PG_GETARG_TYPEID_PP(0);
	TypeId	   *b = PG_GETARG_TYPEID_PP(1);
	int			result = typeid_compare(a, b);

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

	PG_RETURN_TYPEID_P(typeid_compare(a, b) <= 0 ? a : b);
}

Datum
typeid_larger(PG_FUNCTION_ARGS)
{
	TypeId	   *a = PG_GETARG_TYPEID_PP(0);
	TypeId	   *b = PG_GETARG_TYPEID_PP(1);

	PG_RETURN_TYPEID_P(typeid_compare(a, b) >= 0 ? a : b);
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
 * Sort support.
 *
 * The abbreviated key is a 64-bit unsigned integer that is consistent with
 * typeid_compare(): a smaller key means a smaller value, equal keys are
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
 * full.  One prefix, or a few, therefore cost nothing over uuid.
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
#define TYPEID_LABEL_BITS		9
#define TYPEID_LABELS			(1 << TYPEID_LABEL_BITS)
#define TYPEID_DIGEST_BITS		(64 - TYPEID_LABEL_BITS)
#define TYPEID_MAX_LABELED		128
/* range A: words whose top 6 bits are zero */
#define TYPEID_RANGE_A_SHIFT	58
#define TYPEID_RANGE_A_BITS		54
#define TYPEID_V7_VERSION		7

StaticAssertDecl(TYPEID_RANGE_A_BITS + 1 == TYPEID_DIGEST_BITS,
				 "range A and range B fill the digest");

/* a prefix of the sort's table */
typedef struct TypeIdSortPrefix
{
	uint16		label;
	uint8		len;
	char		bytes[TYPEID_MAX_PREFIX_LEN];
} TypeIdSortPrefix;

typedef struct TypeIdSortSupport
{
	int			nprefixes;		/* entries in prefixes[] */
	int			last;			/* entry of the previous value, or -1 */
	int64		input_count;	/* values converted so far */
	bool		estimating;		/* still tracking key cardinality? */
	hyperLogLogState abbr_card; /* cardinality of the keys */
	TypeIdSortPrefix prefixes[TYPEID_MAX_LABELED];	/* in prefix order */
} TypeIdSortSupport;

static int
typeid_fastcmp(Datum x, Datum y, SortSupport ssup)
{
	TypeId	   *a = DatumGetTypeIdPP(x);
	TypeId	   *b = DatumGetTypeIdPP(y);
	int			result = typeid_compare(a, b);

	if ((Pointer) a != DatumGetPointer(x))
		pfree(a);
	if ((Pointer) b != DatumGetPointer(y))
		pfree(b);
	return result;
}

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
 * The key base of a prefix (its label shifted in place), entering it into
 * the table if it is new.  Returns false, with *key set to the value's
 * whole key, when the prefix gets no label.
 */
static bool
typeid_prefix_label(TypeIdSortSupport *tss, const char *prefix, int len,
					Datum *key)
{
	int			lo = 0;
	int			hi = tss->nprefixes;
	int			lower;
	int			upper;
	int			label;
	TypeIdSortPrefix *entry;

	/* binary search: on exit lo is where the prefix is or would go */
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;
		int			cmp = typeid_sort_prefix_cmp(prefix, len, &tss->prefixes[mid]);

		if (cmp == 0)
		{
			tss->last = mid;
			*key = (Datum) ((uint64) tss->prefixes[mid].label << TYPEID_DIGEST_BITS);
			return true;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}

	lower = (lo > 0) ? tss->prefixes[lo - 1].label : -1;
	upper = (lo < tss->nprefixes) ? tss->prefixes[lo].label : TYPEID_LABELS;
	if (upper - lower < 2 || tss->nprefixes == TYPEID_MAX_LABELED)
	{
		*key = typeid_unlabeled_key(lower, upper);
		return false;
	}

	if (tss->nprefixes == 0)
		label = TYPEID_LABELS / 2;
	else if (lo == tss->nprefixes)
		label = lower + Max((upper - lower) / 4, 1);
	else if (lo == 0)
		label = upper - Max((upper - lower) / 4, 1);
	else
		label = lower + (upper - lower) / 2;

	memmove(&tss->prefixes[lo + 1], &tss->prefixes[lo],
			(tss->nprefixes - lo) * sizeof(TypeIdSortPrefix));
	entry = &tss->prefixes[lo];
	entry->label = label;
	entry->len = len;
	memcpy(entry->bytes, prefix, len);
	tss->nprefixes++;
	tss->last = lo;
	*key = (Datum) ((uint64) label << TYPEID_DIGEST_BITS);
	return true;
}

static Datum
typeid_abbrev_convert(Datum original, SortSupport ssup)
{
	TypeIdSortSupport *tss = (TypeIdSortSupport *) ssup->ssup_extra;
	TypeId	   *id = DatumGetTypeIdPP(original);
	const char *prefix = typeid_prefix_bytes(id);
	int			len = typeid_prefix_length(id);
	Datum		result;

	/* mostly the prefix of the previous value */
	if (likely(tss->last >= 0) &&
		typeid_sort_prefix_cmp(prefix, len, &tss->prefixes[tss->last]) == 0)
		result = (Datum) ((uint64) tss->prefixes[tss->last].label << TYPEID_DIGEST_BITS) |
			(Datum) typeid_uuid_digest(typeid_uuid_bytes(id));
	else if (typeid_prefix_label(tss, prefix, len, &result))
		result |= (Datum) typeid_uuid_digest(typeid_uuid_bytes(id));

	tss->input_count++;
	if (tss->estimating)
	{
		uint32		tmp = (uint32) result ^ (uint32) ((uint64) result >> 32);

		addHyperLogLog(&tss->abbr_card, DatumGetUInt32(hash_uint32(tmp)));
	}

	if ((Pointer) id != DatumGetPointer(original))
		pfree(id);
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

	abbr_card = estimateHyperLogLog(&tss->abbr_card);

	/* plenty of distinct keys: stop paying for the estimate */
	if (abbr_card > 100000.0)
	{
		tss->estimating = false;
		return false;
	}

	/* fewer than one distinct key in 2000 values: not worth it */
	return abbr_card < tss->input_count / 2000.0 + 0.5;
}

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

	ssup->comparator = typeid_fastcmp;
	ssup->ssup_extra = NULL;

#if SIZEOF_DATUM == 8
	if (ssup->abbreviate)
	{
		MemoryContext oldcontext = MemoryContextSwitchTo(ssup->ssup_cxt);
		TypeIdSortSupport *tss = palloc(sizeof(TypeIdSortSupport));

		tss->nprefixes = 0;
		tss->last = -1;
		tss->input_count = 0;
		tss->estimating = true;
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
