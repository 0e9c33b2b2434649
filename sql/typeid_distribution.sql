--
-- Scaling out: typeid values spread evenly over Citus shards and over hash
-- partitions, and equal values land together whatever the column's type
-- modifier (colocation).  Citus is not installed here: its choice of shard
-- is computed below exactly as Citus computes it.
--
-- A bucket passes when it holds within 3% of the mean (31,250 of 1,000,000
-- in 32 buckets).  The standard deviation of a bucket of uniform hashes is
-- about 0.56% of the mean, so 3% is more than 5 standard deviations: a
-- healthy hash fails it about once in 10^5 runs of this file.
--

-- Citus routes a row of a hash-distributed table by the 32-bit hash of its
-- distribution column, computed by support function 1 of the column type's
-- default hash operator class; the extended hash (function 2) is what
-- PostgreSQL's hash partitioning uses.
SELECT p.amprocnum, p.amproc::regprocedure
FROM pg_opclass c
	 JOIN pg_am a ON a.oid = c.opcmethod
	 JOIN pg_amproc p ON p.amprocfamily = c.opcfamily
						 AND p.amproclefttype = c.opcintype
						 AND p.amprocrighttype = c.opcintype
WHERE a.amname = 'hash' AND c.opcintype = 'typeid'::regtype AND c.opcdefault
ORDER BY p.amprocnum;

-- The shard of a hash: Citus splits the int32 range into shard_count equal
-- intervals (each 2^32 / shard_count wide, the last one up to 2^31 - 1);
-- 32 is Citus' default citus.shard_count.
CREATE FUNCTION dist_shard(id typeid, shard_count int DEFAULT 32) RETURNS int
LANGUAGE sql IMMUTABLE
RETURN least((typeid_hash(id)::bigint + 2147483648) / (4294967296 / shard_count),
			 shard_count - 1);

-- The hash partition of a value, as PostgreSQL routes a row: the extended
-- hash with seed HASH_PARTITION_SEED (0x7A5B22367996DCFD), combined into
-- the row's 64-bit hash by hash_combine64(0, h) = h + 0x49a0f4dd15e5a8e3
-- (modulo 2^64), whose remainder by the modulus selects the partition.
-- Written for moduli that are powers of two (32 and 4 here), where that
-- remainder is in the low bits.  Checked below against the partitions a
-- million inserted rows went to.
CREATE FUNCTION dist_partition(id typeid, modulus int DEFAULT 32) RETURNS int
LANGUAGE sql IMMUTABLE
RETURN (((typeid_hash_extended(id, 8816678312871386365) & (modulus - 1))
		 + (5305509591434766563 & (modulus - 1))) & (modulus - 1))::int;

-- bucket sizes of every data set: by shard (of 32) and by partition (of 32)
CREATE TABLE dist_buckets (dataset text, kind text, bucket int, n bigint);

--
-- 1. One prefix: 1,000,000 IDs generated in one session, stored in a table
--    hash-partitioned by the ID into 32 partitions.
--
CREATE TABLE dist_users (id typeid NOT NULL) PARTITION BY HASH (id);
SELECT format('CREATE UNLOGGED TABLE dist_users_%s PARTITION OF dist_users '
			  'FOR VALUES WITH (MODULUS 32, REMAINDER %s)', r, r)
FROM generate_series(0, 31) r \gexec
INSERT INTO dist_users SELECT typeid_generate('user') FROM generate_series(1, 1000000);

-- rows per partition and per shard; every row went to the partition
-- dist_partition() names
WITH b AS (
	SELECT GROUPING(s) = 0 AS by_shard, coalesce(s, part) AS bucket, count(*) AS n,
		   count(*) FILTER (WHERE dist_partition(id) = part) AS routed_as_computed
	FROM (SELECT id, dist_shard(id) AS s,
				 substr(tableoid::regclass::text, length('dist_users_') + 1)::int AS part
		  FROM dist_users) r
	GROUP BY GROUPING SETS ((part), (s))
), ins AS (
	INSERT INTO dist_buckets
	SELECT '1 prefix, generated', CASE WHEN by_shard THEN 'shard' ELSE 'partition' END,
		   bucket, n
	FROM b
)
SELECT sum(n) AS rows, sum(routed_as_computed) AS rows_in_computed_partition
FROM b WHERE NOT by_shard;

