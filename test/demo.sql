-- activemodel demo: the typeid type
CREATE EXTENSION activemodel;

CREATE TABLE users (
	id typeid('user') PRIMARY KEY DEFAULT typeid_generate('user'),
	email text NOT NULL
);
INSERT INTO users (email) VALUES ('ada@example.com'), ('grace@example.com') RETURNING *;

-- parts of an ID, and its creation time (UUIDv7)
SELECT id, typeid_prefix(id), typeid_uuid(id), typeid_timestamp(id) IS NOT NULL AS has_time
FROM users ORDER BY id;

-- a 21-byte value on disk (text would take 32, uuid 16)
SELECT pg_column_size(id) FROM users LIMIT 1;

-- encode any UUID, and decode the spec's example
SELECT typeid_from_uuid('user', '01890a5d-ac96-774b-bcce-b302099a8057');
SELECT typeid_uuid('prefix_01h455vb4pex5vsknk084sn02q'),
	   typeid_timestamp('prefix_01h455vb4pex5vsknk084sn02q');

-- time-range scans use the primary key
EXPLAIN (COSTS OFF)
SELECT * FROM users
WHERE id >= typeid_min_at('user', now() - interval '1 hour')
  AND id < typeid_min_at('user', now() + interval '1 hour');

-- a typeid('user') column takes only user_ IDs, and gives its prefix to
-- IDs and UUIDs without one
INSERT INTO users (id, email) VALUES ('org_01h455vb4pex5vsknk084sn02q', 'x@example.com');
INSERT INTO users (id, email) VALUES ('01890a5d-ac96-774b-bcce-b302099a8057'::uuid, 'y@example.com') RETURNING id;

-- the TypeID mixin gives an existing table a typeid primary key
CREATE TABLE posts (title text);
INSERT INTO posts VALUES ('hello'), ('world');
SELECT am.add_typeid('posts', 'post');
\d posts
SELECT * FROM posts;

-- timestamps kept by a C trigger with Rails' rules
SELECT am.add_timestamps('posts');
UPDATE posts SET title = 'hello again' WHERE title = 'hello';
SELECT title, updated_at > created_at AS updated FROM posts ORDER BY title;

-- a lifecycle hook: lower-case emails, whoever writes them
CREATE FUNCTION normalize_email(new users) RETURNS users LANGUAGE plpgsql AS $$
BEGIN
	new.email := lower(trim(new.email));
	RETURN new;
END
$$;
SELECT am.add_hook('users', 'before_save', 'normalize_email(users)');
SELECT * FROM am.hooks;
INSERT INTO users (email) VALUES ('  Linus@Example.COM ') RETURNING email;

-- invalid input says why
SELECT 'user_01H455VB4PEX5VSKNK084SN02Q'::typeid;
SELECT typeid_is_valid('user_01H455VB4PEX5VSKNK084SN02Q');

-- ActiveRecord helpers: finders with Django-style conditions, typed rows
CREATE TABLE products (
	id bigint PRIMARY KEY,
	name text NOT NULL,
	price numeric(8,2),
	tags text[],
	added_at timestamptz
);
INSERT INTO products VALUES
	(1, 'Mug', 8.50, '{kitchen}', '2024-02-01'), (2, 'Lamp', 35.00, '{home,light}', '2024-11-20'),
	(3, '50% off sign', 2.00, NULL, '2025-01-03'), (4, 'Desk', NULL, '{home}', '2025-03-15');
SELECT * FROM am.where(NULL::products, '{"price__gte": 5, "added_at__year": 2024}', order_by => '-price');
SELECT name FROM am.where(NULL::products, '{"$or": [{"tags__contains": ["home"]}, {"name__contains": "%"}]}', order_by => 'id');
SELECT name FROM am.where(NULL::products, '{"$not": {"price__gt": 5}}', order_by => 'id');
SELECT * FROM am.find(NULL::products, 2);
SELECT am.count(NULL::products, '{"price": null}'), am.exists(NULL::products, '{"name__istartswith": "lam"}');
SELECT id FROM am.where(NULL::products, take => 2, after => '2');
-- bad keys and values are refused with the column's own errors
SELECT * FROM am.where(NULL::products, '{"prise__gte": 5}');
SELECT * FROM am.where(NULL::products, '{"price": "cheap"}');
-- an API response with related rows: one statement, one step per level
CREATE TABLE reviews (id integer PRIMARY KEY, product_id bigint REFERENCES products, stars integer);
INSERT INTO reviews VALUES (1, 2, 5), (2, 2, 3), (3, 1, 4);
SELECT jsonb_pretty(am.as_json(NULL::products, '{"reviews___stars__gte": 4}',
	include => '{"reviews": {"only": ["stars"]}}', order_by => 'id'));

-- ActiveRecord helpers: persistence, each call one statement with hooks and timestamps
SELECT am.add_timestamps('products');
SELECT id, name, price FROM am.create(NULL::products, '{"id": 5, "name": "Chair", "price": 49.999}');
SELECT id, name, price FROM am.update(NULL::products, 5, '{"price": 45}');
SELECT id, name, price FROM am.upsert(NULL::products, '{"id": 5, "name": "Office chair"}');
SELECT id, stars FROM am.increment(NULL::reviews, 2, 'stars');
SELECT id, name FROM am.insert_all(NULL::products, '[{"id": 6, "name": "Shelf"}, {"id": 7, "name": "Rug"}]');
SELECT id, name FROM am.find_or_create_by(NULL::products, '{"name": "Rug"}', '{"id": 8}');
-- update_all skips hooks and leaves updated_at alone, as Rails does
SELECT am.update_all(NULL::products, '{"price": null}', '{"price": 0}');
SELECT * FROM am.create(NULL::products, '{"id": 9, "colour": "red"}');
-- soft delete: finders leave soft-deleted rows out unless asked
SELECT am.add_soft_delete('products');
SELECT id, deleted_at IS NOT NULL AS deleted FROM am.soft_delete(NULL::products, 7);
SELECT am.count(NULL::products) AS visible, am.count(NULL::products, '{"$with_deleted": true}') AS all_rows;
SELECT id, name FROM am.restore(NULL::products, 7);
