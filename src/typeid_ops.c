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
 * A sort usually sees one prefix, so a key made from the prefix would tell
 * nothing apart.  Instead the first prefix the sort converts becomes the
 * reference: values with that prefix map to the leading bytes of their
 * UUID, values with a smaller prefix to the lowest key and values with a
 * larger one to the highest.  Equal keys fall back to the full comparison,
 * so the keys are consistent with typeid_compare() whatever the mix.
 */
typedef struct TypeIdSortSupport
{
	int			ref_len;		/* -1 until the first value is converted */
	char		ref_prefix[TYPEID_MAX_PREFIX_LEN];
	int64		input_count;	/* values converted so far */
	bool		estimating;		/* still tracking key cardinality? */
	hyperLogLogState abbr_card; /* cardinality of the keys */
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

static Datum
typeid_abbrev_convert(Datum original, SortSupport ssup)
{
	TypeIdSortSupport *tss = (TypeIdSortSupport *) ssup->ssup_extra;
	TypeId	   *id = DatumGetTypeIdPP(original);
	int			len = typeid_prefix_length(id);
	Datum		result;
	int			cmp;

	if (tss->ref_len < 0)
	{
		memcpy(tss->ref_prefix, typeid_prefix_bytes(id), len);
		tss->ref_len = len;
	}

	cmp = memcmp(typeid_prefix_bytes(id), tss->ref_prefix, Min(len, tss->ref_len));
	if (cmp == 0 && len != tss->ref_len)
		cmp = (len < tss->ref_len) ? -1 : 1;

	if (cmp < 0)
		result = (Datum) 0;
	else if (cmp > 0)
		result = ~(Datum) 0;
	else
	{
		memcpy(&result, typeid_uuid_bytes(id), sizeof(Datum));
		result = DatumBigEndianToNative(result);
	}

	tss->input_count++;
	if (tss->estimating)
	{
		uint32		tmp;

#if SIZEOF_DATUM == 8
		tmp = (uint32) result ^ (uint32) ((uint64) result >> 32);
#else
		tmp = (uint32) result;
#endif
		addHyperLogLog(&tss->abbr_card, DatumGetUInt32(hash_uint32(tmp)));
	}

	if ((Pointer) id != DatumGetPointer(original))
		pfree(id);
	return result;
}

/*
 * Give up on abbreviation when the keys turn out to be mostly equal (for
 * example when the values carry many different prefixes).
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
 */
Datum
typeid_sortsupport(PG_FUNCTION_ARGS)
{
	SortSupport ssup = (SortSupport) PG_GETARG_POINTER(0);

	ssup->comparator = typeid_fastcmp;
	ssup->ssup_extra = NULL;

	if (ssup->abbreviate)
	{
		MemoryContext oldcontext = MemoryContextSwitchTo(ssup->ssup_cxt);
		TypeIdSortSupport *tss = palloc(sizeof(TypeIdSortSupport));

		tss->ref_len = -1;
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

	PG_RETURN_VOID();
}
