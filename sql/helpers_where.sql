--
-- ActiveRecord helpers: conditions of am.where (DESIGN 5.1) -- operators and
-- transforms on each column type, null rules, $or/$and/$not, escaping.
--
SET timezone = 'UTC';

CREATE TABLE hw_items (
	id integer PRIMARY KEY,
	name text,
	code varchar(8),
	qty integer,
	price numeric(8,2),
	big bigint,
	ratio double precision,
	active boolean,
	made_at timestamptz,
	local_at timestamp,
	day date,
	uid uuid,
	ref typeid('user'),
	tags text[],
	nums integer[],
	meta jsonb,
	"weird ""col""" text,
	"a__b" integer
);
INSERT INTO hw_items VALUES
 (1, 'Apple', 'A-1', 10, 1.50, 10000000000, 0.5, true,
  '2024-03-01 10:15:30.75+00', '2024-03-01 10:15:30', '2024-03-01',
  'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'user_01h455vb4pex5vsknk084sn02q',
  '{red,fruit}', '{1,2,3}', '{"color": "red", "n": 1}', 'x', 1),
 (2, 'banana', 'B_2', 0, 0.25, -5, 1.5, false,
  '2023-12-31 23:59:59+00', '2023-12-31 23:59:59', '2023-12-31',
  'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', 'user_01h455vb4pex5vsknk084sn02r',
  '{yellow,fruit}', '{4}', '{"color": "yellow", "tags": ["a", "b"]}', 'y', 2),
 (3, '100% pure_juice\x', NULL, NULL, NULL, NULL, NULL, NULL,
  '2025-07-06 00:00:00+00', '2025-07-06 00:00:00', '2025-07-06',
  NULL, NULL, '{}', NULL, NULL, NULL, NULL),
 (4, NULL, 'd', 7, 99.99, 0, -1, true,
  '2024-11-15 18:05:09+00', '2024-11-15 18:05:09', '2024-11-15',
  'c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13', 'user_01h455vb4pex5vsknk084sn02s',
  NULL, '{}', '"just a string"', 'x', NULL);

-- the ids am.where returns for some conditions, in id order
CREATE FUNCTION hw_ids(conditions jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '-')
	FROM am.where(NULL::hw_items, conditions)
$$;

-- equality and null on every type
SELECT c AS conditions, hw_ids(c::jsonb) AS ids FROM (VALUES
	('{}'), ('[]'),
	('{"id": 1}'), ('{"id": "1"}'), ('{"name": "Apple"}'), ('{"name": null}'),
	('{"code": "B_2"}'), ('{"qty": 0}'), ('{"price": 1.5}'), ('{"price": "0.250"}'),
	('{"big": 10000000000}'), ('{"ratio": 0.5}'), ('{"active": true}'), ('{"active": "f"}'),
	('{"made_at": "2024-03-01T10:15:30.75Z"}'), ('{"local_at": "2024-03-01 10:15:30"}'),
	('{"day": "2023-12-31"}'), ('{"uid": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}'),
	('{"ref": "user_01h455vb4pex5vsknk084sn02q"}'),
	('{"ref": "018c5c9d-b6c5-76b3-9e4e-bd2014e4d057"}'),
	('{"tags": ["red", "fruit"]}'), ('{"tags": "{yellow,fruit}"}'), ('{"nums": []}'),
	('{"meta": {"n": 1, "color": "red"}}'), ('{"meta": "just a string"}'), ('{"meta": null}'),
	('{"weird \"col\"": "x"}'), ('{"a__b": 2}'),
	('{"id__eq": 2}'), ('{"id__exact": 2}'), ('{"name__exact": null}'), ('{"name__eq": null}')
) AS t(c);

-- a typeid column takes a UUID in its standard form, with the column's prefix
SELECT hw_ids(jsonb_build_object('ref', typeid_uuid('user_01h455vb4pex5vsknk084sn02r'))) AS by_uuid,
	hw_ids(jsonb_build_object('ref__in', jsonb_build_array(typeid_uuid('user_01h455vb4pex5vsknk084sn02s'),
		'user_01h455vb4pex5vsknk084sn02q'))) AS in_by_uuid;