--
-- 2. Four prefixes mixed: 1,000,000 IDs generated in one session.
--
INSERT INTO dist_buckets
SELECT '4 prefixes, generated',
	   CASE WHEN GROUPING(s) = 0 THEN 'shard' ELSE 'partition' END,
	   coalesce(s, p), count(*)
FROM (SELECT dist_shard(id) AS s, dist_partition(id) AS p
	  FROM (SELECT typeid_generate((ARRAY['user', 'org', 'post', 'comment'])[1 + g % 4]) AS id
			FROM generate_series(1, 1000000) g) ids) h
GROUP BY GROUPING SETS ((s), (p));

--
-- 3. Timestamps one millisecond apart: 1,000,000 UUIDv7s built by hand
--    (48-bit millisecond timestamp, version 7, 12 bits rand_a, variant 10,
--    62 bits rand_b), as a steady stream of one row per millisecond or a
--    backfill of historical rows would have them.  The random bits come
--    from random() with a fixed seed, so the data set is the same each run.
--
SELECT setseed(0.25);
INSERT INTO dist_buckets
SELECT '1 ms apart, random bits',
	   CASE WHEN GROUPING(s) = 0 THEN 'shard' ELSE 'partition' END,
	   coalesce(s, p), count(*)
FROM (SELECT dist_shard(id) AS s, dist_partition(id) AS p
	  FROM (SELECT typeid_from_uuid('user', encode(
				   int8send(((1700000000000 + g) << 16)		-- unix_ts_ms
							| 28672						-- version 7
							| floor(random() * 4096)::int)	-- rand_a
				   || int8send((floor(random() * 2147483648)::bigint << 31)	-- rand_b
							   | floor(random() * 2147483648)::bigint
							   | (-9223372036854775808)),	-- variant 10
				   'hex')::uuid) AS id
			FROM generate_series(1, 1000000) g) ids) h
GROUP BY GROUPING SETS ((s), (p));

-- what the construction makes: version 7, variant 10, ms one apart
SELECT setseed(0.25);
SELECT typeid_uuid(id),
	   typeid_uuid(id)::text ~ '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]' AS v7,
	   (extract(epoch FROM typeid_timestamp(id)
						   - lag(typeid_timestamp(id)) OVER (ORDER BY g)) * 1000)::int AS step_ms
FROM (SELECT g, typeid_from_uuid('user', encode(
			 int8send(((1700000000000 + g) << 16) | 28672 | floor(random() * 4096)::int)
			 || int8send((floor(random() * 2147483648)::bigint << 31)
						 | floor(random() * 2147483648)::bigint
						 | (-9223372036854775808)),
			 'hex')::uuid) AS id
	  FROM generate_series(1, 3) g) ids
ORDER BY g;

--
-- 4. Timestamps one millisecond apart and no random bits at all (rand_a
--    and rand_b zero): only the timestamp tells the values apart.
--
SELECT typeid_uuid(typeid_min_at('user', timestamptz 'epoch' + 1700000000000 * interval '1 ms'));
INSERT INTO dist_buckets
SELECT '1 ms apart, no random bits',
	   CASE WHEN GROUPING(s) = 0 THEN 'shard' ELSE 'partition' END,
	   coalesce(s, p), count(*)
FROM (SELECT dist_shard(id) AS s, dist_partition(id) AS p
	  FROM (SELECT typeid_min_at('user', timestamptz 'epoch'
										 + (1700000000000 + g) * interval '1 ms') AS id
			FROM generate_series(1, 1000000) g) ids) h
GROUP BY GROUPING SETS ((s), (p));

-- PostgreSQL's own partition check agrees with dist_partition() on the
-- hand-built values too
SELECT count(*) AS ids,
	   count(*) FILTER (WHERE satisfies_hash_partition('dist_users'::regclass, 32,
														dist_partition(id), id)) AS agree
