/*-------------------------------------------------------------------------
 *
 * hooks.h
 *	  Lifecycle hooks, split by concern:
 *		hooks_events.c		the events, the writes that fire them, their order
 *		hooks_registry.c	am.hook_registry: reads, and the privileged writes
 *		hooks_triggers.c	the dispatch triggers and their dependencies
 *		hooks_api.c			am.add_hook, am.remove_hook and their checks
 *		hooks_ddl.c			event triggers following drops and renames
 *		hooks_dispatch.c	the dispatch trigger function and its cache
 *	Dependencies go one way, down this list's reverse: the dispatcher uses
 *	the events and the registry only.
 *
 * IDENTIFICATION
 *	  src/hooks.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef HOOKS_H
#define HOOKS_H

#include "nodes/pg_list.h"

/* the registry, in the extension's schema (activemodel.h) */
#define HOOKS_REGISTRY			"hook_registry"

/*
 * Columns of am.hook_registry, in the order of the install script.  A hook
 * function is kept by schema and name, not as regprocedure: pg_upgrade does
 * not preserve function OIDs and refuses reg* columns other than regclass,
 * regtype and regrole in user tables.  Its argument types are implied: one
 * or two of the table's row type.  Later versions may add columns after
 * these; readers check these columns' types (hooks_registry_open).
 */
#define Anum_hook_registry_tbl		1
#define Anum_hook_registry_event	2
#define Anum_hook_registry_fn_schema 3
#define Anum_hook_registry_fn_name	4
#define Anum_hook_registry_fn_nargs 5
#define Anum_hook_registry_priority 6
#define Natts_hook_registry			6

/*
 * Names of the dispatch triggers.  Row triggers of one timing fire in name
 * order, so a BEFORE trigger named below "am_hooks_before" runs before the
 * before_* hooks.  The timestamps trigger "am_timestamps" runs after them:
 * as in Rails, where timestamps are set after the before_save callbacks,
 * a change made by a hook counts as a change of the row, and the after
 * hooks (AFTER triggers, which fire after every BEFORE trigger) see the
 * timestamps.
 */
#define HOOKS_TRIGGER_BEFORE	"am_hooks_before"
#define HOOKS_TRIGGER_AFTER		"am_hooks_after"
#define HOOKS_TRIGGER_COMMIT	"am_hooks_commit"

/* hooks_events.c */

/* in the order am.hooks lists them: by timing, then as they run */
typedef enum HookEvent
{
	HOOK_BEFORE_SAVE,
	HOOK_BEFORE_CREATE,
	HOOK_BEFORE_UPDATE,
	HOOK_BEFORE_DESTROY,
	HOOK_AFTER_CREATE,
	HOOK_AFTER_UPDATE,
	HOOK_AFTER_SAVE,
	HOOK_AFTER_DESTROY,
	HOOK_AFTER_CREATE_COMMIT,
	HOOK_AFTER_UPDATE_COMMIT,
	HOOK_AFTER_DESTROY_COMMIT,
	HOOK_AFTER_COMMIT,
	HOOK_NUM_EVENTS
} HookEvent;

/* one dispatch trigger per timing */
typedef enum HookTiming
{
	HOOK_TIMING_BEFORE,			/* BEFORE ROW */
	HOOK_TIMING_AFTER,			/* AFTER ROW */
	HOOK_TIMING_COMMIT,			/* deferred constraint trigger, at COMMIT */
	HOOK_NUM_TIMINGS
} HookTiming;

/* the write that fired a trigger, in Rails' words */
typedef enum HookOp
{
	HOOK_OP_CREATE,				/* INSERT */
	HOOK_OP_UPDATE,				/* UPDATE */
	HOOK_OP_DESTROY,			/* DELETE */
	HOOK_NUM_OPS
} HookOp;

/* bit of an operation in an operation mask */
#define HOOK_OP_BIT(op)			(1 << (op))

/* events run for one operation at one timing, in firing order */
#define HOOK_MAX_EVENTS_PER_OP	2

extern const char *const hooks_event_names[HOOK_NUM_EVENTS];
extern const char *const hooks_op_names[HOOK_NUM_OPS];
extern const char *const hooks_trigger_names[HOOK_NUM_TIMINGS];
extern const int hooks_op_events[HOOK_NUM_TIMINGS][HOOK_NUM_OPS][HOOK_MAX_EVENTS_PER_OP];

extern int	hooks_event_from_name(const char *name);
extern HookTiming hooks_event_timing(HookEvent event);
extern int	hooks_event_ops(HookEvent event);
extern const char *hooks_event_list(void);
extern int	hooks_timing_of_trigger_name(const char *tgname);

/* hooks_registry.c */

/* one row of am.hook_registry */
typedef struct HookRow
{
	Oid			tbl;
	HookEvent	event;
	char	   *fn_schema;
	char	   *fn_name;
	int			fn_nargs;
	int32		priority;
} HookRow;

extern Oid	hooks_registry_relid(bool missing_ok);
extern List *hooks_registry_read(Oid tbl);
extern List *hooks_registry_read_function(const char *fn_schema, const char *fn_name);
extern bool hooks_registry_has_table(Oid tbl);
extern void hooks_registry_insert(const HookRow *row);
extern bool hooks_registry_delete(const HookRow *row);
extern void hooks_registry_rename_function(const HookRow *row, const char *new_schema,
										   const char *new_name);
extern bool hooks_registry_writing(void);
extern Oid	hooks_function_lookup(const char *fn_schema, const char *fn_name,
								  int nargs, Oid rowtype);
extern char *hooks_table_name(Oid relid);

/* hooks_triggers.c */
extern void hooks_sync_triggers(Oid relid);
extern void hooks_refresh_trigger_names(Oid relid);
extern void hooks_sync_dependencies(Oid relid);
extern List *hooks_dispatch_tables(void);

/* hooks_ddl.c */
extern void hooks_ddl_init(void);

/* hooks_dispatch.c */
extern bool hooks_enabled;

#endif							/* HOOKS_H */
