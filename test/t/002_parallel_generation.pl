# typeid_generate() and uuid_generate_v7() in parallel workers, in
# concurrent sessions and across a crash restart.
#
# The library is preloaded, so every backend and parallel worker is forked
# from a postmaster that has it loaded: any generator state that a child
# inherited instead of creating for itself would show up as duplicates.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $rows = 200_000;

my $node = PostgreSQL::Test::Cluster->new('parallel');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'activemodel'
max_worker_processes = 8
max_parallel_workers = 8
});
$node->start;

$node->safe_psql(
	'postgres', qq{
	CREATE EXTENSION activemodel;
	CREATE TABLE big AS SELECT g FROM generate_series(1, $rows) g;
	ANALYZE big;
});

# Settings that make the planner pick a Gather over a Parallel Seq Scan with
# two workers for any scan of "big".
my $parallel = q{
	SET force_parallel_mode = on;
	SET parallel_setup_cost = 0;
	SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0;
	SET max_parallel_workers_per_gather = 2;
};

# Checks that every row of $table (columns id typeid, u uuid, t0 and t1
# timestamptz) holds well-formed version-7 values, the typeid with the
# expected prefix, whose timestamps lie between t0 (taken before the
# generating statement) and t1 (after it), and that no value repeats.
sub check_generated
{
	my ($table, $prefix, $nrows, $label) = @_;

	is( $node->safe_psql(
			'postgres', qq{
			SELECT count(*), count(DISTINCT id), count(DISTINCT u),
			       count(DISTINCT typeid_uuid(id)::text || u::text)
			  FROM $table}),
		join('|', ($nrows) x 4),
		"$label: $nrows rows, all ids and uuids distinct");

	is( $node->safe_psql(
			'postgres', qq{
			SELECT count(*) FROM (
			    SELECT typeid_uuid(id) AS v FROM $table
			    UNION ALL SELECT u FROM $table) s
			 GROUP BY v HAVING count(*) > 1 LIMIT 1}),
		'',
		"$label: no uuid shared between typeid_generate and uuid_generate_v7");

	is( $node->safe_psql(
			'postgres', qq{
			SELECT count(*) FROM $table
			 WHERE NOT (
			       typeid_prefix(id) = '$prefix'
			   AND id::text ~ '^${prefix}_[0-7][0-9abcdefghjkmnpqrstvwxyz]{25}\$'
			   AND id::text::typeid = id
			   AND typeid_is_valid(id::text)
			   AND substr(typeid_uuid(id)::text, 15, 1) = '7'
			   AND substr(typeid_uuid(id)::text, 20, 1) IN ('8', '9', 'a', 'b')
			   AND substr(u::text, 15, 1) = '7'
			   AND substr(u::text, 20, 1) IN ('8', '9', 'a', 'b')
			   AND typeid_timestamp(id) IS NOT NULL
			   AND uuid_v7_timestamp(u) IS NOT NULL
			   AND typeid_timestamp(id) BETWEEN date_trunc('milliseconds', t0)
			                                AND t1 + interval '1 second'
			   AND uuid_v7_timestamp(u) BETWEEN date_trunc('milliseconds', t0)
			                                AND t1 + interval '1 second')}),
		'0',
		"$label: every value is a well-formed UUIDv7 of the statement's time");
	return;
}

# 1. Generation in parallel workers.
foreach my $leader ('off', 'on')
{
	my $label = "parallel, leader participation $leader";
	my $table = "gen_leader_$leader";
	my $sql = qq{
		$parallel
		SET parallel_leader_participation = $leader;
		CREATE TABLE t0_$leader AS SELECT clock_timestamp() AS t0;
		EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF)
		CREATE TABLE $table AS
		SELECT typeid_generate('x') AS id, uuid_generate_v7() AS u FROM big;
		CREATE TABLE t1_$leader AS SELECT clock_timestamp() AS t1;
	};
	my $plan = $node->safe_psql('postgres', $sql);

	like($plan, qr/^\s*Gather\b/m,             "$label: plan has a Gather");
	like($plan, qr/Workers Planned: 2/,        "$label: two workers planned");
	like($plan, qr/Workers Launched: 2/,       "$label: two workers launched");
	like(
		$plan,
		qr/Parallel Seq Scan on public\.big\s*\(.*\)\s*\n\s*Output: typeid_generate\('x'::text\), uuid_generate_v7\(\)/,
		"$label: the ids are computed by the parallel scan, below the Gather");

	my @worker_rows = $plan =~ /Worker \d+:\s+actual rows=(\d+)/g;
	is(scalar(@worker_rows), 2, "$label: the plan reports two workers");
	ok((grep { $_ > 0 } @worker_rows) == 2,
		"$label: both workers generated ids (rows: @worker_rows)");

	$node->safe_psql('postgres',
		"ALTER TABLE $table ADD COLUMN t0 timestamptz, ADD COLUMN t1 timestamptz;
		 UPDATE $table SET t0 = (SELECT t0 FROM t0_$leader),
		                   t1 = (SELECT t1 FROM t1_$leader)");
	check_generated($table, 'x', $rows, $label);
}

