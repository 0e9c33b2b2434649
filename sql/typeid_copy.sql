--
-- Binary and text COPY round trips; the binary wire format is the text.
--

CREATE TABLE typeid_copy_src (id typeid, note text);
INSERT INTO typeid_copy_src VALUES
	('user_01h455vb4pex5vsknk084sn02q', 'prefixed'),
	('01h455vb4pex5vsknk084sn02q', 'no prefix'),
	((repeat('abc', 21) || '_7zzzzzzzzzzzzzzzzzzzzzzzzz'), 'longest'),
	(NULL, 'null');
INSERT INTO typeid_copy_src SELECT typeid_generate('order'), 'generated' FROM generate_series(1, 100);

-- send produces the canonical text bytes
SELECT typeid_send('user_01h455vb4pex5vsknk084sn02q') = convert_to('user_01h455vb4pex5vsknk084sn02q', 'UTF8') AS send_is_text;

\copy typeid_copy_src TO 'results/typeid_copy.bin' WITH (FORMAT binary)
CREATE TABLE typeid_copy_dst (LIKE typeid_copy_src);
\copy typeid_copy_dst FROM 'results/typeid_copy.bin' WITH (FORMAT binary)
SELECT count(*) AS copied,
	   (SELECT count(*) FROM (SELECT * FROM typeid_copy_src EXCEPT ALL SELECT * FROM typeid_copy_dst) d) AS missing,
	   (SELECT count(*) FROM (SELECT * FROM typeid_copy_dst EXCEPT ALL SELECT * FROM typeid_copy_src) d) AS extra
FROM typeid_copy_dst;

-- a binary text column can be read as typeid: same bytes on the wire
\copy (SELECT id::text, note FROM typeid_copy_src) TO 'results/typeid_copy_text.bin' WITH (FORMAT binary)
TRUNCATE typeid_copy_dst;
\copy typeid_copy_dst FROM 'results/typeid_copy_text.bin' WITH (FORMAT binary)
SELECT count(*) AS copied FROM typeid_copy_dst d JOIN typeid_copy_src s ON s.id = d.id;

-- binary receive validates exactly like text input, and writes nothing
\copy (SELECT 'user_01h455vb4pex5vsknk084sn02Q'::text, 'bad'::text) TO 'results/typeid_copy_bad.bin' WITH (FORMAT binary)
TRUNCATE typeid_copy_dst;
\copy typeid_copy_dst FROM 'results/typeid_copy_bad.bin' WITH (FORMAT binary)
\copy (SELECT 'user_01h455vb4pex5vsknk084sn02' || chr(1), 'control byte'::text) TO 'results/typeid_copy_bad.bin' WITH (FORMAT binary)
\copy typeid_copy_dst FROM 'results/typeid_copy_bad.bin' WITH (FORMAT binary)
-- bytes that are not text in the server encoding are escaped in the message
\copy (SELECT '\xfffe'::bytea, 'not UTF-8'::text) TO 'results/typeid_copy_bad.bin' WITH (FORMAT binary)
\copy typeid_copy_dst FROM 'results/typeid_copy_bad.bin' WITH (FORMAT binary)
-- a long value is quoted by its first 100 bytes (issue 8: a 50 MB value
-- grew the log by 262 MB), NUL and control bytes escaped
\copy (SELECT repeat('x', 1000000), 'long'::text) TO 'results/typeid_copy_bad.bin' WITH (FORMAT binary)
\copy typeid_copy_dst FROM 'results/typeid_copy_bad.bin' WITH (FORMAT binary)
\copy (SELECT '\x75736572005f0a0d095c22'::bytea, 'NUL, control bytes'::text) TO 'results/typeid_copy_bad.bin' WITH (FORMAT binary)
\copy typeid_copy_dst FROM 'results/typeid_copy_bad.bin' WITH (FORMAT binary)
SELECT count(*) AS rows_after_failed_copies FROM typeid_copy_dst;

-- text COPY round trip
\copy typeid_copy_src TO 'results/typeid_copy.txt'
\copy typeid_copy_dst FROM 'results/typeid_copy.txt'
SELECT count(*) AS copied,
	   (SELECT count(*) FROM (SELECT * FROM typeid_copy_src EXCEPT ALL SELECT * FROM typeid_copy_dst) d) AS missing
FROM typeid_copy_dst;

DROP TABLE typeid_copy_src, typeid_copy_dst;
