--
-- Prefix-checked columns: typeid('prefix'), and the TypeID mixin.
--

-- the modifier shows in format_type and \d; the numbers are a pure
-- function of the prefix (the same in every database and cluster)
CREATE TABLE tm_orgs (id typeid('org') PRIMARY KEY DEFAULT typeid_generate('org'));
CREATE TABLE tm_users (
	id typeid('user') PRIMARY KEY DEFAULT typeid_generate('user'),
	org_id typeid('org') REFERENCES tm_orgs,
	invoice typeid('invoice'),
	any_id typeid
);
\d tm_users
SELECT attname, format_type(atttypid, atttypmod), atttypmod
FROM pg_attribute WHERE attrelid = 'tm_users'::regclass AND attnum > 0 ORDER BY attnum;
SELECT format_type('typeid'::regtype, 1) AS a, format_type('typeid'::regtype, 1542) AS a_b,
	   format_type('typeid'::regtype, 12271) AS org;
-- 28 would be "a" followed by a zero digit, which no prefix has
SELECT format_type('typeid'::regtype, 28);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- prefixes longer than 6 bytes are registered when first used
SELECT typmod, prefix FROM am.typeid_prefixes ORDER BY prefix;

-- bad modifiers
SELECT NULL::typeid('a', 'b');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT NULL::typeid('');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT NULL::typeid('User');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT NULL::typeid(5);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TABLE tm_bad (id typeid());

-- every path a value arrives by: the right prefix passes, none takes the
-- column's, another raises 22023 and writes nothing
INSERT INTO tm_orgs VALUES ('org_01h455vb4pex5vsknk084sn02q'), ('01h455vb4pex5vsknk084sn02r') RETURNING id;
INSERT INTO tm_orgs VALUES ('01890a5d-ac96-774b-bcce-b302099a8099'::uuid) RETURNING id;
INSERT INTO tm_orgs VALUES ('org_01h455vb4pex5vsknk084sn02s'), ('user_01h455vb4pex5vsknk084sn02t');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT count(*) FROM tm_orgs;
-- defaults
INSERT INTO tm_users (org_id) VALUES ('org_01h455vb4pex5vsknk084sn02q');
SELECT typeid_prefix(id), org_id FROM tm_users;
CREATE TABLE tm_wrong_default (id typeid('user') DEFAULT typeid_generate('org'));
INSERT INTO tm_wrong_default DEFAULT VALUES;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TABLE tm_adopting_default (id typeid('user') DEFAULT typeid_generate());
INSERT INTO tm_adopting_default DEFAULT VALUES;
SELECT typeid_prefix(id) FROM tm_adopting_default;
-- UPDATE
UPDATE tm_users SET org_id = 'user_01h455vb4pex5vsknk084sn02q';
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
UPDATE tm_users SET org_id = '01h455vb4pex5vsknk084sn02r' RETURNING org_id;
-- foreign keys compare the adopted value
UPDATE tm_users SET org_id = '01h455vb4pex5vsknk084sn0zz';
-- prepared statement parameters, typed and untyped
PREPARE tm_ins(typeid) AS INSERT INTO tm_users (id) VALUES ($1) RETURNING id;
EXECUTE tm_ins('user_01h455vb4pex5vsknk084sn02a');
EXECUTE tm_ins('01h455vb4pex5vsknk084sn02b');
EXECUTE tm_ins('org_01h455vb4pex5vsknk084sn02c');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
PREPARE tm_ins_text(text) AS INSERT INTO tm_users (id) VALUES ($1) RETURNING id;
EXECUTE tm_ins_text('org_01h455vb4pex5vsknk084sn02d');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- INSERT ... SELECT
INSERT INTO tm_users (id) SELECT typeid_generate('org') FROM generate_series(1, 3);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
INSERT INTO tm_users (id, any_id) SELECT typeid_generate(), typeid_generate('org') FROM generate_series(1, 3);
SELECT count(*) FILTER (WHERE typeid_prefix(id) = 'user') AS users,
	   count(*) FILTER (WHERE typeid_prefix(any_id) = 'org') AS any_ids
FROM tm_users;
-- casts
SELECT 'org_01h455vb4pex5vsknk084sn02q'::typeid('org'), '01h455vb4pex5vsknk084sn02q'::typeid('org'),
	   CAST('01890a5d-ac96-774b-bcce-b302099a8057'::uuid AS typeid('org')),
	   typeid_generate('org')::typeid('org') IS NOT NULL AS generated;
