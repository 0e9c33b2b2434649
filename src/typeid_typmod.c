/*-------------------------------------------------------------------------
 *
 * typeid_typmod.c
 *	  Prefix-checked columns: the typeid('prefix') type modifier, its
 *	  registry, and the length-coercion cast that enforces it.
 *
 * The prefix -> typmod mapping is deterministic (typeid_prefix_typmod() in
 * the codec): prefixes of up to 6 bytes are encoded in the typmod itself;
 * longer ones are hashed, and the registry table am.typeid_prefixes maps
 * the hash back to the prefix.  A hashed prefix is registered the first time
 * typmod_in meets it, as the registry's owner; a second prefix with the same
 * number is refused there.  Registered prefixes work in read-only
 * transactions and on standbys, where the registry is only read.  The
 * registry is not dumped: restoring a table re-registers its prefixes.
 *
 * Values reach a column through the implicit typeid -> typeid cast (INSERT,
 * UPDATE, defaults, parameters, INSERT ... SELECT, explicit casts) or
 * through the input/receive functions with the column's typmod (COPY); both
 * go through typeid_apply_typmod().  A value with the right prefix passes
 * unchanged, one without a prefix takes the column's, any other raises.
 *
 * IDENTIFICATION
 *	  src/typeid_typmod.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "typeid.h"

PG_FUNCTION_INFO_V1(typeid_typmod_in);
PG_FUNCTION_INFO_V1(typeid_typmod_out);
PG_FUNCTION_INFO_V1(typeid_enforce_typmod);

#define REGISTRY_SCHEMA "am"
#define REGISTRY_TABLE "typeid_prefixes"

/* registry rows this backend has read: hashed typmod -> prefix */
typedef struct RegistryEntry
{
	int32		typmod;			/* hash key */
	int			prefix_len;
	char		prefix[TYPEID_MAX_PREFIX_LEN];
} RegistryEntry;

static HTAB *registry_cache = NULL;
static Oid	registry_cache_relid = InvalidOid;

/*
 * OID of the registry table, or InvalidOid when it does not exist.
 */
static Oid
registry_relid(void)
{
	Oid			nsp = get_namespace_oid(REGISTRY_SCHEMA, true);

	return OidIsValid(nsp) ? get_relname_relid(REGISTRY_TABLE, nsp) : InvalidOid;
}

/*
 * The backend's registry cache, emptied when the registry table is not the
 * one it was filled from (the extension was dropped and created again).
 */
