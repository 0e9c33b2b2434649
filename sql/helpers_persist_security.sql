--
-- Persistence helpers: SECURITY INVOKER -- INSERT/UPDATE/DELETE privileges,
-- column privileges and row-level security (USING and WITH CHECK) apply as
-- for the plain SQL; update_all and delete_all skip hooks for any role; no
-- search_path changes what a generated statement calls.
--
CREATE ROLE regress_persist_writer;
CREATE ROLE regress_persist_stranger;
CREATE TABLE pp_notes (
	id integer PRIMARY KEY,
	owner name NOT NULL DEFAULT current_user,
	title text,
	secret text,
	hits integer DEFAULT 0,
	pinned boolean
);
SELECT am.add_timestamps('pp_notes');
INSERT INTO pp_notes (id, owner, title, secret) VALUES
	(1, 'regress_persist_writer', 'mine', 's1'),
	(2, 'someone_else', 'theirs', 's2');
CREATE TABLE pp_log (event text, id integer);
GRANT INSERT ON pp_log TO regress_persist_writer;
CREATE FUNCTION pp_hook(new pp_notes) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO pp_log VALUES (am.hook_event(), new.id);
END
$$;
SELECT am.add_hook('pp_notes', 'after_save', 'pp_hook(pp_notes)');
GRANT USAGE ON SCHEMA am TO regress_persist_writer, regress_persist_stranger;

-- no privilege: the executor's 42501, as for the plain statements
SET ROLE regress_persist_stranger;
SELECT am.create(NULL::pp_notes, '{"id": 3}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.update(NULL::pp_notes, 1, '{"title": "x"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.update_all(NULL::pp_notes, '{}', '{"title": "x"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.destroy(NULL::pp_notes, 1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.delete_all(NULL::pp_notes, '{}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.increment(NULL::pp_notes, 1, 'hits');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;

-- column privileges: only the granted columns may be written
GRANT SELECT ON pp_notes TO regress_persist_writer;
GRANT INSERT (id, title, hits) ON pp_notes TO regress_persist_writer;
GRANT UPDATE (title) ON pp_notes TO regress_persist_writer;
SET ROLE regress_persist_writer;
SELECT id, owner, title FROM am.create(NULL::pp_notes, '{"id": 3, "title": "new"}');
SELECT am.create(NULL::pp_notes, '{"id": 4, "secret": "x"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id, title FROM am.update(NULL::pp_notes, 3, '{"title": "newer"}');
SELECT am.update(NULL::pp_notes, 3, '{"secret": "x"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.increment(NULL::pp_notes, 3, 'hits', 2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.toggle(NULL::pp_notes, 3, 'pinned');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- touch writes the updated column: a privilege of its own
SELECT am.touch(NULL::pp_notes, 3);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- upsert needs UPDATE of the columns it may overwrite
SELECT id, title FROM am.upsert(NULL::pp_notes, '{"id": 3, "title": "up"}');
SELECT am.upsert(NULL::pp_notes, '{"id": 3, "hits": 9}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- update_all skips hooks and timestamps for this role too, although it
-- may not SET activemodel.hooks itself
SET activemodel.hooks = off;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.update_all(NULL::pp_notes, '{"id": 3}', '{"title": "all"}');
SHOW activemodel.hooks;
RESET ROLE;
SELECT event, id FROM pp_log;
TRUNCATE pp_log;

-- row-level security: rows the policy hides are not found, and WITH CHECK
-- refuses rows the role may not write
GRANT INSERT (owner), UPDATE (owner), DELETE ON pp_notes TO regress_persist_writer;
ALTER TABLE pp_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY pp_own ON pp_notes USING (owner = current_user) WITH CHECK (owner = current_user);
SET ROLE regress_persist_writer;
SELECT am.update(NULL::pp_notes, 2, '{"title": "stolen"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.destroy(NULL::pp_notes, 2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.update_all(NULL::pp_notes, '{}', '{"title": "everything"}') AS updated;
SELECT am.create(NULL::pp_notes, '{"id": 5, "owner": "someone_else"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.update(NULL::pp_notes, 1, '{"owner": "someone_else"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id, title FROM am.find_or_create_by(NULL::pp_notes, '{"id": 6}', '{"title": "six"}');
SELECT am.delete_all(NULL::pp_notes, '{}') AS deleted;
RESET ROLE;
SELECT id, owner, title FROM pp_notes ORDER BY id;

-- a hostile search_path cannot take over an operator or function of the
-- generated statements
CREATE SCHEMA pp_evil;
CREATE FUNCTION pp_evil.always(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR pp_evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = pp_evil.always);
CREATE FUNCTION pp_evil.plus(integer, integer) RETURNS integer LANGUAGE sql AS 'SELECT 1000';
CREATE OPERATOR pp_evil.+ (LEFTARG = integer, RIGHTARG = integer, FUNCTION = pp_evil.plus);
CREATE FUNCTION pp_evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE sql AS 'SELECT NULL';
SET search_path = pp_evil, pg_catalog, public;
SELECT count(*) AS hijacked FROM public.pp_notes WHERE id = 12345;
SELECT id, hits FROM am.increment(NULL::public.pp_notes, 2, 'hits');
SELECT am.update_all(NULL::public.pp_notes, '{"id": 2}', '{"title": "two"}') AS updated;
SELECT id, title FROM am.insert_all(NULL::public.pp_notes, '[{"id": 7, "title": "seven"}]');
RESET search_path;
DROP SCHEMA pp_evil CASCADE;

SELECT am.remove_hook('pp_notes', 'after_save', 'pp_hook(pp_notes)');
DROP FUNCTION pp_hook(pp_notes);
DROP TABLE pp_notes, pp_log;
REVOKE USAGE ON SCHEMA am FROM regress_persist_writer, regress_persist_stranger;
DROP ROLE regress_persist_writer;
DROP ROLE regress_persist_stranger;
