# Prefix-checked columns across clusters: deterministic type modifiers, a
# streaming standby, read-only use, and pg_dump / pg_restore.
#
# typeid('prefix') is stored as an int4 typmod that is a pure function of
# the prefix; prefixes longer than 6 bytes are also recorded in
# am.typeid_prefixes so they can be printed and collisions refused.  This
# checks that two unrelated clusters agree on the numbers, that a standby
# reads the registry (and refuses to register a new long prefix with a
# clear error), and that a dump restores the columns with their prefixes.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;

my $other = PostgreSQL::Test::Cluster->new('other');
$other->init;
$other->start;

my $schema = q{
	CREATE EXTENSION activemodel;
	CREATE TABLE orgs (id typeid('org') PRIMARY KEY DEFAULT typeid_generate('org'));
	CREATE TABLE invoices (
		id typeid('invoice') PRIMARY KEY DEFAULT typeid_generate('invoice'),
		org_id typeid('org') NOT NULL REFERENCES orgs,
		line typeid('invoice_line'),
		any_id typeid
	);
};
my $typmods = q{
	SELECT string_agg(attname || '=' || atttypmod || ':' || format_type(atttypid, atttypmod), ' '
					  ORDER BY attrelid::regclass::text, attnum)
	FROM pg_attribute
	WHERE attrelid IN ('orgs'::regclass, 'invoices'::regclass) AND attnum > 0};

# the same typmods in two unrelated clusters, whatever order prefixes are
# first used in
$primary->safe_psql('postgres', $schema);
$other->safe_psql('postgres',
	"CREATE EXTENSION activemodel; CREATE TABLE first_use (a typeid('invoice_line'), b typeid('zz'));"
	  . $schema =~ s/CREATE EXTENSION activemodel;//r);
is( $other->safe_psql('postgres', $typmods),
	$primary->safe_psql('postgres', $typmods),
	'two clusters give the same typmods');
like(
	$primary->safe_psql('postgres', $typmods),
	qr/id=12271:typeid\('org'\).*line=\d+:typeid\('invoice_line'\)/,
	'typmods print back as their prefixes');

$primary->safe_psql(
	'postgres', q{
	INSERT INTO orgs VALUES ('org_01h455vb4pex5vsknk084sn02q');
	INSERT INTO invoices (org_id, line, any_id)
	SELECT 'org_01h455vb4pex5vsknk084sn02q', typeid_generate(), typeid_generate('x')
	FROM generate_series(1, 100);
});

# a streaming standby reads registered prefixes
$primary->backup('backup');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->start;
$primary->safe_psql('postgres',
	"INSERT INTO invoices (org_id) VALUES ('org_01h455vb4pex5vsknk084sn02q')");
$primary->wait_for_catchup($standby);

is($standby->safe_psql('postgres', $typmods),
	$primary->safe_psql('postgres', $typmods),
	'the standby prints the same column types');
is( $standby->safe_psql(
		'postgres',
		"SELECT '01h455vb4pex5vsknk084sn02q'::typeid('invoice_line'), 'zz_01h455vb4pex5vsknk084sn02q'::typeid('zz')"
	),
	'invoice_line_01h455vb4pex5vsknk084sn02q|zz_01h455vb4pex5vsknk084sn02q',
	'registered long and unregistered short prefixes work on the standby');
is($standby->safe_psql('postgres', 'SELECT count(*) FROM invoices'),
	'101', 'the standby has the rows');
my ($ret, $out, $err) = $standby->psql('postgres',
	"SELECT 'receipt_01h455vb4pex5vsknk084sn02q'::typeid('receipt')");
isnt($ret, 0, 'a new long prefix fails on the standby');
like(
	$err,
	qr/typeid prefix "receipt" is not registered in this database.*HINT:  Use the prefix once in a read-write transaction on the primary/s,
	'with a clear error');
($ret, $out, $err) = $standby->psql('postgres',
	"SELECT 'org_01h455vb4pex5vsknk084sn02q'::typeid('invoice')");
like(
	$err,
	qr/typeid prefix "org" does not match type typeid\('invoice'\)/,
	'the standby checks prefixes');

# dump and restore, plain into this cluster and custom into another
my $tempdir = PostgreSQL::Test::Utils::tempdir;
$primary->command_ok(
	[ 'pg_dump', '-d', $primary->connstr('postgres'), '-f', "$tempdir/plain.sql" ],
	'plain dump');
$primary->command_ok(
	[ 'pg_dump', '-Fc', '-d', $primary->connstr('postgres'), '-f', "$tempdir/custom.dump" ],
	'custom dump');
my $dump = slurp_file("$tempdir/plain.sql");
like($dump, qr/line public\.typeid\('invoice_line'\)/, 'the dump names the prefixes');
unlike($dump, qr/typeid_prefixes/, 'the registry itself is not dumped');

$primary->safe_psql('postgres', 'CREATE DATABASE restored');
$primary->command_ok(
	[ 'psql', '-X', '-v', 'ON_ERROR_STOP=1', '-q', '-d', $primary->connstr('restored'), '-f', "$tempdir/plain.sql" ],
	'plain restore');
my $fresh = PostgreSQL::Test::Cluster->new('fresh');
$fresh->init;
$fresh->start;
$fresh->safe_psql('postgres', 'CREATE DATABASE restored');
$fresh->command_ok(
	[ 'pg_restore', '--exit-on-error', '-d', $fresh->connstr('restored'), "$tempdir/custom.dump" ],
	'custom restore into a fresh cluster');

my $data = 'SELECT string_agg(i::text, E\'\n\' ORDER BY id) FROM invoices i';
for my $copy ([ $primary, 'same cluster' ], [ $fresh, 'fresh cluster' ])
{
	my ($node, $name) = @$copy;
	is($node->safe_psql('restored', $typmods),
		$primary->safe_psql('postgres', $typmods),
		"$name: column types restored");
	is($node->safe_psql('restored', $data),
		$primary->safe_psql('postgres', $data),
		"$name: data restored");
	is( $node->safe_psql('restored',
			'SELECT prefix FROM am.typeid_prefixes ORDER BY prefix'),
		"invoice\ninvoice_line",
		"$name: long prefixes registered again by the restore");
	($ret, $out, $err) = $node->psql('restored',
		"INSERT INTO invoices (org_id) VALUES ('x_01h455vb4pex5vsknk084sn02q')");
	like($err, qr/typeid prefix "x" does not match type typeid\('org'\)/,
		"$name: prefixes still checked");
}

done_testing();
