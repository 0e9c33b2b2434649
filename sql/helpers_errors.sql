--
-- ActiveRecord helpers: errors of the conditions and hostile input -- every
-- refusal with its SQLSTATE; no key or value changes a statement's shape.
--
CREATE TABLE hx_items (
	id integer PRIMARY KEY,
	name text,
	code varchar(4),
	price numeric(6,2),
	ref typeid('user'),
	tags text[],
	meta jsonb,
	doc json,
	"a""b" integer
);
INSERT INTO hx_items VALUES
	(1, 'one', 'a', 1.00, 'user_01h455vb4pex5vsknk084sn02q', '{x}', '{"k": 1}', '{}', 1),
	(2, 'it''s', 'b', 2.50, NULL, '{}', NULL, NULL, 2);

-- the SQLSTATE and the start of the message of a call, or the ids it returns
CREATE FUNCTION hx_try(conditions text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	ids text;
BEGIN
	SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '-') INTO ids
	FROM am.where(NULL::hx_items, conditions::jsonb);
	RETURN ids;
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || left(SQLERRM, 90);
END
$$;

-- unknown columns (42703), operators (22023), and values each operator refuses
SELECT c AS conditions, hx_try(c) AS result FROM (VALUES
	('{"nme": 1}'), ('{"nme__gt": 1}'), ('{"__gt": 1}'), ('{"name__": 1}'), ('{"name__foo": 1}'),
	('{"name__gt__lt": 1}'), ('{"name__gt__year": 1}'), ('{"name__year_foo": 1}'), ('{"ID": 1}'), ('{"author___name": "x"}'),
	('{"$foo": 1}'), ('{"$or": {"id": 1}}'), ('{"$and": 1}'), ('{"$not": 1}'), ('1'), ('"x"'), ('[1]'),
	('{"name__gt": null}'), ('{"name__in": null}'), ('{"name__in": "x"}'), ('{"name__between": [1]}'),
	('{"name__between": [1, null]}'), ('{"name__isnull": 1}'), ('{"name__contains": null}'),
	('{"name__startswith": {"a": 1}}'), ('{"name": {"a": 1}}'), ('{"name": [1]}'),
	('{"name__in": [[1]]}'), ('{"meta__has_key": 1}'), ('{"tags__contains": null}')
) AS t(c);
-- operators and transforms that do not apply to a column's type (42883)
SELECT c AS conditions, hx_try(c) AS result FROM (VALUES
	('{"name__has_key": "x"}'), ('{"meta__overlap": ["x"]}'), ('{"name__overlap": ["x"]}'),
	('{"name__contained_by": ["x"]}'), ('{"price__year": 2024}'), ('{"name__date": "2024-01-01"}'),
	('{"doc": {}}'), ('{"doc__gt": "x"}'), ('{"tags__in": [["x"]]}')
) AS t(c);
-- values the column's type refuses: that type's error, the key in the detail
SELECT c AS conditions, hx_try(c) AS result FROM (VALUES
	('{"id": "x"}'), ('{"id": 1.5}'), ('{"id": 42.0}'), ('{"id": 3000000000}'), ('{"id": true}'),
	('{"code": "abcde"}'), ('{"code": "abcd "}'), ('{"price": 12345.678}'), ('{"price": 1.005}'),
	('{"ref": "org_01h455vb4pex5vsknk084sn02q"}'), ('{"ref": "user_x"}'),
	('{"tags": "nope"}'), ('{"tags__contains": [1, {"a": 2}]}'), ('{"id__in": [1, "two"]}'),
	('{"id__between": ["a", 2]}'), ('{"ref__year": 2024}')
) AS t(c);
SELECT * FROM am.where(NULL::hx_items, '{"code": "abcde"}');
SELECT * FROM am.where(NULL::hx_items, '{"$or": [{"id": 1}, {"id__in": [2, "x"]}]}');
SELECT * FROM am.where(NULL::hx_items, NULL);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- hostile keys and values: names are checked and quoted, values are
-- parameters; quotes, semicolons and comments are just text
SELECT c AS conditions, hx_try(c) AS result FROM (VALUES
	('{"name\"; DROP TABLE hx_items; --": 1}'), ('{"name'' OR 1=1 --": 1}'),
	('{"id) OR (1=1": 1}'), ('{"id /* x */": 1}'), ('{"a\"b": 2}'), ('{"a\"b__gte": 1}'),
	('{"name": "it''s"}'), ('{"name": "''; DROP TABLE hx_items; --"}'),
	('{"name__like": "%''%"}'), ('{"name__contains": "'' OR ''1''=''1"}'),
	('{"name__regex": "("}'), ('{"name": "\\u0001"}')
) AS t(c);
SELECT count(*) AS still_there FROM hx_items;
-- NUL cannot reach a key or value: jsonb refuses \u0000 in text
SELECT hx_try('{"name": "a\u0000b"}');
SELECT hx_try('{"na\u0000me": 1}');
-- very long keys and values
SELECT hx_try(jsonb_build_object(repeat('x', 100000), 1)::text) AS long_key;
SELECT hx_try(jsonb_build_object('name__' || repeat('x', 100000), 1)::text) AS long_operator;
SELECT hx_try(jsonb_build_object('name', repeat('x', 1000000))::text) AS long_value;
SELECT hx_try(jsonb_build_object('code', repeat('x', 1000000))::text) AS long_varchar;

