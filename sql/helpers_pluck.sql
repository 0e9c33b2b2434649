--
-- ActiveRecord helpers: am.pluck and am.group_count (DESIGN 5.2).
--
SET timezone = 'UTC';
CREATE TABLE hp_teams (id typeid('team') PRIMARY KEY, name text);
CREATE TABLE hp_people (
	id integer PRIMARY KEY,
	name text,
	team_id typeid('team') REFERENCES hp_teams,
	level integer,
	joined timestamptz,
	skills text[]
);
INSERT INTO hp_teams VALUES ('team_01h455vb4pex5vsknk084sn02q', 'Core'), ('team_01h455vb4pex5vsknk084sn02r', 'Docs');
INSERT INTO hp_people VALUES
	(1, 'Ann', 'team_01h455vb4pex5vsknk084sn02q', 3, '2024-01-02 03:04:05+00', '{c,sql}'),
	(2, 'Ben', 'team_01h455vb4pex5vsknk084sn02q', 1, NULL, '{}'),
	(3, 'Cat', 'team_01h455vb4pex5vsknk084sn02r', 3, '2025-06-07 08:09:10.5+00', NULL),
	(4, 'Dan', NULL, NULL, NULL, '{go}');

-- one JSON array per row: typeids as strings, timestamps in ISO 8601
SELECT * FROM am.pluck(NULL::hp_people, '{id, name, team_id, joined, skills}', order_by => 'id');
SELECT * FROM am.pluck(NULL::hp_people, '{name}', '{"level__gte": 2}', order_by => '-name');
-- through belongs-to relations (team from team_id), in the select list too
SELECT am.pluck(NULL::hp_people, '{name, team___name}', order_by => 'team___name, name');
-- errors
SELECT * FROM am.pluck(NULL::hp_people, '{}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.pluck(NULL::hp_people, '{nme}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.pluck(NULL::hp_people, NULL);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.pluck(NULL::hp_teams, '{hp_people___name}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.pluck(NULL::hp_people, '{"name; DROP TABLE hp_people"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- group_count: rows per value, in the order of the values (NULL last)
SELECT * FROM am.group_count(NULL::hp_people, 'level');
SELECT * FROM am.group_count(NULL::hp_people, 'team_id', '{"name__ne": "Ben"}');
SELECT * FROM am.group_count(NULL::hp_people, 'team___name');
SELECT key, count FROM am.group_count(NULL::hp_people, 'level', '{"hp_people": 1}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.group_count(NULL::hp_people, 'skills') ORDER BY count DESC, key;
SELECT * FROM am.group_count(NULL::hp_people, NULL);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- differential: the same counts as GROUP BY
SELECT array_agg(count ORDER BY key) = (SELECT array_agg(c ORDER BY level) FROM
	(SELECT level, count(*) AS c FROM hp_people GROUP BY level) s) AS same_as_sql
FROM am.group_count(NULL::hp_people, 'level');
