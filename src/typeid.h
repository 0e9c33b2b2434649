/*-------------------------------------------------------------------------
 *
 * typeid.h
 *	  The typeid type's in-memory layout, accessors and shared helpers.
 *
 * A typeid is a varlena holding the 16 UUID bytes followed by the prefix
 * bytes (0-63, no terminator).  Stored with a short header it takes
 * 1 + 16 + len(prefix) bytes.  Readers use the packed forms
 * (PG_DETOAST_DATUM_PACKED, VARDATA_ANY) and never copy.
 *
 * IDENTIFICATION
 *	  src/typeid.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef ACTIVEMODEL_TYPEID_H
#define ACTIVEMODEL_TYPEID_H

#include "fmgr.h"
#include "port/pg_bswap.h"
#include "utils/uuid.h"

#include "typeid_codec.h"

typedef struct varlena TypeId;

/*
 * A typeid is at most 83 bytes, so it is never stored external and hardly
 * ever compressed; only then is pg_detoast_datum_packed() called.  This
 * keeps the comparison functions, called many times per index probe, free
 * of out-of-line calls.
 */
static inline TypeId *
typeid_datum_pp(Datum d)
{
	struct varlena *p = (struct varlena *) DatumGetPointer(d);

	if (unlikely(VARATT_IS_EXTERNAL(p) || VARATT_IS_COMPRESSED(p)))
		return (TypeId *) pg_detoast_datum_packed(p);
	return (TypeId *) p;
}

#define DatumGetTypeIdPP(X)		typeid_datum_pp(X)
#define TypeIdPGetDatum(X)		PointerGetDatum(X)
#define PG_GETARG_TYPEID_PP(n)	DatumGetTypeIdPP(PG_GETARG_DATUM(n))
#define PG_RETURN_TYPEID_P(x)	PG_RETURN_POINTER(x)

static inline const uint8 *
typeid_uuid_bytes(const TypeId *t)
{
	return (const uint8 *) VARDATA_ANY(t);
}

static inline const char *
typeid_prefix_bytes(const TypeId *t)
{
	return VARDATA_ANY(t) + TYPEID_UUID_BYTES;
}

static inline int
typeid_prefix_length(const TypeId *t)
{
	Assert(VARSIZE_ANY_EXHDR(t) >= TYPEID_UUID_BYTES && VARSIZE_ANY_EXHDR(t) <= TYPEID_UUID_BYTES + TYPEID_MAX_PREFIX_LEN);
	return VARSIZE_ANY_EXHDR(t) - TYPEID_UUID_BYTES;
}

/* typeid_value.c */
extern TypeId *typeid_build(const char *prefix, int prefix_len,
							const uint8 *uuid);
extern void typeid_check_prefix_param(const char *prefix, int prefix_len);
extern char *typeid_quote_input(const char *str, int len);

/* typeid_typmod.c */
extern TypeId *typeid_apply_typmod(TypeId *value, int32 typmod, FmgrInfo *flinfo);

#endif							/* ACTIVEMODEL_TYPEID_H */
