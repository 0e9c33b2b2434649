--
-- Sorting with abbreviated keys: the key of each value is built from a label
-- of its prefix (given in the order the sort meets the prefixes) and a digest
-- of its UUID.  Every sort here must equal ORDER BY id::text COLLATE "C",
-- through in-memory, bounded and external sorts and index builds, whatever
-- the mix of prefixes, the order they come in and the kind of UUID.
--

-- UUIDs of every kind the digest tells apart: random ones (mostly above the
-- range of UUIDv7 timestamps), UUIDv7-like ones sharing few milliseconds with
-- versions below, at and above 7 and extreme fractions, words at the edge
-- of the timestamp range, and UUIDs equal in their first 8 bytes.
CREATE TABLE typeid_sort_uuids (n int, u uuid);
INSERT INTO typeid_sort_uuids
SELECT g, md5(g::text)::uuid FROM generate_series(1, 300) g;
INSERT INTO typeid_sort_uuids
SELECT 1000 + g,
	   (lpad(to_hex((ARRAY[0, 1, 1099511627776, 1788000000000, 4398046511103])[1 + g % 5]), 12, '0') ||
		to_hex((ARRAY[0, 4, 6, 7, 8, 15])[1 + (g / 5) % 6]) ||
		(ARRAY['000', '001', '7ff', 'ffe', 'fff'])[1 + (g / 30) % 5] ||
		substr(md5(g::text), 1, 16))::uuid
FROM generate_series(1, 300) g;
INSERT INTO typeid_sort_uuids
SELECT 2000 + g,
	   ((ARRAY['03ffffffffff7fff', '0400000000000000', '0400000000007000', 'ffffffffffffffff',
			   '0000000000000000', '03fffffffffff000'])[1 + g % 6] || substr(md5(g::text), 1, 16))::uuid
FROM generate_series(1, 60) g;

-- Prefixes: the empty one, prefixes of one another, several lengths, the
-- longest possible.
CREATE TABLE typeid_sort_prefixes (p text);
INSERT INTO typeid_sort_prefixes
VALUES (''), ('a'), ('ab'), ('abc'), ('abd'), ('b'), ('org'), ('user'), ('users'),
	   ('user_x'), ('z'), (repeat('z', 63));

-- Every prefix with every UUID (7,920 values, each twice), in random order,
-- grouped by prefix in increasing order, and in decreasing order: the
-- order in which a sort meets the prefixes decides their labels.
CREATE TABLE typeid_sort_random (id typeid);
INSERT INTO typeid_sort_random
SELECT typeid_from_uuid(p, u) FROM typeid_sort_prefixes, typeid_sort_uuids, generate_series(1, 2)
ORDER BY md5(p || u::text || generate_series);
CREATE TABLE typeid_sort_ascending (id typeid);
INSERT INTO typeid_sort_ascending
SELECT id FROM typeid_sort_random ORDER BY typeid_prefix(id) COLLATE "C", md5(id::text);
CREATE TABLE typeid_sort_descending (id typeid);
INSERT INTO typeid_sort_descending
SELECT id FROM typeid_sort_random ORDER BY typeid_prefix(id) COLLATE "C" DESC, md5(id::text);

-- 400 prefixes (more than get a label of their own) met in increasing
-- order, 50 values each, among them the smallest and the largest UUID; and
-- the same in random order.
CREATE TABLE typeid_sort_many (id typeid);
INSERT INTO typeid_sort_many
SELECT typeid_from_uuid(p, CASE g WHEN 1 THEN 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid
								   WHEN 2 THEN '00000000-0000-0000-0000-000000000000'::uuid
								   ELSE md5(p || g)::uuid END)
FROM (SELECT i, repeat(chr(97 + i / 26), 1 + i % 3) || chr(97 + i % 26) AS p
	  FROM generate_series(0, 399) i) pr, generate_series(1, 50) g
ORDER BY p COLLATE "C", g;
CREATE TABLE typeid_sort_many_random (id typeid);
INSERT INTO typeid_sort_many_random SELECT id FROM typeid_sort_many ORDER BY md5(id::text);

-- Two prefixes and a burst of generated UUIDv7s (keys must not tie), and
-- 30,000 values of 3 distinct ones (the sort gives up abbreviation).
CREATE TABLE typeid_sort_burst (id typeid);
INSERT INTO typeid_sort_burst
SELECT typeid_generate((ARRAY['user', 'org'])[1 + g % 2]) FROM generate_series(1, 20000) g;
CREATE TABLE typeid_sort_dups (id typeid);
INSERT INTO typeid_sort_dups
SELECT typeid_from_uuid((ARRAY['', 'a', 'ab'])[1 + g % 3], '01890a5d-ac96-774b-bcce-b302099a8057')
FROM generate_series(1, 30000) g;

-- Sorted like text: as a datum sort (array_agg), as a tuple sort, bounded
-- (top-N heap sort), descending.  Returns the tables that are not.
CREATE FUNCTION typeid_sort_check(tables text[]) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	t text;
	ok boolean;
