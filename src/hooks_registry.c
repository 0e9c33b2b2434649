/*-------------------------------------------------------------------------
 *
 * hooks_registry.c
 *	  Lifecycle hooks: the registry am.hook_registry.  Reads, done directly
 *	  on the table (no SQL, no search_path, no privilege needed), and the
 *	  privileged writes, done as the registry's owner.
 *
 * Security model.  am.add_hook and am.remove_hook (hooks_api.c) check the
 * caller as the caller; only then is the registry written, here, through
 * am_exec_as(): as the registry's owner (the role that created the
 * extension), in a security-restricted operation, with search_path
 * "pg_catalog, pg_temp", running only the fixed, schema-qualified
 * statements below with the values as parameters.  Nobody else may write
 * the registry, so nobody can attach code to another role's table behind
 * add_hook's checks.
 *
 * Why not regprocedure.  The registry keeps a hook function by schema,
 * name and number of arguments (one or two of the table's row type).  A
 * regprocedure column would block pg_upgrade of every cluster using the
 * extension (function OIDs are not preserved, so pg_upgrade refuses such
 * columns in user tables).  The table is a regclass, which pg_upgrade
 * preserves and pg_dump writes as a name.  The event triggers (hooks_ddl.c)
 * keep the names current.
 *
 * Reads tolerate later versions' columns: columns are read one by one with
 * heap_getattr, after checking that the first Natts_hook_registry have the
 * types this code expects.
 *
 * IDENTIFICATION
 *	  src/hooks_registry.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_index.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "activemodel.h"
#include "hooks.h"

/* am.hook_registry is being written by this file (not by hand) */
static bool registry_writing = false;

/* the types of the registry's columns, by attribute number - 1 */
static const Oid registry_column_types[Natts_hook_registry] = {
	REGCLASSOID, TEXTOID, NAMEOID, NAMEOID, INT2OID, INT4OID
};

/*
 * OID of am.hook_registry; InvalidOid when missing_ok and it does not exist
 * (the extension is not installed in this database, or is being dropped).
 */
Oid
hooks_registry_relid(bool missing_ok)
{
	return am_relation_oid(HOOKS_REGISTRY, missing_ok);
}

/*
 * Open the registry, checking that its columns are the ones read here.
 */
static Relation
hooks_registry_open(LOCKMODE lockmode)
{
	Relation	rel = table_open(hooks_registry_relid(false), lockmode);
	TupleDesc	desc = RelationGetDescr(rel);

	if (desc->natts < Natts_hook_registry)
		elog(ERROR, "%s.%s has %d columns, expected at least %d",
			 AM_SCHEMA, HOOKS_REGISTRY, desc->natts, Natts_hook_registry);
	for (int i = 0; i < Natts_hook_registry; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || att->atttypid != registry_column_types[i])
			elog(ERROR, "column %d of %s.%s is not of type %s",
				 i + 1, AM_SCHEMA, HOOKS_REGISTRY,
				 format_type_be(registry_column_types[i]));
	}
	return rel;
}

/*
 * An index of the registry whose first key columns are attnos, or
 * InvalidOid.  Found by shape, not by name.
 */
