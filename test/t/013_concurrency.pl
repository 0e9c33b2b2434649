# Concurrency: what two sessions do at the same time.
#
# Long typeid prefixes.  Two sessions use the same new long prefix at once:
# the second waits for the first's registration, and both succeed with one
# registry row and the same type modifier; if the first rolls back, the
# second registers it.  Also when the second is a REPEATABLE READ or
# SERIALIZABLE transaction whose snapshot cannot see the first's row.
#
# Hooks while the table is written.  pgbench writes a table (INSERT and
# UPDATE, a few clients, a few seconds) while another session adds and
# removes its hooks in a loop.  am.add_hook and am.remove_hook take
# ShareRowExclusiveLock on the table, so each write happens entirely before
# or entirely after a change of the hooks, and a hook must run for exactly
# the rows written while it was registered: every write draws a stamp from
# one sequence, the toggling session draws one (under its lock) each time it
# changes the hooks, so the stamps cut the run into windows with and without
# hooks.  An ordinary trigger records every write (the truth); the before
# hook marks the row, the after_save hook and the after_commit hook log the
# row's stamp.  Nothing may be missing or extra, pgbench must see no error,
# and at the end the registry and the dispatch triggers agree.  Done for a
# plain table and for a partitioned one.
#
# Lock order on a partitioned table.  am.add_hook must lock the partitioned
# table before its partitions, as a write does: locking the partitions first
# deadlocks with a write that holds the table and waits for a partition.
use strict;
use warnings;

use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('concurrency');
$node->init;
$node->append_conf('postgresql.conf', "deadlock_timeout = '100ms'");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION activemodel');

