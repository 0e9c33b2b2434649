/* sql/activemodel--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION activemodel" to load this file. \quit

-- Schema of the mixins, hooks and ActiveRecord helpers; the typeid type and
-- its functions live in the extension's own schema.
CREATE SCHEMA am;
COMMENT ON SCHEMA am IS 'activemodel mixins, lifecycle hooks and ActiveRecord helpers';
GRANT USAGE ON SCHEMA am TO PUBLIC;

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

CREATE TYPE typeid (
	INPUT = typeid_in,
	OUTPUT = typeid_out,
	RECEIVE = typeid_recv,
	SEND = typeid_send,
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

CREATE CAST (typeid AS text) WITH INOUT AS ASSIGNMENT;
CREATE CAST (text AS typeid) WITH INOUT AS ASSIGNMENT;
CREATE CAST (typeid AS uuid) WITH FUNCTION typeid_uuid(typeid);
CREATE CAST (uuid AS typeid) WITH FUNCTION typeid(uuid) AS ASSIGNMENT;
