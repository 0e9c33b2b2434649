/*-------------------------------------------------------------------------
 *
 * timestamps.c
 *	  The timestamps mixin: am.timestamps(), a BEFORE INSERT OR UPDATE row
 *	  trigger that maintains created_at / updated_at columns with Rails
 *	  semantics, its GUCs, and am.timestamp_now(), the default of the
 *	  columns am.add_timestamps() adds, which reads the same clock.
 *
 * Trigger arguments: the created and updated column names, or none for
 * created_at and updated_at; an empty string leaves that column alone.
 *
 *	INSERT	fills each column that is NULL, keeps values given explicitly.
 *	UPDATE	sets the updated column, unless the statement changed it (its new
 *			value differs from the old one) or the row did not change at all;
 *			the created column is left as the statement leaves it.
 *
 * A value written is rounded to the column's precision (timestamptz(0) gets
 * whole seconds), as an assignment to the column would round it.
 *
 * Column numbers and types are resolved on first use and kept in a
 * backend-local hash table keyed by (relation, trigger), which a relcache
 * callback empties for the relations that change, so ALTER TABLE is
 * followed.  Within one statement the function's FmgrInfo also keeps a copy
 * of the entry, checked against a generation counter that every relcache
 * invalidation bumps, so a row costs neither a catalog nor a hash lookup.
 *
 * IDENTIFICATION
 *	  src/timestamps.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "activemodel.h"

PG_FUNCTION_INFO_V1(timestamps_trigger);
PG_FUNCTION_INFO_V1(am_timestamp_now);

/* name under which users know the trigger function */
#define TIMESTAMPS_FUNCTION "am.timestamps()"

/* column names used when the trigger has no arguments */
#define TIMESTAMPS_DEFAULT_CREATED "created_at"
#define TIMESTAMPS_DEFAULT_UPDATED "updated_at"

/* values of activemodel.timestamp_clock */
typedef enum TimestampClock
{
	TIMESTAMP_CLOCK_TRANSACTION,	/* now(): start of the transaction */
	TIMESTAMP_CLOCK_STATEMENT,	/* statement_timestamp() */
	TIMESTAMP_CLOCK_CLOCK		/* clock_timestamp(): every row anew */
} TimestampClock;

static const struct config_enum_entry timestamp_clock_options[] = {
	{"transaction", TIMESTAMP_CLOCK_TRANSACTION, false},
	{"statement", TIMESTAMP_CLOCK_STATEMENT, false},
	{"clock", TIMESTAMP_CLOCK_CLOCK, false},
	{NULL, 0, false}
};

/* GUC variables */
static bool record_timestamps = true;
static int	timestamp_clock = TIMESTAMP_CLOCK_TRANSACTION;

/* hash key: one trigger on one relation (a partition has its own clone) */
typedef struct TimestampsKey
{
	Oid			relid;
	Oid			tgoid;
} TimestampsKey;

/* one maintained column; attnum 0 when the trigger leaves it alone */
typedef struct TimestampsColumn
{
	AttrNumber	attnum;
	Oid			typid;			/* TIMESTAMPTZOID or TIMESTAMPOID */
	int32		typmod;			/* its precision, -1 for the default */
	char		name[NAMEDATALEN];	/* trigger argument it was resolved from */
} TimestampsColumn;

/* resolved configuration of one trigger on one relation */
typedef struct TimestampsEntry
{
	TimestampsKey key;
	TimestampsColumn created;
	TimestampsColumn updated;
} TimestampsEntry;

/* per-statement copy kept in fn_extra */
typedef struct TimestampsFnCache
{
	uint64		generation;		/* timestamps_generation when copied */
	TimestampsEntry entry;
} TimestampsFnCache;

/* (relid, tgoid) -> TimestampsEntry, in CacheMemoryContext */
static HTAB *timestamps_cache = NULL;

/* bumped by every relcache invalidation: fn_extra copies older are stale */
static uint64 timestamps_generation = 1;

/* last timestamptz -> timestamp conversion, valid for last_timezone */
static TimestampTz last_converted_from;
static Timestamp last_converted_to;
static pg_tz *last_timezone = NULL;

/* the clock reading of the row being computed in row_clock_context */
static TimestampTz row_clock_value;
static MemoryContext row_clock_context = NULL;