FROM (SELECT typeid_min_at('user', timestamptz 'epoch' + (1700000000000 + g) * interval '1 ms') AS id
	  FROM generate_series(1, 10000) g) ids;

-- every data set: 32 buckets of each kind, each within 3% of the mean
SELECT dataset, kind, sum(n) AS ids, count(*) AS buckets,
	   count(*) FILTER (WHERE abs(n - 31250) <= 0.03 * 31250) AS buckets_within_3pct
FROM dist_buckets
GROUP BY dataset, kind
ORDER BY dataset, kind;
-- the buckets outside (none)
SELECT dataset, kind, bucket, n FROM dist_buckets
WHERE abs(n - 31250) > 0.03 * 31250
ORDER BY dataset, kind, bucket;

DROP TABLE dist_buckets, dist_users;

--
-- 5. Colocation: a typeid('user') foreign key, the typeid('user') primary
--    key it references and a plain typeid column hash every value alike, so
--    tables distributed by them are colocated.  The type modifier only
--    checks the prefix; the hash functions never see it.
--
CREATE TABLE dist_accounts (id typeid('user') PRIMARY KEY DEFAULT typeid_generate('user'));
CREATE TABLE dist_posts (id typeid('post') PRIMARY KEY DEFAULT typeid_generate('post'),
						 user_id typeid('user') NOT NULL REFERENCES dist_accounts);
CREATE TABLE dist_events (n bigserial PRIMARY KEY, subject typeid NOT NULL);

-- one type, one collation: what Citus compares to allow colocation
SELECT attrelid::regclass AS tbl, attname, format_type(atttypid, atttypmod),
	   atttypid = 'typeid'::regtype AS is_typeid, attcollation
FROM pg_attribute
WHERE attrelid IN ('dist_accounts'::regclass, 'dist_posts'::regclass, 'dist_events'::regclass)
	  AND attnum > 0 AND atttypid = 'typeid'::regtype
ORDER BY 1, attnum;

