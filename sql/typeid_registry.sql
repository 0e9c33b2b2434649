--
-- The prefix registry cache across DROP EXTENSION / CREATE EXTENSION and
-- sessions (issue 15), in a database of its own.
--
-- "mgibvcxh" and "uookuhtqn" share their type modifier; whichever is
-- registered first takes it.
--
SELECT current_database() AS regress_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS typeid_registry_db;
RESET client_min_messages;
CREATE DATABASE typeid_registry_db;
\c typeid_registry_db
CREATE EXTENSION activemodel;

-- this session registers and caches "mgibvcxh"
CREATE TABLE tr_first (id typeid('mgibvcxh'));
SELECT typmod AS shared_typmod FROM am.typeid_prefixes WHERE prefix = 'mgibvcxh' \gset
SELECT format_type('typeid'::regtype, :shared_typmod);

-- the extension, its registry and the column go
SET client_min_messages = warning;
DROP EXTENSION activemodel CASCADE;
RESET client_min_messages;
CREATE EXTENSION activemodel;
SELECT count(*) AS registered FROM am.typeid_prefixes;

-- the same session: the cache of the old registry answers nothing
SELECT format_type('typeid'::regtype, :shared_typmod);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TABLE tr_second (id typeid('uookuhtqn'));
SELECT prefix FROM am.typeid_prefixes WHERE typmod = :shared_typmod;
SELECT format_type('typeid'::regtype, :shared_typmod);
INSERT INTO tr_second VALUES ('01h455vb4pex5vsknk084sn02q') RETURNING id;

-- a new session sees the new registry, and "mgibvcxh" now collides
\c typeid_registry_db
SELECT format_type('typeid'::regtype, :shared_typmod);
SELECT 'uookuhtqn_01h455vb4pex5vsknk084sn02q'::typeid('uookuhtqn');
CREATE TABLE tr_third (id typeid('mgibvcxh'));
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

\c :regress_db
DROP DATABASE typeid_registry_db;
