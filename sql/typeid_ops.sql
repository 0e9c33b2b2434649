--
-- Operators, ordering, hashing, operator classes and index support.
--

-- operator metadata: commutators, negators, estimators, no shell operators
SELECT oprname, oprcom::regoperator AS commutator, oprnegate::regoperator AS negator,
	   oprrest, oprjoin, oprcanhash, oprcanmerge
FROM pg_operator
WHERE oprleft = 'typeid'::regtype AND oprright = 'typeid'::regtype
ORDER BY oprname;

SELECT count(*) AS shell_operators FROM pg_operator
WHERE oprcode = 0 AND (oprleft = 'typeid'::regtype OR oprright = 'typeid'::regtype);

-- every operator class validates
SELECT opc.opcname, am.amname, opc.opcdefault, amvalidate(opc.oid)
FROM pg_opclass opc JOIN pg_am am ON am.oid = opc.opcmethod
WHERE opc.opcintype = 'typeid'::regtype
ORDER BY am.amname;

-- the btree class declares equalimage (deduplication) and sortsupport
SELECT amprocnum, amproc::regproc
FROM pg_amproc
WHERE amprocfamily = (SELECT opcfamily FROM pg_opclass
					  WHERE opcname = 'typeid_ops'
						AND opcmethod = (SELECT oid FROM pg_am WHERE amname = 'btree'))
ORDER BY amprocnum;

-- comparisons: prefix first (bytes, then length), then UUID
SELECT a, b, a < b AS lt, a <= b AS le, a = b AS eq, a <> b AS ne, a >= b AS ge, a > b AS gt,
	   typeid_cmp(a, b) AS cmp
FROM (VALUES
	('user_01h455vb4pex5vsknk084sn02q'::typeid, 'user_01h455vb4pex5vsknk084sn02q'::typeid),
	('user_01h455vb4pex5vsknk084sn02q', 'user_01h455vb4pex5vsknk084sn02r'),
	('user_7zzzzzzzzzzzzzzzzzzzzzzzzz', 'users_00000000000000000000000000'),
	('user_00000000000000000000000000', 'use_7zzzzzzzzzzzzzzzzzzzzzzzzz'),
	('a_b_00000000000000000000000000', 'ab_00000000000000000000000000'),
	('7zzzzzzzzzzzzzzzzzzzzzzzzz', 'a_00000000000000000000000000')
) AS v(a, b);

-- equal UUIDs, prefixes of the same length that differ in one byte, first
-- or last: never equal (issue 15)
SELECT a, b, a = b AS eq, a <> b AS ne, typeid_cmp(a, b) AS cmp,
	   typeid_hash(a) = typeid_hash(b) AS same_hash
FROM (VALUES
	('user_01h455vb4pex5vsknk084sn02q'::typeid, 'usex_01h455vb4pex5vsknk084sn02q'::typeid),
	('user_01h455vb4pex5vsknk084sn02q', 'vser_01h455vb4pex5vsknk084sn02q'),
	('a_01h455vb4pex5vsknk084sn02q', 'b_01h455vb4pex5vsknk084sn02q')
) AS v(a, b);

-- min() and max() through their transition functions (no index: VALUES),
-- with the answer first, last and in the middle (issue 15)
SELECT name, min(id ORDER BY n), max(id ORDER BY n)
FROM (VALUES
	('ascending', 1, 'a_7zzzzzzzzzzzzzzzzzzzzzzzzz'::typeid), ('ascending', 2, 'ab_00000000000000000000000000'),
	('ascending', 3, 'b_00000000000000000000000000'), ('ascending', 4, 'b_01h455vb4pex5vsknk084sn02q'),
	('descending', 1, 'b_01h455vb4pex5vsknk084sn02q'), ('descending', 2, 'b_00000000000000000000000000'),
	('descending', 3, 'ab_00000000000000000000000000'), ('descending', 4, 'a_7zzzzzzzzzzzzzzzzzzzzzzzzz'),
	('middle', 1, 'ab_00000000000000000000000000'), ('middle', 2, 'a_7zzzzzzzzzzzzzzzzzzzzzzzzz'),
	('middle', 3, 'b_01h455vb4pex5vsknk084sn02q'), ('middle', 4, 'b_00000000000000000000000000')
) AS v(name, n, id)
GROUP BY name ORDER BY name;

