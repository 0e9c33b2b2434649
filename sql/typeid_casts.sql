--
-- Casts from text and varchar to typeid are implicit (1.1), so that strings
-- that client drivers bind as text or varchar compare with typeid columns;
-- typeid -> text stays an assignment cast.  This file pins what that buys
-- and what it costs (README: "Using typeid from your language").
--

CREATE TABLE typeid_casts_users (id typeid('user') PRIMARY KEY, n int);
INSERT INTO typeid_casts_users
SELECT typeid_from_uuid('user', ('0189' || substr(md5(g::text), 5))::uuid), g
FROM generate_series(1, 2000) g;
INSERT INTO typeid_casts_users VALUES ('user_01h455vb4pex5vsknk084sn02q', 0);
ANALYZE typeid_casts_users;

-- a literal still resolves to typeid = typeid, folded to a typeid constant
EXPLAIN (COSTS OFF)
SELECT n FROM typeid_casts_users WHERE id = 'user_01h455vb4pex5vsknk084sn02q';

-- parameters typed text, varchar, text[] and varchar[] (what drivers send)
-- plan as index scans, the cast applied to the parameter, in custom and in
-- generic plans
PREPARE by_text(text) AS SELECT n FROM typeid_casts_users WHERE id = $1;
PREPARE by_varchar(varchar) AS SELECT n FROM typeid_casts_users WHERE id = $1;
PREPARE by_text_array(text[]) AS SELECT n FROM typeid_casts_users WHERE id = ANY ($1) ORDER BY n;
PREPARE by_varchar_array(varchar[]) AS SELECT n FROM typeid_casts_users WHERE id = ANY ($1) ORDER BY n;
PREPARE by_cast_text(unknown) AS SELECT n FROM typeid_casts_users WHERE id = $1::text;
EXECUTE by_text('user_01h455vb4pex5vsknk084sn02q');
EXECUTE by_varchar('user_01h455vb4pex5vsknk084sn02q');
EXECUTE by_text_array('{user_01h455vb4pex5vsknk084sn02q,user_00000000000000000000000000}');
EXECUTE by_varchar_array('{user_01h455vb4pex5vsknk084sn02q}');
EXECUTE by_cast_text('user_01h455vb4pex5vsknk084sn02q');
EXPLAIN (COSTS OFF) EXECUTE by_text('user_01h455vb4pex5vsknk084sn02q');
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE by_text('user_01h455vb4pex5vsknk084sn02q');
EXPLAIN (COSTS OFF) EXECUTE by_varchar('user_01h455vb4pex5vsknk084sn02q');
EXPLAIN (COSTS OFF) EXECUTE by_text_array('{user_01h455vb4pex5vsknk084sn02q}');
EXPLAIN (COSTS OFF) EXECUTE by_varchar_array('{user_01h455vb4pex5vsknk084sn02q}');
EXPLAIN (COSTS OFF) EXECUTE by_cast_text('user_01h455vb4pex5vsknk084sn02q');
RESET plan_cache_mode;
-- a bound string that is not a typeid fails when the parameter is converted
EXECUTE by_text('user_01h455vb4pex5vsknk084sn02Q');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
EXECUTE by_text_array('{user_01h455vb4pex5vsknk084sn02q,nope}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- text and varchar store into typeid columns, and the column's prefix is
-- still checked (22023)
PREPARE add_user(varchar, int) AS INSERT INTO typeid_casts_users VALUES ($1, $2) RETURNING id;
EXECUTE add_user('user_01h455vb4pex5vsknk084sn02r', -1);
EXECUTE add_user('org_01h455vb4pex5vsknk084sn02s', -2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- an id without a prefix takes the column's, as from an untyped literal
EXECUTE add_user('01h455vb4pex5vsknk084sn02t'::text, -3);
UPDATE typeid_casts_users SET id = 'user_01h455vb4pex5vsknk084sn02v'::varchar WHERE n = -3 RETURNING id;
DELETE FROM typeid_casts_users WHERE n < 0;

-- the trade-off: comparing with a text column now compiles (typeid =
-- typeid, the column's values parsed per row) and fails at run time, with
-- 22P02, on a value that is not a typeid, instead of 42883 at plan time
CREATE TABLE typeid_casts_refs (ref text, ref_v varchar(90));
INSERT INTO typeid_casts_refs VALUES ('user_01h455vb4pex5vsknk084sn02q', 'user_01h455vb4pex5vsknk084sn02q');
SELECT u.n FROM typeid_casts_users u JOIN typeid_casts_refs r ON u.id = r.ref;
SELECT u.n FROM typeid_casts_users u JOIN typeid_casts_refs r ON r.ref_v = u.id;
EXPLAIN (COSTS OFF, VERBOSE)
SELECT u.n FROM typeid_casts_users u JOIN typeid_casts_refs r ON u.id = r.ref;
INSERT INTO typeid_casts_refs VALUES ('not a typeid', NULL);
SELECT u.n FROM typeid_casts_users u JOIN typeid_casts_refs r ON u.id = r.ref;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- the explicit text comparison is what such a query means to say
SELECT u.n FROM typeid_casts_users u JOIN typeid_casts_refs r ON u.id::text = r.ref;

-- typeid and text still do not mix where a common type is chosen
SELECT id FROM typeid_casts_users WHERE n = 0 UNION SELECT ref FROM typeid_casts_refs;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT CASE WHEN n = 0 THEN id ELSE 'x'::text END FROM typeid_casts_users;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT COALESCE(id, 'x'::text) FROM typeid_casts_users;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT ARRAY[id, 'x'::text] FROM typeid_casts_users;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- with untyped literals they resolve to typeid, as before
SELECT COALESCE(NULL::typeid, 'user_01h455vb4pex5vsknk084sn02q'),
	   CASE WHEN true THEN 'user_01h455vb4pex5vsknk084sn02q' ELSE NULL::typeid END;

-- typeid -> text is not implicit: text functions do not take a typeid
SELECT upper(id) FROM typeid_casts_users WHERE n = 0;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- but it is an assignment cast, and concatenation takes any type
INSERT INTO typeid_casts_refs (ref) SELECT id FROM typeid_casts_users WHERE n = 0;
SELECT 'id: ' || id AS label FROM typeid_casts_users WHERE n = 0;

-- functions taking typeid accept text and varchar values
SELECT typeid_prefix('user_01h455vb4pex5vsknk084sn02q'::text),
	   typeid_uuid('user_01h455vb4pex5vsknk084sn02q'::varchar);

-- a text[] value compares with a typeid column element by element
SELECT count(*) FROM typeid_casts_users
WHERE id = ANY (ARRAY['user_01h455vb4pex5vsknk084sn02q', 'user_00000000000000000000000000']::text[]);
SELECT ARRAY['user_01h455vb4pex5vsknk084sn02q']::text[]::typeid[] AS cast_array;

DEALLOCATE ALL;
DROP TABLE typeid_casts_users, typeid_casts_refs;
