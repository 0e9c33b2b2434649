# Registered hooks survive pg_dump and restore.
#
# A database with hooks on a plain table (in a schema and under a name that
# need quoting), on a partitioned table, with priorities, a renamed hook
# function and a timing without hooks is dumped in plain and custom format
# and restored into fresh databases on the same node and on another node.
# Each copy must list the same hooks in am.hooks, have the same dispatch
# triggers with the same dependencies on the hook functions (recorded by the
# event trigger on CREATE TRIGGER, as the restore creates the triggers after
# loading the registry), refuse to drop a hook function without CASCADE, not
# have run hooks while loading the data, and run the hooks on new writes
# exactly as the source does.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

my $other = PostgreSQL::Test::Cluster->new('other');
$other->init;
$other->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql(
	'src', q{
	CREATE EXTENSION activemodel;
	CREATE SCHEMA "App";
	CREATE TABLE "App"."User List" (id int PRIMARY KEY, email text, note text);
	CREATE TABLE hook_log (n serial, event text, row_text text);

	CREATE FUNCTION "App".lower_email(new "App"."User List") RETURNS "App"."User List"
	LANGUAGE plpgsql AS $$
	BEGIN new.email := lower(new.email); RETURN new; END $$;
	CREATE FUNCTION "App".stamp(new "App"."User List", old "App"."User List") RETURNS "App"."User List"
	LANGUAGE plpgsql AS $$
	BEGIN new.note := coalesce(old.note || '>', '') || am.hook_event(); RETURN new; END $$;
	CREATE FUNCTION public.log_it(new "App"."User List") RETURNS void
	LANGUAGE plpgsql AS $$
	BEGIN INSERT INTO hook_log (event, row_text) VALUES (am.hook_event(), new::text); END $$;

	SELECT am.add_hook('"App"."User List"', 'before_save', '"App".lower_email("App"."User List")', 10);
	SELECT am.add_hook('"App"."User List"', 'before_save', '"App".stamp("App"."User List", "App"."User List")');
	SELECT am.add_hook('"App"."User List"', 'after_create', 'log_it("App"."User List")');
	SELECT am.add_hook('"App"."User List"', 'after_commit', 'log_it("App"."User List")', -1);

	-- a renamed function is dumped under its new name
	CREATE FUNCTION log_old_name(new "App"."User List") RETURNS void
	LANGUAGE plpgsql AS $$
	BEGIN INSERT INTO hook_log (event, row_text) VALUES (am.hook_event() || ' (renamed)', new::text); END $$;
	SELECT am.add_hook('"App"."User List"', 'after_destroy', 'log_old_name("App"."User List")');
	ALTER FUNCTION log_old_name("App"."User List") RENAME TO log_new_name;

	CREATE TABLE parted (id int, kind text, note text) PARTITION BY LIST (kind);
	CREATE TABLE parted_a PARTITION OF parted FOR VALUES IN ('a');
	CREATE TABLE parted_b PARTITION OF parted FOR VALUES IN ('b');
	CREATE FUNCTION parted_upper(new parted) RETURNS parted LANGUAGE plpgsql AS $$
	BEGIN new.note := upper(new.note); RETURN new; END $$;
	SELECT am.add_hook('parted', 'before_create', 'parted_upper(parted)');

	INSERT INTO "App"."User List" VALUES (1, 'ANN@EXAMPLE.COM'), (2, 'Bob@Example.com');
	UPDATE "App"."User List" SET email = 'BOBBY@example.com' WHERE id = 2;
	DELETE FROM "App"."User List" WHERE id = 1;
	INSERT INTO parted VALUES (1, 'a', 'one'), (2, 'b', 'two');
});

