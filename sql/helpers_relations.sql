--
-- ActiveRecord helpers: relations from foreign keys (DESIGN 5.1) --
-- belongs-to, has-many, many-to-many through a junction table, paths of
-- several hops, the same-related-row rule, ordering through belongs-to.
--
CREATE TABLE hr_users (id integer PRIMARY KEY, name text NOT NULL, country text);
CREATE TABLE hr_posts (
	id integer PRIMARY KEY,
	author_id integer REFERENCES hr_users,
	title text NOT NULL,
	rating integer
);
CREATE TABLE hr_comments (
	id integer PRIMARY KEY,
	hr_post integer NOT NULL REFERENCES hr_posts,
	author_id integer REFERENCES hr_users,
	body text,
	stars integer
);
CREATE TABLE hr_tags (id integer PRIMARY KEY, name text UNIQUE);
CREATE TABLE hr_post_tags (
	post_id integer REFERENCES hr_posts,
	tag_id integer REFERENCES hr_tags,
	PRIMARY KEY (post_id, tag_id)
);
INSERT INTO hr_users VALUES (1, 'Ada', 'UK'), (2, 'Bob', 'US'), (3, 'Cy', NULL), (4, 'Dee', 'UK');
INSERT INTO hr_posts VALUES
	(10, 1, 'Postgres tips', 5), (11, 1, 'C for fun', 3), (12, 2, 'Cooking', 4),
	(13, NULL, 'Anonymous', 1), (14, 3, 'Untagged', NULL);
INSERT INTO hr_comments VALUES
	(100, 10, 2, 'great', 5), (101, 10, 3, 'meh', 1), (102, 11, 2, 'ok', 3),
	(103, 12, 1, 'yum', 5), (104, 12, NULL, 'spam', NULL), (105, 13, 4, 'who?', 2);
INSERT INTO hr_tags VALUES (1, 'pg'), (2, 'c'), (3, 'food'), (4, 'unused');
INSERT INTO hr_post_tags VALUES (10, 1), (11, 1), (11, 2), (12, 3);

CREATE FUNCTION hr_posts_ids(conditions jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '-')
	FROM am.where(NULL::hr_posts, conditions)
$$;
CREATE FUNCTION hr_users_ids(conditions jsonb) RETURNS text
LANGUAGE sql AS $$
	SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '-')
	FROM am.where(NULL::hr_users, conditions)
$$;

-- belongs-to (author from author_id), has-many (hr_comments, named after the
-- table; hr_post is a foreign-key column without "_id"), many-to-many
-- (hr_tags through hr_post_tags)
SELECT c AS conditions, hr_posts_ids(c::jsonb) AS posts FROM (VALUES
	('{"author___name": "Ada"}'), ('{"author___name__istartswith": "b"}'),
	('{"author___country": null}'), ('{"author___country__in": ["UK", "FR"]}'),
	('{"author__isnull": true}'), ('{"author__isnull": false}'),
	('{"hr_comments___stars__gte": 5}'), ('{"hr_comments___body": "spam"}'),
	('{"hr_comments___stars": null}'), ('{"hr_comments__isnull": true}'),
	('{"hr_tags___name": "pg"}'), ('{"hr_tags___name__in": ["c", "food"]}'),
	('{"hr_tags__isnull": true}'), ('{"hr_post_tags___tag_id": 2}'),
	('{"$not": {"hr_tags___name": "pg"}}'),
	('{"$or": [{"rating__gte": 4}, {"hr_tags___name": "c"}]}'),
	('{"author___name__istartswith": "ad", "$or": [{"rating__gte": 4}, {"hr_tags___name": "pg"}]}')
) AS t(c);
SELECT c AS conditions, hr_users_ids(c::jsonb) AS users FROM (VALUES
	('{"hr_posts___title__icontains": "tips"}'), ('{"hr_posts__isnull": true}'),
	('{"hr_comments___body": "who?"}'),
	('{"hr_posts___hr_comments___author___name": "Bob"}'),
	('{"hr_posts___hr_tags___name": "food"}'),
	('{"hr_posts___author___country": "UK"}')
) AS t(c);
-- rows never repeat, however many related rows match
SELECT count(*) FROM am.where(NULL::hr_posts, '{"hr_comments___stars__gte": 0}');

-- the same-related-row rule: keys of one object through a has-many
-- relation hold for the same related row; separate objects for any rows
SELECT hr_posts_ids('{"hr_comments___stars": 5, "hr_comments___body": "meh"}') AS same_row,
	hr_posts_ids('[{"hr_comments___stars": 5}, {"hr_comments___body": "meh"}]') AS any_rows,
	hr_posts_ids('{"$and": [{"hr_comments___stars": 5}, {"hr_comments___body": "meh"}]}') AS and_rows,
	hr_posts_ids('{"hr_comments___stars": 5, "hr_comments___body": "great"}') AS same_great;
-- and through two hops: comments of one post by one author
SELECT hr_users_ids('{"hr_posts___hr_comments___stars": 1, "hr_posts___hr_comments___author___name": "Cy"}') AS same,
	hr_users_ids('{"hr_posts___hr_comments___stars": 1, "hr_posts___title": "Cooking"}') AS same_post;
-- $not of an object negates the whole EXISTS
SELECT hr_posts_ids('{"$not": {"hr_comments___stars": 5, "hr_comments___body": "great"}}') AS not_same_row;

-- differential: the same rows as hand-written SQL
SELECT hr_posts_ids('{"hr_comments___stars__gte": 3, "hr_comments___author___country": "US"}') =
	(SELECT string_agg(p.id::text, ',' ORDER BY p.id) FROM hr_posts p
	 WHERE EXISTS (SELECT FROM hr_comments c JOIN hr_users u ON u.id = c.author_id
				   WHERE c.hr_post = p.id AND c.stars >= 3 AND u.country = 'US')) AS same_as_sql;

