/*-------------------------------------------------------------------------
 *
 * table_check.h
 *	  The check that every function changing a table on its owner's behalf
 *	  makes first: the table exists, is a table, and the caller owns it.
 *
 * IDENTIFICATION
 *	  src/table_check.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef TABLE_CHECK_H
#define TABLE_CHECK_H

/*
 * Raise the error of the first check relid fails: it names no relation
 * (42P01), one that is not a table or partitioned table (42809), or a table
 * the current user does not own (42501, "must be owner of table %s", with a
 * hint naming caller, an SQL function name such as "am.add_timestamps").
 * With lock, then take ShareRowExclusiveLock on the table and every
 * partition below it, and check again, since the table may have been
 * dropped or given away while we waited.  Non-owners never wait for or
 * hold the lock.
 */
extern void am_check_owned_table(Oid relid, const char *caller, bool lock);

#endif							/* TABLE_CHECK_H */