static void timestamps_invalidate(Datum arg, Oid relid);
static const TimestampsEntry *timestamps_entry(FunctionCallInfo fcinfo,
											   TriggerData *trigdata);
static void timestamps_resolve(TriggerData *trigdata, TimestampsEntry *entry);
static void timestamps_resolve_column(TriggerData *trigdata, const char *name,
									  const char *role, TimestampsColumn *column);
static void timestamps_check_protocol(FunctionCallInfo fcinfo);
static Datum timestamps_value(TimestampTz now, const TimestampsColumn *column);

/*
 * Register the GUCs and the relcache callback; called from _PG_init().
 */
void
timestamps_init(void)
{
	DefineCustomBoolVariable(ACTIVEMODEL_GUC_PREFIX ".record_timestamps",
							 "Whether am.timestamps() triggers set created and updated columns.",
							 "When off, the triggers leave every row as the statement wrote it, "
							 "like Rails' record_timestamps = false.",
							 &record_timestamps,
							 true,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomEnumVariable(ACTIVEMODEL_GUC_PREFIX ".timestamp_clock",
							 "Clock that am.timestamps() triggers read.",
							 "transaction: start of the transaction, as now(); "
							 "statement: start of the statement, as statement_timestamp(); "
							 "clock: the time of each row, as clock_timestamp().",
							 &timestamp_clock,
							 TIMESTAMP_CLOCK_TRANSACTION,
							 timestamp_clock_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	CacheRegisterRelcacheCallback(timestamps_invalidate, (Datum) 0);
}

/*
 * Relcache callback: forget what was resolved for relid (every relation when
 * relid is InvalidOid), and make every per-statement copy stale.
 */
static void
timestamps_invalidate(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS status;
	TimestampsEntry *entry;

	timestamps_generation++;

	if (timestamps_cache == NULL)
		return;

	hash_seq_init(&status, timestamps_cache);
	while ((entry = (TimestampsEntry *) hash_seq_search(&status)) != NULL)
	{
		if (relid == InvalidOid || entry->key.relid == relid)
			hash_search(timestamps_cache, &entry->key, HASH_REMOVE, NULL);
	}
}

/*
 * Raise the misuse errors: not called by the trigger manager, not BEFORE, not
 * FOR EACH ROW, not INSERT or UPDATE.
 */
static void
timestamps_check_protocol(FunctionCallInfo fcinfo)
{
	TriggerData *trigdata;
	TriggerEvent event;
	const char *detail = NULL;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s was not called by trigger manager",
						TIMESTAMPS_FUNCTION),
				 errhint("Attach it to a table with am.add_timestamps(), or with CREATE TRIGGER "
						 "... BEFORE INSERT OR UPDATE ... FOR EACH ROW.")));

	trigdata = (TriggerData *) fcinfo->context;
	event = trigdata->tg_event;

	if (TRIGGER_FIRED_AFTER(event))
		detail = "AFTER";
	else if (TRIGGER_FIRED_INSTEAD(event))
		detail = "INSTEAD OF";
	else if (!TRIGGER_FIRED_FOR_ROW(event))
		detail = "FOR EACH STATEMENT";
	else if (TRIGGER_FIRED_BY_DELETE(event))
		detail = "for DELETE";
	else if (TRIGGER_FIRED_BY_TRUNCATE(event))
		detail = "for TRUNCATE";

	if (detail != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function %s must be fired BEFORE INSERT OR UPDATE FOR EACH ROW",
						TIMESTAMPS_FUNCTION),
				 errdetail("Trigger \"%s\" on relation \"%s\" was fired %s.",
						   trigdata->tg_trigger->tgname,
						   RelationGetRelationName(trigdata->tg_relation),
						   detail),
				 errhint("Recreate the trigger as BEFORE INSERT OR UPDATE ... FOR EACH ROW, "
						 "or use am.add_timestamps().")));
}

/*
 * Find the column a trigger argument names and check its type.  An empty
 * name leaves attnum 0: the column is not maintained.
 */