-- comparisons: ne leaves NULL rows out, ne null is IS NOT NULL
SELECT c AS conditions, hw_ids(c::jsonb) AS ids FROM (VALUES
	('{"qty__ne": 10}'), ('{"qty__ne": null}'), ('{"qty__gt": 0}'), ('{"qty__gte": 7}'),
	('{"qty__ge": 7}'), ('{"qty__lt": 10}'), ('{"qty__lte": 7}'), ('{"qty__le": 7}'),
	('{"price__gt": "1.499"}'), ('{"ratio__lt": 0}'), ('{"made_at__gte": "2024-01-01"}'),
	('{"day__lt": "2024-01-01"}'), ('{"name__gt": "B"}'), ('{"ref__gt": "user_01h455vb4pex5vsknk084sn02q"}'),
	('{"uid__lte": "b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12"}'), ('{"active__ne": true}'),
	('{"qty__between": [1, 10]}'), ('{"qty__range": [0, 7]}'),
	('{"day__range": ["2024-01-01", "2024-12-31"]}'),
	('{"qty__isnull": true}'), ('{"qty__isnull": false}')
) AS t(c);

-- in and notin: one array parameter; null in the list matches / excludes NULL rows
SELECT c AS conditions, hw_ids(c::jsonb) AS ids FROM (VALUES
	('{"qty__in": [10, 7, 99]}'), ('{"qty__in": []}'), ('{"qty__in": [null]}'),
	('{"qty__in": [0, null]}'), ('{"qty__notin": [10]}'), ('{"qty__notin": []}'),
	('{"qty__notin": [10, null]}'), ('{"qty__notin": [null]}'),
	('{"ref__in": ["user_01h455vb4pex5vsknk084sn02r", "c0eebc99-9c0b-4ef8-bb6d-6bb9bd380a13"]}'),
	('{"name__in": ["Apple", "banana"]}'), ('{"code__in": ["d", "A-1"]}'),
	('{"meta__in": [{"n": 1, "color": "red"}, "just a string"]}'),
	('{"uid__in": ["b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12", null]}'),
	('{"day__in": ["2024-03-01", "2025-07-06"]}')
) AS t(c);

-- text operators: contains/startswith/endswith/iexact match literally
-- (% _ \ escaped); like/ilike take patterns; non-text columns as their text
SELECT c AS conditions, hw_ids(c::jsonb) AS ids FROM (VALUES
	('{"name__contains": "an"}'), ('{"name__icontains": "AN"}'), ('{"name__contains": "%"}'),
	('{"name__contains": "_"}'), ('{"name__contains": "\\"}'), ('{"name__startswith": "100%"}'),
	('{"name__startswith": "a"}'), ('{"name__istartswith": "a"}'), ('{"name__endswith": "\\x"}'),
	('{"name__iendswith": "ANA"}'), ('{"name__iexact": "APPLE"}'), ('{"name__iexact": "APP%"}'),
	('{"name__like": "%an%"}'), ('{"name__like": "_pple"}'), ('{"name__ilike": "b%"}'),
	('{"name__regex": "^[A-Z]"}'), ('{"name__iregex": "^b"}'), ('{"code__startswith": "B_"}'),
	('{"code__contains": "_"}'), ('{"ref__startswith": "user_01h455vb4pex5vsknk084sn02"}'),
	('{"ref__endswith": "2s"}'), ('{"uid__startswith": "a0ee"}'), ('{"qty__startswith": 1}'),
	('{"day__contains": "-03-"}')
) AS t(c);

-- arrays and jsonb: contains @>, contained_by <@, overlap &&, has_key ?
SELECT c AS conditions, hw_ids(c::jsonb) AS ids FROM (VALUES
	('{"tags__contains": ["fruit"]}'), ('{"tags__contains": ["fruit", "red"]}'),
	('{"tags__contains": []}'), ('{"tags__contained_by": ["red", "fruit", "green"]}'),
	('{"tags__overlap": ["yellow", "blue"]}'), ('{"nums__contains": [2, 3]}'),
	('{"nums__overlap": [4, 5]}'), ('{"nums__contained_by": [1, 2, 3, 4]}'),
	('{"meta__contains": {"color": "red"}}'), ('{"meta__contains": {"tags": ["b"]}}'),
	('{"meta__contained_by": {"color": "red", "n": 1, "x": 2}}'),
	('{"meta__has_key": "tags"}'), ('{"meta__has_key": "n"}'), ('{"tags__isnull": true}')
) AS t(c);