SELECT 'org_01h455vb4pex5vsknk084sn02q'::typeid::typeid('user');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT 'org_01h455vb4pex5vsknk084sn02q'::typeid('user');
SELECT ('org_01h455vb4pex5vsknk084sn02q'::text)::typeid('user');
-- COPY FROM, text and binary
\copy tm_users (id) FROM stdin
01h455vb4pex5vsknk084sn03a
user_01h455vb4pex5vsknk084sn03b
\.
\copy tm_users (id) FROM stdin
user_01h455vb4pex5vsknk084sn03c
org_01h455vb4pex5vsknk084sn03d
\.
\copy (SELECT 'org_01h455vb4pex5vsknk084sn03e'::typeid) TO 'results/typeid_typmod.bin' WITH (FORMAT binary)
\copy tm_users (id) FROM 'results/typeid_typmod.bin' WITH (FORMAT binary)
\copy (SELECT '01h455vb4pex5vsknk084sn03f'::typeid) TO 'results/typeid_typmod.bin' WITH (FORMAT binary)
\copy tm_users (id) FROM 'results/typeid_typmod.bin' WITH (FORMAT binary)
SELECT id FROM tm_users WHERE id::text LIKE 'user_01h455vb4pex5vsknk084sn03%' ORDER BY id;
-- long (registered) prefixes
INSERT INTO tm_users (id, invoice) VALUES (DEFAULT, 'invoice_01h455vb4pex5vsknk084sn02q'), (DEFAULT, '01h455vb4pex5vsknk084sn02r')
RETURNING invoice;
INSERT INTO tm_users (id, invoice) VALUES (DEFAULT, 'invoices_01h455vb4pex5vsknk084sn02q');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- equality and index scans work across typmods
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM tm_users WHERE id = 'user_01h455vb4pex5vsknk084sn02a';
RESET enable_seqscan;

-- a collision between two long prefixes is refused where the second is used
-- ("mgibvcxh" and "uookuhtqn" share FNV-1a bits)
CREATE TABLE tm_first (id typeid('mgibvcxh'));
CREATE TABLE tm_second (id typeid('uookuhtqn'));
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT 'uookuhtqn_01h455vb4pex5vsknk084sn02q'::typeid('uookuhtqn');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT typmod, prefix FROM am.typeid_prefixes ORDER BY prefix;

-- read-only transactions: registered and short prefixes work, a new long
-- one cannot be registered
BEGIN READ ONLY;
SELECT 'invoice_01h455vb4pex5vsknk084sn02q'::typeid('invoice'), 'x_01h455vb4pex5vsknk084sn02q'::typeid('x');
SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'tm_users'::regclass AND attname = 'invoice';
SELECT 'receipt_01h455vb4pex5vsknk084sn02q'::typeid('receipt');
ROLLBACK;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- a registration rolled back with its transaction leaves nothing behind
BEGIN;
CREATE TABLE tm_rolled_back (id typeid('shipment'));
SELECT count(*) FROM am.typeid_prefixes WHERE prefix = 'shipment';
ROLLBACK;
SELECT count(*) FROM am.typeid_prefixes WHERE prefix = 'shipment';

