--
-- Lifecycle hooks: am.add_hook, am.remove_hook, am.hooks and the dispatch
-- triggers.  A log table records every hook call.
--

CREATE TABLE hk_users (id int PRIMARY KEY, name text, email text, updated_at timestamptz);
CREATE TABLE hk_log (n serial, fn text, event text, op text, new text, old text);

-- One logging hook per signature: before hooks return the row, after hooks
-- return nothing.  am.hook_event() and am.hook_operation() say what fired.
CREATE FUNCTION hk_before(new hk_users, old hk_users) RETURNS hk_users
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO hk_log (fn, event, op, new, old)
	VALUES ('hk_before', am.hook_event(), am.hook_operation(), new::text, old::text);
	RETURN new;
END
$$;
CREATE FUNCTION hk_after(new hk_users, old hk_users) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO hk_log (fn, event, op, new, old)
	VALUES ('hk_after', am.hook_event(), am.hook_operation(), new::text, old::text);
END
$$;
CREATE VIEW hk_calls AS SELECT fn, event, op, new, old FROM hk_log ORDER BY n;

-- the functions of the feature and their labels
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel, prosecdef
FROM pg_proc p
WHERE p.pronamespace = 'am'::regnamespace AND (p.proname LIKE '%hook%')
ORDER BY p.oid::regprocedure::text;

-- no hooks, no triggers
SELECT count(*) FROM pg_trigger WHERE tgrelid = 'hk_users'::regclass;

-- register every event; the view lists them in the order they run
SELECT am.add_hook('hk_users', e, 'hk_before(hk_users, hk_users)')
FROM unnest(ARRAY['before_save', 'before_create', 'before_update', 'before_destroy']) AS e;
SELECT am.add_hook('hk_users', e, 'hk_after(hk_users, hk_users)')
FROM unnest(ARRAY['after_commit', 'after_create', 'after_update', 'after_save', 'after_destroy',
				  'after_create_commit', 'after_update_commit', 'after_destroy_commit']) AS e;
SELECT * FROM am.hooks;

-- one trigger per timing, named so that a BEFORE trigger am_timestamps runs
-- after the before hooks
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
WHERE tgrelid = 'hk_users'::regclass ORDER BY tgname;

--
-- Order, as Rails: create, update, destroy; the *_commit events at COMMIT
-- (here the end of each autocommitted statement), the specific one first.
--
INSERT INTO hk_users (id, name, email) VALUES (1, 'Ann', 'ann@example.com');
SELECT * FROM hk_calls;
TRUNCATE hk_log;
UPDATE hk_users SET name = 'Anna' WHERE id = 1;
SELECT * FROM hk_calls;
TRUNCATE hk_log;
DELETE FROM hk_users WHERE id = 1;
SELECT * FROM hk_calls;
TRUNCATE hk_log;

-- commit hooks wait for COMMIT, after every statement of the transaction
BEGIN;
INSERT INTO hk_users (id, name) VALUES (2, 'Bob');
UPDATE hk_users SET name = 'Bobby' WHERE id = 2;
SELECT event, op FROM hk_calls WHERE event LIKE '%commit';
COMMIT;
SELECT event, op, new FROM hk_calls WHERE event LIKE '%commit';
TRUNCATE hk_log;

-- ... and never come after ROLLBACK
BEGIN;
INSERT INTO hk_users (id, name) VALUES (3, 'Cy');
ROLLBACK;
SELECT count(*) FROM hk_log;

-- back to the hooks under test
SELECT am.remove_hook('hk_users', event, "function")
FROM am.hooks WHERE "table" = 'hk_users'::regclass;
SELECT count(*) FROM pg_trigger WHERE tgrelid = 'hk_users'::regclass;
DELETE FROM hk_users;

--
-- Within an event: priority, then function name.
--
CREATE FUNCTION hk_named(new hk_users, fn text) RETURNS hk_users
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO hk_log (fn, event, op, new) VALUES (fn, am.hook_event(), am.hook_operation(), new::text);
	RETURN new;
END
$$;
CREATE FUNCTION hk_b(new hk_users) RETURNS hk_users LANGUAGE sql AS $$ SELECT hk_named(new, 'hk_b') $$;
CREATE FUNCTION hk_a(new hk_users) RETURNS hk_users LANGUAGE sql AS $$ SELECT hk_named(new, 'hk_a') $$;
CREATE FUNCTION hk_z(new hk_users) RETURNS hk_users LANGUAGE sql AS $$ SELECT hk_named(new, 'hk_z') $$;
CREATE FUNCTION hk_late(new hk_users) RETURNS hk_users LANGUAGE sql AS $$ SELECT hk_named(new, 'hk_late') $$;
SELECT am.add_hook('hk_users', 'before_save', 'hk_b(hk_users)');
SELECT am.add_hook('hk_users', 'before_save', 'hk_a(hk_users)');
SELECT am.add_hook('hk_users', 'before_save', 'hk_z(hk_users)', priority => 10);
SELECT am.add_hook('hk_users', 'before_create', 'hk_late(hk_users)', priority => -5);
SELECT * FROM am.hooks WHERE "table" = 'hk_users'::regclass;
INSERT INTO hk_users (id, name) VALUES (1, 'Ann');
SELECT fn, event FROM hk_calls;
TRUNCATE hk_log;

--
-- A before hook's row goes to the next hook and to the write; after hooks
-- see what was written.
--
CREATE FUNCTION hk_lower_email(new hk_users) RETURNS hk_users
LANGUAGE plpgsql AS $$
BEGIN
	new.email := lower(new.email);
	RETURN new;
