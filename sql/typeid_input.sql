--
-- Text input and output of typeid: edge cases and error reports.
--

-- no prefix, a one-letter prefix, underscores inside the prefix
SELECT '01h455vb4pex5vsknk084sn02q'::typeid;
SELECT 'a_01h455vb4pex5vsknk084sn02q'::typeid;
SELECT 'a_b__c_01h455vb4pex5vsknk084sn02q'::typeid;

-- the longest: a 63-byte prefix, 90 bytes in all
SELECT length(v::text) AS text_length, length(typeid_prefix(v)) AS prefix_length,
	   v::text = repeat('abc', 21) || '_7zzzzzzzzzzzzzzzzzzzzzzzzz' AS round_trip
FROM (SELECT (repeat('abc', 21) || '_7zzzzzzzzzzzzzzzzzzzzzzzzz')::typeid AS v) s;

-- largest and smallest suffix
SELECT '7zzzzzzzzzzzzzzzzzzzzzzzzz'::typeid::uuid, '00000000000000000000000000'::typeid::uuid;

-- errors: each names the input and says what is wrong (SQLSTATE 22P02)
SELECT ''::typeid;
SELECT 'user_01H455VB4PEX5VSKNK084SN02Q'::typeid;
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

CREATE FUNCTION pg_temp.try_typeid(input text, OUT state text, OUT message text, OUT detail text)
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM input::typeid;
	state := '00000';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE,
							message = MESSAGE_TEXT,
							detail = PG_EXCEPTION_DETAIL;
END
$$;

SELECT input, r.state, r.detail
FROM unnest(ARRAY[
	'', '_', '_01h455vb4pex5vsknk084sn02q',
	repeat('a', 64) || '_01h455vb4pex5vsknk084sn02q',
	'User_01h455vb4pex5vsknk084sn02q', 'us3r_01h455vb4pex5vsknk084sn02q',
	'usér_01h455vb4pex5vsknk084sn02q', ' user_01h455vb4pex5vsknk084sn02q',
	'user_01h455vb4pex5vsknk084sn02q ', 'user_01h455vb4pex5vsknk084sn02',
	'user_01h455vb4pex5vsknk084sn02qq', 'user_01H455VB4PEX5VSKNK084SN02Q',
	'user_01h455vb4pex5vsknk084sn0iq', 'user_01h455vb4pex5vsknk084sn0-q',
	'user_81h455vb4pex5vsknk084sn02q', 'user_zzzzzzzzzzzzzzzzzzzzzzzzzz',
	'_user_01h455vb4pex5vsknk084sn02q', 'user__01h455vb4pex5vsknk084sn02q',
	'user_', E'user\t01h455vb4pex5vsknk084sn02q', E'user_01h455vb4pex5vsknk084sn02\x01'
	]) WITH ORDINALITY AS t(input, n),
	pg_temp.try_typeid(input) AS r
ORDER BY n;

-- typeid_is_valid never raises
SELECT v, typeid_is_valid(v)
FROM unnest(ARRAY['user_01h455vb4pex5vsknk084sn02q', '', '_', 'User_01h455vb4pex5vsknk084sn02q',
				  'user_81h455vb4pex5vsknk084sn02q', 'usér_01h455vb4pex5vsknk084sn02q',
				  repeat('a', 63) || '_01h455vb4pex5vsknk084sn02q',
				  repeat('a', 64) || '_01h455vb4pex5vsknk084sn02q']) AS v;

-- a failed input in a multi-row INSERT writes nothing
CREATE TABLE typeid_input_t (id typeid);
INSERT INTO typeid_input_t VALUES ('user_01h455vb4pex5vsknk084sn02q'), ('user_01h455vb4pex5vsknk084sn02Q');
SELECT count(*) FROM typeid_input_t;
DROP TABLE typeid_input_t;