# Wait until a session runs a statement matching $like and waits for a lock.
sub wait_for_lock
{
	my ($like) = @_;
	$node->poll_query_until('postgres',
		"SELECT count(*) > 0 FROM pg_stat_activity
		 WHERE wait_event_type = 'Lock' AND query LIKE '$like'")
	  or die "timed out waiting for a session to wait for a lock: $like";
}

###
### Two sessions register the same new long prefix
###

# $end ends the first session's transaction: COMMIT or ROLLBACK; the second
# runs at $isolation, in a transaction that has taken its snapshot already.
sub same_prefix_at_once
{
	my ($prefix, $end, $isolation) = @_;
	my $s1 = $node->background_psql('postgres', on_error_stop => 0);
	my $s2 = $node->background_psql('postgres', on_error_stop => 0);
	my $name = "$isolation, $end";

	$s1->query_safe("BEGIN; CREATE TABLE ${prefix}_1 (id typeid('$prefix'))");
	$s2->query_safe("BEGIN ISOLATION LEVEL $isolation; SELECT 1");
	$s2->query_until(qr/started/,
		"\\echo started\nCREATE TABLE ${prefix}_2 (id typeid('$prefix'));\n");
	wait_for_lock("CREATE TABLE ${prefix}_2%");
	$s1->query_safe($end);
	# the second session's CREATE TABLE finishes: no error on its stderr
	my ($out, $ret) = $s2->query('COMMIT');
	is($ret, 0, "$name: the waiting session's CREATE TABLE succeeds")
	  or diag $s2->{stderr};
	$s1->quit;
	$s2->quit;

	is( $node->safe_psql(
			'postgres',
			"SELECT count(*) FROM am.typeid_prefixes WHERE prefix = '$prefix'"),
		'1',
		"$name: one registry row");
	is( $node->safe_psql(
			'postgres', "SELECT string_agg(DISTINCT format_type(atttypid, atttypmod), ', ')
			 FROM pg_attribute
			 WHERE attrelid IN (SELECT oid FROM pg_class WHERE relname LIKE '${prefix}_%')
			   AND attname = 'id'"),
		"typeid('$prefix')",
		"$name: the columns have the prefix's type modifier");
}

same_prefix_at_once('some_long_prefix', 'COMMIT', 'READ COMMITTED');
same_prefix_at_once('another_long_prefix', 'ROLLBACK', 'READ COMMITTED');
same_prefix_at_once('repeatable_long_prefix', 'COMMIT', 'REPEATABLE READ');
same_prefix_at_once('serializable_long_prefix', 'COMMIT', 'SERIALIZABLE');
same_prefix_at_once('rolled_back_long_prefix', 'ROLLBACK', 'REPEATABLE READ');

###
### am.add_hook and am.remove_hook while pgbench writes
###

# $table: plain or partitioned.  Returns nothing; runs the checks.
sub hooks_under_pgbench
{
	my ($table, $partitioned) = @_;
	my $part = $partitioned ? 'PARTITION BY HASH (id)' : '';

	$node->safe_psql(
		'postgres', qq{
		CREATE SEQUENCE ${table}_stamp;
		CREATE TABLE $table (
			id int NOT NULL,
			n int NOT NULL DEFAULT 0,
			stamp bigint NOT NULL DEFAULT nextval('${table}_stamp'),
			before_stamp bigint) $part;
		-- the truth: every write, and whether the before hook marked it
		CREATE TABLE ${table}_audit (stamp bigint, op text, marked boolean);
		CREATE TABLE ${table}_after (stamp bigint, op text);
		CREATE TABLE ${table}_commit (stamp bigint, op text);
		-- the stamps at which the hooks were added (true) or removed (false)
		CREATE TABLE ${table}_windows (stamp bigint PRIMARY KEY, registered boolean);
		INSERT INTO ${table}_windows VALUES (0, false);

		CREATE FUNCTION ${table}_mark(new $table) RETURNS $table LANGUAGE plpgsql AS \$\$
		BEGIN new.before_stamp := new.stamp; RETURN new; END \$\$;
		CREATE FUNCTION ${table}_log_after(new $table) RETURNS void LANGUAGE plpgsql AS \$\$
		BEGIN INSERT INTO ${table}_after VALUES (new.stamp, am.hook_operation()); END \$\$;
		CREATE FUNCTION ${table}_log_commit(new $table) RETURNS void LANGUAGE plpgsql AS \$\$
		BEGIN INSERT INTO ${table}_commit VALUES (new.stamp, am.hook_operation()); END \$\$;
		CREATE FUNCTION ${table}_audit() RETURNS trigger LANGUAGE plpgsql AS \$\$
		BEGIN
			INSERT INTO ${table}_audit VALUES (NEW.stamp,
				CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'update' END,
				NEW.before_stamp IS NOT DISTINCT FROM NEW.stamp);
			RETURN NULL;
		END \$\$;
		CREATE TRIGGER zz_audit AFTER INSERT OR UPDATE ON $table
			FOR EACH ROW EXECUTE FUNCTION ${table}_audit();
	});
	if ($partitioned)
	{
		$node->safe_psql(
			'postgres', qq{
			CREATE TABLE ${table}_0 PARTITION OF $table FOR VALUES WITH (MODULUS 2, REMAINDER 0);
			CREATE TABLE ${table}_1 PARTITION OF $table FOR VALUES WITH (MODULUS 2, REMAINDER 1);
		});
	}

	my $script = $node->basedir . "/${table}.sql";
	PostgreSQL::Test::Utils::append_to_file(
		$script, qq{\\set id random(1, 50)
INSERT INTO $table (id) VALUES (:id);
UPDATE $table SET n = n + 1, stamp = nextval('${table}_stamp') WHERE id = :id;
});

	my ($out, $err) = ('', '');
	my $pgbench = IPC::Run::start(
		[
			'pgbench', '-n', '-c', '3', '-T', '4', '-f', $script,
			'-h', $node->host, '-p', $node->port, 'postgres'
		],
		'>', \$out, '2>', \$err);

	my $hooks = [
		[ 'before_save', "${table}_mark($table)" ],
		[ 'after_save', "${table}_log_after($table)" ],
		[ 'after_commit', "${table}_log_commit($table)" ],
	];
	my $toggler = $node->background_psql('postgres', on_error_stop => 0);
	my $changes = 0;
	my $toggle_errors = '';
	while ($pgbench->pumpable)
	{
		for my $add (1, 0)
		{
			my $sql = "BEGIN;\n";
			for my $h (@$hooks)
			{
				$sql .=
				  $add
				  ? "SELECT am.add_hook('$table', '$h->[0]', '$h->[1]');\n"
				  : "SELECT am.remove_hook('$table', '$h->[0]', '$h->[1]');\n";
			}
			# drawn under the lock that am.add_hook/remove_hook took
			$sql .= "INSERT INTO ${table}_windows VALUES (nextval('${table}_stamp'), "
			  . ($add ? 'true' : 'false') . ");\nCOMMIT;";
			# on an error, the rest of the transaction fails and COMMIT
			# rolls it back, the window's row with it
			my (undef, $ret) = $toggler->query($sql);
			if ($ret)
			{
				$toggle_errors .= $toggler->{stderr};
				$toggler->{stderr} = '';
			}
			else
			{
				$changes++;
			}
			# let writes in between
			select(undef, undef, undef, 0.05);
		}
		$pgbench->pump_nb;
	}
	$pgbench->finish;
	$toggler->quit;

	is($pgbench->result(0), 0, "$table: pgbench succeeds") or diag $err;
	is($toggle_errors, '', "$table: am.add_hook and am.remove_hook succeed");
	unlike($out . $err, qr/ERROR|aborted/, "$table: pgbench saw no error")
	  or diag $err;
	like($out, qr/number of failed transactions: 0 /,
		"$table: no failed transaction");
	cmp_ok($changes, '>=', 4, "$table: the hooks were added and removed ($changes changes)");

	# window of a stamp: registered or not
	my $on = "(SELECT w.registered FROM ${table}_windows w
			   WHERE w.stamp < a.stamp ORDER BY w.stamp DESC LIMIT 1)";
	my $counts = $node->safe_psql(
		'postgres', qq{
		SELECT count(*) FILTER (WHERE $on), count(*) FILTER (WHERE NOT $on)
		FROM ${table}_audit a});
	my ($with, $without) = split /\|/, $counts;
	note "$table: $with writes with hooks, $without without";
	ok($with > 0 && $without > 0, "$table: writes happened with and without hooks");

	is( $node->safe_psql(
			'postgres',
			"SELECT count(*) FROM ${table}_audit a WHERE marked IS DISTINCT FROM $on"),
		'0',
		"$table: the before hook ran exactly for the rows written while registered");
	for my $log ('after', 'commit')
	{
		is( $node->safe_psql(
				'postgres', qq{
			SELECT count(*) FROM (
				(SELECT stamp, op FROM ${table}_audit a WHERE $on
				 EXCEPT ALL SELECT stamp, op FROM ${table}_$log)
				UNION ALL
				(SELECT stamp, op FROM ${table}_$log
				 EXCEPT ALL SELECT stamp, op FROM ${table}_audit a WHERE $on)) d}),
			'0',
			"$table: the $log hook ran exactly once for each row written while registered"
		);
	}

	# the last change removed the hooks: no registry row, no dispatch trigger
	is( $node->safe_psql(
			'postgres', qq{
		SELECT (SELECT count(*) FROM am.hook_registry WHERE tbl = '$table'::regclass)
			|| ' ' || (SELECT count(*) FROM pg_trigger
					   WHERE tgname LIKE 'am_hooks_%'
						 AND tgrelid IN (SELECT '$table'::regclass
										 UNION ALL SELECT inhrelid FROM pg_inherits
										 WHERE inhparent = '$table'::regclass))}),
		'0 0',
		"$table: no hook and no dispatch trigger left");
}

hooks_under_pgbench('bench_plain', 0);
hooks_under_pgbench('bench_parted', 1);

###
### am.add_hook on a partitioned table that a session is writing
###

$node->safe_psql(
	'postgres', q{
	CREATE TABLE parted (id int, note text) PARTITION BY LIST (id);
	CREATE TABLE parted_1 PARTITION OF parted FOR VALUES IN (1);
	CREATE FUNCTION parted_note(new parted) RETURNS parted LANGUAGE plpgsql AS $$
	BEGIN new.note := 'hooked'; RETURN new; END $$;
});
my $writer = $node->background_psql('postgres', on_error_stop => 0);
my $adder = $node->background_psql('postgres', on_error_stop => 0);
# the writer holds the partitioned table, as an INSERT does before it opens
# the partition
$writer->query_safe('BEGIN; LOCK TABLE ONLY parted IN ROW EXCLUSIVE MODE');
$adder->query_until(qr/started/,
	"\\echo started\nSELECT am.add_hook('parted', 'before_save', 'parted_note(parted)');\n"
);
wait_for_lock('%am.add_hook(%');
my ($out, $ret) =
  $writer->query("INSERT INTO parted VALUES (1) RETURNING coalesce(note, 'none')");
is($ret, 0, 'the writer reaches the partition while am.add_hook waits')
  or diag $writer->{stderr};
is($out, 'none', 'the row written before the hook was added has no hook');
$writer->query_safe('COMMIT');
($out, $ret) = $adder->query('SELECT 1');
is($ret, 0, 'am.add_hook then succeeds') or diag $adder->{stderr};
$writer->quit;
$adder->quit;
is($node->safe_psql('postgres', "INSERT INTO parted VALUES (1) RETURNING note"),
	'hooked', 'the hook runs for the next row');

$node->stop;
done_testing();
