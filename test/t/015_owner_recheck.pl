# The owner check of the functions that change a table for its owner
# (am.add_hook, am.remove_hook, and am.add_timestamps and the others through
# am._check_owned_table) is made before the lock is requested, and again
# once it is held: while the caller waited, the table may have been given to
# another role or dropped.  It matters most for am.add_hook, which writes
# the registry and the dispatch trigger with privileges the caller lacks: a
# stale check would let a former owner attach code to another role's table.
#
# Session H holds an ACCESS EXCLUSIVE lock on the table; the owner calls
# am.add_hook and waits for it; H gives the table away (or drops it) and
# commits.  The waiting call must then refuse, and change nothing.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('owner_recheck');
$node->init;
$node->start;

$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION activemodel;
	CREATE ROLE alice;
	CREATE ROLE bob;
	GRANT USAGE, CREATE ON SCHEMA public TO alice;
});

sub wait_for_lock
{
	$node->poll_query_until('postgres',
		"SELECT count(*) > 0 FROM pg_stat_activity
		 WHERE wait_event_type = 'Lock' AND query LIKE '%am.add_hook%'")
	  or die "timed out waiting for am.add_hook to wait for the lock";
}

# alice creates the table and a hook, H locks it, alice's am.add_hook waits while
# H runs $meanwhile and commits; returns alice's psql stderr
sub add_while_locked
{
	my ($table, $meanwhile) = @_;
	$node->safe_psql(
		'postgres', qq{
		SET ROLE alice;
		CREATE TABLE $table (id int PRIMARY KEY, title text);
		CREATE FUNCTION ${table}_hook(new $table) RETURNS $table
			LANGUAGE sql AS 'SELECT new';
	});

	my $holder = $node->background_psql('postgres', on_error_stop => 0);
	$holder->query_safe("BEGIN; LOCK TABLE $table IN ACCESS EXCLUSIVE MODE");

	my $stderr = '';
	my $alice = $node->background_psql('postgres', on_error_stop => 0);
	$alice->query_safe('SET ROLE alice');
	$alice->query_until(qr/waiting/,
		"\\echo waiting\nSELECT am.add_hook('$table', 'before_save', '${table}_hook($table)');\n\\echo done\n");
	wait_for_lock();

	$holder->query_safe($meanwhile);
	$holder->query_safe('COMMIT');
	$holder->quit;

	# alice's call ends now: its error goes to stderr
	$alice->query_until(qr/done/, '');
	$stderr = $alice->{stderr};
	$alice->quit;
	return $stderr;
}

my $err = add_while_locked('given', 'ALTER TABLE given OWNER TO bob');
like($err, qr/must be owner of table given/,
	'the table given to another role while the owner waited: refused');
is( $node->safe_psql(
		'postgres', q{
		SELECT count(*) FROM am.hook_registry
		UNION ALL
		SELECT count(*) FROM pg_trigger WHERE tgrelid = 'given'::regclass}),
	"0\n0",
	'nothing was added to the table now owned by bob');

$err = add_while_locked('dropped', 'SET client_min_messages = warning; DROP TABLE dropped CASCADE');
like($err, qr/relation with OID \d+ does not exist/,
	'the table dropped while the owner waited: refused');

$node->stop;

done_testing();