BEGIN
	FOREACH t IN ARRAY tables LOOP
		EXECUTE format($q$
			SELECT (SELECT array_agg(id ORDER BY id) FROM %1$I) =
				   (SELECT array_agg(id ORDER BY id::text COLLATE "C") FROM %1$I)
			   AND (SELECT array_agg(id ORDER BY id DESC) FROM %1$I) =
				   (SELECT array_agg(id ORDER BY id::text COLLATE "C" DESC) FROM %1$I)
			   AND (SELECT array_agg(id) FROM (SELECT id FROM %1$I ORDER BY id OFFSET 0) s) =
				   (SELECT array_agg(id ORDER BY id::text COLLATE "C") FROM %1$I)
			   AND (SELECT array_agg(id) FROM (SELECT id FROM %1$I ORDER BY id LIMIT 1000) s) =
				   (SELECT array_agg(id) FROM (SELECT id FROM %1$I ORDER BY id::text COLLATE "C" LIMIT 1000) s)
			$q$, t) INTO ok;
		IF NOT ok THEN
			RETURN NEXT t;
		END IF;
	END LOOP;
END
$$;

-- in memory
SET work_mem = '64MB';
SELECT typeid_sort_check('{typeid_sort_random, typeid_sort_ascending, typeid_sort_descending,
						   typeid_sort_many, typeid_sort_many_random, typeid_sort_burst,
						   typeid_sort_dups}') AS unsorted_in_memory;

-- external (runs sorted in memory with abbreviated keys, then merged)
SET work_mem = '64kB';
SELECT typeid_sort_check('{typeid_sort_random, typeid_sort_ascending, typeid_sort_descending,
						   typeid_sort_many, typeid_sort_many_random, typeid_sort_burst,
						   typeid_sort_dups}') AS unsorted_external;
RESET work_mem;

-- values made in the query, not stored (a longer header), sorted as datums
WITH s AS MATERIALIZED (SELECT typeid_from_uuid(p, u) AS x
						FROM typeid_sort_prefixes, typeid_sort_uuids)
SELECT (SELECT array_agg(x ORDER BY x) FROM s) =
	   (SELECT array_agg(x ORDER BY x::text COLLATE "C") FROM s) AS computed_sorted_like_text;
SET work_mem = '64kB';
SELECT (SELECT array_agg(x ORDER BY x) FROM (SELECT typeid_from_uuid(p, u) AS x
											  FROM typeid_sort_prefixes, typeid_sort_uuids) s) =
	   (SELECT array_agg(x ORDER BY x::text COLLATE "C")
		FROM (SELECT typeid_from_uuid(p, u) AS x FROM typeid_sort_prefixes, typeid_sort_uuids) s)
	   AS computed_sorted_like_text_external;
RESET work_mem;

-- index builds: sorted like text, and valid
CREATE EXTENSION amcheck;
CREATE INDEX typeid_sort_random_idx ON typeid_sort_random (id);
CREATE INDEX typeid_sort_ascending_idx ON typeid_sort_ascending (id);
CREATE INDEX typeid_sort_many_idx ON typeid_sort_many (id);
CREATE INDEX typeid_sort_many_random_idx ON typeid_sort_many_random (id);
SET maintenance_work_mem = '1MB';
CREATE INDEX typeid_sort_descending_idx ON typeid_sort_descending (id);
RESET maintenance_work_mem;
-- parallel build: workers sort with abbreviated keys, the leader merges
SET max_parallel_maintenance_workers = 2;
SET min_parallel_table_scan_size = 0;
CREATE INDEX typeid_sort_parallel_idx ON typeid_sort_many_random (id);
RESET max_parallel_maintenance_workers;
RESET min_parallel_table_scan_size;
SELECT c.relname, bt_index_check(c.oid, true)
FROM pg_class c
WHERE c.relname LIKE 'typeid_sort_%_idx'
ORDER BY c.relname;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM typeid_sort_many ORDER BY id;
SELECT (SELECT array_agg(id) FROM (SELECT id FROM typeid_sort_random ORDER BY id) s) =
	   (SELECT array_agg(id ORDER BY id::text COLLATE "C") FROM typeid_sort_random) AS random_index_like_text,
	   (SELECT array_agg(id) FROM (SELECT id FROM typeid_sort_many ORDER BY id) s) =
	   (SELECT array_agg(id ORDER BY id::text COLLATE "C") FROM typeid_sort_many) AS many_index_like_text,
	   (SELECT array_agg(id) FROM (SELECT id FROM typeid_sort_descending ORDER BY id) s) =
	   (SELECT array_agg(id ORDER BY id::text COLLATE "C") FROM typeid_sort_descending) AS external_build_like_text;
RESET enable_seqscan;
RESET enable_bitmapscan;
DROP EXTENSION amcheck;

-- parallel sort: workers sort with abbreviated keys, Gather Merge merges
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM typeid_sort_many_random ORDER BY id;
SELECT (SELECT array_agg(id) FROM (SELECT id FROM typeid_sort_many_random ORDER BY id) s) =
	   (SELECT array_agg(id ORDER BY id::text COLLATE "C") FROM typeid_sort_many_random) AS parallel_sort_like_text;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET enable_indexscan;
RESET enable_indexonlyscan;
RESET enable_bitmapscan;

-- merge join and sort-based DISTINCT over mixed prefixes
SET enable_hashjoin = off;
SET enable_nestloop = off;
SET enable_hashagg = off;
SELECT count(*) AS joined FROM typeid_sort_random a JOIN typeid_sort_descending b USING (id);
SELECT count(DISTINCT id) AS distinct_ids, count(*) AS ids FROM typeid_sort_random;
RESET enable_hashjoin;
RESET enable_nestloop;
RESET enable_hashagg;

DROP FUNCTION typeid_sort_check(text[]);
DROP TABLE typeid_sort_uuids, typeid_sort_prefixes, typeid_sort_random, typeid_sort_ascending,
	typeid_sort_descending, typeid_sort_many, typeid_sort_many_random, typeid_sort_burst,
	typeid_sort_dups;
