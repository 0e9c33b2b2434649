# The am.timestamps() column cache across sessions.
#
# Session A resolves the columns of a table's timestamps trigger once and
# keeps their numbers and types in a backend-local cache, which relcache
# invalidations empty.  Session B then drops updated_at and adds it again
# (a new column number, another type), and A's next INSERT must fill the new
# column:
#
#   - when A reads B's invalidation for the table (the usual path);
#   - when A misses it because the shared invalidation queue overflowed while
#     A was busy: PostgreSQL then resets every cache of A at once (the
#     relcache callbacks are called with InvalidOid), and a cache that only
#     forgot entries for a named relation would keep the stale column
#     numbers and write into the dropped column.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('timestamps_cache');
$node->init;
$node->start;

$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION activemodel;
	CREATE TABLE gate (id int);
	CREATE TABLE notes (
		id int PRIMARY KEY,
		created_at timestamptz,
		updated_at timestamptz);
	CREATE TRIGGER notes_timestamps BEFORE INSERT OR UPDATE ON notes
		FOR EACH ROW EXECUTE FUNCTION am.timestamps();
});

my $a = $node->background_psql('postgres', on_error_stop => 0);

# A inserts a row; returns which timestamps it got, as "created/updated"
sub a_insert
{
	my ($id) = @_;
	return $a->query_safe(
		"INSERT INTO notes (id) VALUES ($id)
		 RETURNING (created_at IS NOT NULL) || '/' || (updated_at IS NOT NULL)");
}

# B moves updated_at to a new column number, of type timestamp
sub move_updated_at
{
	$node->safe_psql(
		'postgres', q{
		ALTER TABLE notes DROP COLUMN updated_at;
		ALTER TABLE notes ADD COLUMN updated_at timestamp;
	});
}

is(a_insert(1), 'true/true', 'A: both columns set; A has resolved them');
is(a_insert(2), 'true/true', 'A: again, from its cache');

#
# The usual path: A reads the relcache invalidation for notes
#
move_updated_at();
is(a_insert(3), 'true/true',
	'A: after B moved updated_at, the new column is filled');

#
# The overflow path: A waits for a lock while B sends more invalidations than
# the queue holds, so A's caches are reset without A reading any of them.
#
my $holder = $node->background_psql('postgres', on_error_stop => 0);
$holder->query_safe('BEGIN; LOCK TABLE gate IN ACCESS EXCLUSIVE MODE');

# A's statement: SELECT from gate waits for the lock
$a->query_until(qr/waiting/,
	"\\echo waiting\nSELECT count(*) FROM gate \\g /dev/null\n");
$node->poll_query_until('postgres',
	"SELECT count(*) > 0 FROM pg_stat_activity
	 WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT count(*) FROM gate%'")
  or die "timed out waiting for A to wait for the lock";

move_updated_at();

# several thousand catalog invalidations (the queue holds 4096 messages)
$node->safe_psql(
	'postgres', q{
	DO $$
	BEGIN
		FOR i IN 1..400 LOOP
			CREATE TABLE padding (a int, b int, c int);
			DROP TABLE padding;
		END LOOP;
	END $$;
});

$holder->query_safe('COMMIT');
$holder->quit;

is(a_insert(4), 'true/true',
	'A: after a reset of its caches (queue overflow), the new column is filled');
is( $node->safe_psql(
		'postgres', 'SELECT updated_at IS NOT NULL FROM notes WHERE id = 4'),
	't',
	'B sees the row with updated_at');

$a->quit;
$node->stop;

done_testing();
