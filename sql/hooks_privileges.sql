--
-- Lifecycle hooks and roles (issue 15, items 10, 11 and 14):
--   - am.add_hook, am.remove_hook and the event triggers write the registry
--     as its owner with search_path pinned: an operator planted by a table
--     owner on the caller's search_path never runs with those privileges;
--   - am.add_hook checks EXECUTE on the hook function for the calling role
--     (SET ROLE included), not for the table's owner nor the session user;
--   - a partition owned by another role runs its parent's hooks.
--
CREATE ROLE regress_hkp_owner;
CREATE ROLE regress_hkp_member IN ROLE regress_hkp_owner;
CREATE ROLE regress_hkp_other;
CREATE SCHEMA hkp_app AUTHORIZATION regress_hkp_owner;
GRANT USAGE ON SCHEMA hkp_app TO regress_hkp_other;

--
-- Item 10: planted operators.  regclass has no "=" of its own (it borrows
-- oid's through a binary coercion), so an exact-match regclass = regclass or
-- regclass = oid operator on the search_path wins over pg_catalog's; the
-- registry's key column tbl is a regclass, compared with a parameter of
-- either type.
--
SET ROLE regress_hkp_owner;
CREATE TABLE hkp_app.accounts (id int, note text);
CREATE FUNCTION hkp_app.touch(new hkp_app.accounts) RETURNS hkp_app.accounts
LANGUAGE plpgsql AS $$
BEGIN
	new.note := 'touched';
	RETURN new;
END
$$;
CREATE FUNCTION hkp_app.planted_eq(a regclass, b regclass) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	RAISE NOTICE 'planted operator called (superuser: %)',
		(SELECT r.rolsuper FROM pg_catalog.pg_roles r
		 WHERE r.rolname OPERATOR(pg_catalog.=) current_user);
	RETURN a::oid OPERATOR(pg_catalog.=) b::oid;
END
$$;
CREATE OPERATOR hkp_app.= (LEFTARG = regclass, RIGHTARG = regclass,
						   FUNCTION = hkp_app.planted_eq);
CREATE FUNCTION hkp_app.planted_eq_oid(a regclass, b oid) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
	RAISE NOTICE 'planted operator (regclass, oid) called (superuser: %)',
		(SELECT r.rolsuper FROM pg_catalog.pg_roles r
		 WHERE r.rolname OPERATOR(pg_catalog.=) current_user);
	RETURN a::oid OPERATOR(pg_catalog.=) b;
END
$$;
CREATE OPERATOR hkp_app.= (LEFTARG = regclass, RIGHTARG = oid,
						   FUNCTION = hkp_app.planted_eq_oid);
RESET ROLE;

-- a superuser works in the owner's schema: the operator is on its path
SET search_path = hkp_app, public;
SELECT 'accounts'::regclass = 'accounts'::regclass AS planted_operator_resolves;
SELECT 'accounts'::regclass = 'accounts'::regclass::oid AS planted_operator_resolves;

-- ... and none of these calls it
SELECT am.add_hook('accounts', 'before_save', 'touch(accounts)');
INSERT INTO accounts (id) VALUES (1) RETURNING note;
-- rename: the event trigger rewrites the registry row
ALTER FUNCTION touch(accounts) RENAME TO touch_renamed;
SELECT "table", event, "function" FROM am.hooks WHERE "table" OPERATOR(pg_catalog.=) 'hkp_app.accounts'::regclass;
SELECT am.remove_hook('accounts', 'before_save', 'touch_renamed(accounts)');
SELECT am.remove_hook('accounts', 'before_save', 'touch_renamed(accounts)');
-- drops: the event trigger deletes the rows of the dropped function and table
SELECT am.add_hook('accounts', 'before_save', 'touch_renamed(accounts)');
CREATE FUNCTION hkp_app.touch_after(new hkp_app.accounts) RETURNS void
LANGUAGE sql AS $$ SELECT $$;
SELECT am.add_hook('accounts', 'after_save', 'touch_after(accounts)');
DROP FUNCTION touch_after(accounts) CASCADE;
SELECT "table", event, "function" FROM am.hooks WHERE "table" OPERATOR(pg_catalog.=) 'hkp_app.accounts'::regclass;
DROP TABLE accounts CASCADE;
SELECT count(*) FROM am.hook_registry WHERE fn_schema = 'hkp_app';
RESET search_path;

--
-- Item 11: EXECUTE on the hook function is checked for the calling role.
-- regress_hkp_member owns the table through its membership in
-- regress_hkp_owner, and alone may execute the function.
--
SET ROLE regress_hkp_owner;
CREATE TABLE hkp_app.orders (id int, note text);
RESET ROLE;
CREATE FUNCTION hkp_app.audit(new hkp_app.orders) RETURNS void
LANGUAGE sql AS $$ SELECT $$;
REVOKE EXECUTE ON FUNCTION hkp_app.audit(hkp_app.orders) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hkp_app.audit(hkp_app.orders) TO regress_hkp_member;

-- the member may add it, though the table's owner may not execute it
SET ROLE regress_hkp_member;
SELECT am.add_hook('hkp_app.orders', 'after_create', 'hkp_app.audit(hkp_app.orders)');
RESET ROLE;
-- the owner itself may not, though the session's user is a superuser
SET ROLE regress_hkp_owner;
SELECT am.add_hook('hkp_app.orders', 'after_update', 'hkp_app.audit(hkp_app.orders)');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;
-- a superuser may, whatever the table's owner may execute
SELECT am.add_hook('hkp_app.orders', 'after_destroy', 'hkp_app.audit(hkp_app.orders)');
SELECT "table", event, "function" FROM am.hooks WHERE "table" = 'hkp_app.orders'::regclass;

--
-- Item 14: partitions owned by another role, one and two levels down, run
-- the hooks of the partitioned table, whether written directly or through
-- the parent.
--
SET ROLE regress_hkp_owner;
CREATE TABLE hkp_app.events (id int, kind text, note text) PARTITION BY LIST (kind);
CREATE TABLE hkp_app.events_a PARTITION OF hkp_app.events FOR VALUES IN ('a');
CREATE TABLE hkp_app.events_b PARTITION OF hkp_app.events FOR VALUES IN ('b')
	PARTITION BY LIST (id);
CREATE TABLE hkp_app.events_b1 PARTITION OF hkp_app.events_b FOR VALUES IN (1, 2);
CREATE FUNCTION hkp_app.mark(new hkp_app.events) RETURNS hkp_app.events
LANGUAGE plpgsql AS $$
BEGIN
	new.note := 'hooked';
	RETURN new;
END
$$;
SELECT am.add_hook('hkp_app.events', 'before_save', 'hkp_app.mark(hkp_app.events)');
GRANT INSERT, SELECT ON hkp_app.events TO regress_hkp_other;
RESET ROLE;
ALTER TABLE hkp_app.events_a OWNER TO regress_hkp_other;
ALTER TABLE hkp_app.events_b1 OWNER TO regress_hkp_other;

SET ROLE regress_hkp_owner;
INSERT INTO hkp_app.events (id, kind) VALUES (1, 'a'), (1, 'b') RETURNING *;
RESET ROLE;
SET ROLE regress_hkp_other;
INSERT INTO hkp_app.events_a (id, kind) VALUES (2, 'a') RETURNING *;
INSERT INTO hkp_app.events_b1 (id, kind) VALUES (2, 'b') RETURNING *;
INSERT INTO hkp_app.events (id, kind) VALUES (3, 'a') RETURNING *;
RESET ROLE;
SELECT tableoid::regclass, * FROM hkp_app.events ORDER BY id, kind;

SET client_min_messages = warning;
DROP SCHEMA hkp_app CASCADE;
RESET client_min_messages;
DROP ROLE regress_hkp_owner, regress_hkp_member, regress_hkp_other;
