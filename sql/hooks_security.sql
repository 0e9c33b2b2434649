--
-- Lifecycle hooks: the security review of 1.0 (issue 8), one block per
-- finding.  Each block fails on 1.0's code.
--
\set SHOW_CONTEXT never
CREATE ROLE regress_sec_owner;
CREATE ROLE regress_sec_mallory;
GRANT USAGE, CREATE ON SCHEMA public TO regress_sec_owner, regress_sec_mallory;
CREATE TABLE sec_log (n serial, fn text, who text, info text);
GRANT ALL ON sec_log, sec_log_n_seq TO PUBLIC;

--
-- 1. The extension's scripts bind no operator or function planted in the
-- target schema.  The database owner (CREATE on public) plants an exact
-- =(oid, regclass) before CREATE EXTENSION; a superuser then reads am.hooks.
--
CREATE DATABASE regress_sec_db;
\c regress_sec_db
\set SHOW_CONTEXT never
CREATE ROLE regress_sec_dbowner;
ALTER DATABASE regress_sec_db OWNER TO regress_sec_dbowner;
GRANT CREATE ON SCHEMA public TO regress_sec_dbowner;
SET ROLE regress_sec_dbowner;
CREATE FUNCTION public.planted_eq(oid, regclass) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	RAISE NOTICE 'planted operator ran as %', current_user;
	RETURN $1 OPERATOR(pg_catalog.=) $2::oid;
END
$$;
CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = regclass, FUNCTION = public.planted_eq);
CREATE FUNCTION public.planted_eq(name, name) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	RAISE NOTICE 'planted name operator ran as %', current_user;
	RETURN $1 OPERATOR(pg_catalog.=) $2;
