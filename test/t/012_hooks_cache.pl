# Hook caches and snapshots across sessions (issue 15, items 12 and 13).
#
# Session A keeps one connection open; session B changes hooks and commits.
#
# 12. A is inside a REPEATABLE READ transaction whose snapshot was taken
#     before B added (or removed) a hook and committed.  A's next write runs
#     the hooks registered at that moment, as it would see a trigger created
#     meanwhile: the registry is read with a fresh snapshot, not with the
#     transaction's.
# 13. ALTER FUNCTION ... SECURITY DEFINER (and back) on a hook function that
#     A has cached reaches A: the pg_proc invalidation drops the cached call,
#     whose FmgrInfo would otherwise keep the old security context.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('hooks_cache');
$node->init;
$node->start;

$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION activemodel;
	CREATE TABLE items (id int PRIMARY KEY, note text);
	CREATE FUNCTION note_a(new items) RETURNS items LANGUAGE plpgsql AS $$
	BEGIN new.note := coalesce(new.note, '') || 'a'; RETURN new; END $$;
	CREATE FUNCTION note_b(new items) RETURNS items LANGUAGE plpgsql AS $$
	BEGIN new.note := coalesce(new.note, '') || 'b'; RETURN new; END $$;
	SELECT am.add_hook('items', 'before_save', 'note_a(items)');

	CREATE TABLE fresh (id int PRIMARY KEY, note text);
	CREATE FUNCTION fresh_x(new fresh) RETURNS fresh LANGUAGE plpgsql AS $$
	BEGIN new.note := 'x'; RETURN new; END $$;
});

my $a = $node->background_psql('postgres', on_error_stop => 0);

sub a_insert
{
	my ($table, $id) = @_;
	return $a->query_safe(
		"INSERT INTO $table (id) VALUES ($id) RETURNING coalesce(note, '-')");
}

#
# 12. REPEATABLE READ
#
is(a_insert('items', 1), 'a', 'A: hook runs; A has cached it');

$a->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
is($a->query_safe('SELECT count(*) FROM items'), '1', 'A: snapshot taken');
$node->safe_psql('postgres',
	q{SELECT am.add_hook('items', 'before_save', 'note_b(items)')});
is(a_insert('items', 2), 'ab',
	'A (REPEATABLE READ): hook added and committed by B after A\'s snapshot runs');
is($a->query_safe('SELECT count(*) FROM am.hook_registry'), '1',
	'A: while A\'s own queries still see the registry as of its snapshot');
$a->query_safe('COMMIT');

$a->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
is($a->query_safe('SELECT count(*) FROM items'), '2', 'A: snapshot taken');
$node->safe_psql('postgres',
	q{SELECT am.remove_hook('items', 'before_save', 'note_a(items)')});
is(a_insert('items', 3), 'b',
	'A (REPEATABLE READ): hook removed and committed by B no longer runs');
$a->query_safe('COMMIT');

# the first hook of a table: B creates the dispatch trigger as well (A must
# not hold a lock that CREATE TRIGGER waits for)
$a->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
is($a->query_safe('SELECT count(*) FROM fresh'), '0', 'A: snapshot taken');
$node->safe_psql('postgres',
	q{SELECT am.add_hook('fresh', 'before_save', 'fresh_x(fresh)')});
is(a_insert('fresh', 1), 'x',
	'A (REPEATABLE READ): first hook of a table, added by B, runs');
$a->query_safe('COMMIT');

#
# 13. ALTER FUNCTION ... SECURITY DEFINER
#
$node->safe_psql(
	'postgres', q{
	CREATE ROLE writer;
	CREATE ROLE hook_owner;
	CREATE TABLE stamped (id int PRIMARY KEY, who text);
	GRANT INSERT, SELECT ON stamped TO writer;
	CREATE FUNCTION stamp(new stamped) RETURNS stamped LANGUAGE plpgsql AS $$
	BEGIN new.who := current_user; RETURN new; END $$;
	ALTER FUNCTION stamp(stamped) OWNER TO hook_owner;
	SELECT am.add_hook('stamped', 'before_save', 'stamp(stamped)');
});

$a->query_safe('SET ROLE writer');

sub a_stamp
{
	my ($id) = @_;
	return $a->query_safe(
		"INSERT INTO stamped (id) VALUES ($id) RETURNING who");
}

is(a_stamp(1), 'writer', 'A: SECURITY INVOKER hook runs as the writer');
is(a_stamp(2), 'writer', 'A: again, from the cache');
$node->safe_psql('postgres', 'ALTER FUNCTION stamp(stamped) SECURITY DEFINER');
is(a_stamp(3), 'hook_owner',
	'A: after ALTER FUNCTION ... SECURITY DEFINER, the hook runs as its owner');
is(a_stamp(4), 'hook_owner', 'A: again, from the rebuilt cache');
$node->safe_psql('postgres', 'ALTER FUNCTION stamp(stamped) SECURITY INVOKER');
is(a_stamp(5), 'writer',
	'A: after ALTER FUNCTION ... SECURITY INVOKER, the writer again');

# the same inside a transaction that has used the hook already
$a->query_safe('BEGIN');
is(a_stamp(6), 'writer', 'A (in a transaction): hook runs as the writer');
$node->safe_psql('postgres', 'ALTER FUNCTION stamp(stamped) SECURITY DEFINER');
is(a_stamp(7), 'hook_owner',
	'A (in a transaction): SECURITY DEFINER committed by B reaches the next write');
$a->query_safe('COMMIT');

$a->query_safe('RESET ROLE');
$a->quit;
$node->stop;

done_testing();
