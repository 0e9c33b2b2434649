/* sql/activemodel--1.1.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION activemodel" to load this file. \quit

-- Schema of the mixins, hooks and ActiveRecord helpers; the typeid type and
-- its functions live in the extension's own schema.
CREATE SCHEMA am;
COMMENT ON SCHEMA am IS 'activemodel mixins, lifecycle hooks and ActiveRecord helpers';
GRANT USAGE ON SCHEMA am TO PUBLIC;

-- Registry of typeid('prefix') type modifiers for prefixes longer than 6
-- bytes, whose typmod is a hash (see src/typeid_typmod.c).  typmod_in
-- inserts a prefix the first time it is used, as the calling role: the
-- database owner may (and superusers); other roles need INSERT granted, so
-- that no one can fill the registry or take a number another prefix needs.
-- Not dumped: restoring the tables that use a prefix registers it again.
CREATE TABLE am.typeid_prefixes (
	typmod integer PRIMARY KEY,
	prefix text NOT NULL UNIQUE
);
COMMENT ON TABLE am.typeid_prefixes IS 'typeid(''prefix'') type modifiers of prefixes longer than 6 bytes';
REVOKE ALL ON am.typeid_prefixes FROM PUBLIC;
GRANT SELECT ON am.typeid_prefixes TO PUBLIC;
GRANT INSERT ON am.typeid_prefixes TO pg_database_owner;

--
-- The typeid type: TypeID spec v0.3, a prefix and a UUID.
--

CREATE TYPE typeid;

CREATE FUNCTION typeid_in(cstring, oid, integer) RETURNS typeid
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION typeid_out(typeid) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION typeid_recv(internal, oid, integer) RETURNS typeid
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION typeid_send(typeid) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The typmod is a pure function of the prefix.  typmod_in also records
-- prefixes longer than 6 bytes in am.typeid_prefixes (core requires typmod
-- input functions to be non-volatile, and the record is only a cache of that
-- function's inverse), hence STABLE and PARALLEL UNSAFE.  Reading it back
-- (typmod_out, the prefix check) stays IMMUTABLE like core's length casts.
CREATE FUNCTION typeid_typmod_in(cstring[]) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL UNSAFE;
CREATE FUNCTION typeid_typmod_out(integer) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE typeid (
	INPUT = typeid_in,
	OUTPUT = typeid_out,
	RECEIVE = typeid_recv,
	SEND = typeid_send,
	TYPMOD_IN = typeid_typmod_in,
	TYPMOD_OUT = typeid_typmod_out,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = main,
	CATEGORY = 'U'
);

COMMENT ON TYPE typeid IS 'TypeID (spec v0.3): a type prefix and a UUID, written prefix_suffix';

--
-- Comparison operators.
--

CREATE FUNCTION typeid_eq(typeid, typeid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION typeid_ne(typeid, typeid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION typeid_lt(typeid, typeid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION typeid_le(typeid, typeid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION typeid_gt(typeid, typeid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION typeid_ge(typeid, typeid) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION typeid_cmp(typeid, typeid) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION typeid_sortsupport(internal) RETURNS void
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION typeid_hash(typeid) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION typeid_hash_extended(typeid, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT LEAKPROOF PARALLEL SAFE;
CREATE FUNCTION typeid_smaller(typeid, typeid) RETURNS typeid
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION typeid_larger(typeid, typeid) RETURNS typeid
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR = (
	LEFTARG = typeid, RIGHTARG = typeid, FUNCTION = typeid_eq,
	COMMUTATOR = =, NEGATOR = <>,
	RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR <> (
	LEFTARG = typeid, RIGHTARG = typeid, FUNCTION = typeid_ne,
	COMMUTATOR = <>, NEGATOR = =,
	RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
	LEFTARG = typeid, RIGHTARG = typeid, FUNCTION = typeid_lt,
	COMMUTATOR = >, NEGATOR = >=,
	RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
	LEFTARG = typeid, RIGHTARG = typeid, FUNCTION = typeid_le,
	COMMUTATOR = >=, NEGATOR = >,
	RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
	LEFTARG = typeid, RIGHTARG = typeid, FUNCTION = typeid_gt,
	COMMUTATOR = <, NEGATOR = <=,
	RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
	LEFTARG = typeid, RIGHTARG = typeid, FUNCTION = typeid_ge,
	COMMUTATOR = <=, NEGATOR = <,
	RESTRICT = scalargesel, JOIN = scalargejoinsel
);

--
-- Operator classes: btree (default), hash (default), BRIN minmax (default).
--

CREATE OPERATOR CLASS typeid_ops
	DEFAULT FOR TYPE typeid USING btree AS
		OPERATOR 1 <,
		OPERATOR 2 <=,
		OPERATOR 3 =,
		OPERATOR 4 >=,
		OPERATOR 5 >,
		FUNCTION 1 typeid_cmp(typeid, typeid),
		FUNCTION 2 typeid_sortsupport(internal),
		FUNCTION 4 btequalimage(oid);

CREATE OPERATOR CLASS typeid_ops
	DEFAULT FOR TYPE typeid USING hash AS
		OPERATOR 1 =,
		FUNCTION 1 typeid_hash(typeid),
		FUNCTION 2 typeid_hash_extended(typeid, bigint);

CREATE OPERATOR CLASS typeid_minmax_ops
	DEFAULT FOR TYPE typeid USING brin AS
		OPERATOR 1 <,
		OPERATOR 2 <=,
		OPERATOR 3 =,
		OPERATOR 4 >=,
		OPERATOR 5 >,
		FUNCTION 1 brin_minmax_opcinfo(internal),
		FUNCTION 2 brin_minmax_add_value(internal, internal, internal, internal),
		FUNCTION 3 brin_minmax_consistent(internal, internal, internal),
		FUNCTION 4 brin_minmax_union(internal, internal, internal);

CREATE AGGREGATE min(typeid) (
	SFUNC = typeid_smaller,
	STYPE = typeid,
	COMBINEFUNC = typeid_smaller,
	SORTOP = <,
	PARALLEL = SAFE
);
CREATE AGGREGATE max(typeid) (
	SFUNC = typeid_larger,
	STYPE = typeid,
	COMBINEFUNC = typeid_larger,
	SORTOP = >,
	PARALLEL = SAFE
);

--
-- Generation.
--

CREATE FUNCTION typeid_generate(prefix text DEFAULT '') RETURNS typeid
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION typeid_generate(text) IS 'new typeid with the given prefix and a UUIDv7';

CREATE FUNCTION uuid_generate_v7() RETURNS uuid
	AS 'MODULE_PATHNAME' LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uuid_generate_v7() IS 'new UUIDv7 (RFC 9562, method 3)';

--
-- Parts and conversions.
--

CREATE FUNCTION typeid_prefix(typeid) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION typeid_prefix(typeid) IS 'prefix of a typeid, empty when it has none';

CREATE FUNCTION typeid_uuid(typeid) RETURNS uuid
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION typeid_uuid(typeid) IS 'UUID of a typeid';

CREATE FUNCTION typeid_from_uuid(prefix text, uuid) RETURNS typeid
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION typeid_from_uuid(text, uuid) IS 'typeid made of a prefix and any UUID';

CREATE FUNCTION typeid(uuid) RETURNS typeid
	AS 'MODULE_PATHNAME', 'typeid_from_uuid_cast'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION typeid(uuid) IS 'cast uuid to typeid';

CREATE FUNCTION typeid_timestamp(typeid) RETURNS timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION typeid_timestamp(typeid) IS 'millisecond timestamp of a UUIDv7 typeid, NULL for other UUID versions';

CREATE FUNCTION uuid_v7_timestamp(uuid) RETURNS timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uuid_v7_timestamp(uuid) IS 'millisecond timestamp of a UUIDv7, NULL for other UUID versions';

CREATE FUNCTION typeid_min_at(prefix text, at timestamptz) RETURNS typeid
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION typeid_min_at(text, timestamptz) IS 'smallest UUIDv7 typeid of the millisecond of a time, a bound for time-range scans';

CREATE FUNCTION typeid_is_valid(text) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION typeid_is_valid(text) IS 'whether a text is a valid typeid; never raises';

--
-- Casts.
--

CREATE FUNCTION typeid(typeid, integer, boolean) RETURNS typeid
	AS 'MODULE_PATHNAME', 'typeid_enforce_typmod'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION typeid(typeid, integer, boolean) IS 'cast to typeid(''prefix''): checks the prefix, gives one to values without';

CREATE CAST (typeid AS typeid) WITH FUNCTION typeid(typeid, integer, boolean) AS IMPLICIT;
CREATE CAST (typeid AS text) WITH INOUT AS ASSIGNMENT;
-- text -> typeid is implicit (since 1.1) so that strings that drivers bind as
-- text or varchar compare with typeid columns; see "typeid casts for
-- clients" at the end for the varchar cast and the reasons.
CREATE CAST (text AS typeid) WITH INOUT AS IMPLICIT;
CREATE CAST (typeid AS uuid) WITH FUNCTION typeid_uuid(typeid);
CREATE CAST (uuid AS typeid) WITH FUNCTION typeid(uuid) AS ASSIGNMENT;

--
-- The TypeID mixin.
--

CREATE FUNCTION am.add_typeid(tbl regclass, prefix text, col name DEFAULT 'id')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	col_type regtype;
	target text;
	bad text;
BEGIN
	-- the owner only; locked before the existing values are validated, so
	-- that no row changes between the checks and the conversion
	PERFORM am._check_owned_table(tbl, 'am.add_typeid');

	-- the type modifier checks the prefix (and registers a long one)
	target := pg_catalog.format('@extschema@.typeid(%L)', prefix);
	EXECUTE pg_catalog.format('SELECT NULL::%s', target);

	SELECT a.atttypid INTO col_type
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) col
	  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;

	IF NOT FOUND THEN
		-- a volatile default gives every existing row its own ID
		EXECUTE pg_catalog.format('ALTER TABLE %s ADD COLUMN %I %s NOT NULL DEFAULT @extschema@.typeid_generate(%L)',
								  tbl, col, target, prefix);
	ELSE
		IF col_type OPERATOR(pg_catalog.=) 'pg_catalog.uuid'::pg_catalog.regtype THEN
			EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I TYPE %s USING @extschema@.typeid_from_uuid(%L, %I)',
									  tbl, col, target, prefix, col);
		ELSIF col_type OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.text', 'pg_catalog.varchar', '@extschema@.typeid']::pg_catalog.regtype[]) THEN
			EXECUTE pg_catalog.format('SELECT v FROM (SELECT %I::pg_catalog.text AS v FROM %s) s
									   WHERE v IS NOT NULL AND NOT @extschema@.typeid_is_valid(v) LIMIT 1',
									  col, tbl)
				INTO bad;
			IF bad IS NOT NULL THEN
				RAISE EXCEPTION 'column "%" of table % holds values that are not typeids', col, tbl
					USING ERRCODE = 'invalid_text_representation',
						  DETAIL = pg_catalog.format('For example %L.', bad);
			END IF;
			EXECUTE pg_catalog.format('SELECT v FROM (SELECT %I::pg_catalog.text AS v FROM %s) s
									   WHERE v IS NOT NULL
									     AND @extschema@.typeid_prefix(v::@extschema@.typeid)
									         OPERATOR(pg_catalog.<>) ALL (ARRAY[%L, %L]::pg_catalog.text[])
									   LIMIT 1',
									  col, tbl, prefix, '')
				INTO bad;
			IF bad IS NOT NULL THEN
				RAISE EXCEPTION 'column "%" of table % holds typeids with prefixes other than "%"',
								col, tbl, prefix
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = pg_catalog.format('For example %L.', bad),
						  HINT = 'Values without a prefix take the column''s; change the others first.';
			END IF;
			EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I TYPE %s USING %I::pg_catalog.text::@extschema@.typeid',
									  tbl, col, target, col);
		ELSE
			RAISE EXCEPTION 'column "%" of table % is of type %', col, tbl, col_type
				USING ERRCODE = 'datatype_mismatch',
					  HINT = 'am.add_typeid converts columns of type uuid, text, character varying or typeid.';
		END IF;
		EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT @extschema@.typeid_generate(%L)',
								  tbl, col, prefix);
	END IF;

	IF NOT EXISTS (SELECT FROM pg_catalog.pg_constraint c
				   WHERE c.conrelid OPERATOR(pg_catalog.=) tbl AND c.contype OPERATOR(pg_catalog.=) 'p') THEN
		EXECUTE pg_catalog.format('ALTER TABLE %s ADD PRIMARY KEY (%I)', tbl, col);
	END IF;
END
$$;
COMMENT ON FUNCTION am.add_typeid(regclass, text, name) IS 'TypeID mixin: add or convert a typeid(''prefix'') column with a generating default, primary key when the table has none';

--
-- Lifecycle hooks: Rails-style callbacks registered per table and run by one
-- C dispatch trigger per table and timing.  See src/hooks_registry.c for the
-- security model.
--

-- The registry.  A hook function is kept by schema, name and number of
-- arguments (its argument types are the table's row type), not as
-- regprocedure, which pg_upgrade refuses in user tables.  pg_dump dumps the
-- rows (tbl as a name); only am.add_hook and am.remove_hook write them.
CREATE TABLE am.hook_registry (
	tbl regclass NOT NULL,
	event text NOT NULL CONSTRAINT hook_registry_event_check CHECK (event IN (
		'before_save', 'before_create', 'before_update', 'before_destroy',
		'after_create', 'after_update', 'after_save', 'after_destroy',
		'after_commit', 'after_create_commit', 'after_update_commit',
		'after_destroy_commit')),
	fn_schema name NOT NULL,
	fn_name name NOT NULL,
	fn_nargs smallint NOT NULL CONSTRAINT hook_registry_fn_nargs_check CHECK (fn_nargs IN (1, 2)),
	priority integer NOT NULL DEFAULT 100,
	PRIMARY KEY (tbl, event, fn_schema, fn_name, fn_nargs)
);
SELECT pg_catalog.pg_extension_config_dump('am.hook_registry', '');
-- the rows of a hook function, for the event triggers that follow renames
-- and drops of functions
CREATE INDEX hook_registry_fn_idx ON am.hook_registry (fn_schema, fn_name);
REVOKE ALL ON am.hook_registry FROM PUBLIC;
GRANT SELECT ON am.hook_registry TO PUBLIC;
COMMENT ON TABLE am.hook_registry IS 'lifecycle hooks; change with am.add_hook and am.remove_hook, read am.hooks';

CREATE VIEW am.hooks AS
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
GRANT SELECT ON am.hooks TO PUBLIC;
COMMENT ON VIEW am.hooks IS 'lifecycle hooks by table, in the order they run';

CREATE FUNCTION am.add_hook(tbl regclass, event text, fn regprocedure, priority integer DEFAULT 100)
	RETURNS void
	AS 'MODULE_PATHNAME', 'hooks_add' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.add_hook(regclass, text, regprocedure, integer) IS
	'run fn(new row [, old row]) at event for every row of tbl; lower priority runs first';

CREATE FUNCTION am.remove_hook(tbl regclass, event text, fn regprocedure)
	RETURNS boolean
	AS 'MODULE_PATHNAME', 'hooks_remove' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.remove_hook(regclass, text, regprocedure) IS
	'unregister a hook; false if it was not registered';

CREATE FUNCTION am.hooks_dispatch() RETURNS trigger
	AS 'MODULE_PATHNAME', 'hooks_dispatch' LANGUAGE C;
COMMENT ON FUNCTION am.hooks_dispatch() IS
	'trigger that runs the hooks of the table named by its argument';

CREATE FUNCTION am.hooks_enabled() RETURNS boolean
	AS 'MODULE_PATHNAME', 'hooks_enabled_fn' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION am.hooks_enabled() IS 'the activemodel.hooks setting';

CREATE FUNCTION am.hook_event() RETURNS text
	AS 'MODULE_PATHNAME', 'hook_event' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION am.hook_event() IS 'event of the hook running now; NULL outside hooks';

CREATE FUNCTION am.hook_events()
	RETURNS TABLE (event text, timing text, operations text[], "position" integer)
	AS 'MODULE_PATHNAME', 'hook_events' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 12;
COMMENT ON FUNCTION am.hook_events() IS
	'the lifecycle events: when each runs, for which writes, in the order am.hooks lists them';

CREATE FUNCTION am.hook_operation() RETURNS text
	AS 'MODULE_PATHNAME', 'hook_operation' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION am.hook_operation() IS
	'write that fired the hook running now: create, update or destroy; NULL outside hooks';

-- A change of the registry made other than by am.add_hook and am.remove_hook
-- (by a superuser, or a data-only restore) reaches every session's cached
-- hooks and the dependencies of the dispatch triggers on the hook functions.
CREATE FUNCTION am.hooks_registry_changed() RETURNS trigger
	AS 'MODULE_PATHNAME', 'hooks_registry_changed' LANGUAGE C;
COMMENT ON FUNCTION am.hooks_registry_changed() IS
	'trigger of am.hook_registry: refresh cached hooks and the dispatch triggers'' dependencies';
REVOKE EXECUTE ON FUNCTION am.hooks_registry_changed() FROM PUBLIC;
CREATE TRIGGER hook_registry_changed
	AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON am.hook_registry
	FOR EACH STATEMENT EXECUTE FUNCTION am.hooks_registry_changed();

-- Event triggers keeping the registry in step with drops and renames, and
-- recording the dependencies of dispatch triggers created by a restore.
-- The rename triggers fire for every command that can rename a table (of
-- ALTER INDEX, VIEW, SEQUENCE, MATERIALIZED VIEW and FOREIGN TABLE only
-- ALTER INDEX can, but they are listed should PostgreSQL allow more), a
-- function or a schema; for other ALTERs they read nothing.
CREATE FUNCTION am.hooks_ddl_trigger() RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'hooks_ddl_trigger' LANGUAGE C;
COMMENT ON FUNCTION am.hooks_ddl_trigger() IS
	'event trigger: forget hooks of dropped tables and functions, follow renames, record dependencies of restored dispatch triggers';
REVOKE EXECUTE ON FUNCTION am.hooks_ddl_trigger() FROM PUBLIC;

CREATE EVENT TRIGGER am_hooks_drop ON sql_drop
	EXECUTE FUNCTION am.hooks_ddl_trigger();
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
CREATE EVENT TRIGGER am_hooks_trigger_created ON ddl_command_end
	WHEN TAG IN ('CREATE TRIGGER')
	EXECUTE FUNCTION am.hooks_ddl_trigger();

--
-- Timestamps mixin: created_at / updated_at kept by a C trigger.
--

CREATE FUNCTION am.timestamps() RETURNS trigger
	AS 'MODULE_PATHNAME', 'timestamps_trigger'
	LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION am.timestamps() IS 'BEFORE INSERT OR UPDATE row trigger keeping created and updated columns, Rails semantics; arguments: the created and updated column names (default created_at, updated_at, '''' to leave one alone)';

-- Adds the missing columns (default am.timestamp_now(), existing rows get
-- now()), checks the existing ones, switches a now() default to
-- am.timestamp_now(), and (re)creates the trigger am_timestamps.
CREATE FUNCTION am.add_timestamps(tbl regclass,
								  created_col name DEFAULT 'created_at',
								  updated_col name DEFAULT 'updated_at')
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	rel_name name;
	col name;
	col_type regtype;
	col_default text;
	added text[] := '{}';
	clocked text[] := '{}';
BEGIN
	IF created_col OPERATOR(pg_catalog.=) '' THEN
		created_col := NULL;
	END IF;
	IF updated_col OPERATOR(pg_catalog.=) '' THEN
		updated_col := NULL;
	END IF;
	IF created_col IS NULL AND updated_col IS NULL THEN
		RAISE EXCEPTION 'created_col and updated_col cannot both be NULL'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Name the created column, the updated column, or both.';
	END IF;
	IF created_col OPERATOR(pg_catalog.=) updated_col THEN
		RAISE EXCEPTION 'created_col and updated_col are both "%"', created_col
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Use two different columns, or NULL for one of them.';
	END IF;

	-- the owner only; the lock is self-exclusive, so concurrent calls queue
	-- instead of racing on the same column
	PERFORM am._check_owned_table(tbl, 'am.add_timestamps');
	SELECT c.relname INTO rel_name FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl;

	FOREACH col IN ARRAY ARRAY[created_col, updated_col] LOOP
		CONTINUE WHEN col IS NULL;
		SELECT a.atttypid, pg_catalog.pg_get_expr(d.adbin, d.adrelid) INTO col_type, col_default
		FROM pg_catalog.pg_attribute a
		LEFT JOIN pg_catalog.pg_attrdef d
			ON d.adrelid OPERATOR(pg_catalog.=) a.attrelid AND d.adnum OPERATOR(pg_catalog.=) a.attnum
		WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) col
		  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
		IF NOT FOUND THEN
			added := pg_catalog.array_append(added,
				pg_catalog.format('ADD COLUMN %I pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()', col));
			clocked := pg_catalog.array_append(clocked,
				pg_catalog.format('ALTER COLUMN %I SET DEFAULT am.timestamp_now()', col));
		ELSIF col_type OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog.timestamptz', 'pg_catalog.timestamp']::pg_catalog.regtype[]) THEN
			RAISE EXCEPTION 'column "%" of relation "%" has type %', col, rel_name, pg_catalog.format_type(col_type, NULL)
				USING ERRCODE = 'datatype_mismatch',
					  DETAIL = 'Timestamp columns must be of type timestamp with time zone or timestamp without time zone.',
					  HINT = 'Change the column''s type, or pass another column name.';
		ELSIF col_default OPERATOR(pg_catalog.=) 'now()' THEN
			-- the default that 1.0 gave: follow the clock setting from now on
			clocked := pg_catalog.array_append(clocked,
				pg_catalog.format('ALTER COLUMN %I SET DEFAULT am.timestamp_now()', col));
		END IF;
	END LOOP;

	-- Existing rows get now() from the catalog, without a rewrite (which a
	-- volatile default would cause); new rows follow the clock setting.
	IF pg_catalog.cardinality(added) OPERATOR(pg_catalog.>) 0 THEN
		EXECUTE pg_catalog.format('ALTER TABLE %s %s', tbl, pg_catalog.array_to_string(added, ', '));
	END IF;
	IF pg_catalog.cardinality(clocked) OPERATOR(pg_catalog.>) 0 THEN
		EXECUTE pg_catalog.format('ALTER TABLE %s %s', tbl, pg_catalog.array_to_string(clocked, ', '));
	END IF;

	EXECUTE pg_catalog.format('CREATE OR REPLACE TRIGGER am_timestamps BEFORE INSERT OR UPDATE ON %s '
							  'FOR EACH ROW EXECUTE FUNCTION am.timestamps(%L, %L)',
							  tbl, coalesce(created_col, ''), coalesce(updated_col, ''));
END
$$;
COMMENT ON FUNCTION am.add_timestamps(regclass, name, name) IS 'add created and updated timestamptz columns where missing, defaulting to am.timestamp_now(), and the am_timestamps trigger that keeps them; NULL omits a column; idempotent, owner only';

CREATE FUNCTION am.remove_timestamps(tbl regclass) RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM am._check_owned_table(tbl, 'am.remove_timestamps');
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger t
				   WHERE t.tgrelid OPERATOR(pg_catalog.=) tbl
					 AND t.tgname OPERATOR(pg_catalog.=) 'am_timestamps'
					 AND t.tgfoid OPERATOR(pg_catalog.=) 'am.timestamps()'::pg_catalog.regprocedure) THEN
		RETURN false;
	END IF;
	EXECUTE pg_catalog.format('DROP TRIGGER am_timestamps ON %s', tbl);
	RETURN true;
END
$$;
COMMENT ON FUNCTION am.remove_timestamps(regclass) IS 'drop the am_timestamps trigger, keeping the columns; false when there was none; owner only';

--
-- Table checks and timestamps that follow the clock setting (issues 8, 10, 14)
--

-- The table and owner check of the functions that change a table on its
-- owner's behalf, with the lock they take (src/table_check.c).  Anyone may
-- call it: it only tells whether the caller owns the table.
CREATE FUNCTION am._check_owned_table(tbl regclass, caller text) RETURNS void
	AS 'MODULE_PATHNAME', 'am_check_owned_table_sql'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION am._check_owned_table(regclass, text) IS 'internal: raise unless tbl is a table the current user owns, then lock it (and its partitions) in SHARE ROW EXCLUSIVE mode; caller is the function named in the hint';

-- The default of the columns am.add_timestamps adds: the time of the clock
-- activemodel.timestamp_clock selects, read once per row.
CREATE FUNCTION am.timestamp_now() RETURNS timestamptz
	AS 'MODULE_PATHNAME', 'am_timestamp_now'
	LANGUAGE C VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION am.timestamp_now() IS 'the time activemodel.timestamp_clock selects (now(), statement_timestamp() or clock_timestamp() read once per row); default of the columns am.add_timestamps adds';

-- typeid casts for clients (issue 11)
--
-- Most drivers send a string parameter typed as text (psycopg's binary
-- dumpers, asyncpg and postgres.js arrays, pgx, Ruby pg's type maps) or
-- varchar (JDBC setString, SQLAlchemy's VARCHAR bind casts), not as an
-- untyped literal.  With text -> typeid implicit (above) and varchar ->
-- typeid implicit here, "id = $1::text", "id = $1::varchar" and
-- "id = ANY($1::text[])" resolve to typeid = typeid with the cast on the
-- parameter, so they still use a typeid index.  typeid -> text stays an
-- assignment cast, so typeid and text still do not mix in UNION, CASE or
-- COALESCE, and "id = text_column" parses the column's values at run time
-- (22P02 on one that is not a typeid).  sql/typeid_casts.sql pins all this.
CREATE CAST (varchar AS typeid) WITH INOUT AS IMPLICIT;

-- ActiveRecord helpers: finders (issue 9)

CREATE FUNCTION am."where"(model anyelement, conditions jsonb DEFAULT '{}',
                           order_by text DEFAULT NULL, take integer DEFAULT NULL,
                           skip integer DEFAULT NULL, after text DEFAULT NULL)
    RETURNS SETOF anyelement
    AS 'MODULE_PATHNAME', 'am_where' LANGUAGE C STABLE;
COMMENT ON FUNCTION am."where"(anyelement, jsonb, text, integer, integer, text) IS
    'rows of the model (a typed NULL of its row type) matching Django-style conditions, with order_by (''col, -col2''), take, skip and keyset paging after a primary-key value';

CREATE FUNCTION am.find(model anyelement, id "any") RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_find' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.find(anyelement, "any") IS
    'the row of the model with this primary-key value (of the key''s type, text, an integer, or a uuid for typeid keys); raises P0002 when there is none';

-- the same function for text and for untyped literals and parameters,
-- which "any" alone cannot take
CREATE FUNCTION am.find(model anyelement, id text) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_find' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.find(anyelement, text) IS
    'the row of the model with this primary-key value given as text (or an untyped literal or parameter); raises P0002 when there is none';

CREATE FUNCTION am.find_by(model anyelement, conditions jsonb) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_find_by' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.find_by(anyelement, jsonb) IS
    'the first row of the model by primary key matching the conditions, or NULL';

CREATE FUNCTION am.first(model anyelement, conditions jsonb DEFAULT '{}') RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_first' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.first(anyelement, jsonb) IS
    'the row of the model with the lowest primary key matching the conditions, or NULL';

CREATE FUNCTION am.last(model anyelement, conditions jsonb DEFAULT '{}') RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_last' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.last(anyelement, jsonb) IS
    'the row of the model with the highest primary key matching the conditions, or NULL';

CREATE FUNCTION am.count(model anyelement, conditions jsonb DEFAULT '{}') RETURNS bigint
    AS 'MODULE_PATHNAME', 'am_count' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.count(anyelement, jsonb) IS
    'the number of rows of the model matching the conditions';

CREATE FUNCTION am.exists(model anyelement, conditions jsonb DEFAULT '{}') RETURNS boolean
    AS 'MODULE_PATHNAME', 'am_exists' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.exists(anyelement, jsonb) IS
    'whether a row of the model matches the conditions';

CREATE FUNCTION am.pluck(model anyelement, cols text[], conditions jsonb DEFAULT '{}',
                         order_by text DEFAULT NULL)
    RETURNS SETOF jsonb
    AS 'MODULE_PATHNAME', 'am_pluck' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.pluck(anyelement, text[], jsonb, text) IS
    'one JSON array of the given columns (or belongs-to paths such as author___name) per row of the model matching the conditions';

CREATE FUNCTION am.group_count(model anyelement, col text, conditions jsonb DEFAULT '{}')
    RETURNS TABLE(key jsonb, count bigint)
    AS 'MODULE_PATHNAME', 'am_group_count' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.group_count(anyelement, text, jsonb) IS
    'the number of rows of the model matching the conditions for each value of a column (or belongs-to path), in the order of the values';

CREATE FUNCTION am.to_json(model anyelement, include jsonb DEFAULT NULL,
                           columns text[] DEFAULT NULL, exclude text[] DEFAULT NULL)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'am_to_json' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.to_json(anyelement, jsonb, text[], text[]) IS
    'a row as a JSON object, as Rails'' as_json(include:, only:, except:): include nests relations found from foreign keys';

CREATE FUNCTION am.as_json(model anyelement, conditions jsonb DEFAULT '{}',
                           include jsonb DEFAULT NULL, order_by text DEFAULT NULL,
                           take integer DEFAULT NULL, skip integer DEFAULT NULL)
    RETURNS jsonb
    AS 'MODULE_PATHNAME', 'am_as_json' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.as_json(anyelement, jsonb, jsonb, text, integer, integer) IS
    'a JSON array of the rows of the model matching the conditions, with the related rows of include, each level loaded at once for all rows';

CREATE FUNCTION am.from_json(model anyelement, attrs jsonb) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_from_json' LANGUAGE C STABLE;
COMMENT ON FUNCTION am.from_json(anyelement, jsonb) IS
    'a row of the model from a JSON object, values converted as assigned to the columns; unknown keys raise 42703';

-- ActiveRecord helpers: persistence (issue 10)

-- The mark of a soft-delete column: its type.  Clients see timestamptz,
-- the base type, in the protocol's row description.
CREATE DOMAIN am.soft_delete_timestamp AS pg_catalog.timestamptz;
COMMENT ON DOMAIN am.soft_delete_timestamp IS
    'the type of the column am.add_soft_delete adds: a timestamptz whose non-NULL value marks a row soft-deleted, which the finders leave out';

CREATE FUNCTION am.add_soft_delete(tbl regclass, col name DEFAULT 'deleted_at')
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	rel_name name;
	col_type regtype;
	other name;
BEGIN
	IF col IS NULL OR col OPERATOR(pg_catalog.=) '' THEN
		RAISE EXCEPTION 'col must not be null or empty'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the owner only; the lock is self-exclusive, so concurrent calls queue
	PERFORM am._check_owned_table(tbl, 'am.add_soft_delete');
	SELECT c.relname INTO rel_name FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) tbl;

	SELECT a.attname INTO other
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attnum OPERATOR(pg_catalog.>) 0
	  AND NOT a.attisdropped
	  AND a.atttypid OPERATOR(pg_catalog.=) 'am.soft_delete_timestamp'::pg_catalog.regtype
	  AND a.attname OPERATOR(pg_catalog.<>) col;
	IF FOUND THEN
		RAISE EXCEPTION 'relation "%" already has the soft-delete column "%"', rel_name, other
			USING ERRCODE = 'duplicate_column',
				  HINT = 'A table has one soft-delete column.';
	END IF;

	SELECT a.atttypid INTO col_type
	FROM pg_catalog.pg_attribute a
	WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) col
	  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
	IF NOT FOUND THEN
		EXECUTE pg_catalog.format('ALTER TABLE %s ADD COLUMN %I am.soft_delete_timestamp', tbl, col);
	ELSIF col_type OPERATOR(pg_catalog.=) 'pg_catalog.timestamptz'::pg_catalog.regtype THEN
		-- a domain without constraints over the same type: no table rewrite
		EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I TYPE am.soft_delete_timestamp', tbl, col);
	ELSIF col_type OPERATOR(pg_catalog.<>) 'am.soft_delete_timestamp'::pg_catalog.regtype THEN
		RAISE EXCEPTION 'column "%" of relation "%" has type %', col, rel_name, pg_catalog.format_type(col_type, NULL)
			USING ERRCODE = 'datatype_mismatch',
				  DETAIL = 'A soft-delete column is of type timestamp with time zone.',
				  HINT = 'Change the column''s type, or pass another column name.';
	END IF;
END
$$;
COMMENT ON FUNCTION am.add_soft_delete(regclass, name) IS
    'give a table a nullable soft-delete column (type am.soft_delete_timestamp; an existing timestamptz column is converted without a rewrite), which the finders then leave out unless asked; idempotent, owner only';

CREATE FUNCTION am."create"(model anyelement, attrs jsonb) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_create' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am."create"(anyelement, jsonb) IS
    'insert a row of the model from a JSON object of column values (each through its column''s input) and return it; hooks and timestamps run';

CREATE FUNCTION am.insert_all(model anyelement, "rows" jsonb) RETURNS SETOF anyelement
    AS 'MODULE_PATHNAME', 'am_insert_all' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.insert_all(anyelement, jsonb) IS
    'insert the rows of a JSON array of objects with the same keys in one statement and return them; hooks and timestamps run';

CREATE FUNCTION am.update(model anyelement, id "any", attrs jsonb) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_update' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.update(anyelement, "any", jsonb) IS
    'update the columns of attrs of the row with this primary-key value and return it; raises P0002 when there is none; hooks and timestamps run';

CREATE FUNCTION am.update(model anyelement, id text, attrs jsonb) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_update' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.update(anyelement, text, jsonb) IS
    'am.update with the primary-key value as text (or an untyped literal or parameter)';

CREATE FUNCTION am.update_all(model anyelement, conditions jsonb, attrs jsonb) RETURNS bigint
    AS 'MODULE_PATHNAME', 'am_update_all' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.update_all(anyelement, jsonb, jsonb) IS
    'update the columns of attrs of every row matching the conditions in one statement, without hooks and leaving updated_at alone (Rails); the number of rows';

CREATE FUNCTION am.upsert(model anyelement, attrs jsonb, unique_by text[] DEFAULT NULL)
    RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_upsert' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.upsert(anyelement, jsonb, text[]) IS
    'insert a row, or on a conflict of unique_by (NULL: the primary key) update its other given columns, never the key or created_at; returns the row; hooks and timestamps run';

CREATE FUNCTION am.upsert_all(model anyelement, "rows" jsonb, unique_by text[] DEFAULT NULL)
    RETURNS SETOF anyelement
    AS 'MODULE_PATHNAME', 'am_upsert_all' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.upsert_all(anyelement, jsonb, text[]) IS
    'am.upsert of the rows of a JSON array of objects with the same keys in one statement; returns the rows';

CREATE FUNCTION am.destroy(model anyelement, id "any") RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_destroy' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.destroy(anyelement, "any") IS
    'delete the row with this primary-key value and return it; raises P0002 when there is none; hooks run';

CREATE FUNCTION am.destroy(model anyelement, id text) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_destroy' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.destroy(anyelement, text) IS
    'am.destroy with the primary-key value as text (or an untyped literal or parameter)';

CREATE FUNCTION am.destroy_all(model anyelement, conditions jsonb) RETURNS bigint
    AS 'MODULE_PATHNAME', 'am_destroy_all' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.destroy_all(anyelement, jsonb) IS
    'delete every row matching the conditions in one statement, with hooks; the number of rows';

CREATE FUNCTION am.delete_all(model anyelement, conditions jsonb) RETURNS bigint
    AS 'MODULE_PATHNAME', 'am_delete_all' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.delete_all(anyelement, jsonb) IS
    'delete every row matching the conditions in one statement, without hooks (Rails); the number of rows';

CREATE FUNCTION am.find_or_create_by(model anyelement, conditions jsonb, extra jsonb DEFAULT '{}')
    RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_find_or_create_by' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.find_or_create_by(anyelement, jsonb, jsonb) IS
    'the first row by primary key whose columns equal the conditions, else a new row of the conditions and extra; concurrent callers get the same row when a unique index covers the condition columns';

CREATE FUNCTION am.increment(model anyelement, id "any", col text, "by" numeric DEFAULT 1)
    RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_increment' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.increment(anyelement, "any", text, numeric) IS
    'add by to a numeric column (NULL counting as 0) of the row with this primary-key value in one atomic UPDATE and return the row; hooks and timestamps run';

CREATE FUNCTION am.increment(model anyelement, id text, col text, "by" numeric DEFAULT 1)
    RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_increment' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.increment(anyelement, text, text, numeric) IS
    'am.increment with the primary-key value as text (or an untyped literal or parameter)';

CREATE FUNCTION am.touch(model anyelement, id "any") RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_touch' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.touch(anyelement, "any") IS
    'set the updated timestamp column of the row with this primary-key value to am.timestamp_now() and return the row; hooks run';

CREATE FUNCTION am.touch(model anyelement, id text) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_touch' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.touch(anyelement, text) IS
    'am.touch with the primary-key value as text (or an untyped literal or parameter)';

CREATE FUNCTION am.toggle(model anyelement, id "any", col text) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_toggle' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.toggle(anyelement, "any", text) IS
    'flip a boolean column (NULL becoming true) of the row with this primary-key value in one atomic UPDATE and return the row; hooks and timestamps run';

CREATE FUNCTION am.toggle(model anyelement, id text, col text) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_toggle' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.toggle(anyelement, text, text) IS
    'am.toggle with the primary-key value as text (or an untyped literal or parameter)';

CREATE FUNCTION am.soft_delete(model anyelement, id "any") RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_soft_delete' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.soft_delete(anyelement, "any") IS
    'set the soft-delete column of the row with this primary-key value to am.timestamp_now() (a soft-deleted row is returned unchanged) and return the row; update hooks run';

CREATE FUNCTION am.soft_delete(model anyelement, id text) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_soft_delete' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.soft_delete(anyelement, text) IS
    'am.soft_delete with the primary-key value as text (or an untyped literal or parameter)';

CREATE FUNCTION am.restore(model anyelement, id "any") RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_restore' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.restore(anyelement, "any") IS
    'clear the soft-delete column of the row with this primary-key value and return the row; update hooks run';

CREATE FUNCTION am.restore(model anyelement, id text) RETURNS anyelement
    AS 'MODULE_PATHNAME', 'am_restore' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION am.restore(anyelement, text) IS
    'am.restore with the primary-key value as text (or an untyped literal or parameter)';
