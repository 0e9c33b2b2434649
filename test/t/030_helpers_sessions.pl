# ActiveRecord helpers across sessions: session A keeps one connection open,
# so its kept plans, am.find statements and relations are warm; session B
# changes the tables and commits.  A's next call must see exactly the new
# schema: new and dropped columns, a changed key type, a foreign key added
# or dropped, a table renamed, dropped and created again.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('helpers');
$node->init;
$node->start;

$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION activemodel;
	CREATE TABLE authors (id int PRIMARY KEY, name text);
	CREATE TABLE books (id int PRIMARY KEY, author_id int, title text);
	INSERT INTO authors VALUES (1, 'Ada'), (2, 'Bob');
	INSERT INTO books VALUES (10, 1, 'Notes'), (11, 2, 'Cooking');
	-- 'ok', or the SQLSTATE and message a statement fails with
	CREATE FUNCTION try_sql(q text) RETURNS text LANGUAGE plpgsql AS $$
	BEGIN
		EXECUTE q;
		RETURN 'ok';
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE || ': ' || SQLERRM;
	END $$;
});

my $a = $node->background_psql('postgres', on_error_stop => 0);

sub a_query { return $a->query_safe($_[0]); }

# A's statement through try_sql: 'ok' or its error
sub a_try
{
	my ($sql) = @_;
	$sql =~ s/'/''/g;
	return a_query("SELECT try_sql('$sql')");
}

is(a_query(q{SELECT title FROM am.find(NULL::books, 10)}), 'Notes', 'A: find');
is(a_query(q{SELECT string_agg(title, ',') FROM am.where(NULL::books, '{"title__startswith": "C"}')}),
	'Cooking', 'A: where');

# a new column: the same calls return it
$node->safe_psql('postgres', q{ALTER TABLE books ADD COLUMN pages int DEFAULT 100});
is(a_query(q{SELECT pages FROM am.find(NULL::books, 10)}), '100', 'A: find sees a column added by B');
is(a_query(q{SELECT count(*) FROM am.where(NULL::books, '{"pages__gte": 50}')}), '2',
	'A: where filters on a column added by B');

# a dropped column is gone from rows and conditions
$node->safe_psql('postgres', q{ALTER TABLE books DROP COLUMN pages});
is(a_query(q{SELECT am.find(NULL::books, 10)::text}), '(10,1,Notes)', 'A: find without the dropped column');
like(a_try(q{SELECT count(*) FROM am.where(NULL::books, '{"pages__gte": 50}')}),
	qr/^42703: column "pages" of relation "books" does not exist/,
	'A: a dropped column is an unknown key');

# the key's type changes: am.find converts ids to the new type
$node->safe_psql('postgres', q{
	ALTER TABLE books ALTER COLUMN id TYPE text USING 'b' || id;
});
is(a_query(q{SELECT title FROM am.find(NULL::books, 'b11')}), 'Cooking', 'A: find after the key type changed');

# a foreign key added by B gives A a relation; dropped, it is gone
$node->safe_psql('postgres', q{ALTER TABLE books ADD CONSTRAINT books_author FOREIGN KEY (author_id) REFERENCES authors});
is(a_query(q{SELECT string_agg(title, ',') FROM am.where(NULL::books, '{"author___name": "Ada"}')}),
	'Notes', 'A: relation from a foreign key added by B');
is(a_query(q{SELECT string_agg(name, ',') FROM am.where(NULL::authors, '{"books___title": "Cooking"}')}),
	'Bob', 'A: has-many from a foreign key added by B');
$node->safe_psql('postgres', q{ALTER TABLE authors RENAME TO writers});
is(a_query(q{SELECT string_agg(title, ',') FROM am.where(NULL::books, '{"author___name": "Bob"}')}),
	'Cooking', 'A: belongs-to survives the target renamed');
is(a_query(q{SELECT string_agg(name, ',') FROM am.where(NULL::writers, '{"books___title": "Notes"}')}),
	'Ada', 'A: the renamed model works');
$node->safe_psql('postgres', q{ALTER TABLE books DROP CONSTRAINT books_author});
like(a_try(q{SELECT count(*) FROM am.where(NULL::books, '{"author___name": "Ada"}')}),
	qr/^42703: relation "author" of "books" does not exist/,
	'A: the relation of a dropped foreign key is gone');

# the table is dropped and created again under the same name
$node->safe_psql('postgres', q{
	DROP TABLE books;
	CREATE TABLE books (isbn text PRIMARY KEY, title text, year int);
	INSERT INTO books VALUES ('978-0', 'Again', 2024);
});
is(a_query(q{SELECT am.find(NULL::books, '978-0')::text}), '(978-0,Again,2024)',
	'A: find on a table created again');
is(a_query(q{SELECT string_agg(title, ',') FROM am.where(NULL::books, '{"year": 2024}')}), 'Again',
	'A: where on a table created again');

$a->quit;
done_testing();
