--
-- Soft delete: am.add_soft_delete, the scope every finder applies (also
-- through relations and in am.as_json's nested levels), "$with_deleted"
-- and "$only_deleted", and am.soft_delete / am.restore with update hooks.
--
CREATE TABLE sd_authors (id integer PRIMARY KEY, name text);
CREATE TABLE sd_posts (id integer PRIMARY KEY, author_id integer REFERENCES sd_authors, title text);
CREATE TABLE sd_comments (id integer PRIMARY KEY, post_id integer REFERENCES sd_posts, body text);
CREATE TABLE sd_tags (id integer PRIMARY KEY, name text);
CREATE TABLE sd_post_tags (post_id integer REFERENCES sd_posts, tag_id integer REFERENCES sd_tags,
	PRIMARY KEY (post_id, tag_id));
INSERT INTO sd_authors VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO sd_posts VALUES (1, 1, 'one'), (2, 1, 'two'), (3, 2, 'three');
INSERT INTO sd_comments VALUES (1, 1, 'c1'), (2, 1, 'c2'), (3, 2, 'c3');
INSERT INTO sd_tags VALUES (1, 'pg'), (2, 'c');
INSERT INTO sd_post_tags VALUES (1, 1), (1, 2), (2, 1);

-- statements kept before the table has a soft-delete column
SELECT id FROM am.where(NULL::sd_posts);
SELECT id, title FROM am.find(NULL::sd_posts, 2);

--
-- am.add_soft_delete: a nullable column of the domain, idempotent
--
SELECT am.add_soft_delete('sd_posts');
SELECT attname, atttypid::regtype, attnotnull FROM pg_attribute
WHERE attrelid = 'sd_posts'::regclass AND attname = 'deleted_at';
SELECT am.add_soft_delete('sd_posts');
SELECT count(*) FROM pg_attribute WHERE attrelid = 'sd_posts'::regclass AND attnum > 0;
-- an existing timestamptz column is converted without a rewrite
ALTER TABLE sd_comments ADD COLUMN removed_at timestamptz;
SELECT relfilenode AS before_node FROM pg_class WHERE oid = 'sd_comments'::regclass \gset
SELECT am.add_soft_delete('sd_comments', 'removed_at');
SELECT relfilenode = :before_node AS not_rewritten, 'sd_comments.removed_at'::text,
	(SELECT atttypid::regtype FROM pg_attribute WHERE attrelid = 'sd_comments'::regclass AND attname = 'removed_at')
FROM pg_class WHERE oid = 'sd_comments'::regclass;
SELECT am.add_soft_delete('sd_authors');
SELECT am.add_soft_delete('sd_post_tags');
-- refusals
SELECT am.add_soft_delete('sd_posts', 'gone_at');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.add_soft_delete('sd_tags', 'name');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.add_soft_delete('sd_tags', NULL);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE VIEW sd_post_titles AS SELECT id, title FROM sd_posts;
SELECT am.add_soft_delete('sd_post_titles');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
CREATE ROLE regress_sd_other;
SET ROLE regress_sd_other;
SELECT am.add_soft_delete('sd_tags');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
RESET ROLE;

--
-- soft_delete and restore: update hooks run, the clock of the timestamps
--
SELECT am.add_timestamps('sd_posts');
CREATE TABLE sd_log (n serial, event text, id integer, deleted boolean);
CREATE FUNCTION sd_hook(new sd_posts, old sd_posts) RETURNS sd_posts
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sd_log (event, id, deleted) VALUES (am.hook_event(), new.id, new.deleted_at IS NOT NULL);
	RETURN new;
END
$$;
CREATE FUNCTION sd_after(new sd_posts, old sd_posts) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO sd_log (event, id, deleted) VALUES (am.hook_event(), new.id, new.deleted_at IS NOT NULL);
END
$$;
SELECT am.add_hook('sd_posts', 'before_update', 'sd_hook(sd_posts, sd_posts)');
SELECT am.add_hook('sd_posts', 'after_update', 'sd_after(sd_posts, sd_posts)');
CREATE FUNCTION sd_calls() RETURNS TABLE(event text, id integer, deleted boolean)
LANGUAGE sql AS $$ DELETE FROM sd_log RETURNING event, id, deleted $$;

BEGIN;
SELECT id, title, deleted_at = now() AS deleted_now, updated_at = now() AS updated_now
FROM am.soft_delete(NULL::sd_posts, 2);
SELECT * FROM sd_calls();
COMMIT;
-- again: returned as it is, no write
SELECT id, deleted_at IS NOT NULL AS deleted, deleted_at = updated_at AS first_time
FROM am.soft_delete(NULL::sd_posts, '2');
SELECT count(*) FROM sd_calls();
-- under the clock setting the column gets clock time
BEGIN;
SET LOCAL activemodel.timestamp_clock = clock;
SELECT deleted_at > now() AS clock_time FROM am.soft_delete(NULL::sd_posts, 3);
ROLLBACK;
SELECT am.soft_delete(NULL::sd_posts, 99);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.soft_delete(NULL::sd_tags, 1);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

--
-- the scope: soft-deleted rows are not found, in every finder
--
SELECT id FROM am.where(NULL::sd_posts);
SELECT am.find(NULL::sd_posts, 2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.find_by(NULL::sd_posts, '{"title": "two"}') IS NULL AS not_found,
	(am.first(NULL::sd_posts)).id AS first, (am.last(NULL::sd_posts)).id AS last,
	am.count(NULL::sd_posts) AS count, am.exists(NULL::sd_posts, '{"id": 2}') AS exists;
SELECT * FROM am.pluck(NULL::sd_posts, '{id, title}');
SELECT * FROM am.group_count(NULL::sd_posts, 'author_id');
SELECT am.as_json(NULL::sd_posts, include => '{"only": ["id"]}');
-- "$with_deleted" and "$only_deleted" at the top level
SELECT id FROM am.where(NULL::sd_posts, '{"$with_deleted": true}', order_by => 'id');
SELECT id FROM am.where(NULL::sd_posts, '{"$only_deleted": true}');
SELECT id FROM am.where(NULL::sd_posts, '{"$with_deleted": false}');
SELECT am.count(NULL::sd_posts, '{"$only_deleted": true, "title": "two"}') AS deleted_two,
	am.count(NULL::sd_posts, '{"$only_deleted": true, "title": "one"}') AS deleted_one;
SELECT id FROM am.where(NULL::sd_posts, '{"$or": [{"$with_deleted": true}]}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id FROM am.where(NULL::sd_posts, '{"$with_deleted": 1}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id FROM am.where(NULL::sd_posts, '{"$with_deleted": true, "$only_deleted": true}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT id FROM am.where(NULL::sd_posts, '[{"$with_deleted": true}]');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- on a table without the column, "$only_deleted" matches nothing
SELECT am.count(NULL::sd_tags, '{"$only_deleted": true}') AS only_deleted,
	am.count(NULL::sd_tags, '{"$with_deleted": true}') AS with_deleted;

--
-- through relations: soft-deleted related rows do not count, whatever the
-- model's own scope (Rails' default scope of the related model)
--
-- authors with a post titled "two" (soft-deleted): none
SELECT id FROM am.where(NULL::sd_authors, '{"sd_posts___title": "two"}');
SELECT id FROM am.where(NULL::sd_authors, '{"sd_posts___title": "two", "$with_deleted": true}');
-- comments of a soft-deleted post through belongs-to
SELECT id FROM am.where(NULL::sd_comments, '{"post___title": "two"}');
SELECT id FROM am.where(NULL::sd_comments, '{"post__isnull": true}');
-- order_by through belongs-to: a soft-deleted post reads as NULL
SELECT * FROM am.pluck(NULL::sd_comments, '{id, post___title}', order_by => 'id');
UPDATE sd_comments SET removed_at = now() WHERE id = 2;
UPDATE sd_post_tags SET deleted_at = now() WHERE (post_id, tag_id) = (1, 2);
SELECT id FROM am.where(NULL::sd_posts, '{"sd_comments___body": "c2"}');
SELECT id FROM am.where(NULL::sd_posts, '{"sd_tags___name": "c"}');
SELECT id FROM am.where(NULL::sd_posts, '{"sd_tags___name": "pg"}', order_by => 'id');
SELECT id FROM am.where(NULL::sd_tags, '{"sd_posts___id": 2}');
-- as_json: each nested level leaves its soft-deleted rows out
SELECT am.as_json(NULL::sd_authors, include => '{"only": ["name"], "sd_posts": {"only": ["title"], "sd_comments": {"only": ["body"]}, "sd_tags": {"only": ["name"]}}}');
SELECT am.to_json(a, include => '{"sd_posts": {"only": ["id"]}}', columns => '{name}')
FROM sd_authors a WHERE id = 1;
SELECT am.as_json(NULL::sd_comments, include => '{"only": ["id"], "post": {"only": ["title"]}}');

--
-- the persistence helpers keep the scope
--
SELECT am.update(NULL::sd_posts, 2, '{"title": "x"}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.destroy(NULL::sd_posts, 2);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.increment(NULL::sd_posts, 2, 'author_id');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
SELECT am.update_all(NULL::sd_posts, '{}', '{"title": "all"}') AS updated,
	am.update_all(NULL::sd_posts, '{"$only_deleted": true}', '{"title": "deleted"}') AS updated_deleted;
SELECT id, title FROM sd_posts ORDER BY id;
SELECT * FROM sd_calls();
-- find_or_create_by does not find a soft-deleted row; the primary key
-- still holds it
SELECT am.find_or_create_by(NULL::sd_posts, '{"id": 2}');
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;

--
-- restore: clears the column, update hooks; a row not deleted is returned
--
SELECT id, title, deleted_at FROM am.restore(NULL::sd_posts, 2);
SELECT * FROM sd_calls();
SELECT id, deleted_at FROM am.restore(NULL::sd_posts, 2);
SELECT count(*) FROM sd_calls();
SELECT id FROM am.where(NULL::sd_posts, order_by => 'id');
SELECT am.restore(NULL::sd_posts, 99);
SELECT :'LAST_ERROR_SQLSTATE' AS sqlstate;
-- delete_all and destroy_all leave soft-deleted rows unless asked
SELECT am.soft_delete(NULL::sd_posts, 3) IS NOT NULL AS deleted;
DELETE FROM sd_comments;
DELETE FROM sd_post_tags;
SELECT am.delete_all(NULL::sd_posts, '{}') AS deleted, am.delete_all(NULL::sd_posts, '{"$with_deleted": true}') AS deleted_with;
DROP ROLE regress_sd_other;
DROP VIEW sd_post_titles;
DROP TABLE sd_comments, sd_post_tags, sd_tags, sd_posts, sd_authors, sd_log CASCADE;
SELECT count(*) FROM am.hook_registry;