--
-- am.add_typeid
--
-- a new column: every existing row gets its own ID, and the primary key
CREATE TABLE tm_posts (title text);
INSERT INTO tm_posts VALUES ('a'), ('b');
SELECT am.add_typeid('tm_posts', 'post');
\d tm_posts
SELECT count(DISTINCT id), bool_and(typeid_prefix(id) = 'post') FROM tm_posts;
-- a uuid column keeps its UUIDs
CREATE TABLE tm_items (id uuid PRIMARY KEY, n int);
INSERT INTO tm_items VALUES ('01890a5d-ac96-774b-bcce-b302099a8057', 1);
SELECT am.add_typeid('tm_items', 'item');
SELECT * FROM tm_items;
\d tm_items
-- a text column with valid IDs: those without prefix take it
CREATE TABLE tm_accounts (id text, n int);
INSERT INTO tm_accounts VALUES ('01h455vb4pex5vsknk084sn02q', 1), ('acct_01h455vb4pex5vsknk084sn02r', 2);
SELECT am.add_typeid('tm_accounts', 'account');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.add_typeid('tm_accounts', 'acct');
SELECT * FROM tm_accounts ORDER BY n;
\d tm_accounts
-- a typeid column under another name, in a table that has a primary key
CREATE TABLE tm_comments (n int PRIMARY KEY, ref typeid);
INSERT INTO tm_comments VALUES (1, 'comment_01h455vb4pex5vsknk084sn02q');
SELECT am.add_typeid('tm_comments', 'comment', 'ref');
\d tm_comments
-- errors
CREATE TABLE tm_bad_text (id text);
INSERT INTO tm_bad_text VALUES ('nope');
SELECT am.add_typeid('tm_bad_text', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TABLE tm_bad_type (id int);
SELECT am.add_typeid('tm_bad_type', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.add_typeid('tm_bad_type', 'X', 'other');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE VIEW tm_view AS SELECT 1 AS id;
SELECT am.add_typeid('tm_view', 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE ROLE tm_stranger;
GRANT ALL ON tm_posts TO tm_stranger;
SET ROLE tm_stranger;
SELECT am.add_typeid('tm_posts', 'x', 'other_id');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- registering a long prefix needs INSERT on the registry, which only the
-- database owner (and superusers) have by default; registered and short
-- prefixes need nothing
CREATE TEMP TABLE tm_stranger_table (id typeid('stranger'));
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TEMP TABLE tm_stranger_table (id typeid('invoice'), org typeid('org'));
DROP TABLE tm_stranger_table;
RESET ROLE;
GRANT INSERT ON am.typeid_prefixes TO tm_stranger;
SET ROLE tm_stranger;
CREATE TEMP TABLE tm_stranger_table (id typeid('stranger'));
SELECT prefix FROM am.typeid_prefixes WHERE prefix = 'stranger';
DROP TABLE tm_stranger_table;
RESET ROLE;
REVOKE INSERT ON am.typeid_prefixes FROM tm_stranger;

-- the registry is read without SQL: a search_path with operators of its
-- own cannot make one prefix pass for another
CREATE SCHEMA tm_evil;
CREATE FUNCTION tm_evil.always(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR tm_evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = tm_evil.always);
CREATE TABLE tm_long (id typeid('customer'));
SET search_path = tm_evil, pg_catalog, public;
INSERT INTO tm_long VALUES ('invoice_01h455vb4pex5vsknk084sn02q');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET search_path;
DROP SCHEMA tm_evil CASCADE;

-- a row whose prefix does not hash to its number is refused, not trusted
BEGIN;
CREATE TABLE tm_probe (id typeid('shipment'));
SELECT typmod AS shipment_typmod FROM am.typeid_prefixes WHERE prefix = 'shipment' \gset
ROLLBACK;
INSERT INTO am.typeid_prefixes VALUES (:shipment_typmod, 'forged');
SELECT NULL::typeid('shipment');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DELETE FROM am.typeid_prefixes WHERE prefix = 'forged';
SELECT NULL::typeid('shipment') IS NULL AS registers_after_cleanup;
-- nothing was changed by the failed calls
SELECT count(*) FROM pg_attribute WHERE attrelid IN ('tm_bad_text'::regclass, 'tm_bad_type'::regclass, 'tm_posts'::regclass)
	AND attname IN ('other', 'other_id') AND NOT attisdropped;
SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'tm_bad_text'::regclass AND attname = 'id';

DROP VIEW tm_view;
DROP TABLE tm_users, tm_orgs, tm_wrong_default, tm_adopting_default, tm_first, tm_long, tm_posts, tm_items,
	tm_accounts, tm_comments, tm_bad_text, tm_bad_type;
DROP ROLE tm_stranger;

--
-- Type modifiers that no typmod_in returns (issue 8): the cast, typmod_out
-- and input with a typmod decode only valid prefixes, and refuse the rest
-- with 42704 instead of making values whose text form does not parse.
--
CREATE FUNCTION pg_temp.try_typmod(typmod integer, OUT via text, OUT state text, OUT result text)
RETURNS SETOF record LANGUAGE plpgsql AS $$
BEGIN
	via := 'cast';
	BEGIN
		result := typeid('01h455vb4pex5vsknk084sn02q'::typeid, typmod, false)::text;
		state := '00000';
	EXCEPTION WHEN others THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, result = MESSAGE_TEXT;
	END;
	RETURN NEXT;
	via := 'typmod_out';
	BEGIN
		result := format_type('typeid'::regtype, typmod);
		state := '00000';
	EXCEPTION WHEN others THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, result = MESSAGE_TEXT;
	END;
	RETURN NEXT;
	via := 'typeid_in';
	BEGIN
		result := typeid_in('01h455vb4pex5vsknk084sn02q', 'typeid'::regtype, typmod)::text;
		state := '00000';
	EXCEPTION WHEN others THEN
		GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, result = MESSAGE_TEXT;
	END;
	RETURN NEXT;
END
$$;
-- 27 is "_", 55 "a_", 783 "__", 21197 "_aa" (a prefix starts and ends
-- with a letter); 0 and 2^29 .. 2^30 - 1 are in no encoding; 2^30 is a
-- hash nobody registered; 1 ("a"), 476046 ("user") and the longest direct
-- prefix "zzzzzz" (26 * (28^5 + ... + 1)) are valid
SELECT t.typmod, r.via, r.state, r.result
FROM unnest(ARRAY[27, 55, 783, 21197, 0, 536870911, 536870912, 1073741823,
				  1073741824, 1, 476046, 464042514]) WITH ORDINALITY AS t(typmod, n),
	 pg_temp.try_typmod(t.typmod) AS r
ORDER BY t.n, r.via;

-- the boundary between the two encodings (issue 15): a 6-byte prefix is
-- held in the typmod and never registered, a 7-byte one is hashed and
-- registered
CREATE TABLE tm_boundary (six typeid('abcdef'), seven typeid('abcdefg'));
SELECT attname, atttypmod, format_type(atttypid, atttypmod),
	   atttypmod < 536870912 AS direct, atttypmod >= 1073741824 AS hashed
FROM pg_attribute WHERE attrelid = 'tm_boundary'::regclass AND attnum > 0 ORDER BY attnum;
SELECT prefix FROM am.typeid_prefixes WHERE prefix LIKE 'abcdef%' ORDER BY prefix;
INSERT INTO tm_boundary VALUES ('01h455vb4pex5vsknk084sn02q', '01h455vb4pex5vsknk084sn02q') RETURNING *;

-- a long-prefix cast run by a parallel worker (issue 15): the worker's
-- cache is empty, and it reads the registry with the query's snapshot, as
-- a worker cannot take a new one
INSERT INTO tm_boundary SELECT NULL, typeid_from_uuid('abcdefg', gen_random_uuid()) FROM generate_series(1, 100);
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET max_parallel_workers_per_gather = 1;
EXPLAIN (COSTS OFF) SELECT count(seven::typeid::typeid('abcdefg')) FROM tm_boundary;
SELECT count(seven::typeid::typeid('abcdefg')) FROM tm_boundary;
SELECT count(seven::typeid::typeid('abcdef')) FROM tm_boundary;
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET max_parallel_workers_per_gather;
DROP TABLE tm_boundary;

--
-- One call site, several type modifiers: the length coercion function
-- called directly with the typmods of three columns (a direct one, a
-- registered one, and a direct one again).  The expected prefix it keeps
-- between calls belongs to one typmod and must not serve another.
--
CREATE TABLE tm_many (u typeid('user'), o typeid('organization'), t typeid('team'));
SELECT a.attname, typeid(v.id, a.atttypmod, false) AS coerced
FROM (VALUES (1, 'u', 'user_01h455vb4pex5vsknk084sn02q'::typeid),
			 (2, 'o', 'organization_01h455vb4pex5vsknk084sn02q'),
			 (3, 't', 'team_01h455vb4pex5vsknk084sn02q'),
			 (4, 'u', 'user_01h455vb4pex5vsknk084sn02r')) AS v(n, col, id)
	JOIN pg_attribute a ON a.attrelid = 'tm_many'::regclass AND a.attname = v.col
ORDER BY v.n;
-- and a value of another prefix is refused for the typmod of this row
SELECT typeid(v.id, a.atttypmod, false)
FROM (VALUES (1, 'o', 'organization_01h455vb4pex5vsknk084sn02q'::typeid),
			 (2, 't', 'organization_01h455vb4pex5vsknk084sn02q')) AS v(n, col, id)
	JOIN pg_attribute a ON a.attrelid = 'tm_many'::regclass AND a.attname = v.col
ORDER BY v.n;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TABLE tm_many;