-- Mutation test: random strings made of spec-relevant bytes, and random
-- one-byte mutations of valid IDs, are accepted exactly when a regular
-- expression of the spec accepts them, and never crash.
SELECT setseed(0.42);
CREATE TEMP TABLE mutants AS
WITH alphabet AS (SELECT '0123456789abcdefghijklmnopqrstuvwxyzAZ_- é' AS a),
random_strings AS (
	SELECT string_agg(substr(a, 1 + floor(random() * length(a))::int, 1), '') AS s
	FROM alphabet, generate_series(1, 5000) g, generate_series(0, g % 40) k
	GROUP BY g
),
valid AS (
	SELECT typeid_generate(substr('abc_def_ghi', 1, g % 12 - (CASE WHEN g % 12 IN (4, 8) THEN 1 ELSE 0 END)))::text AS v
	FROM generate_series(1, 5000) g
),
mutated AS (
	SELECT overlay(v PLACING substr(a, 1 + floor(random() * length(a))::int, 1)
				   FROM 1 + floor(random() * length(v))::int FOR (random() < 0.8)::int) AS s
	FROM valid, alphabet
)
SELECT s FROM random_strings UNION ALL SELECT s FROM mutated;

SELECT count(*) AS inputs,
	   count(*) FILTER (WHERE typeid_is_valid(s)) > 0 AS some_valid,
	   count(*) FILTER (WHERE NOT typeid_is_valid(s)) > 0 AS some_invalid,
	   count(*) FILTER (WHERE typeid_is_valid(s) IS DISTINCT FROM
					   (s COLLATE "C" ~ '^(([a-z]([a-z_]{0,61}[a-z])?)_)?[0-7][0-9abcdefghjkmnpqrstvwxyz]{25}$')) AS disagreements
FROM mutants;

-- every accepted mutant round-trips through typeid
SELECT count(*) AS not_round_tripping FROM mutants
WHERE typeid_is_valid(s) AND s::typeid::text <> s;

-- Messages quote at most the first 100 bytes of the input, followed by
-- "..." when there is more, with every byte outside printable ASCII and
-- the backslash escaped (issue 8): the log grows by a bounded amount
-- whatever the input, and control bytes never reach it raw.
CREATE FUNCTION pg_temp.try_message(expr text, OUT state text, OUT message text)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE 'SELECT ' || expr;
	state := '00000';
EXCEPTION WHEN others THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT;
END
$$;
SELECT n, r.state, length(r.message) AS message_length, r.message
FROM unnest(ARRAY[
	$$(repeat('a', 1000000) || '_01h455vb4pex5vsknk084sn02q')::typeid$$,
	$$(repeat('a', 100) || '_01h455vb4pex5vsknk084sn02q')::typeid$$,
	$$repeat('a', 100)::typeid$$,
	$$repeat('a', 101)::typeid$$,
	$$repeat('é', 60)::typeid$$,
	$$E'user\t01h455vb4pex5vsknk084sn02q'::typeid$$,
	$$E'user_01h455vb4pex5vsknk084sn02q\r\n'::typeid$$,
	$$E'us\\er_01h455vb4pex5vsknk084sn02q'::typeid$$,
	$$'usér_01h455vb4pex5vsknk084sn02q'::typeid$$,
	$$typeid_generate(repeat('a', 1000000))$$,
	$$typeid_generate(E'a\x01b')$$,
	$$typeid_from_uuid(E'line\nbreak', gen_random_uuid())$$,
	$$NULL::typeid('Invoice\')$$
	]) WITH ORDINALITY AS t(expr, n),
	pg_temp.try_message(expr) AS r
ORDER BY n;

--
-- Text output for every prefix length, inside arrays: array_out keeps each
-- element's output string while it formats the next, so an output buffer
-- one byte short (its terminator written into the next allocation) shows
-- as a mangled array.  Lengths 5 and 37 fill a power-of-two chunk exactly.
--
SELECT count(*) AS prefix_lengths,
	   count(*) FILTER (WHERE (ARRAY[a, b, c])::text =
						'{' || a::text || ',' || b::text || ',' || c::text || '}') AS arrays_ok,
	   count(*) FILTER (WHERE length(a::text) = n + (CASE WHEN n > 0 THEN 1 ELSE 0 END) + 26) AS lengths_ok
FROM generate_series(0, 63) AS n,
	LATERAL (SELECT typeid_from_uuid(repeat('p', n), '0188bac7-4afa-78aa-bc3b-bd1eef28d881') AS a,
					typeid_from_uuid(repeat('q', n), '0188bac7-4afa-78aa-bc3b-bd1eef28d882') AS b,
					typeid_from_uuid(repeat('r', n), '0188bac7-4afa-78aa-bc3b-bd1eef28d883') AS c) AS v;