END
$$;
SELECT am.add_hook('hk_users', 'before_save', 'hk_lower_email(hk_users)', priority => 0);
SELECT am.add_hook('hk_users', 'after_save', 'hk_after(hk_users, hk_users)');
INSERT INTO hk_users (id, name, email) VALUES (2, 'Bob', 'BOB@Example.COM');
UPDATE hk_users SET email = 'Robert@Example.COM' WHERE id = 2;
SELECT * FROM hk_users ORDER BY id;
SELECT fn, event, new FROM hk_calls;
TRUNCATE hk_log;

--
-- NULL from a before hook skips the row: no later hook, no write, no after
-- hook.  The other rows of the statement go on.
--
CREATE FUNCTION hk_skip_nobody(new hk_users) RETURNS hk_users
LANGUAGE plpgsql AS $$
BEGIN
	IF new.name = 'nobody' THEN
		RETURN NULL;
	END IF;
	RETURN new;
END
$$;
SELECT am.add_hook('hk_users', 'before_save', 'hk_skip_nobody(hk_users)', priority => 5);
INSERT INTO hk_users (id, name) VALUES (3, 'nobody'), (4, 'Dee');
SELECT id, name FROM hk_users ORDER BY id;
SELECT fn, event, new FROM hk_calls;
TRUNCATE hk_log;
UPDATE hk_users SET name = 'nobody' WHERE id = 4;
SELECT id, name FROM hk_users ORDER BY id;
TRUNCATE hk_log;

--
-- Raising in a hook aborts the statement with the hook's error: nothing is
-- written, not even by the hooks that ran before.
--
CREATE FUNCTION hk_boom(new hk_users) RETURNS hk_users
LANGUAGE plpgsql AS $$
BEGIN
	IF new.name = 'boom' THEN
		RAISE EXCEPTION 'no boom allowed' USING ERRCODE = 'check_violation', HINT = 'Pick another name.';
	END IF;
	RETURN new;
END
$$;
SELECT am.add_hook('hk_users', 'before_create', 'hk_boom(hk_users)');
INSERT INTO hk_users (id, name) VALUES (5, 'Eve'), (6, 'boom');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id, name FROM hk_users ORDER BY id;
SELECT count(*) FROM hk_log;
-- an error in an after hook aborts the statement too
CREATE FUNCTION hk_after_boom(new hk_users) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'after_save failed for %', new.name;
END
$$;
SELECT am.add_hook('hk_users', 'after_save', 'hk_after_boom(hk_users)');
UPDATE hk_users SET name = 'Ann B.' WHERE id = 1;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id, name FROM hk_users ORDER BY id;
SELECT am.remove_hook('hk_users', 'after_save', 'hk_after_boom(hk_users)');
TRUNCATE hk_log;

--
-- activemodel.hooks = off skips every hook, as Rails' skipping methods do.
--
SET activemodel.hooks = off;
INSERT INTO hk_users (id, name, email) VALUES (7, 'nobody', 'UPPER@CASE');
SELECT id, name, email FROM hk_users WHERE id = 7;
SELECT count(*) FROM hk_log;
RESET activemodel.hooks;
SHOW activemodel.hooks;
-- after and commit hooks follow the setting at the time of the write
SELECT am.add_hook('hk_users', 'after_commit', 'hk_after(hk_users, hk_users)');
BEGIN;
UPDATE hk_users SET name = 'written with hooks' WHERE id = 7;
SET LOCAL activemodel.hooks = off;
UPDATE hk_users SET name = 'written without hooks' WHERE id = 2;
COMMIT;
SELECT fn, event, new FROM hk_calls;
TRUNCATE hk_log;
-- an error in a commit hook makes COMMIT fail: the transaction rolls back
CREATE FUNCTION hk_commit_boom(new hk_users) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF new.name = 'doomed' THEN
		RAISE EXCEPTION 'cannot commit %', new.name USING ERRCODE = 'integrity_constraint_violation';
	END IF;
END
$$;
SELECT am.add_hook('hk_users', 'after_update_commit', 'hk_commit_boom(hk_users)');
BEGIN;
UPDATE hk_users SET name = 'doomed' WHERE id = 4;
SELECT name FROM hk_users WHERE id = 4;
COMMIT;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT name FROM hk_users WHERE id = 4;
SELECT count(*) FROM hk_log;
SELECT am.remove_hook('hk_users', 'after_update_commit', 'hk_commit_boom(hk_users)');

-- Commit hooks are a deferred constraint trigger, so they run where
-- PostgreSQL runs deferred triggers.  SET CONSTRAINTS ... IMMEDIATE runs the
-- pending ones at once, and later ones at the end of their statement; a
-- ROLLBACK then undoes what they wrote (but not what they did outside the
-- database).  PostgreSQL 15 offers an extension no other way to run code at
-- COMMIT: see "Lifecycle hooks" in the README.  Pinned here so that a
-- change shows.
TRUNCATE hk_log;
BEGIN;
UPDATE hk_users SET name = 'early' WHERE id = 7;
SELECT count(*) FROM hk_log WHERE event = 'after_commit';
SET CONSTRAINTS ALL IMMEDIATE;
SELECT event, op, new FROM hk_calls WHERE event = 'after_commit';
UPDATE hk_users SET name = 'earlier' WHERE id = 7;
SELECT event, op, new FROM hk_calls WHERE event = 'after_commit';
ROLLBACK;
SELECT count(*) FROM hk_log;
-- naming the dispatch trigger's constraint does the same
BEGIN;
UPDATE hk_users SET name = 'early' WHERE id = 7;
SET CONSTRAINTS am_hooks_commit IMMEDIATE;
SELECT event, op, new FROM hk_calls WHERE event = 'after_commit';
ROLLBACK;

