--
-- Timestamps mixin: am.timestamps(), am.add_timestamps(), am.remove_timestamps()
-- and the GUCs activemodel.record_timestamps and activemodel.timestamp_clock.
--

-- The GUCs before the module is loaded: this session has not called any
-- activemodel function yet, so SET makes placeholders.  Loading the module
-- keeps a valid placeholder value and reserves the prefix, which removes
-- misspelt settings with a warning and rejects them from then on.
SELECT count(*) AS module_loaded FROM pg_settings WHERE name = 'activemodel.timestamp_clock';
SET activemodel.timestamp_clock = 'statement';
SET activemodel.record_timestamp = off;
SHOW activemodel.timestamp_clock;
SELECT typeid_is_valid('');
SHOW activemodel.timestamp_clock;
SHOW activemodel.record_timestamps;
SHOW activemodel.record_timestamp;
SET activemodel.record_timestamp = off;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SET activemodel.timestamp_clock = 'sometimes';
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT name, setting, enumvals, boot_val, context FROM pg_settings
WHERE name IN ('activemodel.record_timestamps', 'activemodel.timestamp_clock') ORDER BY name;
RESET activemodel.timestamp_clock;

-- A placeholder set with SET LOCAL lasts until the end of the transaction,
-- also when the module is loaded inside it.
\c
BEGIN;
SET LOCAL activemodel.timestamp_clock = 'clock';
SELECT typeid_is_valid('');
SHOW activemodel.timestamp_clock;
COMMIT;
SHOW activemodel.timestamp_clock;

-- An invalid placeholder value is reported when the module is loaded, and
-- the default applies.
\c
SET activemodel.timestamp_clock = 'sometimes';
SELECT typeid_is_valid('');
SHOW activemodel.timestamp_clock;

-- the functions of the feature and their labels
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel, prosecdef
FROM pg_proc p
WHERE p.pronamespace = 'am'::regnamespace AND p.proname LIKE '%timestamp%'
ORDER BY p.oid::regprocedure::text;

--
-- The trigger, created by hand: INSERT fills NULL columns and keeps given
-- values; UPDATE sets updated_at when the row changed and the statement did
-- not set it; created_at is left as the statement leaves it.
--
CREATE TABLE ts_posts (
	id integer PRIMARY KEY,
	title text,
	created_at timestamptz,
	updated_at timestamptz
);
CREATE TRIGGER ts_posts_timestamps BEFORE INSERT OR UPDATE ON ts_posts
	FOR EACH ROW EXECUTE FUNCTION am.timestamps();

BEGIN;
INSERT INTO ts_posts (id, title) VALUES (1, 'one'), (2, 'two');
INSERT INTO ts_posts VALUES (3, 'given', '2020-01-01 00:00+00', '2020-01-02 00:00+00');
INSERT INTO ts_posts (id, title, updated_at) VALUES (4, 'updated given', '2020-01-02 00:00+00');
INSERT INTO ts_posts VALUES (5, 'explicit nulls', NULL, NULL);
SELECT id, created_at = now() AS created_now, updated_at = now() AS updated_now,
	   CASE WHEN created_at <> now() THEN created_at END AS created_given,
	   CASE WHEN updated_at <> now() THEN updated_at END AS updated_given
FROM ts_posts ORDER BY id;
COMMIT;

-- set all rows to known times, with the trigger switched off
SET activemodel.record_timestamps = off;
UPDATE ts_posts SET created_at = '2020-01-01 00:00+00', updated_at = '2020-01-02 00:00+00';
RESET activemodel.record_timestamps;
SELECT id, created_at, updated_at FROM ts_posts ORDER BY id;

BEGIN;
-- another column changes: updated_at = now(), created_at untouched
UPDATE ts_posts SET title = 'one, edited' WHERE id = 1;
-- no column changes: updated_at stays
UPDATE ts_posts SET title = title WHERE id = 2;
UPDATE ts_posts SET title = 'given' WHERE id = 3;
-- the statement sets updated_at: its value is kept
UPDATE ts_posts SET title = 'four, edited', updated_at = '2021-06-01 12:00+00' WHERE id = 4;
-- created_at is the statement's to change; the row changed, so updated_at too
UPDATE ts_posts SET created_at = '2019-01-01 00:00+00' WHERE id = 5;
SELECT id, title, created_at, updated_at = now() AS updated_now,
	   CASE WHEN updated_at <> now() THEN updated_at END AS updated_not_now
FROM ts_posts ORDER BY id;
ROLLBACK;

-- updated_at assigned its old value counts as not set (as in Rails, where an
-- assignment of the same value is no change): the row changed, so it moves
BEGIN;
UPDATE ts_posts SET title = 'one, again', updated_at = updated_at WHERE id = 1;
SELECT id, updated_at = now() AS updated_now FROM ts_posts WHERE id = 1;
ROLLBACK;

-- a NULL updated_at is set when the row changes, kept NULL when it does not
BEGIN;
SET LOCAL activemodel.record_timestamps = off;
UPDATE ts_posts SET updated_at = NULL WHERE id IN (1, 2);
RESET activemodel.record_timestamps;
UPDATE ts_posts SET title = 'one, once more' WHERE id = 1;
UPDATE ts_posts SET title = title WHERE id = 2;
SELECT id, updated_at = now() AS updated_now, updated_at IS NULL AS updated_null
FROM ts_posts WHERE id IN (1, 2) ORDER BY id;
-- the statement sets updated_at to NULL: kept
UPDATE ts_posts SET title = 'three', updated_at = NULL WHERE id = 3;
SELECT id, updated_at FROM ts_posts WHERE id = 3;
ROLLBACK;