-- transforms on time columns (session time zone; week_day 1 = Sunday)
SELECT c AS conditions, hw_ids(c::jsonb) AS ids FROM (VALUES
	('{"made_at__year": 2024}'), ('{"made_at__year__gte": 2024}'), ('{"made_at__year_gt": 2024}'),
	('{"made_at__year__lt": 2024}'), ('{"made_at__year__lte": 2024}'), ('{"made_at__year__ne": 2024}'),
	('{"made_at__year__in": [2023, 2025]}'), ('{"made_at__month": 3}'), ('{"made_at__month__gt": 6}'),
	('{"made_at__day": 15}'), ('{"made_at__hour": 18}'), ('{"made_at__minute__lt": 10}'),
	('{"made_at__second": 30}'), ('{"made_at__date": "2024-03-01"}'),
	('{"made_at__date__gt": "2024-06-01"}'), ('{"made_at__week_day": 1}'), ('{"made_at__quarter": 4}'),
	('{"local_at__year": 2023}'), ('{"local_at__hour__gte": 10}'), ('{"day__year": 2025}'),
	('{"day__year__lte": 2023}'), ('{"day__month__in": [3, 11]}'), ('{"day__week_day": 6}'),
	('{"made_at__date__year": 2025}'), ('{"made_at__date__month": 12}')
) AS t(c);
-- the same instant in another time zone has another date
SET timezone = 'America/New_York';
SELECT hw_ids('{"made_at__year": 2024}'), hw_ids('{"made_at__date": "2024-11-15"}'),
	hw_ids('{"made_at__hour": 13}');
SET timezone = 'UTC';
-- the time transforms do not apply to a date (42883), as a date has no hour
SELECT hw_ids('{"day__hour": 0}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT hw_ids('{"day__minute__gte": 0}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- logic: $or, $and, $not, arrays; two-valued ($not of a comparison with a
-- NULL column is true)
SELECT c AS conditions, hw_ids(c::jsonb) AS ids FROM (VALUES
	('{"$or": [{"qty": 10}, {"qty": 0}]}'), ('{"$or": []}'), ('{"$and": []}'),
	('{"$and": [{"qty__gt": 0}, {"active": true}]}'), ('[{"qty__gt": 0}, {"price__lt": 50}]'),
	('{"$not": {"qty__gt": 5}}'), ('{"$not": {"qty": null}}'), ('{"$not": {"name__contains": "an"}}'),
	('{"$not": {"$or": [{"qty": 10}, {"name": "banana"}]}}'),
	('{"$not": {"$not": {"qty__gt": 5}}}'), ('{"$not": [{"qty__gt": 5}, {"active": true}]}'),
	('{"$or": [{"qty__gt": 5}, {"$not": {"qty__gt": 5}}]}'),
	('{"qty__gt": 0, "$or": [{"name__startswith": "A"}, {"code": "d"}]}'),
	('{"$not": {"tags__contains": ["fruit"]}}'), ('{"$not": {"made_at__year": 2024}}')
) AS t(c);

-- differential: the same rows as hand-written SQL
SELECT hw_ids('{"$not": {"qty__gt": 5}}') =
	(SELECT string_agg(id::text, ',' ORDER BY id) FROM hw_items WHERE NOT coalesce(qty > 5, false)) AS same_not,
	hw_ids('{"made_at__year": 2024}') =
	(SELECT string_agg(id::text, ',' ORDER BY id) FROM hw_items WHERE extract(year FROM made_at) = 2024) AS same_year,
	hw_ids('{"name__icontains": "A"}') =
	(SELECT string_agg(id::text, ',' ORDER BY id) FROM hw_items WHERE name ILIKE '%a%') AS same_icontains;

-- the functions of the feature and their labels
SELECT p.oid::regprocedure AS function, provolatile, proisstrict, proparallel, prosecdef,
	obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
FROM pg_proc p
WHERE p.pronamespace = 'am'::regnamespace
  AND p.proname IN ('where', 'find', 'find_by', 'first', 'last', 'count', 'exists', 'pluck', 'group_count', 'to_json', 'as_json', 'from_json')
ORDER BY p.oid::regprocedure::text;

-- the year transform is a range on the column and startswith a prefix
-- LIKE, so that an index serves them (counted by the transaction's scan
-- counters); "in" is one array parameter, so lists of any length share a plan
CREATE INDEX hw_items_made_at ON hw_items (made_at);
CREATE INDEX hw_items_code ON hw_items (code varchar_pattern_ops);
SET enable_seqscan = off;
BEGIN;
SELECT hw_ids('{"made_at__year": 2024}'), hw_ids('{"made_at__year__gt": 2024}'),
	hw_ids('{"code__startswith": "B_"}');
SELECT pg_stat_get_xact_numscans('hw_items_made_at'::regclass) AS made_at_scans,
	pg_stat_get_xact_numscans('hw_items_code'::regclass) AS code_scans;
COMMIT;
RESET enable_seqscan;
SELECT hw_ids('{"qty__in": [10, 7]}'), hw_ids('{"qty__in": [0, 1, 2, 3, 4, 5, 6]}'),
	hw_ids(jsonb_build_object('qty__in', (SELECT jsonb_agg(g) FROM generate_series(-1000, 1000) g)));
