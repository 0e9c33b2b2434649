--
-- UUIDv7 generation: typeid_generate() and uuid_generate_v7().
--

-- 100k IDs in one statement: strictly increasing, distinct, version 7,
-- RFC variant, timestamps close to now
CREATE TEMP TABLE generated AS
SELECT n, typeid_generate('user') AS id FROM generate_series(1, 100000) n;
SELECT count(*) AS ids,
	   count(DISTINCT id) AS distinct_ids,
	   count(*) FILTER (WHERE prev IS NOT NULL AND id <= prev) AS not_increasing,
	   count(*) FILTER (WHERE substr(typeid_uuid(id)::text, 15, 1) <> '7') AS not_version_7,
	   count(*) FILTER (WHERE substr(typeid_uuid(id)::text, 20, 1) NOT IN ('8', '9', 'a', 'b')) AS not_rfc_variant,
	   count(*) FILTER (WHERE typeid_prefix(id) <> 'user') AS wrong_prefix,
	   count(*) FILTER (WHERE typeid_timestamp(id) NOT BETWEEN now() - interval '1 minute'
														   AND clock_timestamp() + interval '1 minute') AS far_from_now,
	   count(DISTINCT substr(typeid_uuid(id)::text, 20)) AS distinct_random_parts
FROM (SELECT id, lag(id) OVER (ORDER BY n) AS prev FROM generated) s;

-- the same for plain UUIDs
CREATE TEMP TABLE generated_uuid AS
SELECT n, uuid_generate_v7() AS u FROM generate_series(1, 100000) n;
SELECT count(*) AS ids,
	   count(DISTINCT u) AS distinct_ids,
	   count(*) FILTER (WHERE prev IS NOT NULL AND u <= prev) AS not_increasing,
	   count(*) FILTER (WHERE uuid_v7_timestamp(u) IS NULL) AS not_v7
FROM (SELECT u, lag(u) OVER (ORDER BY n) AS prev FROM generated_uuid) s;

-- increasing across statements and across the two functions, which share
-- one per-backend clock
SELECT typeid_generate('user') AS a \gset
SELECT uuid_generate_v7() AS b \gset
SELECT typeid_generate('user') AS c \gset
SELECT :'a'::typeid < :'c'::typeid AS typeid_increases,
	   typeid_uuid(:'a') < :'b'::uuid AND :'b'::uuid < typeid_uuid(:'c') AS shared_clock;

-- the last generated of one statement sorts before the first of the next
SELECT max(id) AS last_of_first FROM generated \gset
SELECT :'last_of_first'::typeid < typeid_generate('user') AS later_statement_sorts_after;

-- the empty prefix by default; the prefix is checked
SELECT typeid_prefix(typeid_generate()) = '' AS default_prefix_is_empty,
	   length(typeid_generate()::text) AS length_without_prefix,
	   length(typeid_generate(repeat('z', 63))::text) AS length_with_longest_prefix;
SELECT typeid_generate('User');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT typeid_generate('_user');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT typeid_generate(repeat('z', 64));
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- generated IDs work as a column default
CREATE TABLE generated_default (id typeid PRIMARY KEY DEFAULT typeid_generate('user'), n int);
INSERT INTO generated_default (n) SELECT g FROM generate_series(1, 1000) g;
SELECT count(*), count(DISTINCT id), bool_and(typeid_prefix(id) = 'user') AS prefixed,
	   (SELECT array_agg(n ORDER BY id) FROM generated_default) =
	   (SELECT array_agg(n ORDER BY n) FROM generated_default) AS id_order_is_insert_order
FROM generated_default;
DROP TABLE generated_default;

-- 1M IDs in one statement (issue 15): generation is faster than the 244 ns
-- tick of the 12-bit fraction, so most IDs share a tick with the previous
-- one and take its value plus one; none may repeat or go back
SELECT count(*) AS ids, count(*) FILTER (WHERE u <= prev) AS not_increasing
FROM (SELECT u, lag(u) OVER (ORDER BY n) AS prev
	  FROM (SELECT n, uuid_generate_v7() AS u FROM generate_series(1, 1000000) n) g) s;

-- the sub-millisecond fraction uses all 12 bits and follows the clock
-- (issue 15): 40 IDs spaced by sleeps land all over the millisecond, so
-- the top fraction bit is both set and clear, and each fraction is within
-- 200 us after the clock_timestamp() read just before it (allowing a few
-- samples to be delayed by a busy machine)
SELECT count(*) FILTER (WHERE f >= 2048) > 0 AS top_bit_set,
	   count(*) FILTER (WHERE f < 2048) > 0 AS top_bit_clear,
	   count(*) FILTER (WHERE (f * 1000 / 4096 - us + 1000) % 1000 <= 200) >= 30 AS fraction_follows_clock
FROM (SELECT ((get_byte(uuid_send(u), 6) & 15) << 8) | get_byte(uuid_send(u), 7) AS f,
			 extract(microseconds FROM before)::bigint % 1000 AS us
	  FROM (SELECT clock_timestamp() AS before, uuid_generate_v7() AS u, pg_sleep(0.0001 + n * 0.00001)
			FROM generate_series(1, 40) n) s) s;

-- consecutive IDs take fresh random bytes: the low 6 random bits of byte 8
-- of one UUID equal those of byte 15 of the one before only by chance (1 in
-- 64), not always as they would if the buffer were read with an overlap
WITH g AS (
	SELECT n, uuid_send(uuid_generate_v7()) AS b FROM generate_series(1, 2000) AS n
), p AS (
	SELECT get_byte(b, 8) & 63 AS first_random,
		   lag(get_byte(b, 15) & 63) OVER (ORDER BY n) AS previous_last
	FROM g
)
SELECT count(*) FILTER (WHERE first_random = previous_last) < 200 AS random_bytes_not_shared
FROM p;