-- an error in any row writes nothing
INSERT INTO ts_posts (id, title) VALUES (10, 'new'), (1, 'duplicate');
SELECT count(*) FROM ts_posts WHERE id = 10;

--
-- activemodel.record_timestamps
--
SET activemodel.record_timestamps = off;
INSERT INTO ts_posts (id, title) VALUES (20, 'not recorded');
UPDATE ts_posts SET title = 'one, not recorded' WHERE id = 1;
SELECT id, created_at, updated_at FROM ts_posts WHERE id IN (1, 20) ORDER BY id;
RESET activemodel.record_timestamps;

-- SET LOCAL: off for one transaction only
BEGIN;
SET LOCAL activemodel.record_timestamps = off;
UPDATE ts_posts SET title = 'two, not recorded' WHERE id = 2;
COMMIT;
SHOW activemodel.record_timestamps;
BEGIN;
UPDATE ts_posts SET title = 'two, recorded' WHERE id = 2;
SELECT id, updated_at = now() AS updated_now FROM ts_posts WHERE id IN (1, 2) ORDER BY id;
COMMIT;

--
-- activemodel.timestamp_clock: two UPDATEs in one transaction, 10 ms apart,
-- write the same time only with the transaction clock.
--
BEGIN;
SET LOCAL activemodel.timestamp_clock = 'transaction';
UPDATE ts_posts SET title = title || '.' WHERE id = 1;
SELECT pg_sleep(0.01);
UPDATE ts_posts SET title = title || '.' WHERE id IN (2, 3);
SELECT a.updated_at = b.updated_at AS same_time, a.updated_at = now() AS first_is_now
FROM ts_posts a, ts_posts b WHERE a.id = 1 AND b.id = 2;
SELECT count(DISTINCT updated_at) AS distinct_times FROM ts_posts WHERE id IN (2, 3);
COMMIT;

BEGIN;
SET LOCAL activemodel.timestamp_clock = 'statement';
UPDATE ts_posts SET title = title || '.' WHERE id = 1;
SELECT pg_sleep(0.01);
UPDATE ts_posts SET title = title || '.' WHERE id IN (2, 3);
SELECT a.updated_at = b.updated_at AS same_time, a.updated_at > now() AS first_after_now,
	   b.updated_at > a.updated_at AS second_later,
	   b.updated_at <= statement_timestamp() AS second_not_after_this_statement
FROM ts_posts a, ts_posts b WHERE a.id = 1 AND b.id = 2;
SELECT count(DISTINCT updated_at) AS distinct_times FROM ts_posts WHERE id IN (2, 3);
COMMIT;

BEGIN;
SET LOCAL activemodel.timestamp_clock = 'clock';
UPDATE ts_posts SET title = title || '.' WHERE id = 1;
SELECT pg_sleep(0.01);
UPDATE ts_posts SET title = title || '.' WHERE id = 2;
SELECT a.updated_at = b.updated_at AS same_time, a.updated_at > now() AS first_after_now,
	   b.updated_at - a.updated_at >= interval '10 ms' AS second_10ms_later
FROM ts_posts a, ts_posts b WHERE a.id = 1 AND b.id = 2;
-- and within one statement: each row reads the clock when it is written
-- (the WHERE clause sleeps 2 ms before each row)
UPDATE ts_posts SET title = title || '.'
WHERE id IN (2, 3) AND (SELECT true FROM pg_sleep(0.002) WHERE ts_posts.id > 0);
SELECT count(DISTINCT updated_at) AS distinct_times_in_one_statement,
	   min(updated_at) > statement_timestamp() - interval '1 hour' AS recent
FROM ts_posts WHERE id IN (2, 3);
COMMIT;

-- the clock is read once per row: a new row has created_at = updated_at
BEGIN;
SET LOCAL activemodel.timestamp_clock = 'clock';
INSERT INTO ts_posts (id, title) VALUES (30, 'clock');
SELECT created_at = updated_at AS same, created_at > now() AS after_now
FROM ts_posts WHERE id = 30;
ROLLBACK;
SHOW activemodel.timestamp_clock;

-- per session
SET activemodel.timestamp_clock = 'statement';
SHOW activemodel.timestamp_clock;
RESET activemodel.timestamp_clock;

--
-- timestamp without time zone: the session's local time, as now()::timestamp
--
CREATE TABLE ts_local (id integer, created_at timestamp, updated_at timestamp);
CREATE TRIGGER ts_local_timestamps BEFORE INSERT OR UPDATE ON ts_local
	FOR EACH ROW EXECUTE FUNCTION am.timestamps();
BEGIN;
SET LOCAL TimeZone = 'Asia/Tokyo';
INSERT INTO ts_local (id) VALUES (1);
SET LOCAL TimeZone = 'America/New_York';
INSERT INTO ts_local (id) VALUES (2);
UPDATE ts_local SET id = 3 WHERE id = 2;
SELECT id, created_at = (now() AT TIME ZONE 'Asia/Tokyo') AS tokyo,
	   created_at = (now() AT TIME ZONE 'America/New_York') AS new_york,
	   updated_at = now()::timestamp AS updated_local
