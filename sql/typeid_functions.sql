--
-- Functions and casts of the typeid type.
--

-- parts
SELECT typeid_prefix('user_01h455vb4pex5vsknk084sn02q'), typeid_prefix('01h455vb4pex5vsknk084sn02q') = '' AS empty_prefix,
	   typeid_uuid('user_01h455vb4pex5vsknk084sn02q');

-- typeid_from_uuid encodes any UUID, with or without a prefix
SELECT typeid_from_uuid('user', '01890a5d-ac96-774b-bcce-b302099a8057'),
	   typeid_from_uuid('', '01890a5d-ac96-774b-bcce-b302099a8057'),
	   typeid_from_uuid('a_b', '00000000-0000-0000-0000-000000000000');
SELECT typeid_from_uuid('User', gen_random_uuid());
-- refused when made, not only when printed
SELECT typeid_prefix(typeid_from_uuid('User', gen_random_uuid()));
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT typeid_from_uuid('user_', gen_random_uuid());
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT typeid_from_uuid(repeat('a', 64), gen_random_uuid());
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- casts: typeid -> text (assignment), text and varchar -> typeid (implicit,
-- see typeid_casts), typeid -> uuid (explicit),
-- uuid -> typeid (assignment, empty prefix)
SELECT 'user_01h455vb4pex5vsknk084sn02q'::typeid::text,
	   'user_01h455vb4pex5vsknk084sn02q'::typeid::uuid,
	   '01890a5d-ac96-774b-bcce-b302099a8057'::uuid::typeid,
	   CAST(typeid_uuid('user_01h455vb4pex5vsknk084sn02q') AS typeid);
SELECT castsource::regtype, casttarget::regtype, castfunc::regprocedure, castcontext, castmethod
FROM pg_cast
WHERE castsource = 'typeid'::regtype OR casttarget = 'typeid'::regtype
ORDER BY castsource::regtype::text, casttarget::regtype::text;
CREATE TABLE typeid_cast_t (id typeid, t text, u uuid);
INSERT INTO typeid_cast_t (id, t) VALUES ('01890a5d-ac96-774b-bcce-b302099a8057'::uuid,
										  'user_01h455vb4pex5vsknk084sn02q'::typeid);
INSERT INTO typeid_cast_t (id) VALUES ('user_01h455vb4pex5vsknk084sn02q'::text);
SELECT * FROM typeid_cast_t;
-- no implicit typeid -> uuid: that would drop the prefix silently
INSERT INTO typeid_cast_t (u) VALUES ('user_01h455vb4pex5vsknk084sn02q'::typeid);
DROP TABLE typeid_cast_t;

-- timestamps: the millisecond time of a UUIDv7, NULL for other versions
SELECT typeid_timestamp('prefix_01h455vb4pex5vsknk084sn02q') AT TIME ZONE 'UTC' AS v7,
	   typeid_timestamp('00000000000000000000000000') AS nil,
	   typeid_timestamp(typeid_from_uuid('x', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')) AS v4,
	   typeid_timestamp(typeid_from_uuid('x', '01890a5d-ac96-774b-ccce-b302099a8057')) AS v7_bad_variant;
SELECT uuid_v7_timestamp('01890a5d-ac96-774b-bcce-b302099a8057') AT TIME ZONE 'UTC' AS v7,
	   uuid_v7_timestamp('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11') AS v4;
-- versions on either side of 7 (6, 8, 15) with the same time bits are not v7
SELECT uuid_v7_timestamp('01890a5d-ac96-674b-bcce-b302099a8057') AS v6,
	   uuid_v7_timestamp('01890a5d-ac96-874b-bcce-b302099a8057') AS v8,
	   uuid_v7_timestamp('01890a5d-ac96-f74b-bcce-b302099a8057') AS v15,
	   typeid_timestamp(typeid_from_uuid('x', '01890a5d-ac96-874b-bcce-b302099a8057')) AS typeid_v8;

-- typeid_min_at: the smallest UUIDv7 typeid of a millisecond
SELECT typeid_min_at('user', '2023-06-29 13:31:28.662+00'),
	   typeid_uuid(typeid_min_at('user', '2023-06-29 13:31:28.662999+00')),
	   typeid_timestamp(typeid_min_at('user', '2023-06-29 13:31:28.662999+00')) AT TIME ZONE 'UTC' AS ts;
-- before 2000 (PostgreSQL's epoch) a sub-millisecond part rounds down too
SELECT typeid_timestamp(typeid_min_at('', '1999-12-31 23:59:59.9995+00')) AT TIME ZONE 'UTC' AS ms_before_2000,
	   typeid_timestamp(typeid_min_at('', '2000-01-01 00:00:00.0005+00')) AT TIME ZONE 'UTC' AS ms_after_2000;
SELECT typeid_min_at('', '1970-01-01 00:00:00+00') AS first_ms,
	   typeid_min_at('', '10889-08-02 05:31:50.655+00') AS last_ms;
SELECT typeid_min_at('', '1969-12-31 23:59:59.999+00');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT typeid_min_at('', '10889-08-02 05:31:50.656+00');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT typeid_min_at('', 'infinity');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT typeid_min_at('Bad', now());
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- the bounds of a millisecond bracket every ID generated in it
SELECT count(*) AS ids,
	   count(*) FILTER (WHERE id >= typeid_min_at('user', typeid_timestamp(id))
						AND id < typeid_min_at('user', typeid_timestamp(id) + interval '1 ms')) AS bracketed
FROM (SELECT typeid_generate('user') AS id FROM generate_series(1, 1000)) s;

-- typeid_is_valid on text
SELECT typeid_is_valid('user_01h455vb4pex5vsknk084sn02q'), typeid_is_valid('user_01h455vb4pex5vsknk084sn02Q'),
	   typeid_is_valid(NULL);

-- STRICT: NULL in, NULL out
SELECT typeid_prefix(NULL) IS NULL AS a, typeid_uuid(NULL) IS NULL AS b, typeid_from_uuid(NULL, NULL) IS NULL AS c,
	   typeid_timestamp(NULL) IS NULL AS d, typeid_min_at(NULL, now()) IS NULL AS e, typeid_generate(NULL) IS NULL AS f;

-- every function of the type is labelled: volatility, strictness, parallel
-- safety (the am schema's functions are tested with their features)
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'activemodel') AND d.deptype = 'e'
  AND p.pronamespace <> 'am'::regnamespace
ORDER BY p.oid::regprocedure::text;
