/*-------------------------------------------------------------------------
 *
 * query.h
 *	  The query half of the ActiveRecord helpers: a builder that turns a
 *	  model (a table's row type) and jsonb conditions into SQL text with
 *	  $n parameters, the conversion of JSON values into parameters of the
 *	  column's type, and the per-backend cache of prepared plans.
 *
 * Three stages are kept apart, as PostgREST does: the condition compiler
 * (query_conditions.c) reads jsonb and, checking every name against the
 * catalog and the relations found from foreign keys (query_relations.c),
 * appends SQL to a QueryBuilder; values become parameters
 * (query_values.c); the plan cache (query_plan_cache.c) maps the finished
 * SQL text and parameter types to a kept SPI plan.  The SQL text is the
 * shape of the statement: values never appear in it, so two calls that
 * differ only in values share one plan.  The entry points are in
 * query_finders.c (finders) and query_json.c (serialization).
 *
 * IDENTIFICATION
 *	  src/query.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef ACTIVEMODEL_QUERY_H
#define ACTIVEMODEL_QUERY_H

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"
#include "utils/jsonb.h"
#include "utils/relcache.h"

/* alias of the model's table in every generated statement */
#define QUERY_ALIAS "t0"

/* conditions nested deeper than this raise 54001 */
#define QUERY_MAX_DEPTH 32
/*
 * an "in" list longer than this makes the statement use a generic plan:
 * planning a custom plan for a million constants costs more than it saves
 */
#define QUERY_CUSTOM_PLAN_MAX_LIST 100
/* more order_by terms or pluck columns than this raise 54001 */
#define QUERY_MAX_TERMS 100
/* more relations than this in one include raise 54001 */
#define QUERY_MAX_INCLUDES 100
/* more condition keys than this in one call raise 54001 */
#define QUERY_MAX_CONDITIONS 10000

/* which rows of a soft-deletable model a statement reads (query_soft_delete.c) */
typedef enum QuerySoftDeleteScope
{
	QUERY_WITHOUT_DELETED = 0,	/* the default: leave soft-deleted rows out */
	QUERY_WITH_DELETED,			/* "$with_deleted": true */
	QUERY_ONLY_DELETED			/* "$only_deleted": true */
} QuerySoftDeleteScope;

/* the domain of soft-delete columns, in the extension's schema */
#define QUERY_SOFT_DELETE_TYPE "soft_delete_timestamp"

/* how a relation of a model is found (query_relations.c) */
typedef enum QueryRelationKind
{
	QUERY_BELONGS_TO,			/* our foreign key column -> its table */
	QUERY_HAS_MANY,				/* another table's foreign key -> us */
	QUERY_MANY_TO_MANY			/* through a junction table */
} QueryRelationKind;

typedef struct QueryRelation
{
	QueryRelationKind kind;
	char	   *name;
	char	   *conname;		/* the foreign key(s), for messages */
	Oid			target;			/* the related table */
	AttrNumber	local_attnum;	/* our column in the join */
	AttrNumber	target_attnum;	/* the related table's column */
	Oid			eqop;			/* referenced = referencing operator */
	/* many-to-many only */
	Oid			junction;
	AttrNumber	junction_local_attnum;	/* junction column -> us */
	AttrNumber	junction_target_attnum; /* junction column -> target */
	Oid			junction_eqop;	/* target = junction operator */
} QueryRelation;

/* a table of the statement under its alias */
typedef struct QueryScope
{
	Relation	rel;
	char	   *alias;
	char	   *qualname;		/* quoted schema-qualified name */
	char	   *path;			/* "rel___" prefix of its keys, or "" */
	List	   *relations;		/* its relations, read on first use */
	bool		relations_read;
} QueryScope;

/*
 * One statement being built.  The model's relation stays open (with the
 * AccessShareLock that the statement takes anyway) while it is built.
 */
typedef struct QueryBuilder
{
	Relation	rel;			/* the model */
	Oid			rowtype;		/* its row type */
	char	   *qualname;		/* quoted schema-qualified relation name */
	StringInfoData sql;			/* the statement so far */
	int			nparams;
	int			maxparams;
	Oid		   *paramtypes;
	Datum	   *values;
	char	   *nulls;			/* ' ' or 'n', as SPI wants */
	QueryScope	model;			/* the model under QUERY_ALIAS */
	List	   *scopes;			/* related tables opened, to be closed */
	List	   *relids;			/* every relation the statement reads */
	int			naliases;		/* aliases handed out */
	int			nconditions;	/* condition keys compiled so far */
	bool		generic_plan;	/* plan once for any values (long lists) */
	QuerySoftDeleteScope soft_delete;	/* the model's rows it reads */
} QueryBuilder;