END
$$;
CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = name, FUNCTION = public.planted_eq);
RESET ROLE;
CREATE EXTENSION activemodel;
CREATE TABLE t (id int);
CREATE FUNCTION t_hook(new t) RETURNS t LANGUAGE sql AS $$ SELECT new $$;
SELECT am.add_hook('t', 'before_save', 't_hook(t)');
-- no NOTICE: the view does not use the planted operators
SELECT "table", event, "function" FROM am.hooks;
SELECT am.remove_hook('t', 'before_save', 't_hook(t)');
-- (the planted operators go, so that the catalog queries below use core's)
DROP OWNED BY regress_sec_dbowner;
-- no member of the extension depends on an operator or function outside
-- pg_catalog and the extension itself
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS member,
	   pg_describe_object(r.refclassid, r.refobjid, 0) AS uses
FROM pg_depend d
JOIN pg_depend r ON r.classid = d.classid AND r.objid = d.objid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND r.refclassid IN ('pg_operator'::regclass, 'pg_proc'::regclass)
  AND NOT EXISTS (SELECT FROM pg_depend e
				  WHERE e.classid = r.refclassid AND e.objid = r.refobjid
					AND e.refclassid = 'pg_extension'::regclass AND e.deptype = 'e')
  AND (r.refclassid <> 'pg_operator'::regclass OR
	   (SELECT oprnamespace FROM pg_operator WHERE oid = r.refobjid) <> 'pg_catalog'::regnamespace)
  AND (r.refclassid <> 'pg_proc'::regclass OR
	   (SELECT pronamespace FROM pg_proc WHERE oid = r.refobjid) <> 'pg_catalog'::regnamespace);
-- views are rewritten too: a rewrite rule's dependencies
SELECT pg_describe_object(r.refclassid, r.refobjid, 0) AS view_uses
FROM pg_rewrite rw
JOIN pg_depend r ON r.classid = 'pg_rewrite'::regclass AND r.objid = rw.oid
WHERE rw.ev_class = 'am.hooks'::regclass
  AND r.refclassid IN ('pg_operator'::regclass, 'pg_proc'::regclass)
  AND coalesce((SELECT oprnamespace FROM pg_operator WHERE oid = r.refobjid),
			   (SELECT pronamespace FROM pg_proc WHERE oid = r.refobjid)) <> 'pg_catalog'::regnamespace;
\c contrib_regression
\set SHOW_CONTEXT never
DROP DATABASE regress_sec_db;
DROP ROLE regress_sec_dbowner;

--
SET client_min_messages = warning;

--
-- 2. A dispatch trigger runs only the hooks of its own table, found by
-- identity: renames the event triggers did not see leave a trigger that
-- fails closed, and another role cannot take the old name over.
--
CREATE TABLE orders (id int, note text);
ALTER TABLE orders OWNER TO regress_sec_owner;
GRANT ALL ON orders TO PUBLIC;
CREATE FUNCTION orders_mark(new orders) RETURNS orders LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sec_log (fn, who, info) VALUES ('orders_mark', current_user, new.id::text);
	new.note := 'marked';
	RETURN new;
END
$$;
SET ROLE regress_sec_owner;
SELECT am.add_hook('orders', 'before_save', 'orders_mark(orders)');
RESET ROLE;
-- every command that can rename a table is followed (of ALTER INDEX, VIEW,
-- SEQUENCE, MATERIALIZED VIEW and FOREIGN TABLE, PostgreSQL lets only
-- ALTER INDEX rename a table)
ALTER INDEX orders RENAME TO orders_i;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'orders_i'::regclass;
CREATE SCHEMA sec_schema;
GRANT USAGE, CREATE ON SCHEMA sec_schema TO PUBLIC;
ALTER TABLE orders_i SET SCHEMA sec_schema;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'sec_schema.orders_i'::regclass;
ALTER SCHEMA sec_schema RENAME TO sec_schema2;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'sec_schema2.orders_i'::regclass;
ALTER SCHEMA sec_schema2 RENAME TO sec_schema;
ALTER TABLE sec_schema.orders_i SET SCHEMA public;
ALTER TABLE orders_i RENAME TO orders_v2;
SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'orders_v2'::regclass;
INSERT INTO orders_v2 VALUES (1) RETURNING *;
-- a rename the event triggers cannot see (they are off for replicas)
SET session_replication_role = replica;
ALTER TABLE orders_v2 RENAME TO orders_v3;
RESET session_replication_role;
-- the trigger names a table that is gone: writes fail, nothing is written
INSERT INTO orders_v3 VALUES (2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- mallory takes the old name over and hooks her table: her hook never runs
-- for orders_v3, whose writes keep failing closed
SET ROLE regress_sec_mallory;
CREATE TABLE public.orders_v2 (id int, note text);
CREATE FUNCTION mallory_hook(new orders_v2) RETURNS orders_v2 LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sec_log (fn, who, info) VALUES ('mallory_hook', current_user, new.id::text);
	RETURN new;
END
$$;
SELECT am.add_hook('orders_v2', 'before_save', 'mallory_hook(orders_v2)');
RESET ROLE;
INSERT INTO orders_v3 VALUES (3);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SET ROLE regress_sec_owner;
INSERT INTO orders_v3 VALUES (4);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;
SELECT fn, who, info FROM sec_log ORDER BY n;
SELECT * FROM orders_v3 ORDER BY id;
-- a hook change brings the trigger back to its table
CREATE FUNCTION sec_after(new orders_v3) RETURNS void LANGUAGE sql AS $$ SELECT $$;
SET ROLE regress_sec_owner;
SELECT am.add_hook('orders_v3', 'after_save', 'sec_after(orders_v3)');
INSERT INTO orders_v3 VALUES (5) RETURNING *;
RESET ROLE;
SELECT fn, who, info FROM sec_log ORDER BY n;
-- a trigger the owner copies onto another table of his runs nothing
-- there either: same owner is no proof of identity
SET ROLE regress_sec_owner;
CREATE TABLE orders_copy (id int, note text);
CREATE TRIGGER am_hooks_before BEFORE INSERT ON orders_copy
	FOR EACH ROW EXECUTE FUNCTION am.hooks_dispatch('public.orders_v3');
INSERT INTO orders_copy VALUES (1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TABLE orders_copy;
RESET ROLE;
-- a copy on a Citus shard runs the distributed table's hooks only where
-- Citus' metadata, which only a superuser can create, lists the shard
-- (simulated here: Citus is not installed)
SET allow_system_table_mods = on;
CREATE TABLE pg_catalog.pg_dist_shard (logicalrelid regclass, shardid bigint);
RESET allow_system_table_mods;
CREATE TABLE orders_v3_102008 (id int, note text);
CREATE TRIGGER am_hooks_before BEFORE INSERT ON orders_v3_102008
	FOR EACH ROW EXECUTE FUNCTION am.hooks_dispatch('public.orders_v3');
INSERT INTO orders_v3_102008 VALUES (6);
INSERT INTO pg_catalog.pg_dist_shard VALUES ('orders_v3', 102008);
INSERT INTO orders_v3_102008 VALUES (7) RETURNING *;
-- a name that looks like a shard's is not enough
CREATE TABLE orders_v3_102009 (id int, note text);
CREATE TRIGGER am_hooks_before BEFORE INSERT ON orders_v3_102009
	FOR EACH ROW EXECUTE FUNCTION am.hooks_dispatch('public.orders_v3');
INSERT INTO orders_v3_102009 VALUES (8);
DROP TABLE orders_v3_102008, orders_v3_102009;
SET allow_system_table_mods = on;
DROP TABLE pg_catalog.pg_dist_shard;
RESET allow_system_table_mods;
SELECT fn, who, info FROM sec_log ORDER BY n;
TRUNCATE sec_log;

--
-- 3. am.hooks_registry_changed() is no one's to attach, and refuses to run
-- on any table but the registry.
--
SELECT has_function_privilege('regress_sec_mallory', 'am.hooks_registry_changed()', 'EXECUTE'),
	   has_function_privilege('regress_sec_mallory', 'am.hooks_ddl_trigger()', 'EXECUTE'),
	   has_function_privilege('regress_sec_mallory', 'am.hooks_dispatch()', 'EXECUTE');
SET ROLE regress_sec_mallory;
CREATE TEMP TABLE lockit (id int);
CREATE TRIGGER lockit AFTER INSERT ON lockit
	FOR EACH STATEMENT EXECUTE FUNCTION am.hooks_registry_changed();
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;
CREATE TABLE sec_notregistry (id int);
CREATE TRIGGER r AFTER INSERT ON sec_notregistry
	FOR EACH STATEMENT EXECUTE FUNCTION am.hooks_registry_changed();
INSERT INTO sec_notregistry VALUES (1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TABLE sec_notregistry;

--
-- 4. An unrelated ALTER or DROP does not read the registry: with many
-- hooks registered, many ALTERs in one transaction keep memory flat.
--
CREATE TABLE sec_many (id int);
CREATE FUNCTION sec_many_hook(new sec_many) RETURNS sec_many LANGUAGE sql AS $$ SELECT new $$;
DO $$
BEGIN
	FOR i IN 1..300 LOOP
		EXECUTE format('CREATE TABLE sec_many_%s (id int)', i);
		EXECUTE format('CREATE FUNCTION sec_many_hook_%s(new sec_many_%s) RETURNS sec_many_%s '
					   'LANGUAGE sql AS ''SELECT new''', i, i, i);
		PERFORM am.add_hook(format('sec_many_%s', i)::regclass, 'before_save',
							format('sec_many_hook_%s(sec_many_%s)', i, i)::regprocedure);
	END LOOP;
END
$$;
BEGIN;
SELECT sum(total_bytes) AS before_bytes FROM pg_backend_memory_contexts
WHERE name = 'TopTransactionContext' \gset
DO $$
BEGIN
	FOR i IN 1..200 LOOP
		EXECUTE format('ALTER TABLE sec_many ALTER COLUMN id SET STATISTICS %s', i);
		EXECUTE format('ALTER FUNCTION sec_many_hook(sec_many) COST %s', i);
	END LOOP;
END
$$;
SELECT sum(total_bytes) - :before_bytes < 1000000 AS memory_flat
FROM pg_backend_memory_contexts WHERE name = 'TopTransactionContext';
COMMIT;
DO $$
BEGIN
	FOR i IN 1..300 LOOP
		EXECUTE format('DROP TABLE sec_many_%s CASCADE', i);
	END LOOP;
END
$$;
DROP FUNCTION sec_many_hook(sec_many);
DROP TABLE sec_many;
SELECT count(*) FROM am.hook_registry WHERE tbl::oid NOT IN (SELECT oid FROM pg_class);

--
-- 5. On partitions, hooks see the default of a column added after the row
-- was written, as on a plain table.
--
CREATE TABLE sec_parted (id int, kind text) PARTITION BY LIST (kind);
CREATE TABLE sec_parted_a PARTITION OF sec_parted FOR VALUES IN ('a');
CREATE TABLE sec_plain (id int, kind text);
INSERT INTO sec_parted VALUES (1, 'a'), (2, 'a');
INSERT INTO sec_plain VALUES (1, 'a'), (2, 'a');
ALTER TABLE sec_parted ADD COLUMN extra int DEFAULT 7;
ALTER TABLE sec_plain ADD COLUMN extra int DEFAULT 7;
CREATE FUNCTION sec_parted_seen(new sec_parted, old sec_parted) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sec_log (fn, info)
	VALUES ('parted ' || am.hook_event(), format('new %s old %s', new.extra, old.extra));
END
$$;
CREATE FUNCTION sec_plain_seen(new sec_plain, old sec_plain) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sec_log (fn, info)
	VALUES ('plain ' || am.hook_event(), format('new %s old %s', new.extra, old.extra));
END
$$;
SELECT am.add_hook('sec_parted', e, 'sec_parted_seen(sec_parted, sec_parted)'),
	   am.add_hook('sec_plain', e, 'sec_plain_seen(sec_plain, sec_plain)')
FROM unnest(ARRAY['after_update', 'after_destroy', 'after_commit']) AS e;
UPDATE sec_parted SET kind = 'a' WHERE id = 1;
UPDATE sec_plain SET kind = 'a' WHERE id = 1;
DELETE FROM sec_parted WHERE id = 2;
DELETE FROM sec_plain WHERE id = 2;
SELECT fn, info FROM sec_log ORDER BY n;
TRUNCATE sec_log;
DROP TABLE sec_parted, sec_plain CASCADE;

--
-- 6. Commit hooks already queued are not lost when the commit trigger
-- changes in the same transaction.
--
CREATE TABLE sec_commit (id int);
CREATE FUNCTION sec_commit_log(new sec_commit) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sec_log (fn, info) VALUES (am.hook_event(), new.id::text);
END
$$;
SELECT am.add_hook('sec_commit', 'after_create_commit', 'sec_commit_log(sec_commit)');
-- another commit event widens the trigger
BEGIN;
INSERT INTO sec_commit VALUES (1);
SELECT am.add_hook('sec_commit', 'after_update_commit', 'sec_commit_log(sec_commit)');
UPDATE sec_commit SET id = 2;
COMMIT;
-- a rename
BEGIN;
INSERT INTO sec_commit VALUES (3);
ALTER TABLE sec_commit RENAME TO sec_commit2;
COMMIT;
-- the last commit hook removed and added again
BEGIN;
INSERT INTO sec_commit2 VALUES (4);
SELECT am.remove_hook('sec_commit2', 'after_update_commit', 'sec_commit_log(sec_commit2)');
SELECT am.remove_hook('sec_commit2', 'after_create_commit', 'sec_commit_log(sec_commit2)');
SELECT am.add_hook('sec_commit2', 'after_create_commit', 'sec_commit_log(sec_commit2)');
COMMIT;
SELECT fn, info FROM sec_log ORDER BY n;
TRUNCATE sec_log;
-- outside such a transaction the last hook's trigger goes
SELECT am.remove_hook('sec_commit2', 'after_create_commit', 'sec_commit_log(sec_commit2)');
SELECT count(*) FROM pg_trigger WHERE tgrelid = 'sec_commit2'::regclass;
DROP TABLE sec_commit2 CASCADE;

--
-- 7. Only superusers, and roles granted SET on it, can turn hooks off.
--
SET ROLE regress_sec_mallory;
SET activemodel.hooks = off;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SHOW activemodel.hooks;
RESET ROLE;
GRANT SET ON PARAMETER activemodel.hooks TO regress_sec_owner;
SET ROLE regress_sec_owner;
SET activemodel.hooks = off;
SHOW activemodel.hooks;
RESET activemodel.hooks;
RESET ROLE;
REVOKE SET ON PARAMETER activemodel.hooks FROM regress_sec_owner;

--
-- 11. Partitions share their table's cached hooks: one set per hooked
-- table and timing, however many partitions are written.
--
CREATE TABLE sec_wide (id int, note text) PARTITION BY RANGE (id);
DO $$
BEGIN
	FOR i IN 0..49 LOOP
		EXECUTE format('CREATE TABLE sec_wide_%s PARTITION OF sec_wide FOR VALUES FROM (%s) TO (%s)',
					   i, i * 10, i * 10 + 10);
	END LOOP;
END
$$;
CREATE FUNCTION sec_wide_before(new sec_wide) RETURNS sec_wide LANGUAGE sql AS $$ SELECT new $$;
CREATE FUNCTION sec_wide_after(new sec_wide) RETURNS void LANGUAGE sql AS $$ SELECT $$;
SELECT am.add_hook('sec_wide', 'before_save', 'sec_wide_before(sec_wide)');
SELECT am.add_hook('sec_wide', 'after_save', 'sec_wide_after(sec_wide)');
SELECT count(*) AS sets_before FROM pg_backend_memory_contexts
WHERE name = 'activemodel hooks' \gset
INSERT INTO sec_wide SELECT i, 'x' FROM generate_series(0, 499) AS i;
SELECT count(*) - :sets_before AS new_hook_sets FROM pg_backend_memory_contexts
WHERE name = 'activemodel hooks';
DROP TABLE sec_wide CASCADE;

--
-- The registry is read by column, whatever columns a later version adds.
--
CREATE TABLE sec_shape (id int);
CREATE FUNCTION sec_shape_hook(new sec_shape) RETURNS sec_shape LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sec_log (fn, info) VALUES ('shape', new.id::text);
	RETURN new;
END
$$;
BEGIN;
ALTER TABLE am.hook_registry ADD COLUMN x1 text, ADD COLUMN x2 text, ADD COLUMN x3 text,
	ADD COLUMN x4 text;
SELECT am.add_hook('sec_shape', 'before_save', 'sec_shape_hook(sec_shape)');
INSERT INTO sec_shape VALUES (1);
SELECT fn, info FROM sec_log ORDER BY n;
ROLLBACK;
TRUNCATE sec_log;
DROP TABLE sec_shape CASCADE;

DROP TABLE orders_v3, orders_v2 CASCADE;
DROP SCHEMA sec_schema;
DROP TABLE sec_log;
REVOKE USAGE, CREATE ON SCHEMA public FROM regress_sec_owner, regress_sec_mallory;
DROP OWNED BY regress_sec_owner, regress_sec_mallory;
DROP ROLE regress_sec_owner, regress_sec_mallory;
