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
 * typmod_in meets it, by a role allowed to insert into the registry; a
 * second prefix with the same number is refused there.  Registered prefixes work in read-only
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

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "activemodel.h"
#include "typeid.h"

PG_FUNCTION_INFO_V1(typeid_typmod_in);
PG_FUNCTION_INFO_V1(typeid_typmod_out);
PG_FUNCTION_INFO_V1(typeid_enforce_typmod);

#define REGISTRY_SCHEMA AM_SCHEMA
#define REGISTRY_TABLE "typeid_prefixes"
/* its columns: (typmod integer PRIMARY KEY, prefix text) */
#define Anum_registry_typmod 1
#define Anum_registry_prefix 2

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
	return am_relation_oid(REGISTRY_TABLE, true);
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
 *
 * The registry is read directly through its primary key, so the lookup
 * depends on no search_path and no privilege, with a fresh snapshot so that
 * a prefix registered by this transaction is seen.  A row is trusted only
 * when its prefix hashes to its typmod: a hand-made row cannot make one
 * prefix pass for another.
 */
static int
registry_lookup(int32 typmod, char *out)
{
	Oid			relid = registry_relid();
	RegistryEntry *entry;
	Relation	rel;
	Snapshot	snapshot;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	int			len = -1;
	bool		own_row = false;

	if (!OidIsValid(relid))
		return -1;

	entry = hash_search(registry_cache_for(relid), &typmod, HASH_FIND, NULL);
	if (entry != NULL)
	{
		memcpy(out, entry->prefix, entry->prefix_len);
		return entry->prefix_len;
	}

	rel = table_open(relid, AccessShareLock);
	/* a parallel worker cannot take a new snapshot; the query's will do */
	snapshot = RegisterSnapshot(IsInParallelMode() ? GetActiveSnapshot() : GetLatestSnapshot());
	ScanKeyInit(&key, Anum_registry_typmod, BTEqualStrategyNumber, F_INT4EQ,
				Int32GetDatum(typmod));
	scan = systable_beginscan(rel, RelationGetPrimaryKeyIndex(rel), true,
							  snapshot, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
	{
		bool		isnull;
		Datum		value = heap_getattr(tuple, Anum_registry_prefix,
										 RelationGetDescr(rel), &isnull);
		text	   *prefix = isnull ? NULL : DatumGetTextPP(value);
		TypeIdParse check;

		len = prefix ? VARSIZE_ANY_EXHDR(prefix) : 0;
		if (prefix == NULL || len == 0 || len > TYPEID_MAX_PREFIX_LEN ||
			!typeid_check_prefix(VARDATA_ANY(prefix), len, &check) ||
			typeid_prefix_typmod(VARDATA_ANY(prefix), len) != typmod)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid row for type modifier %d in %s.%s",
							typmod, REGISTRY_SCHEMA, REGISTRY_TABLE),
					 errdetail("Its prefix is not a valid prefix with that type modifier."),
					 errhint("Delete the row; the prefix is registered again when it is next used.")));
		memcpy(out, VARDATA_ANY(prefix), len);
		own_row = TransactionIdIsCurrentTransactionId(HeapTupleHeaderGetXmin(tuple->t_data));
	}
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);

	/* cache committed rows only: this transaction's own may roll back */
	if (len >= 0 && !own_row)
	{
		bool		found;

		entry = hash_search(registry_cache, &typmod, HASH_ENTER, &found);
		entry->prefix_len = len;
		memcpy(entry->prefix, out, len);
	}
	return len;
}

/*
 * Register a hashed prefix, as the calling role: only roles allowed to
 * insert into the registry (by default superusers and the database owner)
 * can register new long prefixes, so no one else can fill the registry or
 * take the number of a prefix someone else will need.  A concurrent
 * registration of the same number is waited for by ON CONFLICT and then
 * seen by the caller's re-read.
 */
static void
registry_insert(int32 typmod, const char *prefix, int prefix_len)
{
	Oid			relid = registry_relid();
	Oid			argtypes[2] = {INT4OID, TEXTOID};
	Datum		args[2];

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s.%s\" does not exist",
						REGISTRY_SCHEMA, REGISTRY_TABLE),
				 errhint("Install the extension with CREATE EXTENSION activemodel.")));

	if (pg_class_aclcheck(relid, GetUserId(), ACL_INSERT) != ACLCHECK_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to register typeid prefix \"%.*s\"",
						prefix_len, prefix),
				 errdetail("A prefix longer than %d bytes is recorded in %s.%s when it is first used, and this role may not insert there.",
						   TYPEID_TYPMOD_DIRECT_MAX_LEN, REGISTRY_SCHEMA, REGISTRY_TABLE),
				 errhint("Have the database owner or a superuser use typeid('%.*s') once, or GRANT INSERT ON %s.%s to this role.",
						 prefix_len, prefix, REGISTRY_SCHEMA, REGISTRY_TABLE)));

	args[0] = Int32GetDatum(typmod);
	args[1] = PointerGetDatum(cstring_to_text_with_len(prefix, prefix_len));

	/* as the caller, whose privilege was checked above */
	(void) am_exec_as(GetUserId(),
					  "INSERT INTO " REGISTRY_SCHEMA "." REGISTRY_TABLE
					  " (typmod, prefix) VALUES ($1, $2) ON CONFLICT DO NOTHING",
					  2, argtypes, args);
}

/*
 * Write the prefix of a typmod into out and return its length.
 *
 * typmod_in only returns typmods of valid prefixes, but the cast function,
 * typmod_out and the input functions can be called with any number: one
 * that decodes to no valid prefix raises 42704, like a lookup of an object
 * that does not exist, and never yields a value whose text form would not
 * parse.
 */
static int
typmod_prefix(int32 typmod, char *out)
{
	int			len;

	if (typmod >= TYPEID_TYPMOD_HASHED)
	{
		len = registry_lookup(typmod, out);
		if (len <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("typeid type modifier %d names no registered prefix", typmod),
					 errhint("A prefix longer than %d bytes is registered in %s.%s when it is first used.",
							 TYPEID_TYPMOD_DIRECT_MAX_LEN, REGISTRY_SCHEMA, REGISTRY_TABLE)));
		return len;
	}

	len = typeid_typmod_direct_prefix(typmod, out);
	if (len <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("typeid type modifier %d names no prefix", typmod),
				 errdetail("It is not the type modifier of any valid prefix.")));
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
		/* look up first: an error must not leave a half-filled slot */
		local.len = typmod_prefix(typmod, local.prefix);
		local.typmod = typmod;
		if (flinfo == NULL)
			expected = &local;
		else
		{
			if (expected == NULL)
				expected = flinfo->fn_extra =
					MemoryContextAlloc(flinfo->fn_mcxt, sizeof(TypmodPrefix));
			*expected = local;
		}
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
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("invalid type modifier for type typeid"),
				 errdetail("typeid takes one type modifier, the prefix, as in typeid('user').")));

	prefix = DatumGetCString(elems[0]);
	len = strlen(prefix);
	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
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
				(errcode(ERRCODE_DUPLICATE_OBJECT),
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
