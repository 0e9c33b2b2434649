/*-------------------------------------------------------------------------
 *
 * hooks_events.c
 *	  Lifecycle hooks: the events, the writes (operations) that fire them,
 *	  the dispatch trigger (timing) that runs each, and their Rails order.
 *
 * This table is the one definition of the events in C.  The install
 * script's CHECK constraint on am.hook_registry.event and the ORDER BY of
 * the am.hooks view repeat it in SQL; the regression test hooks_events
 * checks that they agree with am.hook_events(), which lists this table.
 *
 * IDENTIFICATION
 *	  src/hooks_events.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "hooks.h"

PG_FUNCTION_INFO_V1(hook_events);

const char *const hooks_event_names[HOOK_NUM_EVENTS] = {
	[HOOK_BEFORE_SAVE] = "before_save",
	[HOOK_BEFORE_CREATE] = "before_create",
	[HOOK_BEFORE_UPDATE] = "before_update",
	[HOOK_BEFORE_DESTROY] = "before_destroy",
	[HOOK_AFTER_CREATE] = "after_create",
	[HOOK_AFTER_UPDATE] = "after_update",
	[HOOK_AFTER_SAVE] = "after_save",
	[HOOK_AFTER_DESTROY] = "after_destroy",
	[HOOK_AFTER_COMMIT] = "after_commit",
	[HOOK_AFTER_CREATE_COMMIT] = "after_create_commit",
	[HOOK_AFTER_UPDATE_COMMIT] = "after_update_commit",
	[HOOK_AFTER_DESTROY_COMMIT] = "after_destroy_commit",
};

const char *const hooks_op_names[HOOK_NUM_OPS] = {
	[HOOK_OP_CREATE] = "create",
	[HOOK_OP_UPDATE] = "update",
	[HOOK_OP_DESTROY] = "destroy",
};

const char *const hooks_trigger_names[HOOK_NUM_TIMINGS] = {
	[HOOK_TIMING_BEFORE] = HOOKS_TRIGGER_BEFORE,
	[HOOK_TIMING_AFTER] = HOOKS_TRIGGER_AFTER,
	[HOOK_TIMING_COMMIT] = HOOKS_TRIGGER_COMMIT,
};

/*
 * The Rails order: the events one write runs at each timing, first to last
 * (-1: none).  The specific event comes before the general one, as
 * after_create before after_save; so after_create_commit runs before
 * after_commit.
 */
const int	hooks_op_events[HOOK_NUM_TIMINGS][HOOK_NUM_OPS][HOOK_MAX_EVENTS_PER_OP] = {
	[HOOK_TIMING_BEFORE] = {
		[HOOK_OP_CREATE] = {HOOK_BEFORE_SAVE, HOOK_BEFORE_CREATE},
		[HOOK_OP_UPDATE] = {HOOK_BEFORE_SAVE, HOOK_BEFORE_UPDATE},
		[HOOK_OP_DESTROY] = {HOOK_BEFORE_DESTROY, -1},
	},
	[HOOK_TIMING_AFTER] = {
		[HOOK_OP_CREATE] = {HOOK_AFTER_CREATE, HOOK_AFTER_SAVE},
		[HOOK_OP_UPDATE] = {HOOK_AFTER_UPDATE, HOOK_AFTER_SAVE},
		[HOOK_OP_DESTROY] = {HOOK_AFTER_DESTROY, -1},
	},
	[HOOK_TIMING_COMMIT] = {
		[HOOK_OP_CREATE] = {HOOK_AFTER_CREATE_COMMIT, HOOK_AFTER_COMMIT},
		[HOOK_OP_UPDATE] = {HOOK_AFTER_UPDATE_COMMIT, HOOK_AFTER_COMMIT},
		[HOOK_OP_DESTROY] = {HOOK_AFTER_DESTROY_COMMIT, HOOK_AFTER_COMMIT},
	},
};

/*
 * Event of a name, or -1.
 */
int
hooks_event_from_name(const char *name)
{
	for (int i = 0; i < HOOK_NUM_EVENTS; i++)
	{
		if (strcmp(name, hooks_event_names[i]) == 0)
			return i;
	}
	return -1;
}

/*
 * Dispatch trigger that runs an event: the timing in whose table of
 * hooks_op_events it appears.
 */
HookTiming
hooks_event_timing(HookEvent event)
{
	for (int timing = 0; timing < HOOK_NUM_TIMINGS; timing++)
		for (int op = 0; op < HOOK_NUM_OPS; op++)
			for (int i = 0; i < HOOK_MAX_EVENTS_PER_OP; i++)
				if (hooks_op_events[timing][op][i] == (int) event)
					return (HookTiming) timing;
	elog(ERROR, "hook event %d has no timing", (int) event);
	pg_unreachable();
}

/*
 * Mask of the operations (HOOK_OP_BIT) that run an event.
 */
int
hooks_event_ops(HookEvent event)
{
	int			mask = 0;
	HookTiming	timing = hooks_event_timing(event);

	for (int op = 0; op < HOOK_NUM_OPS; op++)
		for (int i = 0; i < HOOK_MAX_EVENTS_PER_OP; i++)
			if (hooks_op_events[timing][op][i] == (int) event)
				mask |= HOOK_OP_BIT(op);
	return mask;
}

/*
 * The event names for messages: "a, b, … and z".
 */
const char *
hooks_event_list(void)
{
	static char *list = NULL;

	if (list == NULL)
	{
		StringInfoData buf;
		MemoryContext oldcxt = MemoryContextSwitchTo(TopMemoryContext);

		initStringInfo(&buf);
		for (int i = 0; i < HOOK_NUM_EVENTS; i++)
			appendStringInfo(&buf, "%s%s",
							 i == 0 ? "" : (i == HOOK_NUM_EVENTS - 1 ? " and " : ", "),
							 hooks_event_names[i]);
		list = buf.data;
		MemoryContextSwitchTo(oldcxt);
	}
	return list;
}

/*
 * Timing of a dispatch trigger's name, or -1.
 */
int
hooks_timing_of_trigger_name(const char *tgname)
{
	for (int timing = 0; timing < HOOK_NUM_TIMINGS; timing++)
		if (strcmp(tgname, hooks_trigger_names[timing]) == 0)
			return timing;
	return -1;
}

/*
 * am.hook_events() returns table (event text, timing text, operations
 * text[], position integer): the events as the C code knows them, in the
 * order am.hooks lists them, for the test that keeps the SQL copies (the
 * registry's CHECK constraint, the am.hooks view's order) in step.
 */
Datum
hook_events(PG_FUNCTION_ARGS)
{
	static const char *const timing_names[HOOK_NUM_TIMINGS] = {"before", "after", "commit"};
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int event = 0; event < HOOK_NUM_EVENTS; event++)
	{
		Datum		values[4];
		bool		nulls[4] = {false};
		Datum		ops[HOOK_NUM_OPS];
		int			nops = 0;

		for (int op = 0; op < HOOK_NUM_OPS; op++)
			if (hooks_event_ops(event) & HOOK_OP_BIT(op))
				ops[nops++] = CStringGetTextDatum(hooks_op_names[op]);
		values[0] = CStringGetTextDatum(hooks_event_names[event]);
		values[1] = CStringGetTextDatum(timing_names[hooks_event_timing(event)]);
		values[2] = PointerGetDatum(construct_array(ops, nops, TEXTOID, -1,
													false, TYPALIGN_INT));
		values[3] = Int32GetDatum(event + 1);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