static void
timestamps_resolve_column(TriggerData *trigdata, const char *name,
						  const char *role, TimestampsColumn *column)
{
	Relation	rel = trigdata->tg_relation;
	TupleDesc	desc = RelationGetDescr(rel);
	int			i;

	column->attnum = InvalidAttrNumber;
	column->typid = InvalidOid;
	column->typmod = -1;
	strlcpy(column->name, name, NAMEDATALEN);

	if (name[0] == '\0')
		return;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || strcmp(NameStr(att->attname), name) != 0)
			continue;

		if (att->atttypid != TIMESTAMPTZOID && att->atttypid != TIMESTAMPOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" of relation \"%s\" has type %s",
							name, RelationGetRelationName(rel),
							format_type_be(att->atttypid)),
					 errdetail("Trigger \"%s\" maintains it as the %s column, which must be of "
							   "type timestamp with time zone or timestamp without time zone.",
							   trigdata->tg_trigger->tgname, role),
					 errhint("Change the column's type, or recreate the trigger with another "
							 "column.")));

		column->attnum = att->attnum;
		column->typid = att->atttypid;
		column->typmod = att->atttypmod;
		return;
	}

	ereport(ERROR,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("column \"%s\" of relation \"%s\" does not exist",
					name, RelationGetRelationName(rel)),
			 errdetail("Trigger \"%s\" names it as the %s column.",
					   trigdata->tg_trigger->tgname, role),
			 errhint("Rename the column back, or recreate the trigger with the current column "
					 "names, for example with am.add_timestamps().")));
}

/*
 * Resolve the trigger's arguments against the relation into entry.
 */
static void
timestamps_resolve(TriggerData *trigdata, TimestampsEntry *entry)
{
	Trigger    *trigger = trigdata->tg_trigger;
	const char *created = TIMESTAMPS_DEFAULT_CREATED;
	const char *updated = TIMESTAMPS_DEFAULT_UPDATED;

	if (trigger->tgnargs == 2)
	{
		created = trigger->tgargs[0];
		updated = trigger->tgargs[1];
	}
	else if (trigger->tgnargs != 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("wrong number of arguments for %s in trigger \"%s\" on relation \"%s\"",
						TIMESTAMPS_FUNCTION, trigger->tgname,
						RelationGetRelationName(trigdata->tg_relation)),
				 errdetail("The trigger passes %d arguments; %s takes none (columns %s and %s) "
						   "or two (the created and the updated column).",
						   trigger->tgnargs, TIMESTAMPS_FUNCTION,
						   TIMESTAMPS_DEFAULT_CREATED, TIMESTAMPS_DEFAULT_UPDATED),
				 errhint("To maintain only one column, pass '' for the other, "
						 "as in am.timestamps('', 'updated_at').")));

	if (created[0] == '\0' && updated[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on relation \"%s\" names no column to maintain",
						trigger->tgname, RelationGetRelationName(trigdata->tg_relation)),
				 errdetail("Both arguments of %s are empty strings.", TIMESTAMPS_FUNCTION),
				 errhint("Name the created column, the updated column, or both.")));

	if (strcmp(created, updated) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("trigger \"%s\" on relation \"%s\" names column \"%s\" as both created "
						"and updated column",
						trigger->tgname, RelationGetRelationName(trigdata->tg_relation),
						created),
				 errhint("Use two different columns, or pass '' for one of them.")));

	entry->key.relid = RelationGetRelid(trigdata->tg_relation);
	entry->key.tgoid = trigger->tgoid;
	timestamps_resolve_column(trigdata, created, "created", &entry->created);
	timestamps_resolve_column(trigdata, updated, "updated", &entry->updated);
}

/*
 * Does entry describe this trigger's current arguments?  CREATE OR REPLACE
 * TRIGGER keeps the trigger's OID; its relcache invalidation normally drops
 * the entry first, this is the belt to those braces.
 */
static inline bool
timestamps_entry_matches(const TimestampsEntry *entry, TriggerData *trigdata)
{
	Trigger    *trigger = trigdata->tg_trigger;

	if (entry->key.relid != RelationGetRelid(trigdata->tg_relation) ||
		entry->key.tgoid != trigger->tgoid)
		return false;
	if (trigger->tgnargs == 0)
		return strcmp(entry->created.name, TIMESTAMPS_DEFAULT_CREATED) == 0 &&
			strcmp(entry->updated.name, TIMESTAMPS_DEFAULT_UPDATED) == 0;
	return trigger->tgnargs == 2 &&
		strcmp(entry->created.name, trigger->tgargs[0]) == 0 &&
		strcmp(entry->updated.name, trigger->tgargs[1]) == 0;
}

/*
 * The resolved configuration of the firing trigger: from fn_extra when it is
 * still current, else from the hash table, else resolved now.
 */