-- order_by through belongs-to relations
SELECT id, title FROM am.where(NULL::hr_posts, order_by => 'author___name, -id');
SELECT id FROM am.where(NULL::hr_comments, '{"stars__isnull": false}', order_by => 'hr_post___author___name, id');
SELECT id FROM am.where(NULL::hr_posts, order_by => 'hr_comments___stars');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id FROM am.where(NULL::hr_posts, order_by => 'author___nme');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

-- count, exists and first take relation conditions too
SELECT am.count(NULL::hr_posts, '{"hr_tags___name": "pg"}') AS pg_posts,
	am.exists(NULL::hr_users, '{"hr_posts___hr_tags___name": "unused"}') AS unused_used,
	(am.first(NULL::hr_posts, '{"hr_comments___author___name": "Bob"}')).title AS first_by_bob;

-- errors: unknown relations list the relations; an ambiguous name lists the
-- foreign keys (42702)
\set VERBOSITY default
SELECT * FROM am.where(NULL::hr_posts, '{"writer___name": "Ada"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.where(NULL::hr_posts, '{"author___nme": "Ada"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.where(NULL::hr_tags, '{"nme": "x"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE TABLE hr_lonely (id integer PRIMARY KEY);
SELECT * FROM am.where(NULL::hr_lonely, '{"x___y": 1}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- a foreign key of several columns gives no relation, on either side
CREATE TABLE hr_owners (id integer, kind text, name text, PRIMARY KEY (id, kind));
CREATE TABLE hr_owned (id integer PRIMARY KEY, owner_id integer, owner_kind text,
	FOREIGN KEY (owner_id, owner_kind) REFERENCES hr_owners);
SELECT * FROM am.where(NULL::hr_owned, '{"owner___name": "x"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT * FROM am.where(NULL::hr_owners, '{"hr_owned___id": 1}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
DROP TABLE hr_owned, hr_owners;
-- junction tables: exactly two foreign keys, both in the primary key; a
-- table with three, or whose key leaves one out, gives has-many only
CREATE TABLE hr_ja (id integer PRIMARY KEY);
CREATE TABLE hr_jb (id integer PRIMARY KEY);
CREATE TABLE hr_jc (id integer PRIMARY KEY);
CREATE TABLE hr_j3 (a integer REFERENCES hr_ja, b integer REFERENCES hr_jb,
	c integer REFERENCES hr_jc, PRIMARY KEY (a, b, c));
CREATE TABLE hr_jhalf (a integer REFERENCES hr_ja, b integer REFERENCES hr_jb, PRIMARY KEY (a));
SELECT * FROM am.where(NULL::hr_ja, '{"nope___id": 1}');
DROP TABLE hr_j3, hr_jhalf, hr_ja, hr_jb, hr_jc;
ALTER TABLE hr_posts ADD COLUMN editor_id integer;
ALTER TABLE hr_posts ADD CONSTRAINT hr_posts_editor_fk FOREIGN KEY (editor_id) REFERENCES hr_users;
SELECT * FROM am.where(NULL::hr_users, '{"hr_posts___title": "x"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- the other side stays clear
SELECT hr_posts_ids('{"author___name": "Ada"}');
SELECT * FROM am.where(NULL::hr_posts, '{"editor___name": "Ada"}');

-- privileges and row-level security apply to related tables too
CREATE ROLE regress_helpers_rel;
GRANT USAGE ON SCHEMA am TO regress_helpers_rel;
GRANT SELECT ON hr_posts TO regress_helpers_rel;
SET ROLE regress_helpers_rel;
SELECT hr_posts_ids('{"author___name": "Ada"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;
GRANT SELECT ON hr_users TO regress_helpers_rel;
ALTER TABLE hr_users ENABLE ROW LEVEL SECURITY;
CREATE POLICY hr_uk ON hr_users FOR SELECT USING (country = 'UK');
SET ROLE regress_helpers_rel;
SELECT hr_posts_ids('{"author___name__in": ["Ada", "Bob"]}') AS by_uk_authors;
RESET ROLE;
SELECT hr_posts_ids('{"author___name__in": ["Ada", "Bob"]}') AS by_all_authors;
ALTER TABLE hr_users DISABLE ROW LEVEL SECURITY;
DROP POLICY hr_uk ON hr_users;
REVOKE ALL ON hr_posts, hr_users FROM regress_helpers_rel;
REVOKE USAGE ON SCHEMA am FROM regress_helpers_rel;
DROP ROLE regress_helpers_rel;

-- a relation's plans follow the related table: after its column changes
-- the same call compiles again
SELECT hr_posts_ids('{"author___country": "UK"}');
ALTER TABLE hr_users RENAME COLUMN country TO land;
SELECT hr_posts_ids('{"author___country": "UK"}');
SELECT hr_posts_ids('{"author___land": "UK"}');
-- relations are kept per backend and follow DDL: a renamed table renames
-- its relations, a dropped foreign key removes one
SELECT hr_posts_ids('{"hr_tags___name": "pg"}');
ALTER TABLE hr_tags RENAME TO hr_labels;
SELECT hr_posts_ids('{"hr_labels___name": "pg"}');
SELECT hr_posts_ids('{"hr_tags___name": "pg"}');
ALTER TABLE hr_posts DROP CONSTRAINT hr_posts_editor_fk;
SELECT hr_users_ids('{"hr_posts___title": "Cooking"}');
