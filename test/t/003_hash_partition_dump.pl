# Hash partitioning by a typeid column survives pg_dump and restore.
#
# A table hash-partitioned by a typeid column (4 partitions) is filled with
# known ids (typeid_from_uuid over fixed UUIDs, with empty, short, and
# 63-byte prefixes).  The database is dumped in plain and custom format and
# restored into fresh databases on the same node and on a second node; every
# row must come back into the partition it was in, with the same data.  One
# dump is made with --load-via-partition-root, so its rows are routed again
# by the restoring server's hash function rather than copied into their
# leaf partitions.
#
# The typeid hash is hash_any over the canonical byte image (the 16 UUID
# bytes, then the prefix bytes); a bytea-partitioned twin table, which core
# PostgreSQL hashes with hash_any over its bytes, must put every value into
# the same partition.  That pins the partition layout independently of the
# extension.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $long = 'a' . ('b_' x 30) . 'cd';    # a 63-byte prefix

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

my $other = PostgreSQL::Test::Cluster->new('other');
$other->init;
$other->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql(
	'src', qq{
	CREATE EXTENSION activemodel;

	CREATE TABLE parts (id typeid PRIMARY KEY, n int NOT NULL, label text)
	  PARTITION BY HASH (id);
	CREATE TABLE bytes_parts (k bytea NOT NULL, id typeid NOT NULL)
	  PARTITION BY HASH (k);
	DO \$\$
	BEGIN
	  FOR r IN 0..3 LOOP
	    EXECUTE format('CREATE TABLE parts_%s PARTITION OF parts
	                    FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r);
	    EXECUTE format('CREATE TABLE bytes_parts_%s PARTITION OF bytes_parts
	                    FOR VALUES WITH (MODULUS 4, REMAINDER %s)', r, r);
	  END LOOP;
	END
	\$\$;

	INSERT INTO parts
	SELECT typeid_from_uuid(p, md5('activemodel ' || g)::uuid), g,
	       'row ' || g || ' prefix "' || p || '"'
	  FROM generate_series(1, 1000) g,
	       LATERAL (SELECT (ARRAY['', 'user', 'a_b', '$long'])[g % 4 + 1] AS p) s;
	INSERT INTO parts VALUES
	  ('user_01h455vb4pex5vsknk084sn02q', 1001, 'spec example'),
	  ('00000000000000000000000000', 1002, 'nil, empty prefix'),
	  ('7zzzzzzzzzzzzzzzzzzzzzzzzz', 1003, 'max, empty prefix'),
	  ('${long}_7zzzzzzzzzzzzzzzzzzzzzzzzz', 1004, '90 bytes');

	INSERT INTO bytes_parts
	SELECT decode(replace(typeid_uuid(id)::text, '-', ''), 'hex')
	       || convert_to(typeid_prefix(id), 'UTF8'), id
	  FROM parts;
});

# Queries whose output must be the same in every copy.
my %query = (
	layout => 'SELECT id, tableoid::regclass FROM parts ORDER BY id',
	data => 'SELECT * FROM parts ORDER BY id',
	hashes => q{SELECT id, typeid_hash(id), typeid_hash_extended(id, 0),
	                   typeid_hash_extended(id, 8816678312871386365)
	              FROM parts ORDER BY id},
	twin => 'SELECT k, id, tableoid::regclass FROM bytes_parts ORDER BY k',
	counts => q{SELECT tableoid::regclass, count(*) FROM parts
	             GROUP BY 1 ORDER BY 1},);

my %expected = map { $_ => $node->safe_psql('src', $query{$_}) } keys %query;

my @partition_counts = split /\n/, $expected{counts};
is(scalar(@partition_counts), 4, "rows in all 4 partitions (@partition_counts)");
is($node->safe_psql('src', 'SELECT count(*) FROM parts'),
	'1004', 'source has 1004 rows');

# Checks that the typeid partitioning agrees with the bytea twin's.
my $twin_mismatches = q{
	SELECT count(*) FROM parts p JOIN bytes_parts b USING (id)
	 WHERE substring(p.tableoid::regclass::text FROM '_(\d)$')
	    <> substring(b.tableoid::regclass::text FROM '_(\d)$')};
my $twin_matches = q{SELECT count(*) FROM parts p JOIN bytes_parts b USING (id)};

is($node->safe_psql('src', $twin_matches), '1004', 'source: twin holds every id');
is($node->safe_psql('src', $twin_mismatches),
	'0',
	'source: each typeid is in the partition that hash_any over its UUID and prefix bytes picks');

# Partition pruning computes the same hash at plan time.
my $probe = "${long}_7zzzzzzzzzzzzzzzzzzzzzzzzz";
my $probe_partition = $node->safe_psql('src',
	"SELECT tableoid::regclass FROM parts WHERE id = '$probe'");
like($probe_partition, qr/^parts_[0-3]$/, "probe row is in $probe_partition");

my $dir = PostgreSQL::Test::Utils::tempdir;
my %dump = (
	plain => [ '--format=plain', "--file=$dir/plain.sql" ],
	custom => [ '--format=custom', "--file=$dir/custom.dump" ],
	rooted => [
		'--format=plain', '--load-via-partition-root', "--file=$dir/rooted.sql"
	],);
foreach my $kind (sort keys %dump)
{
	$node->command_ok([ 'pg_dump', '--no-sync', @{ $dump{$kind} }, 'src' ],
		"pg_dump $kind");
}

sub restore
{
	my ($target, $db, $kind) = @_;
	$target->safe_psql('postgres', "CREATE DATABASE $db");
	if ($kind eq 'custom')
	{
		$target->command_ok(
			[ 'pg_restore', '--exit-on-error', '-d', $db, "$dir/custom.dump" ],
			"pg_restore custom dump into $db on " . $target->name);
	}
	else
	{
		$target->command_ok(
			[
				'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $db,
				'-f', "$dir/$kind.sql"
			],
			"psql restores $kind dump into $db on " . $target->name);
	}
	return;
}

my @copies = (
	[ $node,  'plain_copy',  'plain' ],
	[ $node,  'custom_copy', 'custom' ],
	[ $other, 'plain_copy',  'plain' ],
	[ $other, 'custom_copy', 'custom' ],
	[ $other, 'rooted_copy', 'rooted' ],);

foreach my $copy (@copies)
{
	my ($target, $db, $kind) = @$copy;
	my $where = "$db on " . $target->name;

	restore($target, $db, $kind);

	foreach my $q (sort keys %query)
	{
		is($target->safe_psql($db, $query{$q}),
			$expected{$q}, "$where: $q is the same as in the source");
	}
	is($target->safe_psql($db, $twin_mismatches),
		'0', "$where: typeid and bytea twin still agree");

	like(
		$target->safe_psql(
			$db,
			"EXPLAIN (COSTS OFF) SELECT * FROM parts WHERE id = '$probe'"),
		qr/\A[^\n]*\bon $probe_partition\b[^\n]*(\n\s+.*)*\z/,
		"$where: pruning picks $probe_partition for the probe");

	# New rows are routed like the old ones.
	$target->safe_psql(
		$db, q{
		CREATE TABLE reinserted AS SELECT * FROM parts;
		TRUNCATE parts;
		INSERT INTO parts SELECT * FROM reinserted;
	});
	is($target->safe_psql($db, $query{layout}),
		$expected{layout}, "$where: rows inserted again land in the same partitions");
}

$other->stop;
$node->stop;

done_testing();