INSERT INTO dist_accounts SELECT FROM generate_series(1, 1000);
-- the foreign key written as the value, as its uuid and without its prefix
-- (both take the column's), and as text
INSERT INTO dist_posts (user_id) SELECT id FROM dist_accounts;
INSERT INTO dist_posts (user_id) SELECT typeid_uuid(id) FROM dist_accounts;
INSERT INTO dist_posts (user_id) SELECT typeid_from_uuid('', typeid_uuid(id)) FROM dist_accounts;
INSERT INTO dist_posts (user_id) SELECT id::text FROM dist_accounts;
INSERT INTO dist_events (subject) SELECT id FROM dist_accounts;
INSERT INTO dist_events (subject) SELECT id::text::typeid FROM dist_accounts;

SELECT count(*) AS pairs,
	   count(*) FILTER (WHERE typeid_hash(p.user_id) = typeid_hash(a.id)
						AND typeid_hash_extended(p.user_id, 0) = typeid_hash_extended(a.id, 0)
						AND typeid_hash_extended(p.user_id, 8816678312871386365)
							= typeid_hash_extended(a.id, 8816678312871386365)
						AND dist_shard(p.user_id) = dist_shard(a.id)
						AND dist_shard(p.user_id, 7) = dist_shard(a.id, 7)
						AND pg_column_size(p.user_id) = pg_column_size(a.id)) AS same_hash
FROM dist_accounts a JOIN dist_posts p ON p.user_id = a.id;
SELECT count(*) AS pairs,
	   count(*) FILTER (WHERE typeid_hash(e.subject) = typeid_hash(a.id)
						AND typeid_hash_extended(e.subject, 0) = typeid_hash_extended(a.id, 0)
						AND typeid_hash_extended(e.subject, 8816678312871386365)
							= typeid_hash_extended(a.id, 8816678312871386365)
						AND dist_shard(e.subject) = dist_shard(a.id)
						AND pg_column_size(e.subject) = pg_column_size(a.id)) AS same_hash
FROM dist_accounts a JOIN dist_events e ON e.subject = a.id;

-- a value cast to a type modifier hashes as before
SELECT typeid_hash(v) = typeid_hash(v::typeid('user')) AS same_hash,
	   typeid_hash_extended(v, 42) = typeid_hash_extended(v::typeid('user'), 42) AS same_ext,
	   dist_shard(v) AS shard
FROM (VALUES ('user_01h455vb4pex5vsknk084sn02q'::typeid)) t(v);

-- Hash partitions: the same value goes to the same partition in tables
-- partitioned by a typeid('user') primary key, by a typeid('user') foreign
-- key and by a plain typeid column.
CREATE TABLE dist_accounts_p (id typeid('user') PRIMARY KEY) PARTITION BY HASH (id);
CREATE TABLE dist_posts_p (id typeid('post') NOT NULL DEFAULT typeid_generate('post'),
						   user_id typeid('user') NOT NULL REFERENCES dist_accounts_p,
						   PRIMARY KEY (user_id, id)) PARTITION BY HASH (user_id);
CREATE TABLE dist_events_p (subject typeid NOT NULL) PARTITION BY HASH (subject);
SELECT format('CREATE TABLE %s_%s PARTITION OF %s FOR VALUES WITH (MODULUS 4, REMAINDER %s)',
			  t, r, t, r)
FROM unnest(ARRAY['dist_accounts_p', 'dist_posts_p', 'dist_events_p']) t,
	 generate_series(0, 3) r
ORDER BY t, r \gexec
INSERT INTO dist_accounts_p SELECT id FROM dist_accounts;
INSERT INTO dist_posts_p (user_id) SELECT user_id FROM dist_posts;
INSERT INTO dist_events_p SELECT subject FROM dist_events;

SELECT count(*) AS pairs,
	   count(*) FILTER (WHERE right(a.tableoid::regclass::text, 1) = right(p.tableoid::regclass::text, 1)
						AND right(a.tableoid::regclass::text, 1)::int = dist_partition(a.id, 4))
	   AS same_partition
FROM dist_accounts_p a JOIN dist_posts_p p ON p.user_id = a.id;
SELECT count(*) AS pairs,
	   count(*) FILTER (WHERE right(a.tableoid::regclass::text, 1) = right(e.tableoid::regclass::text, 1))
	   AS same_partition
FROM dist_accounts_p a JOIN dist_events_p e ON e.subject = a.id;

-- one pinned value: the same partition of each table, and the shard Citus
-- would pick (hash values are pinned in typeid_ops)
INSERT INTO dist_accounts_p VALUES ('user_01h455vb4pex5vsknk084sn02q');
INSERT INTO dist_posts_p (user_id) VALUES ('01h455vb4pex5vsknk084sn02q');
INSERT INTO dist_events_p VALUES ('user_01h455vb4pex5vsknk084sn02q');
SELECT tableoid::regclass AS partition, id::text, dist_partition(id, 4), dist_shard(id)
FROM dist_accounts_p WHERE id = 'user_01h455vb4pex5vsknk084sn02q'
UNION ALL
SELECT tableoid::regclass, user_id::text, dist_partition(user_id, 4), dist_shard(user_id)
FROM dist_posts_p WHERE user_id = 'user_01h455vb4pex5vsknk084sn02q'
UNION ALL
SELECT tableoid::regclass, subject::text, dist_partition(subject, 4), dist_shard(subject)
FROM dist_events_p WHERE subject = 'user_01h455vb4pex5vsknk084sn02q';

-- the planner agrees: partition bounds and hashing match, so a join on the
-- typeid('user') primary key and the plain typeid column goes partition by
-- partition, as Citus joins colocated shards
ANALYZE dist_accounts_p, dist_events_p;
SET enable_partitionwise_join = on;
EXPLAIN (COSTS OFF)
SELECT * FROM dist_accounts_p a JOIN dist_events_p e ON e.subject = a.id;
RESET enable_partitionwise_join;

DROP TABLE dist_posts_p, dist_accounts_p, dist_events_p, dist_posts, dist_accounts, dist_events;
DROP FUNCTION dist_shard(typeid, int), dist_partition(typeid, int);
