/*-------------------------------------------------------------------------
 *
 * hooks.h
 *	  Lifecycle hooks: the events, the registry am.hook_registry and the
 *	  dispatch triggers shared by the registry API (hooks_registry.c) and
 *	  the dispatcher (hooks_dispatch.c).
 *
 * IDENTIFICATION
 *	  src/hooks.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef HOOKS_H
#define HOOKS_H

#include "nodes/pg_list.h"

/* schema of the registry and of the SQL API */
#define HOOKS_SCHEMA			"am"
#define HOOKS_REGISTRY			"hook_registry"

/*
 * Columns of am.hook_registry, in the order of the install script.  A hook
 * function is kept by schema and name, not as regprocedure: pg_upgrade does
 * not preserve function OIDs and refuses reg* columns other than regclass,
 * regtype and regrole in user tables.  Its argument types are implied: one
 * or two of the table's row type.
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
	HOOK_AFTER_COMMIT,
	HOOK_AFTER_CREATE_COMMIT,
	HOOK_AFTER_UPDATE_COMMIT,
	HOOK_AFTER_DESTROY_COMMIT,
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

extern const char *const hook_event_names[HOOK_NUM_EVENTS];
extern const char *const hook_op_names[HOOK_NUM_OPS];
extern const char *const hook_trigger_names[HOOK_NUM_TIMINGS];
extern const int hook_op_events[HOOK_NUM_TIMINGS][HOOK_NUM_OPS][HOOK_MAX_EVENTS_PER_OP];

extern int	hook_event_from_name(const char *name);
extern HookTiming hook_event_timing(HookEvent event);
extern int	hook_event_ops(HookEvent event);

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
extern Oid	hooks_function_lookup(const char *fn_schema, const char *fn_name,
								  int nargs, Oid rowtype);
extern char *hooks_table_name(Oid relid);
extern Oid	relation_owner(Oid relid);
extern void hooks_registry_init(void);

/* hooks_dispatch.c */
extern bool hooks_enabled;

#endif							/* HOOKS_H */