static const TimestampsEntry *
timestamps_entry(FunctionCallInfo fcinfo, TriggerData *trigdata)
{
	TimestampsFnCache *fncache = (TimestampsFnCache *) fcinfo->flinfo->fn_extra;
	TimestampsKey key;
	TimestampsEntry *entry;
	bool		found;

	if (fncache != NULL && fncache->generation == timestamps_generation &&
		timestamps_entry_matches(&fncache->entry, trigdata))
		return &fncache->entry;

	if (timestamps_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(TimestampsKey);
		ctl.entrysize = sizeof(TimestampsEntry);
		ctl.hcxt = CacheMemoryContext;
		timestamps_cache = hash_create("activemodel timestamps triggers", 16, &ctl,
									   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}

	memset(&key, 0, sizeof(key));
	key.relid = RelationGetRelid(trigdata->tg_relation);
	key.tgoid = trigdata->tg_trigger->tgoid;
	entry = (TimestampsEntry *) hash_search(timestamps_cache, &key, HASH_FIND, NULL);

	if (entry == NULL || !timestamps_entry_matches(entry, trigdata))
	{
		TimestampsEntry resolved;

		/* resolve first: an error must not leave a half-filled entry */
		timestamps_resolve(trigdata, &resolved);
		entry = (TimestampsEntry *) hash_search(timestamps_cache, &key, HASH_ENTER, &found);
		*entry = resolved;
	}

	if (fncache == NULL)
		fncache = fcinfo->flinfo->fn_extra =
			MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(TimestampsFnCache));
	fncache->generation = timestamps_generation;
	fncache->entry = *entry;
	return &fncache->entry;
}

/*
 * The time to write, from the clock activemodel.timestamp_clock selects.
 */
static inline TimestampTz
timestamps_now(void)
{
	switch (timestamp_clock)
	{
		case TIMESTAMP_CLOCK_STATEMENT:
			return GetCurrentStatementStartTimestamp();
		case TIMESTAMP_CLOCK_CLOCK:
			return GetCurrentTimestamp();
		default:
			return GetCurrentTransactionStartTimestamp();
	}
}

/*
 * Reset callback of the memory context a clock reading was made in: the
 * next row reads the clock anew.
 */
static void
timestamps_row_clock_reset(void *arg)
{
	if (row_clock_context == (MemoryContext) arg)
		row_clock_context = NULL;
}

/*
 * clock_timestamp(), read once per row: the calls made in the same memory
 * context until it is reset get the same reading.  The executor evaluates
 * the expressions of one row (the column defaults of an INSERT, a COPY
 * row, ...) in a per-tuple memory context that it resets before the next
 * row, so the created and updated columns of a new row agree, as they do
 * when the trigger fills them, and every row gets its own time.
 */
static TimestampTz
timestamps_row_clock(void)
{
	MemoryContextCallback *callback;

	if (row_clock_context != NULL && row_clock_context == CurrentMemoryContext)
		return row_clock_value;

	callback = MemoryContextAlloc(CurrentMemoryContext, sizeof(MemoryContextCallback));
	callback->func = timestamps_row_clock_reset;
	callback->arg = CurrentMemoryContext;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, callback);

	row_clock_context = CurrentMemoryContext;
	row_clock_value = GetCurrentTimestamp();
	return row_clock_value;
}

/*
 * am.timestamp_now() returns timestamptz: the time activemodel.timestamp_clock
 * selects, the default of the columns am.add_timestamps adds.  VOLATILE, as
 * the clock setting reads the clock on every row.
 */
Datum
am_timestamp_now(PG_FUNCTION_ARGS)
{
	if (timestamp_clock == TIMESTAMP_CLOCK_CLOCK)
		PG_RETURN_TIMESTAMPTZ(timestamps_row_clock());
	PG_RETURN_TIMESTAMPTZ(timestamps_now());
}

/*
 * now as a value of the column: unchanged for timestamptz, the local time of
 * the session's time zone for timestamp (what now()::timestamp gives), then
 * rounded to the column's precision as an assignment to it would round.  The
 * last conversion is remembered, as most rows convert the same instant.
 */