-- Ordering equals ORDER BY id::text COLLATE "C", for many prefixes and for
-- one (where abbreviated keys decide most comparisons).  50000 values, so
-- the sort uses abbreviation and its cardinality check.
CREATE TABLE typeid_order (id typeid);
INSERT INTO typeid_order
SELECT typeid_from_uuid((ARRAY['', 'a', 'a_b', 'ab', 'user', 'users', 'user_x', 'z'])[1 + g % 8],
						md5(g::text)::uuid)
FROM generate_series(1, 50000) g;
INSERT INTO typeid_order
SELECT typeid_from_uuid('user', md5('single' || g)::uuid) FROM generate_series(1, 50000) g;

SET work_mem = '64MB';
SELECT (SELECT array_agg(id ORDER BY id) FROM typeid_order) =
	   (SELECT array_agg(id ORDER BY id::text COLLATE "C") FROM typeid_order) AS mixed_prefixes_sorted_like_text,
	   (SELECT array_agg(id ORDER BY id DESC) FROM typeid_order) =
	   (SELECT array_agg(id ORDER BY id::text COLLATE "C" DESC) FROM typeid_order) AS descending,
	   (SELECT array_agg(id ORDER BY id) FROM typeid_order WHERE typeid_prefix(id) = 'user') =
	   (SELECT array_agg(id ORDER BY typeid_uuid(id)) FROM typeid_order WHERE typeid_prefix(id) = 'user') AS one_prefix_sorted_like_uuid;

-- the same through a btree index, and through an external (disk) sort
CREATE INDEX typeid_order_idx ON typeid_order (id);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM typeid_order ORDER BY id;
SELECT (SELECT array_agg(id) FROM (SELECT id FROM typeid_order ORDER BY id) s) =
	   (SELECT array_agg(id ORDER BY id::text COLLATE "C") FROM typeid_order) AS index_order_like_text;
RESET enable_seqscan;
RESET enable_bitmapscan;
SET work_mem = '64kB';
SELECT (SELECT array_agg(id) FROM (SELECT id FROM typeid_order ORDER BY id OFFSET 0) s) =
	   (SELECT array_agg(id ORDER BY id::text COLLATE "C") FROM typeid_order) AS external_sort_like_text;
RESET work_mem;
CREATE EXTENSION amcheck;
SELECT bt_index_check('typeid_order_idx'::regclass, true);
DROP EXTENSION amcheck;
DROP TABLE typeid_order;

-- equal values hash equally, whatever their header (stored short or not)
CREATE TABLE typeid_hash_t (id typeid);
INSERT INTO typeid_hash_t
SELECT typeid_from_uuid((ARRAY['', 'user', repeat('x', 63)])[1 + g % 3], md5(g::text)::uuid)
FROM generate_series(1, 1000) g;
SELECT count(*) AS rows,
	   count(*) FILTER (WHERE id = id::text::typeid
						AND typeid_hash(id) = typeid_hash(id::text::typeid)
						AND typeid_hash_extended(id, 7) = typeid_hash_extended(id::text::typeid, 7)) AS equal_hashes,
	   count(DISTINCT typeid_hash(id)) AS distinct_hashes
FROM typeid_hash_t;
DROP TABLE typeid_hash_t;

-- pinned hash values: hash partitions and distributed shards depend on them
SELECT v, typeid_hash(v::typeid), typeid_hash_extended(v::typeid, 0) AS ext0,
	   typeid_hash_extended(v::typeid, 42) AS ext42
FROM (VALUES ('00000000000000000000000000'),
			 ('user_01h455vb4pex5vsknk084sn02q'),
			 ('prefix_01h455vb4pex5vsknk084sn02q'),
			 ('org_7zzzzzzzzzzzzzzzzzzzzzzzzz')) AS t(v);

-- index support: btree equality and ranges, hash, BRIN, min/max
CREATE TABLE typeid_idx (id typeid PRIMARY KEY, n int);
INSERT INTO typeid_idx
SELECT typeid_from_uuid('user', ('0189' || substr(md5(g::text), 5))::uuid), g
FROM generate_series(1, 10000) g;
ANALYZE typeid_idx;