static HTAB *
registry_cache_for(Oid relid)
{
	if (registry_cache != NULL && registry_cache_relid != relid)
	{
		hash_destroy(registry_cache);
		registry_cache = NULL;
	}
	if (registry_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(int32);
		ctl.entrysize = sizeof(RegistryEntry);
		ctl.hcxt = TopMemoryContext;
		registry_cache = hash_create("activemodel typeid prefixes", 64, &ctl,
									 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		registry_cache_relid = relid;
	}
	return registry_cache;
}

/*
 * Read the prefix registered for a hashed typmod into out.  Returns its
 * length, or -1 when none is registered.
 */
static int
registry_lookup(int32 typmod, char *out)
{
	Oid			relid = registry_relid();
	RegistryEntry *entry;
	bool		found;
	int			len = -1;
	Datum		arg = Int32GetDatum(typmod);
	Oid			argtype = INT4OID;
	TransactionId xmin = InvalidTransactionId;

	if (!OidIsValid(relid))
		return -1;

	entry = hash_search(registry_cache_for(relid), &typmod, HASH_FIND, NULL);
	if (entry != NULL)
	{
		memcpy(out, entry->prefix, entry->prefix_len);
		return entry->prefix_len;
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT prefix, xmin FROM " REGISTRY_SCHEMA "." REGISTRY_TABLE
							  " WHERE typmod = $1",
							  1, &argtype, &arg, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the typeid prefix registry");
	if (SPI_processed == 1)
	{
		HeapTuple	row = SPI_tuptable->vals[0];
		char	   *prefix = SPI_getvalue(row, SPI_tuptable->tupdesc, 1);
		bool		isnull;

		len = strlen(prefix);
		if (len > TYPEID_MAX_PREFIX_LEN)
			elog(ERROR, "typeid prefix registry holds an invalid prefix for type modifier %d",
				 typmod);
		memcpy(out, prefix, len);
		xmin = DatumGetTransactionId(SPI_getbinval(row, SPI_tuptable->tupdesc, 2, &isnull));
	}
	SPI_finish();

	/* cache committed rows only: this transaction's own may roll back */
	if (len >= 0 && !TransactionIdIsCurrentTransactionId(xmin))
	{
		entry = hash_search(registry_cache, &typmod, HASH_ENTER, &found);
		entry->prefix_len = len;
		memcpy(entry->prefix, out, len);
	}
	return len;
}

/*
 * Register a hashed prefix, as the registry's owner so that callers need no
 * privileges on it.  A concurrent registration of the same number is
 * waited for by ON CONFLICT and then seen by the caller's re-read.
 */
static void
registry_insert(int32 typmod, const char *prefix, int prefix_len)
{
	Oid			relid = registry_relid();
	HeapTuple	classtup;
	Oid			owner;
	Oid			save_userid;
	int			save_sec_context;
	Oid			argtypes[2] = {INT4OID, TEXTOID};
	Datum		args[2];

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("typeid prefix registry %s.%s does not exist",
						REGISTRY_SCHEMA, REGISTRY_TABLE),
				 errhint("Reinstall the activemodel extension.")));

	classtup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(classtup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(classtup))->relowner;
	ReleaseSysCache(classtup);

	args[0] = Int32GetDatum(typmod);
	args[1] = PointerGetDatum(cstring_to_text_with_len(prefix, prefix_len));

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("INSERT INTO " REGISTRY_SCHEMA "." REGISTRY_TABLE
							  " (typmod, prefix) VALUES ($1, $2) ON CONFLICT DO NOTHING",
							  2, argtypes, args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not write the typeid prefix registry");
	SPI_finish();

	SetUserIdAndSecContext(save_userid, save_sec_context);
}

/*
 * Write the prefix of a typmod into out and return its length.
 */
static int
typmod_prefix(int32 typmod, char *out)
{
	int			len;

	if (typeid_typmod_is_direct(typmod))
		len = typeid_typmod_direct_prefix(typmod, out);
	else
		len = registry_lookup(typmod, out);

	if (len <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("typeid type modifier %d names no registered prefix", typmod),
				 errhint("A prefix longer than %d bytes is registered in %s.%s when it is first used.",
						 TYPEID_TYPMOD_DIRECT_MAX_LEN, REGISTRY_SCHEMA, REGISTRY_TABLE)));
	return len;
}

/* the prefix of one typmod, kept in an FmgrInfo's fn_extra */
typedef struct TypmodPrefix
{
	int32		typmod;
	int			len;
	char		prefix[TYPEID_MAX_PREFIX_LEN];
} TypmodPrefix;

/*
 * Check a value against a typmod.  Returns the value itself when its prefix
 * matches, a copy with the typmod's prefix when it has none; raises when its
 * prefix is another.  flinfo, when given, caches the typmod's prefix.
 */
