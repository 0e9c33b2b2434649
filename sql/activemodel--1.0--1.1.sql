/* sql/activemodel--1.0--1.1.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION activemodel UPDATE TO '1.1'" to load this file. \quit

-- Every change of 1.1 is made here and in activemodel--1.1.sql alike;
-- test/t/020_upgrade.pl checks that 1.0 updated to 1.1 has exactly the
-- objects of a fresh 1.1 install.

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