# The two runs together: still no duplicates.
is( $node->safe_psql(
		'postgres', q{
		SELECT count(DISTINCT id) FROM (
		    SELECT id FROM gen_leader_off UNION ALL SELECT id FROM gen_leader_on) s}),
	2 * $rows,
	'no id repeats across the two parallel runs');

# 2. Concurrent sessions: pgbench clients insert into one table with unique
# indexes, so a duplicate would make a client fail.  The serial column
# records the order in which each backend generated its ids.
$node->safe_psql(
	'postgres', q{
	CREATE TABLE conc (seq bigserial, pid int NOT NULL DEFAULT pg_backend_pid(),
	                   id typeid UNIQUE, u uuid UNIQUE,
	                   t0 timestamptz, t1 timestamptz);
	CREATE TABLE conc_t0 AS SELECT clock_timestamp() AS t0;
});
my ($clients, $transactions, $batch) = (4, 50, 200);
$node->pgbench(
	"--no-vacuum --client=$clients --jobs=$clients --transactions=$transactions",
	0,
	[qr/number of failed transactions: 0/],
	[qr/^$/],
	'concurrent sessions insert generated ids without a unique violation',
	{
		'002_generate' => qq{
INSERT INTO conc (id, u)
SELECT typeid_generate('c'), uuid_generate_v7() FROM generate_series(1, $batch);
}
	});
my $total = $clients * $transactions * $batch;
$node->safe_psql('postgres',
	"UPDATE conc SET t0 = (SELECT t0 FROM conc_t0), t1 = clock_timestamp()");
check_generated('conc', 'c', $total, 'concurrent sessions');

is($node->safe_psql('postgres', 'SELECT count(DISTINCT pid) FROM conc'),
	$clients, "ids came from $clients different backends");

is( $node->safe_psql(
		'postgres', q{
		SELECT count(*) FROM (
		    SELECT id >= lead(id) OVER w OR u >= lead(u) OVER w AS bad
		      FROM conc WINDOW w AS (PARTITION BY pid ORDER BY seq)) s
		 WHERE bad}),
	'0',
	'within each backend, ids and uuids are strictly increasing');

# 3. Crash and restart: ids generated afterwards sort after those generated
# before, for the same prefix.
$node->safe_psql(
	'postgres', qq{
	$parallel
	CREATE TABLE before_crash AS
	SELECT typeid_generate('r') AS id FROM big WHERE g <= 50000;
});
my $max_before =
  $node->safe_psql('postgres', 'SELECT max(id) FROM before_crash');
like($max_before, qr/^r_[0-7][0-9a-z]{25}$/, 'ids generated before the crash');

$node->stop('immediate');
$node->start;

is($node->safe_psql('postgres', 'SELECT max(id) FROM before_crash'),
	$max_before, 'ids generated before the crash survived it');

$node->safe_psql(
	'postgres', qq{
	$parallel
	CREATE TABLE after_crash AS
	SELECT typeid_generate('r') AS id FROM big WHERE g <= 50000;
	INSERT INTO after_crash SELECT typeid_generate('r');
});
is( $node->safe_psql(
		'postgres', q{
		SELECT count(*),
		       (SELECT min(id) FROM after_crash) > (SELECT max(id) FROM before_crash),
		       (SELECT min(typeid_timestamp(id)) FROM after_crash)
		         >= (SELECT max(typeid_timestamp(id)) FROM before_crash),
		       (SELECT min(id::text COLLATE "C") FROM after_crash)
		         > (SELECT max(id::text COLLATE "C") FROM before_crash)
		  FROM after_crash}),
	'50001|t|t|t',
	'ids generated after the restart sort after those generated before');
$node->stop;

done_testing();
