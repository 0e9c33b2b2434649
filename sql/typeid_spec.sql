--
-- Conformance with the official TypeID spec v0.3 test vectors
-- (test/data/typeid-spec/, a verbatim copy of the published corpus).
--
\set valid `cat test/data/typeid-spec/valid.yml`
\set invalid `cat test/data/typeid-spec/invalid.yml`

CREATE TEMP TABLE valid_vectors AS
SELECT m[1] AS name, m[2] AS id_text, m[3] AS prefix, m[4]::uuid AS uuid
FROM regexp_matches(:'valid',
	'- name: (\S+)\n\s+typeid: "([^"]*)"\n\s+prefix: "([^"]*)"\n\s+uuid: "([^"]*)"',
	'g') AS m;

CREATE TEMP TABLE invalid_vectors AS
SELECT m[1] AS name, m[2] AS id_text
FROM regexp_matches(:'invalid',
	'- name: (\S+)\n(?:\s*#[^\n]*\n)*\s+typeid: "([^"]*)"',
	'g') AS m;

-- every entry of both files was read
SELECT (SELECT count(*) FROM regexp_matches(:'valid', '^- name:', 'gn')) AS valid_in_file,
	   (SELECT count(*) FROM valid_vectors) AS valid_read,
	   (SELECT count(*) FROM regexp_matches(:'invalid', '^- name:', 'gn')) AS invalid_in_file,
	   (SELECT count(*) FROM invalid_vectors) AS invalid_read;

-- every valid vector decodes to its prefix and UUID, and encodes back
SELECT name,
	   typeid_prefix(id_text::typeid) = prefix AS prefix_ok,
	   typeid_uuid(id_text::typeid) = uuid AS uuid_ok,
	   typeid_from_uuid(prefix, uuid)::text = id_text AS encodes_back,
	   id_text::typeid::text = id_text AS round_trip,
	   typeid_is_valid(id_text) AS is_valid
FROM valid_vectors
ORDER BY name;

-- every invalid vector fails with 22P02 and says why
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

SELECT name, typeid_is_valid(id_text) AS is_valid, r.state, r.detail
FROM invalid_vectors, pg_temp.try_typeid(id_text) AS r
ORDER BY name;

-- the message is core's wording with the input quoted
SELECT (pg_temp.try_typeid('prefix_')).message;