FROM ts_local ORDER BY id;
COMMIT;

--
-- A column's precision is kept: the value is rounded as an assignment to
-- the column would round it, on INSERT and on both UPDATE paths (rows that
-- store every column, and rows read with a column added later).
--
CREATE TABLE ts_precise (id integer, title text, created_at timestamptz(0), updated_at timestamp(2));
CREATE TRIGGER ts_precise_timestamps BEFORE INSERT OR UPDATE ON ts_precise
	FOR EACH ROW EXECUTE FUNCTION am.timestamps();
CREATE FUNCTION pg_temp.ts_rounded(t timestamptz, digits integer) RETURNS boolean
LANGUAGE sql AS $$
	SELECT (extract(microseconds FROM t)::bigint % (10 ^ (6 - digits))::bigint) = 0
$$;
BEGIN;
SET LOCAL activemodel.timestamp_clock = 'clock';
INSERT INTO ts_precise (id) VALUES (1), (2);
SELECT id, pg_temp.ts_rounded(created_at, 0) AS created_whole_seconds,
	   pg_temp.ts_rounded(updated_at, 2) AS updated_centiseconds
FROM ts_precise ORDER BY id;
SET LOCAL activemodel.record_timestamps = off;
UPDATE ts_precise SET updated_at = '2020-01-01 00:00:00.25';
SET LOCAL activemodel.record_timestamps = on;
UPDATE ts_precise SET title = 'stored' WHERE id = 1;
ALTER TABLE ts_precise ADD COLUMN rating integer DEFAULT 1;
UPDATE ts_precise SET title = 'added later' WHERE id = 2;
SELECT id, title, updated_at > '2021-01-01' AS updated, pg_temp.ts_rounded(updated_at, 2) AS updated_centiseconds
FROM ts_precise ORDER BY id;
COMMIT;
DROP TABLE ts_precise;

--
-- Trigger arguments: column names, '' to leave one alone.
--
CREATE TABLE ts_named (id integer, title text, born timestamptz, touched timestamp);
CREATE TRIGGER ts_named_timestamps BEFORE INSERT OR UPDATE ON ts_named
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('born', 'touched');
CREATE TABLE ts_updated_only (id integer, created_at timestamptz, updated_at timestamptz);
CREATE TRIGGER ts_updated_only_timestamps BEFORE INSERT OR UPDATE ON ts_updated_only
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('', 'updated_at');
CREATE TABLE ts_created_only (id integer, created_at timestamptz, updated_at timestamptz);
CREATE TRIGGER ts_created_only_timestamps BEFORE INSERT OR UPDATE ON ts_created_only
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('created_at', '');
BEGIN;
INSERT INTO ts_named (id) VALUES (1);
INSERT INTO ts_updated_only (id) VALUES (1);
INSERT INTO ts_created_only (id) VALUES (1);
SELECT 'ts_named' AS t, born = now() AS created_now, touched = now()::timestamp AS updated_now FROM ts_named
UNION ALL
SELECT 'ts_updated_only', created_at IS NULL, updated_at = now() FROM ts_updated_only
UNION ALL
SELECT 'ts_created_only', created_at = now(), updated_at IS NULL FROM ts_created_only;
COMMIT;
BEGIN;
UPDATE ts_created_only SET id = 2;
SELECT updated_at IS NULL AS updated_null FROM ts_created_only;
COMMIT;

--
-- Misuse: each is reported when the trigger fires, with a hint.
--
CREATE TABLE ts_misuse (id integer, title text, created_at timestamptz, updated_at timestamptz,
						label text);
INSERT INTO ts_misuse (id) VALUES (1);

-- called directly, not as a trigger
SELECT am.timestamps();
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