/* one column or expression that a lookup applies to */
typedef struct QueryOperand
{
	char	   *expr;			/* SQL text of the expression */
	Oid			type;			/* its type */
	int32		typmod;			/* its type modifier (-1 if none) */
	const char *column;			/* the column it reads */
} QueryOperand;

/* query_conditions.c */
extern void query_builder_init(QueryBuilder *qb, Oid rowtype);
extern void query_builder_close(QueryBuilder *qb);
extern int	query_add_param(QueryBuilder *qb, Oid type, Datum value,
							bool isnull);
extern void query_compile_conditions(QueryBuilder *qb, Jsonb *conditions);
extern AttrNumber query_column_attnum(QueryBuilder *qb, const char *name);
extern void query_column_operand(QueryBuilder *qb, AttrNumber attnum,
								 QueryOperand *op);
extern void query_report_unknown_column(QueryBuilder *qb, QueryScope *scope,
										const char *key, const char *name);
extern AttrNumber query_scope_attnum(QueryScope *scope, const char *name);
extern void query_scope_operand(QueryScope *scope, AttrNumber attnum,
								QueryOperand *op);
extern char *query_path_expr(QueryBuilder *qb, QueryScope *scope,
							 const char *path, const char *what,
							 AttrNumber *attnum);
extern char *query_operator_oid_sql(Oid opr);
extern QueryScope *query_scope_open(QueryBuilder *qb, Oid relid,
									const char *path);
extern List *query_scope_relations(QueryScope *scope);
extern QueryRelation *query_scope_relation(QueryBuilder *qb,
										   QueryScope *scope,
										   const char *name,
										   const char *key);
extern const char *query_operator_sql(Oid type, int16 strategy,
									  const char *column);

/* query_relations.c */
extern List *query_relations(Oid relid);
extern char *query_relation_names(List *relations);
extern QueryRelation *query_find_relation(Relation rel, List *relations,
										  const char *name);

/* a type's input function, looked up once for many values */
typedef struct QueryTypeInput
{
	Oid			type;
	int32		typmod;
	Oid			ioparam;
	FmgrInfo	fn;
	bool		is_typeid;		/* the extension's typeid: takes UUIDs */
} QueryTypeInput;

/* query_values.c */
extern void query_type_input_init(QueryTypeInput *in, Oid type, int32 typmod,
								  MemoryContext cxt);
extern Datum query_type_input_call(QueryTypeInput *in, char *str,
								   const char *key);
extern Datum query_json_value(QueryBuilder *qb, JsonbValue *v, Oid type,
							  int32 typmod, const char *key);
extern Datum query_text_value(QueryBuilder *qb, const char *text, Oid type,
							  int32 typmod, const char *key);
extern Datum query_json_array_value(QueryBuilder *qb, JsonbValue *v,
									Oid elemtype, int32 typmod,
									const char *key, bool *has_null,
									bool drop_nulls);
extern char *query_json_scalar_text(JsonbValue *v);

/* query_finders.c */
extern char *query_order_by_sql(QueryBuilder *qb, const char *order_by);
extern char *query_id_text(FunctionCallInfo fcinfo, int argno, Oid argtype);
extern void query_report_not_found(const char *relname, const char *keycolumn,
								   FunctionCallInfo fcinfo, int argno,
								   const char *idstr) pg_attribute_noreturn();

/* query_plan_cache.c */
extern SPIPlanPtr query_plan_acquire(QueryBuilder *qb, void **handle);
extern void query_plan_release(void *handle);

/* query_soft_delete.c */
extern Oid	query_soft_delete_type(void);
extern AttrNumber query_soft_delete_attnum(Relation rel);
extern void query_append_soft_delete(QueryBuilder *qb, QueryScope *scope,
									 bool deleted);
extern bool query_soft_delete_key(const char *key);
extern void query_soft_delete_read_scope(QueryBuilder *qb, Jsonb *conditions);
extern void query_append_model_scope(QueryBuilder *qb);

#endif							/* ACTIVEMODEL_QUERY_H */