--
-- Registration errors: each with its SQLSTATE and a hint.
--
CREATE FUNCTION pg_temp.try(stmt text, OUT state text, OUT message text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE stmt;
	state := '00000';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
							hint = PG_EXCEPTION_HINT;
END
$$;

-- an unknown event lists the valid ones
SELECT am.add_hook('hk_users', 'before_commit', 'hk_a(hk_users)');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- a hook takes (row) or (row, row) of the table
CREATE FUNCTION hk_wrong_args(n integer) RETURNS void LANGUAGE sql AS $$ SELECT $$;
SELECT am.add_hook('hk_users', 'after_create', 'hk_wrong_args(integer)');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- a before hook returns the row
SELECT am.add_hook('hk_users', 'before_save', 'hk_after(hk_users, hk_users)');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

CREATE TABLE hk_other (id int);
CREATE FUNCTION hk_other_row(new hk_other) RETURNS hk_other LANGUAGE sql AS $$ SELECT new $$;
CREATE FUNCTION hk_three(a hk_users, b hk_users, c hk_users) RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE FUNCTION hk_set(new hk_users) RETURNS SETOF hk_users LANGUAGE sql AS $$ SELECT new $$;
CREATE FUNCTION hk_strict(new hk_users, old hk_users) RETURNS hk_users
	LANGUAGE sql STRICT AS $$ SELECT new $$;
CREATE PROCEDURE hk_proc(new hk_users) LANGUAGE sql AS $$ SELECT $$;
CREATE FUNCTION pg_temp.hk_temp(new hk_users) RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE VIEW hk_view AS SELECT * FROM hk_users;
CREATE TEMP TABLE hk_temp_table (id int);
CREATE FUNCTION hk_temp_row(new hk_temp_table) RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE FUNCTION hk_private(new hk_users) RETURNS void LANGUAGE sql AS $$ SELECT $$;

SELECT stmt, r.*
FROM unnest(ARRAY[
	$$SELECT am.add_hook('hk_users', 'on_save', 'hk_a(hk_users)')$$,
	$$SELECT am.add_hook('hk_users', 'Before_Save', 'hk_a(hk_users)')$$,
	$$SELECT am.add_hook('hk_users', 'before_save', 'hk_other_row(hk_other)')$$,
	$$SELECT am.add_hook('hk_users', 'after_save', 'hk_three(hk_users, hk_users, hk_users)')$$,
	$$SELECT am.add_hook('hk_users', 'after_save', 'hk_set(hk_users)')$$,
	$$SELECT am.add_hook('hk_users', 'before_save', 'hk_strict(hk_users, hk_users)')$$,
	$$SELECT am.add_hook('hk_users', 'after_commit', 'hk_strict(hk_users, hk_users)')$$,
	$$SELECT am.add_hook('hk_users', 'after_create', 'hk_proc(hk_users)')$$,
	$$SELECT am.add_hook('hk_users', 'after_create', 'pg_temp.hk_temp(hk_users)')$$,
	$$SELECT am.add_hook('hk_view', 'after_create', 'hk_private(hk_users)')$$,
	$$SELECT am.add_hook('hk_temp_table', 'after_create', 'hk_temp_row(hk_temp_table)')$$,
	$$SELECT am.add_hook('hk_users', 'before_save', 'hk_a(hk_users)')$$,
	$$SELECT am.add_hook('hk_users', NULL, 'hk_a(hk_users)')$$,
	$$SELECT am.add_hook('hk_users', 'before_save', 'hk_a(hk_users)', NULL)$$,
	$$SELECT am.remove_hook('hk_users', 'after_everything', 'hk_a(hk_users)')$$
	]) WITH ORDINALITY AS t(stmt, n),
	pg_temp.try(stmt) AS r
ORDER BY n;

-- a STRICT hook of (new, old) is fine where the old row always exists
SELECT am.add_hook('hk_users', 'before_update', 'hk_strict(hk_users, hk_users)');
SELECT am.remove_hook('hk_users', 'before_update', 'hk_strict(hk_users, hk_users)');
-- a function made STRICT after it became a (new, old) before_save hook is
-- not called for a new row (with no old row it would return NULL, which
-- skips the write); updates still call it
CREATE TABLE hk_strictly (id int, note text);
CREATE FUNCTION hk_later_strict(new hk_strictly, old hk_strictly) RETURNS hk_strictly
	LANGUAGE plpgsql AS $$ BEGIN new.note := 'hooked'; RETURN new; END $$;
SELECT am.add_hook('hk_strictly', 'before_save', 'hk_later_strict(hk_strictly, hk_strictly)');
INSERT INTO hk_strictly VALUES (1, 'plain') RETURNING *;
ALTER FUNCTION hk_later_strict(hk_strictly, hk_strictly) STRICT;
INSERT INTO hk_strictly VALUES (2, 'plain') RETURNING *;
UPDATE hk_strictly SET id = id WHERE id = 2 RETURNING *;
SELECT count(*) AS rows_written FROM hk_strictly;
SELECT am.remove_hook('hk_strictly', 'before_save', 'hk_later_strict(hk_strictly, hk_strictly)');
DROP TABLE hk_strictly CASCADE;
-- removing what is not registered returns false
SELECT am.remove_hook('hk_users', 'before_update', 'hk_strict(hk_users, hk_users)');
-- ... and so does naming a function of the same name and number of arguments
-- whose arguments are of another row type: it is not a hook of the table
CREATE TABLE hk_ua (id int);
CREATE TABLE hk_ub (id int);
CREATE FUNCTION hk_audit(new hk_ua) RETURNS hk_ua LANGUAGE sql AS $$ SELECT new $$;
CREATE FUNCTION hk_audit(new hk_ub) RETURNS hk_ub LANGUAGE sql AS $$ SELECT new $$;
SELECT am.add_hook('hk_ua', 'before_save', 'hk_audit(hk_ua)');
SELECT am.remove_hook('hk_ua', 'before_save', 'hk_audit(hk_ub)');
SELECT * FROM am.hooks WHERE "table" = 'hk_ua'::regclass;
SELECT am.remove_hook('hk_ua', 'before_save', 'hk_audit(hk_ua)');
DROP TABLE hk_ua, hk_ub CASCADE;

--
-- Ownership and privileges.
--
CREATE ROLE regress_hooks_owner;
CREATE ROLE regress_hooks_other;
GRANT USAGE, CREATE ON SCHEMA public TO regress_hooks_owner, regress_hooks_other;
CREATE TABLE hk_owned (id int, who text);
ALTER TABLE hk_owned OWNER TO regress_hooks_owner;
GRANT INSERT, SELECT ON hk_owned TO regress_hooks_other;
-- a hook sees the role that wrote the row (SECURITY INVOKER semantics)
CREATE FUNCTION hk_whoami(new hk_owned) RETURNS hk_owned
LANGUAGE plpgsql AS $$
BEGIN
	new.who := current_user;
	RETURN new;
END
$$;
REVOKE EXECUTE ON FUNCTION hk_private(hk_users) FROM PUBLIC;
CREATE FUNCTION hk_owned_private(new hk_owned) RETURNS void LANGUAGE sql AS $$ SELECT $$;
REVOKE EXECUTE ON FUNCTION hk_owned_private(hk_owned) FROM PUBLIC;

-- only the table's owner may add or remove its hooks
SET ROLE regress_hooks_other;
SELECT am.add_hook('hk_owned', 'before_save', 'hk_whoami(hk_owned)');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.remove_hook('hk_owned', 'before_save', 'hk_whoami(hk_owned)');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- nor can anybody write the registry directly
INSERT INTO am.hook_registry VALUES ('hk_owned', 'before_save', 'public', 'hk_whoami', 1, 100);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DELETE FROM am.hook_registry;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;

SET ROLE regress_hooks_owner;
-- the owner needs EXECUTE on the function
SELECT am.add_hook('hk_owned', 'after_create', 'hk_owned_private(hk_owned)');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.add_hook('hk_owned', 'before_save', 'hk_whoami(hk_owned)');
-- an owner of one table cannot hook another
SELECT am.add_hook('hk_users', 'before_save', 'hk_a(hk_users)', 1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;

SET ROLE regress_hooks_other;
INSERT INTO hk_owned (id) VALUES (1);
RESET ROLE;
INSERT INTO hk_owned (id) VALUES (2);
SELECT * FROM hk_owned ORDER BY id;
-- the function's owner cannot drop it while another role's table uses it
-- as a hook, as for the function of an ordinary trigger
DROP FUNCTION hk_whoami(hk_owned);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- another role cannot borrow those hooks with a trigger of its own naming
-- the table (it could run functions it may not execute); nor can a table
-- of the same owner: a name and an owner are no proof of identity (only a
-- partition, or a Citus shard, runs the hooks of the table it names)
SET ROLE regress_hooks_other;
CREATE TABLE hk_borrower (id int, who text);
CREATE TRIGGER am_hooks_before BEFORE INSERT ON hk_borrower
	FOR EACH ROW EXECUTE FUNCTION am.hooks_dispatch('public.hk_owned');
INSERT INTO hk_borrower (id) VALUES (1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TABLE hk_borrower;
RESET ROLE;
SET ROLE regress_hooks_owner;
CREATE TABLE hk_copy (id int, who text);
CREATE TRIGGER am_hooks_before BEFORE INSERT ON hk_copy
	FOR EACH ROW EXECUTE FUNCTION am.hooks_dispatch('public.hk_owned');
INSERT INTO hk_copy (id) VALUES (1);
TABLE hk_copy;
DROP TABLE hk_copy;
RESET ROLE;
-- a superuser may manage any table's hooks
SELECT am.remove_hook('hk_owned', 'before_save', 'hk_whoami(hk_owned)');
SELECT count(*) FROM pg_trigger WHERE tgrelid = 'hk_owned'::regclass;
DROP FUNCTION hk_whoami(hk_owned), hk_owned_private(hk_owned);
DROP TABLE hk_owned;
REVOKE USAGE, CREATE ON SCHEMA public FROM regress_hooks_owner, regress_hooks_other;
DROP ROLE regress_hooks_owner, regress_hooks_other;

--
-- Dispatch triggers follow the hooks: created by the first hook of a timing,
-- firing only for the operations that have hooks, dropped with the last.
--
CREATE TABLE hk_t (id int, note text);
CREATE FUNCTION hk_t_before(new hk_t) RETURNS hk_t LANGUAGE sql AS $$ SELECT new $$;
CREATE FUNCTION hk_t_after(new hk_t) RETURNS void LANGUAGE sql AS $$ SELECT $$;
CREATE VIEW hk_t_triggers AS
SELECT tgname, regexp_replace(pg_get_triggerdef(oid), '^.* (BEFORE|AFTER) (.*) ON .*$', '\1 \2') AS fires
FROM pg_trigger WHERE tgrelid = 'hk_t'::regclass ORDER BY tgname;
SELECT am.add_hook('hk_t', 'before_create', 'hk_t_before(hk_t)');
SELECT * FROM hk_t_triggers;
SELECT am.add_hook('hk_t', 'before_destroy', 'hk_t_before(hk_t)');
SELECT am.add_hook('hk_t', 'after_update_commit', 'hk_t_after(hk_t)');
SELECT * FROM hk_t_triggers;
SELECT am.remove_hook('hk_t', 'before_create', 'hk_t_before(hk_t)');
SELECT * FROM hk_t_triggers;
SELECT am.remove_hook('hk_t', 'before_destroy', 'hk_t_before(hk_t)');
SELECT am.remove_hook('hk_t', 'after_update_commit', 'hk_t_after(hk_t)');
SELECT * FROM hk_t_triggers;

--
-- Renames are followed: of the function, of the table, of its schema.
--
SELECT am.add_hook('hk_t', 'before_save', 'hk_t_before(hk_t)');
ALTER FUNCTION hk_t_before(hk_t) RENAME TO hk_t_before_renamed;
CREATE SCHEMA hk_schema;
ALTER TABLE hk_t RENAME TO hk_t_renamed;
ALTER TABLE hk_t_renamed SET SCHEMA hk_schema;
SELECT * FROM am.hooks WHERE "table" = 'hk_schema.hk_t_renamed'::regclass;
SELECT fn_schema, fn_name, fn_nargs FROM am.hook_registry WHERE tbl = 'hk_schema.hk_t_renamed'::regclass;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'hk_schema.hk_t_renamed'::regclass;
ALTER SCHEMA hk_schema RENAME TO hk_schema2;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'hk_schema2.hk_t_renamed'::regclass;
INSERT INTO hk_schema2.hk_t_renamed VALUES (1, 'still hooked');
-- ALTER FUNCTION ... SET SCHEMA is followed (the name stays, the schema
-- changes), and back
ALTER FUNCTION hk_t_before_renamed(hk_schema2.hk_t_renamed) SET SCHEMA hk_schema2;
SELECT fn_schema, fn_name FROM am.hook_registry WHERE tbl = 'hk_schema2.hk_t_renamed'::regclass;
BEGIN;
INSERT INTO hk_schema2.hk_t_renamed VALUES (100, 'function moved') RETURNING *;
ROLLBACK;
ALTER FUNCTION hk_schema2.hk_t_before_renamed(hk_schema2.hk_t_renamed) SET SCHEMA public;
SELECT fn_schema, fn_name FROM am.hook_registry WHERE tbl = 'hk_schema2.hk_t_renamed'::regclass;
-- dropping another function of the same name, which is no hook, keeps the
-- hooks of the one that remains
CREATE FUNCTION hk_t_before_renamed(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1';
DROP FUNCTION hk_t_before_renamed(integer);
SELECT event, fn_schema, fn_name FROM am.hook_registry WHERE tbl = 'hk_schema2.hk_t_renamed'::regclass;
BEGIN;
INSERT INTO hk_schema2.hk_t_renamed VALUES (100, 'overload dropped') RETURNING *;
ROLLBACK;
-- a rename that fails in a subtransaction while another rename runs (here
-- from the outer command's own event trigger) leaves nothing behind: the
-- outer rename is followed
CREATE FUNCTION hk_probe() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('hk.probing', true) = 'on' THEN
		RETURN;
	END IF;
	PERFORM set_config('hk.probing', 'on', true);
	BEGIN
		ALTER TABLE hk_no_such_table RENAME TO hk_never;
	EXCEPTION WHEN undefined_table THEN
		RAISE NOTICE 'hk_probe: the inner rename failed';
	END;
	PERFORM set_config('hk.probing', 'off', true);
END
$$;
CREATE EVENT TRIGGER zz_hk_probe ON ddl_command_start WHEN TAG IN ('ALTER TABLE')
	EXECUTE FUNCTION hk_probe();
ALTER TABLE hk_schema2.hk_t_renamed RENAME TO hk_t_probed;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'hk_schema2.hk_t_probed'::regclass;
DROP EVENT TRIGGER zz_hk_probe;
DROP FUNCTION hk_probe();
ALTER TABLE hk_schema2.hk_t_probed RENAME TO hk_t_renamed;

--
-- Drops.  A dispatch trigger depends on the functions of the hooks it runs,
-- so a hook function is dropped only with CASCADE, as the function of an
-- ordinary trigger: CASCADE drops the dispatch trigger, and the sql_drop
-- event trigger removes the function's hooks and puts the trigger back for
-- the table's other hooks.  Dropping a table removes its registrations.
--
CREATE VIEW hk_depends AS
SELECT t.tgrelid::regclass AS "table", t.tgname, d.refobjid::regprocedure AS "function"
FROM pg_depend d
JOIN pg_trigger t ON t.oid = d.objid
WHERE d.classid = 'pg_trigger'::regclass AND d.refclassid = 'pg_proc'::regclass
  AND d.deptype = 'n' AND t.tgname LIKE 'am\_hooks\_%'
ORDER BY t.tgrelid::regclass::text, t.tgname, d.refobjid::regprocedure::text;
CREATE FUNCTION hk_t_other(new hk_schema2.hk_t_renamed) RETURNS hk_schema2.hk_t_renamed
LANGUAGE plpgsql AS $$
BEGIN
	new.note := new.note || ', other';
	RETURN new;
END
$$;
SELECT am.add_hook('hk_schema2.hk_t_renamed', 'before_create', 'hk_t_other(hk_schema2.hk_t_renamed)');
SELECT am.add_hook('hk_schema2.hk_t_renamed', 'before_save', 'hk_t_other(hk_schema2.hk_t_renamed)');
SELECT * FROM hk_depends WHERE "table" = 'hk_schema2.hk_t_renamed'::regclass;
DROP FUNCTION hk_t_before_renamed(hk_schema2.hk_t_renamed);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP FUNCTION hk_t_before_renamed(hk_schema2.hk_t_renamed) CASCADE;
SELECT * FROM am.hooks WHERE "table" = 'hk_schema2.hk_t_renamed'::regclass;
SELECT * FROM hk_depends WHERE "table" = 'hk_schema2.hk_t_renamed'::regclass;
INSERT INTO hk_schema2.hk_t_renamed VALUES (2, 'after the drop') RETURNING *;
-- a function stays depended on while it is a hook for one event of the timing
SELECT am.remove_hook('hk_schema2.hk_t_renamed', 'before_save', 'hk_t_other(hk_schema2.hk_t_renamed)');
SELECT * FROM hk_depends WHERE "table" = 'hk_schema2.hk_t_renamed'::regclass;
SELECT am.remove_hook('hk_schema2.hk_t_renamed', 'before_create', 'hk_t_other(hk_schema2.hk_t_renamed)');
SELECT count(*) FROM am.hook_registry WHERE tbl = 'hk_schema2.hk_t_renamed'::regclass;
SELECT count(*) FROM pg_trigger WHERE tgrelid = 'hk_schema2.hk_t_renamed'::regclass;
-- no longer a hook: no CASCADE needed
DROP FUNCTION hk_t_other(hk_schema2.hk_t_renamed);
SELECT am.add_hook('hk_schema2.hk_t_renamed', 'after_save', 'hk_t_after(hk_schema2.hk_t_renamed)');
\set VERBOSITY terse
DROP SCHEMA hk_schema2 CASCADE;
\set VERBOSITY default
SELECT count(*) FROM am.hook_registry WHERE tbl::oid NOT IN (SELECT oid FROM pg_class);

--
-- Hooks with a timestamps trigger on the same table.  am_timestamps fires
-- after am_hooks_before (trigger names sort), as Rails sets timestamps after
-- before_save: before hooks see the row as the statement wrote it, after
-- hooks see the timestamps.
--
CREATE FUNCTION hk_fake_timestamps() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	new.updated_at := '2000-01-01 00:00:00+00';
	RETURN new;
END
$$;
CREATE TRIGGER am_timestamps BEFORE INSERT OR UPDATE ON hk_users
	FOR EACH ROW EXECUTE FUNCTION hk_fake_timestamps();
SET timezone = 'UTC';
INSERT INTO hk_users (id, name) VALUES (8, 'Tim');
SELECT fn, event, new FROM hk_calls WHERE fn IN ('hk_a', 'hk_after');
DROP TRIGGER am_timestamps ON hk_users;
RESET timezone;
TRUNCATE hk_log;

--
-- A partitioned table: the triggers are cloned to the partitions and still
-- run the parent's hooks, with rows converted between the layouts (hk_p_b
-- has its columns in another order and a dropped one).  Hooks cannot be
-- added to a partition.  COPY FROM runs the hooks too.
--
CREATE TABLE hk_p (id int, kind text, note text) PARTITION BY LIST (kind);
CREATE TABLE hk_p_a PARTITION OF hk_p FOR VALUES IN ('a');
CREATE TABLE hk_p_b (note text, gone int, kind text, id int);
ALTER TABLE hk_p_b DROP COLUMN gone;
ALTER TABLE hk_p ATTACH PARTITION hk_p_b FOR VALUES IN ('b');
CREATE FUNCTION hk_p_upper(new hk_p) RETURNS hk_p LANGUAGE plpgsql AS $$
BEGIN
	new.note := upper(new.note);
	RETURN new;
END
$$;
CREATE FUNCTION hk_p_log(new hk_p, old hk_p) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO hk_log (fn, event, op, new, old)
	VALUES ('hk_p_log', am.hook_event(), am.hook_operation(), new::text, old::text);
END
$$;
SELECT am.add_hook('hk_p', 'before_save', 'hk_p_upper(hk_p)');
SELECT am.add_hook('hk_p', 'after_save', 'hk_p_log(hk_p, hk_p)');
SELECT tgrelid::regclass, tgname, tgparentid <> 0 AS cloned,
	   substring(pg_get_triggerdef(oid) FROM 'hooks_dispatch\((.*)\)') AS argument
FROM pg_trigger WHERE tgrelid IN ('hk_p'::regclass, 'hk_p_a'::regclass, 'hk_p_b'::regclass)
ORDER BY 1, 2;
INSERT INTO hk_p VALUES (1, 'a', 'one'), (2, 'b', 'two');
UPDATE hk_p SET note = note || ' again';
COPY hk_p FROM stdin;
3	a	copied
4	b	copied too
\.
SELECT tableoid::regclass, * FROM hk_p ORDER BY id;
SELECT event, op, new, old FROM hk_calls;
SELECT am.add_hook('hk_p_a', 'before_save', 'hk_p_upper(hk_p)');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
TRUNCATE hk_log;
-- the row type changes: hooks get the new layout
ALTER TABLE hk_p ADD COLUMN extra int DEFAULT 7;
INSERT INTO hk_p_b (id, kind, note) VALUES (5, 'b', 'five');
UPDATE hk_p SET extra = 8 WHERE id = 5;
SELECT event, op, new, old FROM hk_calls;
TRUNCATE hk_log;

--
-- Out-of-line (TOASTed) values.  Hooks get the row as PL/pgSQL gives NEW to
-- a trigger function: a PL/pgSQL hook that returns its row, changed or not,
-- leaves a large value it did not change where it is, so the UPDATE writes
-- no TOAST chunks for it.  A value a hook changes is written, and so is
-- every large value of a row returned by a hook in another language (an SQL
-- function returns its row flattened).
--
CREATE TABLE hk_doc (id int PRIMARY KEY, n int, body text);
ALTER TABLE hk_doc ALTER COLUMN body SET STORAGE EXTERNAL;
CREATE VIEW hk_doc_toast AS
SELECT pg_relation_size(reltoastrelid) AS bytes FROM pg_class WHERE oid = 'hk_doc'::regclass;
CREATE FUNCTION hk_doc_keep(new hk_doc) RETURNS hk_doc LANGUAGE plpgsql AS $$
BEGIN
	RETURN new;
END
$$;
CREATE FUNCTION hk_doc_count(new hk_doc, old hk_doc) RETURNS hk_doc LANGUAGE plpgsql AS $$
BEGIN
	new.n := old.n + 10;
	RETURN new;
END
$$;
CREATE FUNCTION hk_doc_append(new hk_doc) RETURNS hk_doc LANGUAGE plpgsql AS $$
BEGIN
	new.body := new.body || '!';
	RETURN new;
END
$$;
CREATE FUNCTION hk_doc_sql(new hk_doc) RETURNS hk_doc LANGUAGE sql AS $$ SELECT new $$;
INSERT INTO hk_doc VALUES (1, 0, repeat('x', 96 * 1024));
SELECT bytes AS toast_bytes FROM hk_doc_toast \gset
-- a hook that returns its row
SELECT am.add_hook('hk_doc', 'before_save', 'hk_doc_keep(hk_doc)');
UPDATE hk_doc SET n = n + 1;
UPDATE hk_doc SET n = n + 1;
UPDATE hk_doc SET n = n + 1;
UPDATE hk_doc SET n = n + 1;
SELECT bytes - :toast_bytes AS toast_growth FROM hk_doc_toast;
-- a hook that changes another column, from the old row
SELECT am.add_hook('hk_doc', 'before_update', 'hk_doc_count(hk_doc, hk_doc)');
UPDATE hk_doc SET n = n + 1;
SELECT bytes - :toast_bytes AS toast_growth FROM hk_doc_toast;
SELECT n, body = repeat('x', 96 * 1024) AS body_intact FROM hk_doc;
-- a hook that changes the large value writes it
SELECT am.add_hook('hk_doc', 'before_update', 'hk_doc_append(hk_doc)');
UPDATE hk_doc SET n = n + 1;
SELECT bytes > :toast_bytes AS toast_grew FROM hk_doc_toast;
SELECT n, length(body), right(body, 2) FROM hk_doc;
SELECT am.remove_hook('hk_doc', 'before_update', 'hk_doc_append(hk_doc)');
-- an SQL hook returns its row flattened: the value is written again
SELECT bytes AS toast_bytes FROM hk_doc_toast \gset
SELECT am.add_hook('hk_doc', 'before_save', 'hk_doc_sql(hk_doc)');
UPDATE hk_doc SET n = n + 1;
SELECT bytes > :toast_bytes AS toast_grew FROM hk_doc_toast;
SELECT n, length(body) FROM hk_doc;
-- through a partition whose layout differs from its parent's
CREATE TABLE hk_docs (id int, kind text, body text) PARTITION BY LIST (kind);
CREATE TABLE hk_docs_b (body text, gone int, kind text, id int);
ALTER TABLE hk_docs_b DROP COLUMN gone;
ALTER TABLE hk_docs_b ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE hk_docs ATTACH PARTITION hk_docs_b FOR VALUES IN ('b');
CREATE FUNCTION hk_docs_keep(new hk_docs) RETURNS hk_docs LANGUAGE plpgsql AS $$
BEGIN
	RETURN new;
END
$$;
SELECT am.add_hook('hk_docs', 'before_save', 'hk_docs_keep(hk_docs)');
INSERT INTO hk_docs VALUES (1, 'b', repeat('y', 96 * 1024));
SELECT pg_relation_size(reltoastrelid) AS toast_bytes FROM pg_class WHERE oid = 'hk_docs_b'::regclass \gset
UPDATE hk_docs SET id = id + 1;
UPDATE hk_docs SET id = id + 1;
SELECT pg_relation_size(reltoastrelid) - :toast_bytes AS toast_growth
FROM pg_class WHERE oid = 'hk_docs_b'::regclass;
SELECT id, kind, length(body) FROM hk_docs;

--
-- A hook that writes to its own table runs nested hooks (with their own
-- function call state).
--
CREATE TABLE hk_tree (id int, parent int, name text);
CREATE FUNCTION hk_tree_child(new hk_tree) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO hk_log (fn, event, new) VALUES ('hk_tree_child', am.hook_event(), new::text);
	IF new.parent IS NULL THEN
		INSERT INTO hk_tree VALUES (new.id * 10, new.id, new.name || ' jr');
	END IF;
	INSERT INTO hk_log (fn, event, new) VALUES ('hk_tree_child done', am.hook_event(), new::text);
END
$$;
CREATE FUNCTION hk_tree_name(new hk_tree) RETURNS hk_tree LANGUAGE sql AS $$
	SELECT new.id, new.parent, initcap(new.name)
$$;
SELECT am.add_hook('hk_tree', 'before_create', 'hk_tree_name(hk_tree)');
SELECT am.add_hook('hk_tree', 'after_create', 'hk_tree_child(hk_tree)');
INSERT INTO hk_tree VALUES (1, NULL, 'ada'), (2, NULL, 'bo');
SELECT * FROM hk_tree ORDER BY id;
SELECT fn, event, new FROM hk_calls;
TRUNCATE hk_log;
-- after a nested write whose hooks are of other events, am.hook_event() and
-- am.hook_operation() are the outer hook's again
CREATE TABLE hk_nest_a (id int);
CREATE TABLE hk_nest_b (id int, note text);
INSERT INTO hk_nest_b VALUES (1, '');
CREATE FUNCTION hk_nest_b_mark(new hk_nest_b) RETURNS hk_nest_b LANGUAGE plpgsql AS $$
BEGIN
	new.note := am.hook_event() || ' ' || am.hook_operation();
	RETURN new;
END
$$;
CREATE FUNCTION hk_nest_a_after(new hk_nest_a) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	UPDATE hk_nest_b SET id = id WHERE id = 1;
	RAISE NOTICE 'after the nested update: % %', am.hook_event(), am.hook_operation();
END
$$;
SELECT am.add_hook('hk_nest_b', 'before_update', 'hk_nest_b_mark(hk_nest_b)');
SELECT am.add_hook('hk_nest_a', 'after_create', 'hk_nest_a_after(hk_nest_a)');
INSERT INTO hk_nest_a VALUES (1);
SELECT note FROM hk_nest_b;
DROP TABLE hk_nest_a, hk_nest_b CASCADE;

--
-- The dispatcher checks how it is called, and resolves its argument.
--
CREATE TABLE hk_bad (id int);
CREATE TRIGGER hk_no_arg BEFORE INSERT ON hk_bad FOR EACH ROW EXECUTE FUNCTION am.hooks_dispatch();
INSERT INTO hk_bad VALUES (1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER hk_no_arg ON hk_bad;
CREATE TRIGGER hk_no_table BEFORE INSERT ON hk_bad FOR EACH ROW EXECUTE FUNCTION am.hooks_dispatch('public.hk_missing');
INSERT INTO hk_bad VALUES (1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER hk_no_table ON hk_bad;
CREATE TRIGGER hk_statement BEFORE INSERT ON hk_bad FOR EACH STATEMENT EXECUTE FUNCTION am.hooks_dispatch('public.hk_bad');
INSERT INTO hk_bad VALUES (1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TRIGGER hk_statement ON hk_bad;
SELECT am.hooks_dispatch();
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- a registered function that does not exist (only a superuser writing the
-- registry directly gets there: dropping a function removes its hooks)
CREATE TABLE hk_lost (id int);
CREATE FUNCTION hk_lost_ok(new hk_lost) RETURNS hk_lost LANGUAGE sql AS $$ SELECT new $$;
INSERT INTO am.hook_registry VALUES ('hk_lost', 'before_create', 'public', 'hk_gone', 1, 1);
SELECT am.add_hook('hk_lost', 'before_save', 'hk_lost_ok(hk_lost)');
INSERT INTO hk_lost VALUES (1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DELETE FROM am.hook_registry WHERE tbl = 'hk_lost'::regclass AND fn_name = 'hk_gone';
SELECT am.remove_hook('hk_lost', 'before_save', 'hk_lost_ok(hk_lost)');
INSERT INTO hk_lost VALUES (1);
DROP TABLE hk_lost CASCADE;

--
-- A superuser may change the registry directly.  Its statement trigger makes
-- every session reload the hooks it cached, and keeps the dispatch triggers'
-- dependencies; it does not create or drop dispatch triggers.
--
CREATE TABLE hk_hand (id int, note text);
CREATE FUNCTION hk_hand_a(new hk_hand) RETURNS hk_hand LANGUAGE plpgsql AS $$
BEGIN
	new.note := coalesce(new.note, '') || 'a';
	RETURN new;
END
$$;
CREATE FUNCTION hk_hand_b(new hk_hand) RETURNS hk_hand LANGUAGE plpgsql AS $$
BEGIN
	new.note := coalesce(new.note, '') || 'b';
	RETURN new;
END
$$;
SELECT am.add_hook('hk_hand', 'before_save', 'hk_hand_a(hk_hand)');
INSERT INTO hk_hand (id) VALUES (1) RETURNING *;
INSERT INTO am.hook_registry VALUES ('hk_hand', 'before_save', 'public', 'hk_hand_b', 1, 100);
INSERT INTO hk_hand (id) VALUES (2) RETURNING *;
SELECT tgname, "function" FROM hk_depends WHERE "table" = 'hk_hand'::regclass;
DELETE FROM am.hook_registry WHERE tbl = 'hk_hand'::regclass AND fn_name = 'hk_hand_a';
INSERT INTO hk_hand (id) VALUES (3) RETURNING *;
SELECT tgname, "function" FROM hk_depends WHERE "table" = 'hk_hand'::regclass;
DROP FUNCTION hk_hand_a(hk_hand);
-- outside hooks there is no current event
SELECT am.hook_event(), am.hook_operation();

\set VERBOSITY terse
DROP TABLE hk_users, hk_log, hk_other, hk_p, hk_tree, hk_bad, hk_doc, hk_docs, hk_hand CASCADE;
\set VERBOSITY default
SELECT count(*) FROM am.hook_registry;
