--
-- ActiveRecord helpers: the finders (DESIGN 5.2) -- am.find, am.find_by,
-- am.first, am.last, am.count, am.exists, am.where with order_by, take,
-- skip and keyset paging after; the plan cache across ALTER TABLE.
--
SET timezone = 'UTC';

CREATE TABLE hf_users (
	id bigint PRIMARY KEY,
	name text NOT NULL,
	age integer,
	created_at timestamptz
);
INSERT INTO hf_users
SELECT g, 'user' || g, CASE WHEN g % 4 = 0 THEN NULL ELSE 20 + g % 7 END,
	'2024-01-01'::timestamptz + g * interval '1 hour'
FROM generate_series(1, 12) g;

-- rows come back typed: SELECT * expands them, a column can be taken
SELECT * FROM am.find(NULL::hf_users, 3);
SELECT (am.find(NULL::hf_users, 3)).name;
SELECT pg_typeof(am.find(NULL::hf_users, 3));
-- the id as the key's type, an integer, text, an untyped literal or parameter
SELECT am.find(NULL::hf_users, 4::bigint) AS by_bigint, am.find(NULL::hf_users, 4) AS by_int,
	am.find(NULL::hf_users, '4') AS by_literal, am.find(NULL::hf_users, '4'::text) AS by_text,
	am.find(NULL::hf_users, 4::numeric) AS by_numeric;
PREPARE hf_find AS SELECT name FROM am.find(NULL::hf_users, $1);
EXECUTE hf_find('5');
EXECUTE hf_find(6);
DEALLOCATE hf_find;
-- missing: P0002, as Rails' RecordNotFound
SELECT am.find(NULL::hf_users, 99);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.find(NULL::hf_users, NULL::bigint);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.find(NULL::hf_users, 'abc');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- find_by: the first match by primary key, or NULL
SELECT (am.find_by(NULL::hf_users, '{"age": 21}')).id;
SELECT am.find_by(NULL::hf_users, '{"age": 99}') IS NULL AS no_match;
-- several matches: the one with the lowest key
SELECT (am.find_by(NULL::hf_users, '{"id__gt": 2}')).id AS first_of_several,
	(SELECT min(id) FROM hf_users WHERE id > 2) AS lowest;
-- first and last by primary key
SELECT (am.first(NULL::hf_users)).id AS first, (am.last(NULL::hf_users)).id AS last,
	(am.first(NULL::hf_users, '{"age__isnull": true}')).id AS first_null_age,
	(am.last(NULL::hf_users, '{"age__lt": 23}')).id AS last_young,
	am.first(NULL::hf_users, '{"age": 99}') IS NULL AS first_none;
-- count and exists
SELECT am.count(NULL::hf_users) AS all_rows, am.count(NULL::hf_users, '{"age__gte": 24}') AS older,
	am.exists(NULL::hf_users, '{"name": "user7"}') AS has_7, am.exists(NULL::hf_users, '{"name": "user77"}') AS has_77;

