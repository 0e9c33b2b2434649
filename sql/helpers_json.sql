--
-- ActiveRecord helpers: serialization (DESIGN 5.3) -- am.to_json,
-- am.as_json with include (each level loaded at once), am.from_json.
--
SET timezone = 'UTC';
CREATE TABLE hj_users (id typeid('user') PRIMARY KEY, name text NOT NULL, email text, born date);
CREATE TABLE hj_posts (
	id integer PRIMARY KEY,
	author_id typeid('user') REFERENCES hj_users,
	title text NOT NULL,
	published_at timestamptz
);
CREATE TABLE hj_comments (
	id integer PRIMARY KEY,
	post_id integer NOT NULL REFERENCES hj_posts,
	author_id typeid('user') REFERENCES hj_users,
	body text
);
CREATE TABLE hj_tags (id integer PRIMARY KEY, name text);
CREATE TABLE hj_post_tags (post_id integer REFERENCES hj_posts, tag_id integer REFERENCES hj_tags,
	PRIMARY KEY (post_id, tag_id));
INSERT INTO hj_users VALUES
	('user_01h455vb4pex5vsknk084sn02q', 'Ada', 'ada@example.com', '1815-12-10'),
	('user_01h455vb4pex5vsknk084sn02r', 'Bob', NULL, NULL);
INSERT INTO hj_posts VALUES
	(1, 'user_01h455vb4pex5vsknk084sn02q', 'Hello', '2024-05-06 07:08:09+00'),
	(2, 'user_01h455vb4pex5vsknk084sn02r', 'Again', NULL),
	(3, NULL, 'Orphan', NULL);
INSERT INTO hj_comments VALUES
	(12, 1, 'user_01h455vb4pex5vsknk084sn02r', 'second'),
	(11, 1, 'user_01h455vb4pex5vsknk084sn02q', 'first'),
	(13, 2, NULL, 'anon');
INSERT INTO hj_tags VALUES (1, 'pg'), (2, 'c');
INSERT INTO hj_post_tags VALUES (1, 2), (1, 1), (2, 1);

-- a row as JSON: typeids as strings, timestamps in ISO 8601
SELECT am.to_json(p) FROM hj_posts p WHERE id = 1;
SELECT am.to_json(u, columns => '{name}') FROM hj_users u ORDER BY id;
SELECT am.to_json(u, exclude => '{email, born}') FROM hj_users u ORDER BY id;
-- include: belongs-to an object or null, has-many and many-to-many arrays
-- ordered by primary key, to any depth; "only"/"except" in each level
SELECT jsonb_pretty(am.to_json(p, include => '{"author": {"only": ["name"]}, "hj_comments": {"except": ["post_id"], "author": {"only": ["name"]}}, "hj_tags": {}}'))
FROM hj_posts p WHERE id = 1;
SELECT am.to_json(p, include => '{"author": {}, "hj_comments": {}}') FROM hj_posts p WHERE id = 3;
SELECT am.to_json(NULL::hj_posts);

-- as_json: an array of objects, with conditions, order, paging
SELECT jsonb_pretty(am.as_json(NULL::hj_users, include => '{"hj_posts": {"only": ["title"], "hj_tags": {"only": ["name"]}}}'));
SELECT am.as_json(NULL::hj_posts, '{"hj_tags___name": "pg"}', order_by => '-id');
SELECT am.as_json(NULL::hj_posts, include => '{"author": {"only": ["name"]}}', order_by => 'author___name', take => 2);
SELECT am.as_json(NULL::hj_posts, '{"id": 99}');
SELECT jsonb_array_length(am.as_json(NULL::hj_posts, take => 1, skip => 1));
-- each level is one set-based step of the statement, not one query per
-- row: 300 posts with their comments take a handful of scans of hj_comments
BEGIN;
INSERT INTO hj_posts SELECT g, NULL, 'p' || g, NULL FROM generate_series(100, 399) g;
INSERT INTO hj_comments SELECT g, g, NULL, 'c' || g FROM generate_series(100, 399) g;
ANALYZE hj_posts, hj_comments;
SELECT jsonb_array_length(am.as_json(NULL::hj_posts, include => '{"hj_comments": {"author": {}}}'));
SELECT seq_scan + coalesce(idx_scan, 0) < 10 AS few_comment_scans
FROM pg_stat_xact_user_tables WHERE relname = 'hj_comments';
ROLLBACK;
-- differential: the same as a hand-written json_agg query
SELECT am.as_json(NULL::hj_posts, include => '{"hj_comments": {"only": ["id"]}}', order_by => 'id') =
	(SELECT jsonb_agg(to_jsonb(p) || jsonb_build_object('hj_comments',
		coalesce((SELECT jsonb_agg(jsonb_build_object('id', c.id) ORDER BY c.id) FROM hj_comments c WHERE c.post_id = p.id), '[]'))
		ORDER BY p.id) FROM hj_posts p) AS same_as_sql;