-- limits: nesting deeper than 32 is 54001, and so are more than 10000 keys
-- and items (jsonb itself refuses very deep input); a long "in" list is one
-- array parameter and just works
SELECT hx_try(repeat('{"$not": ', 20) || '{"id": 1}' || repeat('}', 20)) AS depth_20;
SELECT hx_try(repeat('{"$not": ', 40) || '{"id": 1}' || repeat('}', 40)) AS depth_40;
-- the boundaries: 32 levels pass, 33 do not; a "$or" of 4999 items and one
-- more key are 10000 keys and items (1 for the top object, 2 per item, 1
-- for "id__gte") and pass; a "$or" of 5000 items (10001) does not
SELECT hx_try(repeat('{"$not": ', 32) || '{"id": 1}' || repeat('}', 32)) AS depth_32;
SELECT hx_try(repeat('{"$not": ', 33) || '{"id": 1}' || repeat('}', 33)) AS depth_33;
SELECT hx_try(jsonb_build_object('$or', (SELECT jsonb_agg(jsonb_build_object('id', g)) FROM generate_series(1, 4999) g), 'id__gte', 0)::text) AS or_4999_and_1;
SELECT hx_try(jsonb_build_object('$or', (SELECT jsonb_agg(jsonb_build_object('id', g)) FROM generate_series(1, 5000) g))::text) AS or_5000;
SELECT hx_try(repeat('[', 100000) || repeat(']', 100000)) AS deep_arrays;
SELECT hx_try(jsonb_build_object('$or', (SELECT jsonb_agg(jsonb_build_object('id', g)) FROM generate_series(1, 2000) g))::text) AS or_2000;
SELECT hx_try(jsonb_build_object('$or', (SELECT jsonb_agg(jsonb_build_object('id', g)) FROM generate_series(1, 100000) g))::text) AS or_100k;
SELECT hx_try(jsonb_build_object('id__in', to_jsonb(ARRAY(SELECT generate_series(1, 1000000))))::text) AS in_1m;
SELECT hx_try(jsonb_build_object('id__notin', to_jsonb(ARRAY(SELECT generate_series(2, 100000))))::text) AS notin_100k;

-- a small fuzzer: random keys, operators and values never crash and fail
-- only with the documented SQLSTATEs (22025: a "like" pattern ending in \)
CREATE FUNCTION hx_random_condition(depth integer) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	cols text[] := ARRAY['id', 'name', 'code', 'price', 'ref', 'tags', 'meta', 'doc', 'a"b', 'nope', '', '$or', '$not', '$and', 'x___y'];
	ops text[] := ARRAY['', '__eq', '__ne', '__gt', '__lte', '__in', '__notin', '__isnull', '__between',
		'__contains', '__icontains', '__startswith', '__iexact', '__regex', '__like', '__overlap',
		'__has_key', '__contained_by', '__year', '__month__gte', '__date', '__bogus', '__', '___'];
	vals jsonb[] := ARRAY['1', '-1', '1.5', '"x"', '"%_\\"', 'null', 'true', '[]', '[1, null]', '["a", "b"]',
		'[1, 2]', '{}', '{"k": 1}', '"2024-01-01"', '"user_01h455vb4pex5vsknk084sn02q"',
		'"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"', '"{x,y}"', '99999999999999999999', '"("', '[[1]]'];
	result jsonb := '{}';
	k text;
	i integer;
BEGIN
	FOR i IN 1 .. 1 + floor(random() * 3)::int LOOP
		k := cols[1 + floor(random() * array_length(cols, 1))::int];
		IF k IN ('$or', '$and') AND depth < 3 THEN
			result := result || jsonb_build_object(k, jsonb_build_array(hx_random_condition(depth + 1), hx_random_condition(depth + 1)));
		ELSIF k = '$not' AND depth < 3 THEN
			result := result || jsonb_build_object(k, hx_random_condition(depth + 1));
		ELSE
			result := result || jsonb_build_object(k || ops[1 + floor(random() * array_length(ops, 1))::int],
				vals[1 + floor(random() * array_length(vals, 1))::int]);
		END IF;
	END LOOP;
	RETURN result;
END
$$;
CREATE TEMP TABLE hx_outcomes (outcome text);
SELECT setseed(0.42);
DO $$
DECLARE
	c jsonb;
	n bigint;
BEGIN
	FOR i IN 1 .. 2000 LOOP
		c := hx_random_condition(0);
		BEGIN
			SELECT count(*) INTO n FROM am.where(NULL::hx_items, c);
			INSERT INTO hx_outcomes VALUES ('ok');
		EXCEPTION WHEN OTHERS THEN
			INSERT INTO hx_outcomes VALUES (SQLSTATE);
		END;
	END LOOP;
END
$$;
SELECT outcome, count(*) > 0 AS seen FROM hx_outcomes GROUP BY outcome ORDER BY outcome;
SELECT count(*) AS undocumented FROM hx_outcomes
WHERE outcome NOT IN ('ok', '42703', '22023', '42883', '22P02', '22001', '22003', '22007', '22008', '2201B', '22025', '42702', '0A000', '22P05');