static Oid
hooks_registry_index(Relation rel, int nkeys, const AttrNumber *attnos)
{
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	Oid			result = InvalidOid;

	foreach(lc, indexes)
	{
		HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
		Form_pg_index index;
		bool		match;

		if (!HeapTupleIsValid(tuple))
			continue;
		index = (Form_pg_index) GETSTRUCT(tuple);
		match = index->indisvalid && index->indnkeyatts >= nkeys &&
			heap_attisnull(tuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(tuple, Anum_pg_index_indexprs, NULL);
		for (int i = 0; match && i < nkeys; i++)
			match = index->indkey.values[i] == attnos[i];
		ReleaseSysCache(tuple);
		if (match)
		{
			result = lfirst_oid(lc);
			break;
		}
	}
	list_free(indexes);
	return result;
}

static HookRow *
hooks_registry_row(Relation rel, HeapTuple tuple)
{
	TupleDesc	desc = RelationGetDescr(rel);
	HookRow    *row = palloc(sizeof(HookRow));
	Datum		values[Natts_hook_registry];
	char	   *event;

	for (int i = 0; i < Natts_hook_registry; i++)
	{
		bool		isnull;

		values[i] = heap_getattr(tuple, i + 1, desc, &isnull);
		if (isnull)
			elog(ERROR, "null value in column %d of %s.%s", i + 1, AM_SCHEMA, HOOKS_REGISTRY);
	}
	row->tbl = DatumGetObjectId(values[Anum_hook_registry_tbl - 1]);
	event = TextDatumGetCString(values[Anum_hook_registry_event - 1]);
	row->event = hooks_event_from_name(event);
	if ((int) row->event < 0)
		elog(ERROR, "unknown hook event \"%s\" in %s.%s", event, AM_SCHEMA, HOOKS_REGISTRY);
	pfree(event);
	row->fn_schema = pstrdup(NameStr(*DatumGetName(values[Anum_hook_registry_fn_schema - 1])));
	row->fn_name = pstrdup(NameStr(*DatumGetName(values[Anum_hook_registry_fn_name - 1])));
	row->fn_nargs = DatumGetInt16(values[Anum_hook_registry_fn_nargs - 1]);
	row->priority = DatumGetInt32(values[Anum_hook_registry_priority - 1]);
	return row;
}

/*
 * Registry rows matching nkeys equality keys on the given columns, through
 * an index whose leading columns they are if there is one (1.0 has none on
 * the function's name: then a filtered scan of the table).
 *
 * A fresh snapshot: a hook registered by a transaction that has committed
 * (or by this one) is seen even inside a REPEATABLE READ transaction, as a
 * new trigger would be.
 */
static List *
hooks_registry_scan(int nkeys, ScanKey keys, const AttrNumber *attnos)
{
	Relation	rel = hooks_registry_open(AccessShareLock);
	Snapshot	snapshot = RegisterSnapshot(GetLatestSnapshot());
	Oid			index = nkeys > 0 ? hooks_registry_index(rel, nkeys, attnos) : InvalidOid;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *rows = NIL;

	/* keys name heap columns: systable_beginscan maps them to the index's */
	scan = systable_beginscan(rel, index, OidIsValid(index), snapshot, nkeys, keys);
	while ((tuple = systable_getnext(scan)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		rows = lappend(rows, hooks_registry_row(rel, tuple));
	}
	systable_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	return rows;
}

/*
 * The rows of one table, or all rows when tbl is InvalidOid, in the current
 * memory context.
 */
List *
hooks_registry_read(Oid tbl)
{
	ScanKeyData key;
	AttrNumber	attno = Anum_hook_registry_tbl;

	if (!OidIsValid(tbl))
		return hooks_registry_scan(0, NULL, NULL);
	ScanKeyInit(&key, attno, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(tbl));
	return hooks_registry_scan(1, &key, &attno);
}

/*
 * The rows whose hook function is fn_schema.fn_name (of any table).
 */
List *
hooks_registry_read_function(const char *fn_schema, const char *fn_name)
{
	ScanKeyData keys[2];
	AttrNumber	attnos[2] = {Anum_hook_registry_fn_schema, Anum_hook_registry_fn_name};
	NameData	schema;
	NameData	name;

	namestrcpy(&schema, fn_schema);
	namestrcpy(&name, fn_name);
	ScanKeyInit(&keys[0], attnos[0], BTEqualStrategyNumber, F_NAMEEQ, NameGetDatum(&schema));
	ScanKeyInit(&keys[1], attnos[1], BTEqualStrategyNumber, F_NAMEEQ, NameGetDatum(&name));
	return hooks_registry_scan(2, keys, attnos);
}

/*
 * Whether a table has registered hooks.
 */
bool
hooks_registry_has_table(Oid tbl)
{
	List	   *rows = hooks_registry_read(tbl);
	bool		result = rows != NIL;

	list_free_deep(rows);
	return result;
}

/*
 * OID of the function schema.name taking nargs arguments of type rowtype,
 * or InvalidOid.  An exact catalog lookup: no search_path, no privilege
 * check (the role writing a table need not have USAGE on the schema of its
 * hooks, as for trigger functions), no error.
 */
Oid
hooks_function_lookup(const char *fn_schema, const char *fn_name, int nargs,
					  Oid rowtype)
{
	Oid			nsp = get_namespace_oid(fn_schema, true);
	Oid			argtypes[2] = {rowtype, rowtype};

	if (!OidIsValid(nsp) || nargs < 0 || nargs > 2)
		return InvalidOid;
	return GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
						   CStringGetDatum(fn_name),
						   PointerGetDatum(buildoidvector(argtypes, nargs)),
						   ObjectIdGetDatum(nsp));
}

/*
 * Schema-qualified, quoted name of a relation: the dispatch triggers'
 * argument.  NULL if the relation does not exist.
 */
char *
hooks_table_name(Oid relid)
{
	char	   *relname = get_rel_name(relid);
	char	   *nspname;

	if (relname == NULL)
		return NULL;
	nspname = get_namespace_name(get_rel_namespace(relid));
	if (nspname == NULL)
		return NULL;
	return quote_qualified_identifier(nspname, relname);
}

/*
 * Whether this file is writing the registry: its statement trigger then
 * leaves the invalidations and dependencies to the writer.
 */
bool
hooks_registry_writing(void)
{
	return registry_writing;
}

/*
 * Write am.hook_registry: execute sql as the registry's owner.
 */
static uint64
hooks_registry_write(const char *sql, int nargs, Oid *argtypes, Datum *values)
{
	volatile uint64 processed = 0;

	registry_writing = true;
	PG_TRY();
	{
		processed = am_exec_as(am_relation_owner(hooks_registry_relid(false)),
							   sql, nargs, argtypes, values);
	}
	PG_FINALLY();
	{
		registry_writing = false;
	}
	PG_END_TRY();
	return processed;
}

/*
 * Key of a registry row as SPI parameters: tbl, event, fn_schema, fn_name,
 * fn_nargs.
 */
#define HOOK_KEY_NARGS 5
#define HOOK_KEY_WHERE \
	"tbl OPERATOR(pg_catalog.=) $1 AND event OPERATOR(pg_catalog.=) $2" \
	" AND fn_schema OPERATOR(pg_catalog.=) $3 AND fn_name OPERATOR(pg_catalog.=) $4" \
	" AND fn_nargs OPERATOR(pg_catalog.=) $5"

static void
hooks_key_params(const HookRow *row, Oid *types, Datum *values)
{
	NameData   *schema = palloc0(sizeof(NameData));
	NameData   *name = palloc0(sizeof(NameData));

	namestrcpy(schema, row->fn_schema);
	namestrcpy(name, row->fn_name);
	types[0] = OIDOID;
	values[0] = ObjectIdGetDatum(row->tbl);
	types[1] = TEXTOID;
	values[1] = CStringGetTextDatum(hooks_event_names[row->event]);
	types[2] = NAMEOID;
	values[2] = NameGetDatum(schema);
	types[3] = NAMEOID;
	values[3] = NameGetDatum(name);
	types[4] = INT2OID;
	values[4] = Int16GetDatum((int16) row->fn_nargs);
}

void
hooks_registry_insert(const HookRow *row)
{
	Oid			types[HOOK_KEY_NARGS + 1];
	Datum		values[HOOK_KEY_NARGS + 1];

	hooks_key_params(row, types, values);
	types[0] = REGCLASSOID;
	types[HOOK_KEY_NARGS] = INT4OID;
	values[HOOK_KEY_NARGS] = Int32GetDatum(row->priority);
	hooks_registry_write("INSERT INTO " AM_SCHEMA "." HOOKS_REGISTRY
						 " (tbl, event, fn_schema, fn_name, fn_nargs, priority)"
						 " VALUES ($1, $2, $3, $4, $5, $6)",
						 HOOK_KEY_NARGS + 1, types, values);
}

bool
hooks_registry_delete(const HookRow *row)
{
	Oid			types[HOOK_KEY_NARGS];
	Datum		values[HOOK_KEY_NARGS];

	hooks_key_params(row, types, values);
	return hooks_registry_write("DELETE FROM " AM_SCHEMA "." HOOKS_REGISTRY
								" WHERE " HOOK_KEY_WHERE,
								HOOK_KEY_NARGS, types, values) > 0;
}

void
hooks_registry_rename_function(const HookRow *row, const char *new_schema,
							   const char *new_name)
{
	Oid			types[HOOK_KEY_NARGS + 2];
	Datum		values[HOOK_KEY_NARGS + 2];
	NameData   *schema = palloc0(sizeof(NameData));
	NameData   *name = palloc0(sizeof(NameData));

	hooks_key_params(row, types, values);
	namestrcpy(schema, new_schema);
	namestrcpy(name, new_name);
	types[HOOK_KEY_NARGS] = NAMEOID;
	values[HOOK_KEY_NARGS] = NameGetDatum(schema);
	types[HOOK_KEY_NARGS + 1] = NAMEOID;
	values[HOOK_KEY_NARGS + 1] = NameGetDatum(name);
	hooks_registry_write("UPDATE " AM_SCHEMA "." HOOKS_REGISTRY
						 " SET fn_schema = $6, fn_name = $7 WHERE " HOOK_KEY_WHERE,
						 HOOK_KEY_NARGS + 2, types, values);
}