static Datum
timestamps_value(TimestampTz now, const TimestampsColumn *column)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	Timestamp	result;

	if (column->typid == TIMESTAMPTZOID)
		result = now;
	else if (last_timezone == session_timezone && last_converted_from == now)
		result = last_converted_to;
	else
	{
		if (timestamp2tm(now, &tz, &tm, &fsec, NULL, NULL) != 0 ||
			tm2timestamp(&tm, fsec, NULL, &result) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range")));

		last_timezone = session_timezone;
		last_converted_from = now;
		last_converted_to = result;
	}

	/* both types share the representation and the rounding */
	if (column->typmod >= 0)
		AdjustTimestampForTypmod(&result, column->typmod);
	return TimestampGetDatum(result);
}

/*
 * Do two stored values of attribute att have the same binary image?  As
 * datum_image_eq(), but on pointers into tuples, with the common cases
 * decided by comparing bytes.
 */
static inline bool
timestamps_same_image(Form_pg_attribute att, char *oldptr, char *newptr)
{
	if (att->attlen > 0)
		return memcmp(oldptr, newptr, att->attlen) == 0;

	if (att->attlen == -1)
	{
		Size		oldsize = VARSIZE_ANY(oldptr);

		if (oldsize == VARSIZE_ANY(newptr) && memcmp(oldptr, newptr, oldsize) == 0)
			return true;
		/* inline uncompressed values, with 1- or 4-byte headers */
		if (!VARATT_IS_EXTERNAL(oldptr) && !VARATT_IS_COMPRESSED(oldptr) &&
			!VARATT_IS_EXTERNAL(newptr) && !VARATT_IS_COMPRESSED(newptr))
			return VARSIZE_ANY_EXHDR(oldptr) == VARSIZE_ANY_EXHDR(newptr) &&
				memcmp(VARDATA_ANY(oldptr), VARDATA_ANY(newptr),
					   VARSIZE_ANY_EXHDR(oldptr)) == 0;
	}

	/* toasted or compressed values, cstrings: the general comparison */
	return datum_image_eq(PointerGetDatum(oldptr), PointerGetDatum(newptr),
						  false, att->attlen);
}

/*
 * Decide an UPDATE by walking the old and the new tuple side by side: false
 * when the statement changed the updated column (0-based index updated) or
 * when no column changed, true when the updated column must be set.  On
 * true, *offset is the updated column's byte offset in the new tuple's
 * t_data, or -1 when it is NULL there.
 *
 * Both tuples must hold every attribute of desc (no attmissingval).
 * Dropped columns are walked over but not compared: an old tuple can still
 * hold a value where the new one has NULL.
 */
static bool
timestamps_walk_update(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc,
					   int updated, long *offset)
{
	HeapTupleHeader oldhdr = oldtup->t_data;
	HeapTupleHeader newhdr = newtup->t_data;
	char	   *olddata = (char *) oldhdr + oldhdr->t_hoff;
	char	   *newdata = (char *) newhdr + newhdr->t_hoff;
	bits8	   *oldbits = HeapTupleHasNulls(oldtup) ? oldhdr->t_bits : NULL;
	bits8	   *newbits = HeapTupleHasNulls(newtup) ? newhdr->t_bits : NULL;
	uintptr_t	oldoff = 0;
	uintptr_t	newoff = 0;
	bool		changed = false;
	int			i;

	*offset = -1;
	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		bool		oldnull = oldbits != NULL && att_isnull(i, oldbits);
		bool		newnull = newbits != NULL && att_isnull(i, newbits);
		char	   *oldptr = NULL;
		char	   *newptr = NULL;
		bool		same;

		if (!oldnull)
		{
			oldoff = att_align_pointer(oldoff, att->attalign, att->attlen,
									   olddata + oldoff);
			oldptr = olddata + oldoff;
			oldoff = att_addlength_pointer(oldoff, att->attlen, oldptr);
		}
		if (!newnull)
		{
			newoff = att_align_pointer(newoff, att->attalign, att->attlen,
									   newdata + newoff);
			newptr = newdata + newoff;
			newoff = att_addlength_pointer(newoff, att->attlen, newptr);
		}

		if (changed && i != updated)
			continue;			/* only looking for the updated column now */
		if (att->attisdropped)
			continue;

		same = oldnull == newnull &&
			(oldnull || timestamps_same_image(att, oldptr, newptr));

		if (i == updated)
		{
			if (!same)
				return false;	/* the statement set it: keep its value */
			if (!newnull)
				*offset = newptr - (char *) newhdr;
			if (changed)
				return true;
		}
		else if (!same)
		{
			changed = true;
			if (i > updated)
				return true;
		}
	}
	return changed;
}