-- order_by, take, skip
SELECT id, age FROM am.where(NULL::hf_users, '{"age__isnull": false}', order_by => '-age, id');
SELECT id FROM am.where(NULL::hf_users, order_by => '-id', take => 3);
SELECT id FROM am.where(NULL::hf_users, order_by => 'id', take => 3, skip => 3);
SELECT id FROM am.where(NULL::hf_users, order_by => ' created_at , -id ', skip => 10);
SELECT count(*) FROM am.where(NULL::hf_users, take => 0);
-- negative take and skip are LIMIT's and OFFSET's errors
SELECT id FROM am.where(NULL::hf_users, take => -1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id FROM am.where(NULL::hf_users, skip => -1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- keyset pages: after a primary-key value, in primary-key order
SELECT id FROM am.where(NULL::hf_users, take => 4);
SELECT id FROM am.where(NULL::hf_users, take => 4, after => '4');
SELECT id FROM am.where(NULL::hf_users, '{"age__isnull": false}', take => 4, after => '7');
SELECT id FROM am.where(NULL::hf_users, order_by => '-id', take => 4, after => '9');
SELECT id FROM am.where(NULL::hf_users, after => '12');
-- after with another order is an error
SELECT id FROM am.where(NULL::hf_users, order_by => 'age', after => '4');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id FROM am.where(NULL::hf_users, after => 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- unknown order_by columns
SELECT id FROM am.where(NULL::hf_users, order_by => 'nme');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id FROM am.where(NULL::hf_users, order_by => 'id,');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- am.where in the select list
SELECT (am.where(NULL::hf_users, '{"id__lt": 3}', order_by => 'id')).name;

-- typeid primary keys: found by their text, or by a bare UUID
CREATE TABLE hf_orgs (id typeid('org') PRIMARY KEY DEFAULT typeid_generate('org'), name text);
INSERT INTO hf_orgs VALUES ('org_01h455vb4pex5vsknk084sn02q', 'Acme'), ('org_01h455vb4pex5vsknk084sn02r', 'Initech');
SELECT name FROM am.find(NULL::hf_orgs, 'org_01h455vb4pex5vsknk084sn02r');
SELECT name FROM am.find(NULL::hf_orgs, typeid_uuid('org_01h455vb4pex5vsknk084sn02q'));
SELECT name FROM am.find(NULL::hf_orgs, typeid_uuid('org_01h455vb4pex5vsknk084sn02q')::text);
SELECT name FROM am.find(NULL::hf_orgs, 'org_01h455vb4pex5vsknk084sn02q'::typeid);
-- a UUID followed by more text is no bare UUID
SELECT name FROM am.find(NULL::hf_orgs, typeid_uuid('org_01h455vb4pex5vsknk084sn02q')::text || 'x');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id FROM am.where(NULL::hf_orgs, after => 'org_01h455vb4pex5vsknk084sn02q');
SELECT name FROM am.find(NULL::hf_orgs, 'user_01h455vb4pex5vsknk084sn02q');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- composite primary keys: the id-taking helpers refuse them (0A000),
-- first and last order by every key column
CREATE TABLE hf_memberships (org text, member integer, role text, PRIMARY KEY (org, member));
INSERT INTO hf_memberships VALUES ('a', 2, 'x'), ('a', 1, 'y'), ('b', 1, 'z');
SELECT am.find(NULL::hf_memberships, 1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT role FROM am.where(NULL::hf_memberships, after => 'a');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT (am.first(NULL::hf_memberships)).role AS first, (am.last(NULL::hf_memberships)).role AS last;

-- views and partitioned tables are models too; a view has no primary key
CREATE VIEW hf_adults AS SELECT id, name, age FROM hf_users WHERE age >= 21;
SELECT id, age FROM am.where(NULL::hf_adults, '{"age__lte": 22}', order_by => 'id');
SELECT am.count(NULL::hf_adults), (am.find_by(NULL::hf_adults, '{"name": "user3"}')).age;
SELECT am.first(NULL::hf_adults);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TABLE hf_events (id integer, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE hf_events_2024 PARTITION OF hf_events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE hf_events_2025 PARTITION OF hf_events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO hf_events VALUES (1, '2024-05-01'), (2, '2025-05-01'), (3, '2025-06-01');
SELECT * FROM am.where(NULL::hf_events, '{"at__year": 2025}', order_by => 'id');

-- the first argument must name a relation's row type
SELECT am.count(NULL::integer);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.count(NULL::record);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.where(NULL::integer);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- plans are kept per backend and dropped when the table changes: after
-- ADD and DROP COLUMN the same call sees the new row type and columns
DROP VIEW hf_adults;
SELECT * FROM am.where(NULL::hf_users, '{"id": 1}');
ALTER TABLE hf_users ADD COLUMN email text;
UPDATE hf_users SET email = 'u' || id || '@example.com';
SELECT * FROM am.where(NULL::hf_users, '{"id": 1}');
SELECT * FROM am.find(NULL::hf_users, 1);
ALTER TABLE hf_users DROP COLUMN age;
SELECT * FROM am.where(NULL::hf_users, '{"id": 1}');
SELECT * FROM am.where(NULL::hf_users, '{"age": 1}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
ALTER TABLE hf_users ADD COLUMN age numeric(4,1);
UPDATE hf_users SET age = id / 2.0;
SELECT id, age FROM am.where(NULL::hf_users, '{"age": 1.5}');
SELECT id, age FROM am.where(NULL::hf_users, '{"age": "3.04"}');
-- a column's type changes under the same key and SQL text
ALTER TABLE hf_users ALTER COLUMN age TYPE text;
SELECT id, age FROM am.where(NULL::hf_users, '{"age": "1.5"}');
-- the table is dropped and created again with the same name
DROP TABLE hf_memberships;
CREATE TABLE hf_memberships (org integer PRIMARY KEY, note text);
INSERT INTO hf_memberships VALUES (1, 'again');
SELECT * FROM am.where(NULL::hf_memberships, '{"org": 1}');
-- the kept plans of a dropped table are freed, at the next helper call
CREATE TABLE hf_gone (id integer PRIMARY KEY, note text);
SELECT count(*) FROM am.where(NULL::hf_gone, '{"note__startswith": "x"}');
SELECT am.count(NULL::hf_gone, '{"id__gt": 1}');
SELECT count(*) AS plans_kept FROM pg_backend_memory_contexts
WHERE name = 'CachedPlanSource' AND ident LIKE '%hf_gone%';
DROP TABLE hf_gone;
SELECT am.count(NULL::hf_users) > 0 AS another_call;
SELECT count(*) AS plans_left FROM pg_backend_memory_contexts
WHERE name = 'CachedPlanSource' AND ident LIKE '%hf_gone%';
-- am.find keeps its statement per model: a new key type, or a new primary
-- key, is seen at once
CREATE TABLE hf_keys (id integer PRIMARY KEY, code text NOT NULL UNIQUE);
INSERT INTO hf_keys VALUES (1, 'a'), (2, 'b');
SELECT code FROM am.find(NULL::hf_keys, 1);
ALTER TABLE hf_keys ALTER COLUMN id TYPE text;
UPDATE hf_keys SET id = 'k' || id;
SELECT code FROM am.find(NULL::hf_keys, 'k2');
ALTER TABLE hf_keys DROP CONSTRAINT hf_keys_pkey, ADD PRIMARY KEY (code);
SELECT id FROM am.find(NULL::hf_keys, 'a');
ALTER TABLE hf_keys DROP CONSTRAINT hf_keys_pkey;
SELECT id FROM am.find(NULL::hf_keys, 'a');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