my %query = (
	hooks => 'SELECT * FROM am.hooks',
	registry => 'SELECT * FROM am.hook_registry ORDER BY tbl::text, event, fn_name',
	triggers => q{SELECT tgrelid::regclass, pg_get_triggerdef(oid) FROM pg_trigger
	              WHERE tgname LIKE 'am_hooks%' ORDER BY 1, 2},
	dependencies => q{SELECT t.tgrelid::regclass, t.tgname, d.refobjid::regprocedure
	                  FROM pg_depend d JOIN pg_trigger t ON t.oid = d.objid
	                  WHERE d.classid = 'pg_trigger'::regclass
	                    AND d.refclassid = 'pg_proc'::regclass AND d.deptype = 'n'
	                    AND t.tgname LIKE 'am_hooks%' AND t.tgparentid = 0
	                  ORDER BY t.tgrelid::regclass::text, t.tgname,
	                           d.refobjid::regprocedure::text},
	users => 'SELECT * FROM "App"."User List" ORDER BY id',
	parted => 'SELECT tableoid::regclass, * FROM parted ORDER BY id',
	log => 'SELECT * FROM hook_log ORDER BY n',);

# Writes run after the restore, and what they must leave behind.
my $writes = q{
	INSERT INTO "App"."User List" VALUES (3, 'CY@EXAMPLE.COM');
	UPDATE "App"."User List" SET email = 'Cyrus@Example.com' WHERE id = 3;
	DELETE FROM "App"."User List" WHERE id = 2;
	INSERT INTO parted VALUES (3, 'b', 'three');
};
my %after_writes = (
	users => 'SELECT * FROM "App"."User List" ORDER BY id',
	parted => 'SELECT tableoid::regclass, * FROM parted ORDER BY id',
	log => 'SELECT event, row_text FROM hook_log ORDER BY n',);

my %expected = map { $_ => $node->safe_psql('src', $query{$_}) } keys %query;
like($expected{hooks}, qr/"App"."User List"\|before_save\|"App".lower_email\("App"."User List"\)\|10/,
	'source lists its hooks');
like($expected{users}, qr/^2\|bobby\@example.com\|before_save>before_save$/m,
	'source ran its hooks');
like($expected{dependencies}, qr/am_hooks_before\|"App".lower_email\("App"."User List"\)/,
	'source: the dispatch trigger depends on a hook function');

my $dir = PostgreSQL::Test::Utils::tempdir;
$node->command_ok(
	[ 'pg_dump', '--no-sync', '--format=plain', "--file=$dir/plain.sql", 'src' ],
	'pg_dump plain');
$node->command_ok(
	[ 'pg_dump', '--no-sync', '--format=custom', "--file=$dir/custom.dump", 'src' ],
	'pg_dump custom');

# The source's own response to the same writes.
$node->safe_psql('postgres', 'CREATE DATABASE reference TEMPLATE src');
$node->safe_psql('reference', $writes);
my %expected_after = map { $_ => $node->safe_psql('reference', $after_writes{$_}) }
  keys %after_writes;
like($expected_after{log}, qr/after_destroy \(renamed\)/, 'reference ran the renamed hook');

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

foreach my $copy ([ $node, 'plain_copy', 'plain' ], [ $node, 'custom_copy', 'custom' ],
	[ $other, 'plain_copy', 'plain' ], [ $other, 'custom_copy', 'custom' ])
{
	my ($target, $db, $kind) = @$copy;
	my $where = "$db on " . $target->name;

	restore($target, $db, $kind);
	foreach my $q (sort keys %query)
	{
		is($target->safe_psql($db, $query{$q}),
			$expected{$q}, "$where: $q as in the source");
	}

	my ($ret, $stdout, $stderr) =
	  $target->psql($db, 'DROP FUNCTION "App".lower_email("App"."User List")');
	isnt($ret, 0, "$where: a hook function is not dropped without CASCADE");
	like(
		$stderr,
		qr/cannot drop function .*lower_email.* because other objects depend on it/,
		"$where: with core's dependency error");

	$target->safe_psql($db, $writes);
	foreach my $q (sort keys %after_writes)
	{
		is($target->safe_psql($db, $after_writes{$q}),
			$expected_after{$q}, "$where: hooks ran on new writes ($q)");
	}
}

$other->stop;
$node->stop;

done_testing();