TypeId *
typeid_apply_typmod(TypeId *value, int32 typmod, FmgrInfo *flinfo)
{
	TypmodPrefix *expected = flinfo ? (TypmodPrefix *) flinfo->fn_extra : NULL;
	TypmodPrefix local;
	int			len = typeid_prefix_length(value);

	if (typmod < 0)
		return value;

	if (expected == NULL || expected->typmod != typmod)
	{
		if (flinfo == NULL)
			expected = &local;
		else if (expected == NULL)
			expected = flinfo->fn_extra =
				MemoryContextAlloc(flinfo->fn_mcxt, sizeof(TypmodPrefix));
		expected->len = typmod_prefix(typmod, expected->prefix);
		expected->typmod = typmod;
	}

	if (len == expected->len &&
		memcmp(typeid_prefix_bytes(value), expected->prefix, len) == 0)
		return value;
	if (len == 0)
		return typeid_build(expected->prefix, expected->len, typeid_uuid_bytes(value));

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("typeid prefix \"%s\" does not match type typeid('%s')",
					pnstrdup(typeid_prefix_bytes(value), len),
					pnstrdup(expected->prefix, expected->len)),
			 errdetail("Expected prefix \"%s\" or none, found \"%s\".",
					   pnstrdup(expected->prefix, expected->len),
					   pnstrdup(typeid_prefix_bytes(value), len))));
	return NULL;				/* keep compiler quiet */
}

/*
 * typeid_typmod_in(cstring[]) - typeid('prefix') to its typmod.
 */
Datum
typeid_typmod_in(PG_FUNCTION_ARGS)
{
	ArrayType  *ta = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	int			n;
	char	   *prefix;
	int			len;
	int32		typmod;
	char		registered[TYPEID_MAX_PREFIX_LEN];
	int			registered_len;

	deconstruct_array(ta, CSTRINGOID, -2, false, TYPALIGN_CHAR, &elems, NULL, &n);
	if (n != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid type modifier for type typeid"),
				 errdetail("typeid takes one type modifier, the prefix, as in typeid('user').")));

	prefix = DatumGetCString(elems[0]);
	len = strlen(prefix);
	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid typeid prefix \"\""),
				 errdetail("A prefix-checked typeid needs a non-empty prefix."),
				 errhint("Use plain typeid for values with any prefix.")));
	typeid_check_prefix_param(prefix, len);

	typmod = typeid_prefix_typmod(prefix, len);
	if (typeid_typmod_is_direct(typmod))
		PG_RETURN_INT32(typmod);

	registered_len = registry_lookup(typmod, registered);
	if (registered_len < 0)
	{
		if (RecoveryInProgress() || XactReadOnly)
			ereport(ERROR,
					(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
					 errmsg("typeid prefix \"%s\" is not registered in this database", prefix),
					 errdetail("A prefix longer than %d bytes is registered when it is first used, which needs a read-write transaction.",
							   TYPEID_TYPMOD_DIRECT_MAX_LEN),
					 errhint("Use the prefix once in a read-write transaction on the primary.")));
		registry_insert(typmod, prefix, len);
		registered_len = registry_lookup(typmod, registered);
		if (registered_len < 0)
			elog(ERROR, "typeid prefix \"%s\" was not registered", prefix);
	}

	if (registered_len != len || memcmp(registered, prefix, len) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("typeid prefix \"%s\" collides with prefix \"%s\"",
						prefix, pnstrdup(registered, registered_len)),
				 errdetail("Both prefixes map to type modifier %d, which is already taken.", typmod),
				 errhint("Choose another prefix for typeid('%s').", prefix)));

	PG_RETURN_INT32(typmod);
}

/*
 * typeid_typmod_out(int4) - "('prefix')" for format_type, \d and pg_dump.
 */
Datum
typeid_typmod_out(PG_FUNCTION_ARGS)
{
	int32		typmod = PG_GETARG_INT32(0);
	char		prefix[TYPEID_MAX_PREFIX_LEN];
	int			len;

	if (typmod < 0)
		PG_RETURN_CSTRING(pstrdup(""));
	len = typmod_prefix(typmod, prefix);
	PG_RETURN_CSTRING(psprintf("('%.*s')", len, prefix));
}

/*
 * typeid(typeid, int4, bool) - the length-coercion cast to typeid('prefix').
 */
Datum
typeid_enforce_typmod(PG_FUNCTION_ARGS)
{
	TypeId	   *value = PG_GETARG_TYPEID_PP(0);

	PG_RETURN_TYPEID_P(typeid_apply_typmod(value, PG_GETARG_INT32(1), fcinfo->flinfo));
}
