--
-- The table and owner check of the functions that change a table on its
-- owner's behalf (src/table_check.c): am.add_typeid, am.add_timestamps and
-- am.remove_timestamps report each failure with the same SQLSTATE and
-- wording, name themselves in the hint, and lock the table they checked.
--
CREATE FUNCTION pg_temp.try(stmt text, OUT state text, OUT message text, OUT detail text,
							OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE stmt;
	state := '00000';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
							detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END
$$;

CREATE ROLE regress_tc_owner;
CREATE ROLE regress_tc_member IN ROLE regress_tc_owner;
CREATE ROLE regress_tc_noinherit NOINHERIT IN ROLE regress_tc_owner;
CREATE ROLE regress_tc_other;
CREATE TABLE tc_table (id text, title text);
ALTER TABLE tc_table OWNER TO regress_tc_owner;
GRANT ALL ON tc_table TO regress_tc_other, regress_tc_noinherit;
CREATE VIEW tc_view AS SELECT 'x'::text AS id;
CREATE SEQUENCE tc_sequence;
GRANT ALL ON SCHEMA public TO regress_tc_other;

-- what no one can do: a relation that does not exist, one that is not a
-- table, a NULL table (am.remove_timestamps is STRICT: NULL gives NULL)
SELECT stmt, r.*
FROM unnest(ARRAY[
	$$SELECT am.add_typeid(0::oid::regclass, 'x')$$,
	$$SELECT am.add_timestamps(0::oid::regclass)$$,
	$$SELECT am.remove_timestamps(0::oid::regclass)$$,
	$$SELECT am.add_typeid('tc_view', 'x')$$,
	$$SELECT am.add_timestamps('tc_view')$$,
	$$SELECT am.remove_timestamps('tc_view')$$,
	$$SELECT am.add_timestamps('tc_sequence')$$,
	$$SELECT am.add_typeid(NULL, 'x')$$,
	$$SELECT am.add_timestamps(NULL)$$,
	$$SELECT am.remove_timestamps(NULL)$$,
	$$SELECT am._check_owned_table('tc_table', NULL)$$
	]) WITH ORDINALITY AS t(stmt, n),
	pg_temp.try(stmt) AS r
ORDER BY n;

-- a role that does not own the table, even with every privilege on it, and
-- a member of the owning role that does not inherit its privileges
SET ROLE regress_tc_other;
SELECT stmt, r.*
FROM unnest(ARRAY[
	$$SELECT am.add_typeid('tc_table', 'x')$$,
	$$SELECT am.add_timestamps('tc_table')$$,
	$$SELECT am.remove_timestamps('tc_table')$$,
	$$SELECT am._check_owned_table('tc_table', 'my_function')$$
	]) WITH ORDINALITY AS t(stmt, n),
	pg_temp.try(stmt) AS r
ORDER BY n;
-- its own table is fine
CREATE TABLE tc_others (id integer);
SELECT am._check_owned_table('tc_others', 'my_function');
DROP TABLE tc_others;
SET ROLE regress_tc_noinherit;
SELECT * FROM pg_temp.try($$SELECT am.add_timestamps('tc_table')$$);
RESET ROLE;

-- the owner, a member that inherits the owning role's privileges, and a
-- superuser may
SET ROLE regress_tc_owner;
SELECT am.add_timestamps('tc_table', NULL, 'updated_at');
SET ROLE regress_tc_member;
SELECT am.remove_timestamps('tc_table');
RESET ROLE;
SELECT am.add_timestamps('tc_table', 'created_at', NULL);
SELECT am.remove_timestamps('tc_table');

--
-- The lock: SHARE ROW EXCLUSIVE on the table and every partition below it,
-- held to the end of the transaction.
--
CREATE TABLE tc_parted (region text, id integer) PARTITION BY LIST (region);
CREATE TABLE tc_parted_eu PARTITION OF tc_parted FOR VALUES IN ('eu');
CREATE TABLE tc_parted_us PARTITION OF tc_parted FOR VALUES IN ('us') PARTITION BY LIST (id);
CREATE TABLE tc_parted_us_1 PARTITION OF tc_parted_us FOR VALUES IN (1);
CREATE VIEW tc_my_locks AS
	SELECT c.relname, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
	WHERE l.pid = pg_backend_pid() AND c.relname LIKE 'tc\_%' AND c.relname <> 'tc_my_locks';
BEGIN;
SELECT am._check_owned_table('tc_parted', 'my_function');
SELECT * FROM tc_my_locks ORDER BY relname, mode;
ROLLBACK;
BEGIN;
SELECT am._check_owned_table('tc_parted_us_1', 'my_function');
SELECT * FROM tc_my_locks ORDER BY relname, mode;
ROLLBACK;

-- am.add_typeid holds it while it validates the existing values, before
-- ALTER TABLE takes its own lock
INSERT INTO tc_table (id) VALUES ('01h455vb4pex5vsknk084sn02q');
BEGIN;
SELECT am.add_typeid('tc_table', 'x');
SELECT * FROM tc_my_locks WHERE relname = 'tc_table' AND mode = 'ShareRowExclusiveLock';
ROLLBACK;

DROP VIEW tc_my_locks, tc_view;
DROP TABLE tc_table, tc_parted;
DROP SEQUENCE tc_sequence;
REVOKE ALL ON SCHEMA public FROM regress_tc_other;
DROP ROLE regress_tc_other, regress_tc_noinherit, regress_tc_member, regress_tc_owner;
