/* sql/activemodel--1.0--1.1.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION activemodel UPDATE TO '1.1'" to load this file. \quit

-- Every change of 1.1 is made here and in activemodel--1.1.sql alike;
-- test/t/020_upgrade.pl checks that 1.0 updated to 1.1 has exactly the
-- objects of a fresh 1.1 install.

--
-- Lifecycle hooks: the security review of 1.0 (issue 8).
--

-- The view binds only pg_catalog's operators: 1.0's resolved an unqualified
-- "=" at install time, so an exact =(oid, regclass) planted in the target
-- schema beforehand ran as whoever read the view.
CREATE OR REPLACE VIEW am.hooks AS
SELECT r.tbl AS "table",
	   r.event,
	   p.oid::pg_catalog.regprocedure AS "function",
	   r.priority
FROM am.hook_registry r
LEFT JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) r.tbl::pg_catalog.oid
LEFT JOIN pg_catalog.pg_namespace n ON n.nspname OPERATOR(pg_catalog.=) r.fn_schema
LEFT JOIN pg_catalog.pg_proc p
	   ON p.pronamespace OPERATOR(pg_catalog.=) n.oid
	  AND p.proname OPERATOR(pg_catalog.=) r.fn_name
	  AND p.proargtypes OPERATOR(pg_catalog.=) pg_catalog.array_to_string(
			pg_catalog.array_fill(c.reltype, ARRAY[r.fn_nargs::pg_catalog.int4]), ' ')::pg_catalog.oidvector
ORDER BY r.tbl::pg_catalog.text,
		 pg_catalog.array_position(ARRAY[
			'before_save', 'before_create', 'before_update', 'before_destroy',
			'after_create', 'after_update', 'after_save', 'after_destroy',
			'after_create_commit', 'after_update_commit', 'after_destroy_commit',
			'after_commit']::pg_catalog.text[], r.event),
		 r.priority, r.fn_name, r.fn_schema, r.fn_nargs;

-- the rows of a hook function, for the event triggers that follow renames
-- and drops of functions
CREATE INDEX hook_registry_fn_idx ON am.hook_registry (fn_schema, fn_name);

-- attached to another table, these would let any role lock every hooked
-- table and flush every session's cache
REVOKE EXECUTE ON FUNCTION am.hooks_registry_changed() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION am.hooks_ddl_trigger() FROM PUBLIC;

-- every command that can rename a table, a function or a schema
DROP EVENT TRIGGER am_hooks_rename_start;
DROP EVENT TRIGGER am_hooks_rename_end;
CREATE EVENT TRIGGER am_hooks_rename_start ON ddl_command_start
	WHEN TAG IN ('ALTER TABLE', 'ALTER INDEX', 'ALTER VIEW', 'ALTER MATERIALIZED VIEW',
				'ALTER SEQUENCE', 'ALTER FOREIGN TABLE', 'ALTER FUNCTION', 'ALTER ROUTINE',
				'ALTER PROCEDURE', 'ALTER SCHEMA', 'ALTER EXTENSION')
	EXECUTE FUNCTION am.hooks_ddl_trigger();
CREATE EVENT TRIGGER am_hooks_rename_end ON ddl_command_end
	WHEN TAG IN ('ALTER TABLE', 'ALTER INDEX', 'ALTER VIEW', 'ALTER MATERIALIZED VIEW',
				'ALTER SEQUENCE', 'ALTER FOREIGN TABLE', 'ALTER FUNCTION', 'ALTER ROUTINE',
				'ALTER PROCEDURE', 'ALTER SCHEMA', 'ALTER EXTENSION')
	EXECUTE FUNCTION am.hooks_ddl_trigger();

CREATE FUNCTION am.hook_events()
	RETURNS TABLE (event text, timing text, operations text[], "position" integer)
	AS 'MODULE_PATHNAME', 'hook_events' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 12;
COMMENT ON FUNCTION am.hook_events() IS
	'the lifecycle events: when each runs, for which writes, in the order am.hooks lists them';