-- errors
SELECT am.as_json(NULL::hj_posts, include => '{"writer": {}}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.as_json(NULL::hj_posts, include => '{"author": {"only": ["nme"]}}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.as_json(NULL::hj_posts, include => '{"author": 1}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.as_json(NULL::hj_posts, include => '["author"]');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.to_json(p, columns => '{nope}') FROM hj_posts p WHERE id = 1;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.as_json(NULL::integer);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- from_json: a typed row; values converted as assigned; unknown keys 42703
SELECT * FROM am.from_json(NULL::hj_posts, '{"id": 7, "title": "New", "author_id": "user_01h455vb4pex5vsknk084sn02q", "published_at": "2024-01-01T00:00:00Z"}');
SELECT * FROM am.from_json(NULL::hj_users, jsonb_build_object('id', typeid_uuid('user_01h455vb4pex5vsknk084sn02q'), 'name', 'x'));
SELECT am.from_json(NULL::hj_posts, '{"id": 7, "titel": "typo"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.from_json(NULL::hj_posts, '{"id": "seven"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.from_json(NULL::hj_posts, '{"author_id": "org_01h455vb4pex5vsknk084sn02q"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.from_json(NULL::hj_posts, '[1]');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- round trip: from_json of to_json is the row
SELECT am.from_json(NULL::hj_posts, am.to_json(p)) = p AS round_trip FROM hj_posts p ORDER BY id;
INSERT INTO hj_posts SELECT (am.from_json(NULL::hj_posts, '{"id": 8, "title": "Inserted"}')).*;
SELECT id, title FROM hj_posts WHERE id = 8;

-- bounds: more than 100 relations in an include, includes nested deeper
-- than 32, more than 100 order_by terms or pluck columns are 54001; "only"
-- takes any number of columns
SELECT jsonb_array_length(am.as_json(NULL::hj_posts,
	include => (repeat('{"author": {"hj_posts": ', 16) || '{}' || repeat('}}', 16))::jsonb)) AS depth_32;
SELECT am.as_json(NULL::hj_posts, include => (repeat('{"author": {"hj_posts": ', 17) || '{}' || repeat('}}', 17))::jsonb);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.as_json(NULL::hj_posts, include => (repeat('{"hj_comments": {"author": {}}, "hj_tags": {}, "hj_post_tags": {}, "author": {"hj_comments": {}, "hj_posts": ', 15) || '{}' || repeat('}}', 15))::jsonb);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- the boundary: 7 relations a repetition, 14 repetitions and 2 more are
-- 100 and pass; one more is refused
SELECT jsonb_array_length(am.as_json(NULL::hj_posts, include => (repeat('{"hj_comments": {"author": {}}, "hj_tags": {}, "hj_post_tags": {}, "author": {"hj_comments": {}, "hj_posts": ', 14) || '{"hj_tags": {}, "hj_post_tags": {}}' || repeat('}}', 14))::jsonb)) AS includes_100;
SELECT am.as_json(NULL::hj_posts, include => (repeat('{"hj_comments": {"author": {}}, "hj_tags": {}, "hj_post_tags": {}, "author": {"hj_comments": {}, "hj_posts": ', 14) || '{"hj_tags": {}, "hj_post_tags": {}, "hj_comments": {}}' || repeat('}}', 14))::jsonb);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.where(NULL::hj_posts, order_by => repeat('id, ', 100) || 'id');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.pluck(NULL::hj_posts, array_fill('id'::text, ARRAY[101]));
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT count(*) FROM am.pluck(NULL::hj_posts, array_fill('id'::text, ARRAY[100]));
CREATE TABLE hj_wide AS SELECT 1 AS id, 'x' AS c0;
DO $$BEGIN FOR i IN 1 .. 120 LOOP EXECUTE format('ALTER TABLE hj_wide ADD COLUMN c%s int DEFAULT %s', i, i); END LOOP; END$$;
SELECT (SELECT count(*) FROM jsonb_object_keys(j)) AS keys, j -> 'c120' AS c120
FROM (SELECT am.to_json(w, columns => ARRAY(SELECT 'c' || g FROM generate_series(1, 120) g)) AS j FROM hj_wide w) s;