CREATE TRIGGER ts_misuse_t AFTER INSERT ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps();
INSERT INTO ts_misuse (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

CREATE TRIGGER ts_misuse_t BEFORE INSERT ON ts_misuse
	FOR EACH STATEMENT EXECUTE FUNCTION am.timestamps();
INSERT INTO ts_misuse (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

CREATE TRIGGER ts_misuse_t BEFORE DELETE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps();
DELETE FROM ts_misuse;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

CREATE TRIGGER ts_misuse_t BEFORE TRUNCATE ON ts_misuse
	FOR EACH STATEMENT EXECUTE FUNCTION am.timestamps();
TRUNCATE ts_misuse;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

CREATE VIEW ts_misuse_v AS SELECT * FROM ts_misuse;
CREATE TRIGGER ts_misuse_t INSTEAD OF INSERT ON ts_misuse_v
	FOR EACH ROW EXECUTE FUNCTION am.timestamps();
INSERT INTO ts_misuse_v (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP VIEW ts_misuse_v;

-- wrong arguments
CREATE TRIGGER ts_misuse_t BEFORE INSERT OR UPDATE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('updated_at');
INSERT INTO ts_misuse (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

CREATE TRIGGER ts_misuse_t BEFORE INSERT OR UPDATE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('created_at', 'updated_at', 'deleted_at');
INSERT INTO ts_misuse (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

CREATE TRIGGER ts_misuse_t BEFORE INSERT OR UPDATE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('', '');
INSERT INTO ts_misuse (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

CREATE TRIGGER ts_misuse_t BEFORE INSERT OR UPDATE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('updated_at', 'updated_at');
INSERT INTO ts_misuse (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

-- a date column is not a timestamp column (it would lose the time)
ALTER TABLE ts_misuse ADD COLUMN on_day date;
CREATE TRIGGER ts_misuse_t BEFORE INSERT OR UPDATE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('created_at', 'on_day');
INSERT INTO ts_misuse (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;
ALTER TABLE ts_misuse DROP COLUMN on_day;

CREATE TRIGGER ts_misuse_t BEFORE INSERT OR UPDATE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('created_at', 'modified_at');
UPDATE ts_misuse SET id = 2;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

-- system columns are not columns the trigger can set
CREATE TRIGGER ts_misuse_t BEFORE INSERT OR UPDATE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('ctid', 'updated_at');
INSERT INTO ts_misuse (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

-- a column of another type
CREATE TRIGGER ts_misuse_t BEFORE INSERT OR UPDATE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('created_at', 'label');
INSERT INTO ts_misuse (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

CREATE DOMAIN ts_stamp AS timestamptz;
ALTER TABLE ts_misuse ADD COLUMN stamped ts_stamp;
CREATE TRIGGER ts_misuse_t BEFORE INSERT OR UPDATE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('stamped', '');
INSERT INTO ts_misuse (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER ts_misuse_t ON ts_misuse;

-- an error that is not about the first row: nothing is written
CREATE TRIGGER ts_misuse_t BEFORE INSERT OR UPDATE ON ts_misuse
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('created_at', 'label');
SET activemodel.record_timestamps = off;
INSERT INTO ts_misuse (id) VALUES (3);
RESET activemodel.record_timestamps;
UPDATE ts_misuse SET title = 'x';
SELECT id, title FROM ts_misuse ORDER BY id;
DROP TRIGGER ts_misuse_t ON ts_misuse;
DROP TABLE ts_misuse;
DROP DOMAIN ts_stamp;

--
-- ALTER TABLE after the trigger cached the columns.
--
CREATE TABLE ts_alter (id integer, title text, created_at timestamptz, updated_at timestamptz);
CREATE TRIGGER ts_alter_timestamps BEFORE INSERT OR UPDATE ON ts_alter
	FOR EACH ROW EXECUTE FUNCTION am.timestamps();
INSERT INTO ts_alter (id) VALUES (1);

-- a renamed column: the trigger names the old name, so it is not found
ALTER TABLE ts_alter RENAME COLUMN updated_at TO modified_at;
UPDATE ts_alter SET title = 'renamed';
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- renamed back, it is found again
ALTER TABLE ts_alter RENAME COLUMN modified_at TO updated_at;
BEGIN;
UPDATE ts_alter SET title = 'renamed back';
SELECT title, updated_at = now() AS updated_now FROM ts_alter;
COMMIT;

-- dropped: not found; added again: found at its new position
SELECT attnum FROM pg_attribute WHERE attrelid = 'ts_alter'::regclass AND attname = 'updated_at';
ALTER TABLE ts_alter DROP COLUMN updated_at;
INSERT INTO ts_alter (id) VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
ALTER TABLE ts_alter ADD COLUMN updated_at timestamptz;
SELECT attnum FROM pg_attribute WHERE attrelid = 'ts_alter'::regclass AND attname = 'updated_at';
BEGIN;
INSERT INTO ts_alter (id) VALUES (2);
SELECT id, created_at = now() AS created_now, updated_at = now() AS updated_now
FROM ts_alter ORDER BY id;
COMMIT;

-- the old rows still hold the dropped column's value, the new rows do not:
-- a dropped column is not a change
SET activemodel.record_timestamps = off;
UPDATE ts_alter SET updated_at = '2020-01-01 00:00+00';
RESET activemodel.record_timestamps;
UPDATE ts_alter SET title = title;
SELECT id, updated_at FROM ts_alter ORDER BY id;

-- another type: reported; timestamp without time zone: followed
ALTER TABLE ts_alter ALTER COLUMN updated_at TYPE text;
UPDATE ts_alter SET title = 'text';
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
ALTER TABLE ts_alter ALTER COLUMN updated_at TYPE timestamp USING NULL;
BEGIN;
UPDATE ts_alter SET title = 'local';
SELECT id, updated_at = now()::timestamp AS updated_local FROM ts_alter ORDER BY id;
COMMIT;

-- a column added with a default: old rows do not store it (the default is
-- read from the catalog), so comparing rows goes through the general path
ALTER TABLE ts_alter ALTER COLUMN updated_at TYPE timestamptz;
SET activemodel.record_timestamps = off;
UPDATE ts_alter SET updated_at = '2020-01-01 00:00+00';
RESET activemodel.record_timestamps;
ALTER TABLE ts_alter ADD COLUMN rating integer DEFAULT 5;
UPDATE ts_alter SET rating = 5 WHERE id = 1;
SELECT id, rating, updated_at FROM ts_alter ORDER BY id;
BEGIN;
UPDATE ts_alter SET rating = 6 WHERE id = 1;
SELECT id, rating, updated_at = now() AS updated_now FROM ts_alter ORDER BY id;
COMMIT;
DROP TABLE ts_alter;

--
-- Rows written before an ALTER TABLE, on both UPDATE paths: rows that store
-- every column of the table (compared tuple to tuple) and rows that lack a
-- column added later (compared through the slots, the added column read
-- from the catalog).
--
CREATE TABLE ts_old_rows (id integer, title text, gone text, created_at timestamptz,
						  updated_at timestamptz);
CREATE TRIGGER ts_old_rows_timestamps BEFORE INSERT OR UPDATE ON ts_old_rows
	FOR EACH ROW EXECUTE FUNCTION am.timestamps();
SET activemodel.record_timestamps = off;
INSERT INTO ts_old_rows
SELECT i, 'row ' || i, 'dropped value', '2020-01-01 00:00+00', '2020-01-01 00:00+00'
FROM generate_series(1, 4) i;
RESET activemodel.record_timestamps;

-- a dropped column still holds its value in the old rows, and an UPDATE
-- stores NULL in its place: that is no change
ALTER TABLE ts_old_rows DROP COLUMN gone;
UPDATE ts_old_rows SET title = title WHERE id = 1;
ALTER TABLE ts_old_rows ADD COLUMN rating integer DEFAULT 5;
UPDATE ts_old_rows SET title = title WHERE id = 2;
SELECT id, updated_at FROM ts_old_rows WHERE id IN (1, 2) ORDER BY id;

-- a row that lacks the added column: an updated_at the statement sets is
-- kept, with or without another change
UPDATE ts_old_rows SET title = 'three', updated_at = '2021-06-01 12:00+00' WHERE id = 3;
UPDATE ts_old_rows SET updated_at = '2021-06-01 12:00+00' WHERE id = 4;
SELECT id, title, rating, updated_at FROM ts_old_rows WHERE id IN (3, 4) ORDER BY id;
DROP TABLE ts_old_rows;

-- the updated column itself added later with a default, as am.add_timestamps
-- adds it: the old rows read it from the catalog
CREATE TABLE ts_late (id integer, title text);
INSERT INTO ts_late SELECT i, 'row ' || i FROM generate_series(1, 3) i;
ALTER TABLE ts_late ADD COLUMN updated_at timestamptz NOT NULL DEFAULT '2020-01-01 00:00+00';
CREATE TRIGGER ts_late_timestamps BEFORE INSERT OR UPDATE ON ts_late
	FOR EACH ROW EXECUTE FUNCTION am.timestamps('', 'updated_at');
BEGIN;
UPDATE ts_late SET title = 'one', updated_at = '2021-06-01 12:00+00' WHERE id = 1;
UPDATE ts_late SET title = 'two' WHERE id = 2;
UPDATE ts_late SET title = title WHERE id = 3;
SELECT id, title, CASE WHEN updated_at = now() THEN 'now' ELSE updated_at::text END AS updated_at
FROM ts_late ORDER BY id;
COMMIT;
DROP TABLE ts_late;

--
-- Changes are compared by value image, also for TOASTed and compressed
-- values: rewriting a value with its own contents is no change.
--
CREATE TABLE ts_toast (id integer, doc text, created_at timestamptz, updated_at timestamptz);
CREATE TRIGGER ts_toast_timestamps BEFORE INSERT OR UPDATE ON ts_toast
	FOR EACH ROW EXECUTE FUNCTION am.timestamps();
INSERT INTO ts_toast (id, doc)
SELECT 1, string_agg(md5(i::text), '') FROM generate_series(1, 400) i;	-- out of line
INSERT INTO ts_toast (id, doc) VALUES (2, repeat('compressible ', 400));	-- compressed inline
SELECT id, length(doc), pg_column_size(doc) < length(doc) AS compressed FROM ts_toast ORDER BY id;
SELECT pg_relation_size(reltoastrelid) > 0 AS toast_used FROM pg_class WHERE oid = 'ts_toast'::regclass;
SET activemodel.record_timestamps = off;
UPDATE ts_toast SET updated_at = '2020-01-01 00:00+00';
RESET activemodel.record_timestamps;
UPDATE ts_toast SET doc = doc;
SELECT id, updated_at FROM ts_toast ORDER BY id;
UPDATE ts_toast SET doc = doc || '';
SELECT id, updated_at FROM ts_toast ORDER BY id;
BEGIN;
UPDATE ts_toast SET doc = doc || '.' WHERE id = 1;
UPDATE ts_toast SET doc = '.' || doc WHERE id = 2;
SELECT id, updated_at = now() AS updated_now FROM ts_toast ORDER BY id;
COMMIT;
DROP TABLE ts_toast;

--
-- COPY FROM fires the trigger for every row.
--
CREATE TABLE ts_copy (id integer, title text, created_at timestamptz, updated_at timestamptz);
CREATE TRIGGER ts_copy_timestamps BEFORE INSERT OR UPDATE ON ts_copy
	FOR EACH ROW EXECUTE FUNCTION am.timestamps();
BEGIN;
COPY ts_copy (id, title) FROM stdin;
1	one
2	two
\.
COPY ts_copy FROM stdin;
3	three	2020-01-01 00:00:00+00	\N
\.
SELECT id, created_at = now() AS created_now, updated_at = now() AS updated_now,
	   CASE WHEN created_at <> now() THEN created_at END AS created_given
FROM ts_copy ORDER BY id;
COMMIT;
DROP TABLE ts_copy;

--
-- am.add_timestamps() and am.remove_timestamps()
--
CREATE FUNCTION pg_temp.ts_columns(tbl regclass)
RETURNS TABLE (col name, type text, not_null boolean, col_default text)
LANGUAGE sql AS $$
	SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
		   pg_get_expr(d.adbin, d.adrelid)
	FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
	WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
	ORDER BY a.attnum
$$;
CREATE FUNCTION pg_temp.ts_triggers(tbl regclass)
RETURNS TABLE (tgname name, definition text)
LANGUAGE sql AS $$
	SELECT t.tgname, pg_get_triggerdef(t.oid)
	FROM pg_trigger t WHERE t.tgrelid = tbl AND NOT t.tgisinternal
	ORDER BY t.tgname
$$;

CREATE TABLE ts_users (id integer PRIMARY KEY, name text);
INSERT INTO ts_users VALUES (1, 'old row');
BEGIN;
SELECT am.add_timestamps('ts_users');
-- existing rows get the time the columns were added
SELECT id, created_at = now() AS created_now, updated_at = now() AS updated_now FROM ts_users;
COMMIT;
SELECT * FROM pg_temp.ts_columns('ts_users');
SELECT * FROM pg_temp.ts_triggers('ts_users');

-- idempotent: a second call changes nothing and says nothing
SELECT am.add_timestamps('ts_users');
SELECT * FROM pg_temp.ts_columns('ts_users');
SELECT * FROM pg_temp.ts_triggers('ts_users');

BEGIN;
INSERT INTO ts_users (id, name) VALUES (2, 'new row');
UPDATE ts_users SET name = 'old row, edited' WHERE id = 1;
SELECT id, created_at = now() AS created_now, updated_at = now() AS updated_now
FROM ts_users ORDER BY id;
COMMIT;

-- other column names replace the trigger; existing columns of either
-- timestamp type are reused as they are
ALTER TABLE ts_users ADD COLUMN signed_up timestamp;
SELECT am.add_timestamps('ts_users', 'signed_up', 'seen_at');
SELECT * FROM pg_temp.ts_columns('ts_users');
SELECT * FROM pg_temp.ts_triggers('ts_users');
-- this session's trigger cache follows the replaced arguments
BEGIN;
INSERT INTO ts_users (id, name, created_at, updated_at)
VALUES (3, 'third', '2020-01-01 00:00+00', '2020-01-01 00:00+00');
UPDATE ts_users SET name = 'third, edited' WHERE id = 3;
SELECT id, signed_up = now()::timestamp AS signed_up_now, seen_at = now() AS seen_now,
	   created_at, updated_at
FROM ts_users WHERE id = 3;
ROLLBACK;

-- NULL (or '') leaves a column out
SELECT am.add_timestamps('ts_users', NULL, 'updated_at');
SELECT * FROM pg_temp.ts_triggers('ts_users');
SELECT am.add_timestamps('ts_users', 'created_at', '');
SELECT * FROM pg_temp.ts_triggers('ts_users');

-- names that need quoting
CREATE TABLE "ts Odd ""Name""" (id integer);
SELECT am.add_timestamps('"ts Odd ""Name"""', 'Created At', 'up"dated');
SELECT * FROM pg_temp.ts_columns('"ts Odd ""Name"""');
SELECT * FROM pg_temp.ts_triggers('"ts Odd ""Name"""');
BEGIN;
INSERT INTO "ts Odd ""Name""" (id) VALUES (1);
UPDATE "ts Odd ""Name""" SET id = 2;
SELECT id, "Created At" = now() AS created_now, "up""dated" = now() AS updated_now
FROM "ts Odd ""Name""";
COMMIT;
DROP TABLE "ts Odd ""Name""";

-- errors
SELECT am.add_timestamps('ts_users', NULL, NULL);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.add_timestamps('ts_users', 'stamp', 'stamp');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.add_timestamps('ts_users', 'created_at', 'name');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.add_timestamps(NULL);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE VIEW ts_users_v AS SELECT * FROM ts_users;
SELECT am.add_timestamps('ts_users_v');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP VIEW ts_users_v;
-- nothing changed by the failed calls
SELECT * FROM pg_temp.ts_triggers('ts_users');

-- remove_timestamps drops the trigger and keeps the columns
SELECT am.remove_timestamps('ts_users');
SELECT am.remove_timestamps('ts_users');
SELECT * FROM pg_temp.ts_triggers('ts_users');
SELECT col FROM pg_temp.ts_columns('ts_users');
-- a trigger of that name that is not am.timestamps() is not touched
CREATE FUNCTION pg_temp.ts_noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER am_timestamps BEFORE INSERT ON ts_users FOR EACH ROW EXECUTE FUNCTION pg_temp.ts_noop();
SELECT am.remove_timestamps('ts_users');
DROP TRIGGER am_timestamps ON ts_users;

--
-- The columns am.add_timestamps adds default to am.timestamp_now(), which
-- reads the clock activemodel.timestamp_clock selects: an INSERT follows the
-- setting, also for the columns it leaves out.  The existing rows get the
-- time the columns were added, from the catalog, without a table rewrite.
--
CREATE TABLE ts_clocked (id integer, title text);
INSERT INTO ts_clocked VALUES (0, 'before the columns');
SELECT relfilenode AS filenode_before FROM pg_class WHERE oid = 'ts_clocked'::regclass \gset
BEGIN;
SELECT am.add_timestamps('ts_clocked');
SELECT id, created_at = now() AS created_now, updated_at = now() AS updated_now FROM ts_clocked;
COMMIT;
SELECT relfilenode = :filenode_before AS not_rewritten,
	   (SELECT count(*) FROM pg_attribute WHERE attrelid = 'ts_clocked'::regclass AND atthasmissing)
	   AS read_from_catalog
FROM pg_class WHERE oid = 'ts_clocked'::regclass;
SELECT * FROM pg_temp.ts_columns('ts_clocked');

-- the function alone: transaction, statement, clock (one reading per row)
BEGIN;
SELECT pg_sleep(0.01);
SELECT am.timestamp_now() = now() AS transaction_is_now;
SET LOCAL activemodel.timestamp_clock = 'statement';
SELECT am.timestamp_now() = statement_timestamp() AS statement_is_statement,
	   am.timestamp_now() > now() AS after_now;
SET LOCAL activemodel.timestamp_clock = 'clock';
SELECT a = b AS one_reading_per_row, a > statement_timestamp() AS after_statement_start
FROM (SELECT am.timestamp_now() AS a, pg_sleep(0.002) AS pause, am.timestamp_now() AS b) s;
SELECT count(DISTINCT t) AS distinct_rows
FROM (SELECT am.timestamp_now() AS t FROM generate_series(1, 3) g
	  WHERE pg_sleep(0.002) IS NOT NULL) s;
COMMIT;

-- transaction: every row of the transaction gets now()
BEGIN;
SET LOCAL activemodel.timestamp_clock = 'transaction';
INSERT INTO ts_clocked (id) VALUES (1);
SELECT pg_sleep(0.01);
INSERT INTO ts_clocked (id) VALUES (2), (3);
SELECT id, created_at = now() AS created_now, updated_at = created_at AS updated_same
FROM ts_clocked WHERE id > 0 ORDER BY id;
COMMIT;

-- statement: the rows of one statement share its start
BEGIN;
SET LOCAL activemodel.timestamp_clock = 'statement';
INSERT INTO ts_clocked (id) VALUES (4);
SELECT pg_sleep(0.01);
INSERT INTO ts_clocked (id) VALUES (5), (6);
SELECT a.created_at > now() AS first_after_now, b.created_at > a.created_at AS second_later,
	   b.created_at = c.created_at AS same_statement_same_time,
	   a.updated_at = a.created_at AND b.updated_at = b.created_at AS updated_same
FROM ts_clocked a, ts_clocked b, ts_clocked c WHERE a.id = 4 AND b.id = 5 AND c.id = 6;
COMMIT;

-- clock: each row its own time, created_at = updated_at within a row, from
-- INSERT ... SELECT, multi-row VALUES and COPY alike
BEGIN;
SET LOCAL activemodel.timestamp_clock = 'clock';
INSERT INTO ts_clocked (id) SELECT g FROM generate_series(7, 9) g WHERE pg_sleep(0.002) IS NOT NULL;
INSERT INTO ts_clocked (id) VALUES (10), (11);
COPY ts_clocked (id) FROM stdin;
12
13
\.
SELECT count(DISTINCT created_at) FILTER (WHERE id BETWEEN 7 AND 9) AS distinct_times,
	   bool_and(created_at = updated_at) AS updated_same, bool_and(created_at > now()) AS after_now
FROM ts_clocked WHERE id BETWEEN 7 AND 13;
COMMIT;
-- the same reading also when the row takes time between the two defaults
CREATE TABLE ts_slow (id integer, created_at timestamptz DEFAULT am.timestamp_now(),
					  pause text DEFAULT pg_sleep(0.002)::text,
					  updated_at timestamptz DEFAULT am.timestamp_now());
SET activemodel.timestamp_clock = 'clock';
INSERT INTO ts_slow (id) VALUES (1), (2);
COPY ts_slow (id) FROM stdin;
3
\.
RESET activemodel.timestamp_clock;
SELECT count(DISTINCT created_at) AS distinct_times, bool_and(created_at = updated_at) AS updated_same
FROM ts_slow;
DROP TABLE ts_slow;

-- the defaults apply with the trigger off too, and to a column left out
-- when the other is given; an explicit NULL is the trigger's to fill
BEGIN;
SET LOCAL activemodel.timestamp_clock = 'statement';
SET LOCAL activemodel.record_timestamps = off;
INSERT INTO ts_clocked (id) VALUES (14);
SET LOCAL activemodel.record_timestamps = on;
INSERT INTO ts_clocked (id, created_at) VALUES (15, '2020-01-01 00:00+00');
INSERT INTO ts_clocked (id, created_at) VALUES (16, NULL);
SELECT id, created_at > now() AS created_statement,
	   CASE WHEN created_at < now() THEN created_at END AS created_given,
	   updated_at > now() AS updated_statement
FROM ts_clocked WHERE id BETWEEN 14 AND 16 ORDER BY id;
COMMIT;
DROP TABLE ts_clocked;

-- Columns that exist already keep their default, except now(), the one
-- that am.add_timestamps of version 1.0 gave: it is switched, so calling
-- am.add_timestamps again brings such a table to the clock setting.
CREATE TABLE ts_older (id integer, created_at timestamptz NOT NULL DEFAULT now(),
					   updated_at timestamp DEFAULT now(), seen_at timestamptz DEFAULT clock_timestamp(),
					   done_at timestamptz);
SELECT am.add_timestamps('ts_older');
SELECT am.add_timestamps('ts_older', 'seen_at', 'done_at');
SELECT * FROM pg_temp.ts_columns('ts_older');
DROP TABLE ts_older;

--
-- With lifecycle hooks: before_* hooks run first (trigger am_hooks_before
-- sorts before am_timestamps), as Rails runs before_save callbacks before it
-- sets the timestamps, so a change a hook makes counts as a change.
--
CREATE TABLE ts_hooked (id integer, title text, slug text);
SELECT am.add_timestamps('ts_hooked');
CREATE FUNCTION ts_slug(new ts_hooked) RETURNS ts_hooked LANGUAGE plpgsql AS $$
BEGIN
	new.slug := lower(new.title);
	RETURN new;
END
$$;
SET activemodel.record_timestamps = off;
INSERT INTO ts_hooked VALUES (1, 'Hello', NULL, '2020-01-01 00:00+00', '2020-01-01 00:00+00');
RESET activemodel.record_timestamps;
SELECT am.add_hook('ts_hooked', 'before_save', 'ts_slug(ts_hooked)');
SELECT tgname FROM pg_trigger WHERE tgrelid = 'ts_hooked'::regclass AND tgname LIKE 'am\_%' ORDER BY tgname;
BEGIN;
UPDATE ts_hooked SET title = title;
SELECT slug, updated_at = now() AS updated_now FROM ts_hooked;
COMMIT;
SELECT am.remove_hook('ts_hooked', 'before_save', 'ts_slug(ts_hooked)');
DROP FUNCTION ts_slug(ts_hooked);
DROP TABLE ts_hooked;

--
-- Partitioned tables: the trigger is cloned onto every partition, whose
-- columns may sit at other positions.
--
CREATE TABLE ts_events (region text, id integer, payload text) PARTITION BY LIST (region);
CREATE TABLE ts_events_eu PARTITION OF ts_events FOR VALUES IN ('eu');
SELECT am.add_timestamps('ts_events');
-- a partition made separately, its columns in another order, then attached
CREATE TABLE ts_events_us (updated_at timestamptz NOT NULL DEFAULT now(), payload text,
						   created_at timestamptz NOT NULL DEFAULT now(), id integer, region text);
ALTER TABLE ts_events ATTACH PARTITION ts_events_us FOR VALUES IN ('us');
SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) AS definition
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relname LIKE 'ts_events%' ORDER BY c.relname;

SET activemodel.record_timestamps = off;
INSERT INTO ts_events VALUES ('eu', 1, 'a', '2020-01-01 00:00+00', '2020-01-01 00:00+00'),
							 ('us', 2, 'b', '2020-01-01 00:00+00', '2020-01-01 00:00+00');
RESET activemodel.record_timestamps;
BEGIN;
INSERT INTO ts_events (region, id, payload, created_at, updated_at)
VALUES ('eu', 3, 'c', NULL, NULL), ('us', 4, 'd', NULL, NULL);
UPDATE ts_events SET payload = 'b, edited' WHERE id = 2;
UPDATE ts_events SET payload = payload WHERE id = 1;
-- a row moving to another partition keeps the time its UPDATE gave it
SET LOCAL activemodel.timestamp_clock = 'statement';
UPDATE ts_events SET region = 'us' WHERE id = 3;
SELECT tableoid::regclass AS partition, id, created_at = now() AS created_now,
	   updated_at = now() AS updated_now, updated_at > now() AS updated_later,
	   updated_at = '2020-01-01 00:00+00' AS untouched
FROM ts_events ORDER BY id;
COMMIT;
SELECT am.remove_timestamps('ts_events');
SELECT count(*) AS triggers_left FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relname LIKE 'ts_events%';
DROP TABLE ts_events;

--
-- Only the owner (or a member of the owning role, or a superuser) may add
-- or remove timestamps.
--
CREATE ROLE regress_ts_owner;
CREATE ROLE regress_ts_member IN ROLE regress_ts_owner;
CREATE ROLE regress_ts_other;
CREATE TABLE ts_owned (id integer);
ALTER TABLE ts_owned OWNER TO regress_ts_owner;
GRANT ALL ON ts_owned TO regress_ts_other;
SET ROLE regress_ts_other;
SELECT am.add_timestamps('ts_owned');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;
SELECT am.add_timestamps('ts_owned');
SET ROLE regress_ts_other;
SELECT am.remove_timestamps('ts_owned');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- the trigger itself needs no privilege: it runs for whoever writes
BEGIN;
INSERT INTO ts_owned (id) VALUES (1);
SELECT id, created_at = now() AS created_now FROM ts_owned;
COMMIT;
SET ROLE regress_ts_member;
SELECT am.remove_timestamps('ts_owned');
SELECT am.add_timestamps('ts_owned', 'created_at', NULL);
SET ROLE regress_ts_owner;
SELECT * FROM pg_temp.ts_triggers('ts_owned');
RESET ROLE;
DROP TABLE ts_owned;
DROP ROLE regress_ts_other;
DROP ROLE regress_ts_member;
DROP ROLE regress_ts_owner;

DROP TABLE ts_posts, ts_local, ts_named, ts_updated_only, ts_created_only, ts_users;
