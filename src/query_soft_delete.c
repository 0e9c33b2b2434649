/*-------------------------------------------------------------------------
 *
 * query_soft_delete.c
 *	  Soft delete for the helpers: which column of a table marks its rows
 *	  deleted, and the scope that leaves those rows out of every finder.
 *
 * am.add_soft_delete gives a table a nullable column of the domain
 * am.soft_delete_timestamp (over timestamptz, which clients see, since the
 * protocol describes a domain column by its base type).  The column's type
 * is the mark: there is no registry to keep in step with renames, drops,
 * dumps and restores, and ALTER TABLE invalidates the relcache entry, which
 * drops the kept plans that were compiled without the scope.
 *
 * The finders leave rows whose column is set out of the model and of every
 * related table they read (conditions through relations, included levels
 * of am.as_json), as Rails' default scope of a paranoid model does.  The
 * top-level keys "$with_deleted": true and "$only_deleted": true of the
 * conditions change the scope of the model only, as Rails' with_deleted and
 * only_deleted do.
 *
 * IDENTIFICATION
 *	  src/query_soft_delete.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "activemodel.h"
#include "query.h"

/* the domain's OID, until pg_type changes */
static Oid	soft_delete_type = InvalidOid;
static bool soft_delete_callback_registered = false;

static void
soft_delete_type_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	soft_delete_type = InvalidOid;
}

/*
 * OID of the domain am.soft_delete_timestamp, or InvalidOid when the
 * extension's schema has none.
 */
Oid
query_soft_delete_type(void)
{
	Oid			nsp;

	if (OidIsValid(soft_delete_type))
		return soft_delete_type;
	if (!soft_delete_callback_registered)
	{
		CacheRegisterSyscacheCallback(TYPEOID, soft_delete_type_callback,
									  (Datum) 0);
		soft_delete_callback_registered = true;
	}
	nsp = am_schema_oid(true);
	if (OidIsValid(nsp))
		soft_delete_type = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid,
										   CStringGetDatum(QUERY_SOFT_DELETE_TYPE),
										   ObjectIdGetDatum(nsp));
	return soft_delete_type;
}

/*
 * The soft-delete column of a relation (the first column of the domain), or
 * InvalidAttrNumber.
 */
AttrNumber
query_soft_delete_attnum(Relation rel)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Oid			type = query_soft_delete_type();
	int			i;

	if (!OidIsValid(type))
		return InvalidAttrNumber;
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (!att->attisdropped && att->atttypid == type)
			return att->attnum;
	}
	return InvalidAttrNumber;
}

/*
 * Append " AND (alias.col IS NULL)" (deleted: IS NOT NULL) for a table of
 * the statement that has a soft-delete column; nothing for one that has
 * none (or, with deleted, " AND false": no row of it is soft-deleted).
 */
void
query_append_soft_delete(QueryBuilder *qb, QueryScope *scope, bool deleted)
{
	AttrNumber	attnum = query_soft_delete_attnum(scope->rel);
	QueryOperand op;

	if (attnum == InvalidAttrNumber)
	{
		if (deleted)
			appendStringInfoString(&qb->sql, " AND false");
		return;
	}
	query_scope_operand(scope, attnum, &op);
	appendStringInfo(&qb->sql, " AND (%s IS %sNULL)", op.expr,
					 deleted ? "NOT " : "");
}

/* is key one of the scope keys of the conditions? */
bool
query_soft_delete_key(const char *key)
{
	return strcmp(key, "$with_deleted") == 0 ||
		strcmp(key, "$only_deleted") == 0;
}

/*
 * Read "$with_deleted" and "$only_deleted" of the top level of the
 * conditions into qb->soft_delete.
 */
void
query_soft_delete_read_scope(QueryBuilder *qb, Jsonb *conditions)
{
	static const char *const keys[] = {"$with_deleted", "$only_deleted"};
	bool		set[2] = {false, false};
	int			i;

	if (!JB_ROOT_IS_OBJECT(conditions) || JB_ROOT_IS_SCALAR(conditions))
		return;
	for (i = 0; i < 2; i++)
	{
		JsonbValue *v = getKeyJsonValueFromContainer(&conditions->root,
													 keys[i], strlen(keys[i]),
													 NULL);

		if (v == NULL)
			continue;
		if (v->type != jbvBool)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" takes true or false", keys[i])));
		set[i] = v->val.boolean;
	}
	if (set[0] && set[1])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("conditions cannot hold both \"$with_deleted\" and \"$only_deleted\"")));
	qb->soft_delete = set[1] ? QUERY_ONLY_DELETED :
		set[0] ? QUERY_WITH_DELETED : QUERY_WITHOUT_DELETED;
}

/*
 * Append the model's scope after its conditions, as qb->soft_delete says.
 */
void
query_append_model_scope(QueryBuilder *qb)
{
	if (qb->soft_delete == QUERY_WITH_DELETED)
		return;
	query_append_soft_delete(qb, &qb->model,
							 qb->soft_delete == QUERY_ONLY_DELETED);
}