EXPLAIN (COSTS OFF)
SELECT n FROM typeid_idx WHERE id = 'user_01h455vb4pex5vsknk084sn02q';
EXPLAIN (COSTS OFF)
SELECT n FROM typeid_idx WHERE id >= 'user_01h60000000000000000000000' AND id < 'user_01h61000000000000000000000';
EXPLAIN (COSTS OFF)
SELECT n FROM typeid_idx WHERE id < 'user_00000000000000000000000000';
-- the estimators see that this range holds every row
EXPLAIN (COSTS OFF)
SELECT n FROM typeid_idx WHERE id > 'user_00000000000000000000000000';
SELECT count(*) FROM typeid_idx WHERE id >= 'user_01h60000000000000000000000' AND id < 'user_01h61000000000000000000000';
SELECT count(*) FROM typeid_idx WHERE id >= 'user_01h60000000000000000000000'::typeid
								  AND id::text COLLATE "C" < 'user_01h61000000000000000000000';

-- min and max use the index
EXPLAIN (COSTS OFF) SELECT min(id), max(id) FROM typeid_idx;
SELECT min(id) = (SELECT id FROM typeid_idx ORDER BY id LIMIT 1) AS min_ok,
	   max(id) = (SELECT id FROM typeid_idx ORDER BY id DESC LIMIT 1) AS max_ok
FROM typeid_idx;
SELECT min(id), max(id) FROM typeid_idx WHERE false;

-- hash index
CREATE INDEX typeid_idx_hash ON typeid_idx USING hash (id);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
ALTER TABLE typeid_idx DROP CONSTRAINT typeid_idx_pkey;
EXPLAIN (COSTS OFF)
SELECT n FROM typeid_idx WHERE id = (SELECT id FROM typeid_idx WHERE n = 42 OFFSET 0);
SELECT n FROM typeid_idx WHERE id = (SELECT id FROM typeid_idx WHERE n = 42 OFFSET 0);
DROP INDEX typeid_idx_hash;

-- BRIN minmax
CREATE INDEX typeid_idx_brin ON typeid_idx USING brin (id);
RESET enable_bitmapscan;
EXPLAIN (COSTS OFF)
SELECT n FROM typeid_idx WHERE id = (SELECT id FROM typeid_idx WHERE n = 42 OFFSET 0);
SELECT n FROM typeid_idx WHERE id = (SELECT id FROM typeid_idx WHERE n = 42 OFFSET 0);
RESET enable_seqscan;

-- hash and merge joins
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM typeid_idx a JOIN typeid_idx b USING (id);
SELECT count(*) FROM typeid_idx a JOIN typeid_idx b USING (id);
SET enable_hashjoin = off;
SET enable_mergejoin = on;
EXPLAIN (COSTS OFF) SELECT count(*) FROM typeid_idx a JOIN typeid_idx b USING (id);
SELECT count(*) FROM typeid_idx a JOIN typeid_idx b USING (id);
RESET enable_mergejoin;
RESET enable_hashjoin;
RESET enable_nestloop;

-- GROUP BY and DISTINCT through hashing and through sorting
SELECT count(*) FROM (SELECT DISTINCT typeid_prefix(id) || '_x' FROM typeid_idx) s;
SET enable_hashagg = off;
SELECT count(*) FROM (SELECT id FROM typeid_idx GROUP BY id) s;
RESET enable_hashagg;
SELECT count(*) FROM (SELECT id FROM typeid_idx GROUP BY id) s;
DROP TABLE typeid_idx;

-- a table hash-partitioned by typeid: rows land in pinned partitions
CREATE TABLE typeid_parted (id typeid PRIMARY KEY) PARTITION BY HASH (id);
CREATE TABLE typeid_parted_0 PARTITION OF typeid_parted FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE typeid_parted_1 PARTITION OF typeid_parted FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE typeid_parted_2 PARTITION OF typeid_parted FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE typeid_parted_3 PARTITION OF typeid_parted FOR VALUES WITH (MODULUS 4, REMAINDER 3);
INSERT INTO typeid_parted
SELECT typeid_from_uuid((ARRAY['user', 'org', ''])[1 + g % 3], md5(g::text)::uuid)
FROM generate_series(1, 12) g;
SELECT tableoid::regclass AS partition, id FROM typeid_parted ORDER BY id;
SELECT tableoid::regclass AS partition, count(*) FROM typeid_parted GROUP BY 1 ORDER BY 1;
-- partition pruning by equality
EXPLAIN (COSTS OFF) SELECT * FROM typeid_parted WHERE id = 'user_01h455vb4pex5vsknk084sn02q';
DROP TABLE typeid_parted;
