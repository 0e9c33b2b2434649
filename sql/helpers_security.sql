--
-- ActiveRecord helpers: SECURITY INVOKER -- privileges, column privileges
-- and row-level security apply as for the plain SELECT; no search_path
-- changes what a generated statement calls.
--
CREATE ROLE regress_helpers_reader;
CREATE ROLE regress_helpers_stranger;
CREATE TABLE hs_notes (
	id integer PRIMARY KEY,
	owner name NOT NULL,
	title text,
	secret text,
	at timestamptz DEFAULT '2024-06-01 12:00+00'
);
INSERT INTO hs_notes (id, owner, title, secret) VALUES
	(1, 'regress_helpers_reader', 'mine', 's1'),
	(2, 'regress_helpers_reader', 'also mine', 's2'),
	(3, 'someone_else', 'theirs', 's3');
GRANT USAGE ON SCHEMA am TO regress_helpers_reader, regress_helpers_stranger;

-- no privilege: the executor's 42501, as SELECT gives
SET ROLE regress_helpers_stranger;
SELECT * FROM am.where(NULL::hs_notes);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.count(NULL::hs_notes);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.find(NULL::hs_notes, 1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;

-- column privileges: rows need every column; count and exists only the
-- columns they read
GRANT SELECT (id, title) ON hs_notes TO regress_helpers_stranger;
SET ROLE regress_helpers_stranger;
SELECT * FROM am.where(NULL::hs_notes, '{"title": "mine"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.count(NULL::hs_notes, '{"title__contains": "mine"}') AS by_title,
	am.exists(NULL::hs_notes, '{"id": 3}') AS by_id;
SELECT am.count(NULL::hs_notes, '{"secret": "s1"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.exists(NULL::hs_notes, '{"$not": {"secret": "s1"}}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;

-- row-level security: the policy filters rows of every helper; a row the
-- policy hides is not found
GRANT SELECT ON hs_notes TO regress_helpers_reader;
ALTER TABLE hs_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY hs_own ON hs_notes FOR SELECT USING (owner = current_user);
SET ROLE regress_helpers_reader;
SELECT id, title FROM am.where(NULL::hs_notes, order_by => 'id');
SELECT am.count(NULL::hs_notes) AS visible, am.exists(NULL::hs_notes, '{"id": 3}') AS sees_3,
	(am.last(NULL::hs_notes)).id AS last_visible;
SELECT am.find(NULL::hs_notes, 3);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;
-- the same cached statement as the owner (who bypasses the policy) and
-- again as the reader: the plan follows the role
SELECT id FROM am.where(NULL::hs_notes, order_by => 'id');
SET ROLE regress_helpers_reader;
SELECT id FROM am.where(NULL::hs_notes, order_by => 'id');
RESET ROLE;

-- a hostile search_path cannot take over an operator or function of the
-- generated statements: they are all schema-qualified
CREATE SCHEMA hs_evil;
CREATE FUNCTION hs_evil.always(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR hs_evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hs_evil.always);
CREATE OPERATOR hs_evil.~~ (LEFTARG = text, RIGHTARG = text, FUNCTION = hs_evil.always);
CREATE FUNCTION hs_evil.make_timestamptz(integer, integer, integer, integer, integer, integer)
	RETURNS timestamptz LANGUAGE sql AS $$SELECT '-infinity'::timestamptz$$;
SET search_path = hs_evil, pg_catalog, public;
-- unqualified SQL would call them
SELECT count(*) AS hijacked FROM public.hs_notes WHERE title = 'mine';
SELECT id FROM am.where(NULL::public.hs_notes, '{"title": "mine"}');
SELECT id FROM am.where(NULL::public.hs_notes, '{"title__startswith": "also"}');
SELECT am.count(NULL::public.hs_notes, '{"title__in": ["mine", "theirs"]}');
SELECT am.count(NULL::public.hs_notes, '{"at__year": 2024}');
RESET search_path;
DROP SCHEMA hs_evil CASCADE;
DROP TABLE hs_notes;
REVOKE USAGE ON SCHEMA am FROM regress_helpers_reader, regress_helpers_stranger;
DROP ROLE regress_helpers_reader;
DROP ROLE regress_helpers_stranger;