/*
 * The same decision from the tuple slots, for tuples that lack trailing
 * attributes (added later with a default, read as attmissingval).
 */
static bool
timestamps_slots_update(TriggerData *trigdata, int updated)
{
	TupleTableSlot *oldslot = trigdata->tg_trigslot;
	TupleTableSlot *newslot = trigdata->tg_newslot;
	TupleDesc	desc = RelationGetDescr(trigdata->tg_relation);
	bool		changed = false;
	int			i;

	slot_getallattrs(oldslot);
	slot_getallattrs(newslot);

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		bool		same;

		if (att->attisdropped)
			continue;
		same = oldslot->tts_isnull[i] == newslot->tts_isnull[i] &&
			(oldslot->tts_isnull[i] ||
			 datum_image_eq(oldslot->tts_values[i], newslot->tts_values[i],
							att->attbyval, att->attlen));
		if (i == updated && !same)
			return false;
		if (!same)
			changed = true;
	}
	return changed;
}

/*
 * am.timestamps(): BEFORE INSERT OR UPDATE FOR EACH ROW trigger that keeps
 * the created and updated columns, see the file header.
 */
Datum
timestamps_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata;
	const TimestampsEntry *entry;
	TupleDesc	desc;
	HeapTuple	tuple;
	int			columns[2];
	Datum		values[2];
	bool		nulls[2] = {false, false};
	int			ncolumns = 0;

	timestamps_check_protocol(fcinfo);
	trigdata = (TriggerData *) fcinfo->context;

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
		tuple = trigdata->tg_trigtuple;
	else
		tuple = trigdata->tg_newtuple;

	if (!record_timestamps)
		return PointerGetDatum(tuple);

	entry = timestamps_entry(fcinfo, trigdata);
	desc = RelationGetDescr(trigdata->tg_relation);

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		/* fill what is NULL, keep what the statement gave */
		bool		fill_created = entry->created.attnum != InvalidAttrNumber &&
			heap_attisnull(tuple, entry->created.attnum, desc);
		bool		fill_updated = entry->updated.attnum != InvalidAttrNumber &&
			heap_attisnull(tuple, entry->updated.attnum, desc);
		TimestampTz now;

		if (!fill_created && !fill_updated)
			return PointerGetDatum(tuple);

		/* one reading for both columns: a new row has created = updated */
		now = timestamps_now();
		if (fill_created)
		{
			columns[ncolumns] = entry->created.attnum;
			values[ncolumns++] = timestamps_value(now, &entry->created);
		}
		if (fill_updated)
		{
			columns[ncolumns] = entry->updated.attnum;
			values[ncolumns++] = timestamps_value(now, &entry->updated);
		}
	}
	else
	{
		AttrNumber	attnum = entry->updated.attnum;
		HeapTuple	oldtuple = trigdata->tg_trigtuple;
		long		offset = -1;

		if (attnum == InvalidAttrNumber)
			return PointerGetDatum(tuple);

		if (HeapTupleHeaderGetNatts(oldtuple->t_data) == desc->natts &&
			HeapTupleHeaderGetNatts(tuple->t_data) == desc->natts)
		{
			if (!timestamps_walk_update(oldtuple, tuple, desc, attnum - 1, &offset))
				return PointerGetDatum(tuple);
		}
		else if (!timestamps_slots_update(trigdata, attnum - 1))
			return PointerGetDatum(tuple);

		values[0] = timestamps_value(timestamps_now(), &entry->updated);

		/*
		 * The column holds a value already: the new row is a copy of the
		 * statement's with those bytes replaced, which saves deforming and
		 * forming the tuple.
		 */
		if (offset >= 0)
		{
			Form_pg_attribute att = TupleDescAttr(desc, attnum - 1);
			HeapTuple	result = heap_copytuple(tuple);
			char	   *ptr = (char *) result->t_data + offset;

			if (att->attbyval)
				store_att_byval(ptr, values[0], att->attlen);
			else
				memcpy(ptr, DatumGetPointer(values[0]), att->attlen);
			return PointerGetDatum(result);
		}

		columns[ncolumns++] = attnum;
	}

	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, desc, ncolumns,
													 columns, values, nulls));
}
