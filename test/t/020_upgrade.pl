# Upgrades: 1.0 + ALTER EXTENSION activemodel UPDATE is the same as a fresh
# install of the current version, object for object (test/sql/
# extension_objects.sql lists each member with its definition, privileges
# and comment); a 1.0 database whose hooks, prefix-checked columns and
# timestamps are in use keeps them working across the update, in the
# session that updates and in new ones; and DROP EXTENSION ... CASCADE
# followed by CREATE EXTENSION works in a session whose caches hold hooks
# and long-prefix typmods.
use strict;
use warnings;

use File::Basename;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $objects_sql = slurp_file(dirname(__FILE__) . '/../sql/extension_objects.sql');

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->start;

my $current = $node->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'activemodel'});
my @versions = split /\n/, $node->safe_psql('postgres',
	q{SELECT version FROM pg_available_extension_versions WHERE name = 'activemodel' ORDER BY version});
ok(scalar(@versions) >= 2, "versions available: @versions");

# every released version, updated to the current one, equals a fresh install
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION activemodel');
my $fresh = $node->safe_psql('fresh', $objects_sql);
like($fresh, qr/function am\.add_hook/, 'the object list is not empty');
foreach my $from (grep { $_ ne $current } @versions)
{
	my $db = "from_$from";
	$db =~ s/\./_/g;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION activemodel VERSION '$from'");
	$node->safe_psql($db, 'ALTER EXTENSION activemodel UPDATE');
	is($node->safe_psql($db, q{SELECT extversion FROM pg_extension WHERE extname = 'activemodel'}),
		$current, "$from updated to $current");
	my $updated = $node->safe_psql($db, $objects_sql);
	if ($updated eq $fresh)
	{
		pass("$from + update has exactly the objects of a fresh $current");
	}
	else
	{
		my %f = map { $_ => 1 } split /\n/, $fresh;
		my %u = map { $_ => 1 } split /\n/, $updated;
		diag("only in the fresh install:\n" . join("\n", grep { !$u{$_} } split /\n/, $fresh));
		diag("only in the updated one:\n" . join("\n", grep { !$f{$_} } split /\n/, $updated));
		fail("$from + update has exactly the objects of a fresh $current");
	}
}

# a 1.0 database in use keeps working across the update
$node->safe_psql('postgres', 'CREATE DATABASE inuse');
$node->safe_psql(
	'inuse', q{
	CREATE EXTENSION activemodel VERSION '1.0';
	CREATE TABLE users (id typeid('user') PRIMARY KEY DEFAULT typeid_generate('user'),
	                    email text, note text);
	CREATE TABLE invoices (id typeid('invoice') PRIMARY KEY DEFAULT typeid_generate('invoice'),
	                       user_id typeid('user') REFERENCES users);
	SELECT am.add_timestamps('users');
	CREATE TABLE hook_log (event text, row_text text);
	CREATE FUNCTION lower_email(new users) RETURNS users LANGUAGE plpgsql AS $$
	BEGIN new.email := lower(new.email); RETURN new; END $$;
	CREATE FUNCTION log_it(new users) RETURNS void LANGUAGE plpgsql AS $$
	BEGIN INSERT INTO hook_log VALUES (am.hook_event(), new.email); END $$;
	SELECT am.add_hook('users', 'before_save', 'lower_email(users)');
	SELECT am.add_hook('users', 'after_create', 'log_it(users)');
	SELECT am.add_hook('users', 'after_commit', 'log_it(users)');
	INSERT INTO users (email) VALUES ('A@EXAMPLE.COM');
	INSERT INTO invoices (user_id) SELECT id FROM users;
});

# the session that updates has the 1.0 caches loaded
my $session = $node->background_psql('inuse');
$session->query_safe(q{INSERT INTO users (email) VALUES ('B@EXAMPLE.COM')});
$session->query_safe(q{INSERT INTO invoices (user_id) SELECT id FROM users LIMIT 1});
$session->query_safe('ALTER EXTENSION activemodel UPDATE');
$session->query_safe(q{INSERT INTO users (email) VALUES ('C@EXAMPLE.COM')});
$session->query_safe(q{INSERT INTO invoices (user_id) SELECT id FROM users LIMIT 1});
is( $session->query_safe(q{SELECT string_agg(email, ',' ORDER BY email) FROM users}),
	'a@example.com,b@example.com,c@example.com',
	'before hooks run in the updating session after the update');
$session->quit;

is( $node->safe_psql('inuse',
		q{SELECT string_agg(event || ':' || row_text, ',' ORDER BY row_text, event) FROM hook_log}),
	'after_commit:a@example.com,after_create:a@example.com,'
	  . 'after_commit:b@example.com,after_create:b@example.com,'
	  . 'after_commit:c@example.com,after_create:c@example.com',
	'after and commit hooks ran before and after the update');
$node->safe_psql('inuse', q{INSERT INTO users (email) VALUES ('D@EXAMPLE.COM')});
is($node->safe_psql('inuse', q{SELECT email FROM users WHERE email LIKE 'd%'}),
	'd@example.com', 'hooks run in a new session after the update');
is( $node->safe_psql('inuse',
		q{SELECT count(*) FROM users WHERE created_at IS NOT NULL AND updated_at IS NOT NULL}),
	'4', 'timestamps are kept across the update');
# the update changes no table: columns added by 1.0's am.add_timestamps keep
# DEFAULT now() until am.add_timestamps is called again (README, Upgrading)
my $defaults_sql = q{SELECT string_agg(a.attname || ' ' || pg_get_expr(d.adbin, d.adrelid), ', '
	ORDER BY a.attname) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid
	AND a.attnum = d.adnum WHERE d.adrelid = 'users'::regclass AND a.attname LIKE '%_at'};
is($node->safe_psql('inuse', $defaults_sql), 'created_at now(), updated_at now()',
	'the update keeps the defaults of existing timestamps columns');
$node->safe_psql('inuse', q{SELECT am.add_timestamps('users')});
is( $node->safe_psql('inuse', $defaults_sql),
	'created_at am.timestamp_now(), updated_at am.timestamp_now()',
	'am.add_timestamps after the update switches them to the clock setting');
is( $node->safe_psql('inuse',
		q{SET activemodel.timestamp_clock = 'statement';
		  BEGIN; DO $$BEGIN PERFORM pg_sleep(0.01); END$$;
		  INSERT INTO users (email) VALUES ('G@EXAMPLE.COM') RETURNING created_at > now();
		  ROLLBACK}),
	't', 'an INSERT then follows activemodel.timestamp_clock');

my ($ret, $out, $err) = $node->psql('inuse',
	q{INSERT INTO invoices (id) VALUES ('user_01h455vb4pex5vsknk084sn02q')});
like($err, qr/invoice/, 'a long-prefix column still refuses another prefix after the update');
is( $node->safe_psql('inuse',
		q{SELECT format_type(atttypid, atttypmod) FROM pg_attribute
		  WHERE attrelid = 'invoices'::regclass AND attname = 'id'}),
	q{typeid('invoice')}, 'long-prefix typmods still print after the update');
is( $node->safe_psql('inuse',
		q{SELECT count(*) FROM am.hooks WHERE "table" = 'users'::regclass}),
	'3', 'am.hooks lists the hooks after the update');

# DROP EXTENSION ... CASCADE and CREATE EXTENSION in a session that has
# used hooks and long-prefix typmods: the caches must not keep stale OIDs
$session = $node->background_psql('inuse');
$session->query_safe(q{INSERT INTO users (email) VALUES ('E@EXAMPLE.COM')});
$session->query_safe(q{SELECT NULL::typeid('invoice')});
$session->query_safe('SET client_min_messages = warning');
$session->query_safe('DROP EXTENSION activemodel CASCADE');
$session->query_safe('CREATE EXTENSION activemodel');
$session->query_safe(
	q{CREATE TABLE users2 (id typeid('invoice') PRIMARY KEY DEFAULT typeid_generate('invoice'), email text)});
$session->query_safe(q{CREATE FUNCTION lower_email2(new users2) RETURNS users2 LANGUAGE plpgsql AS $$
	BEGIN new.email := lower(new.email); RETURN new; END $$});
$session->query_safe(q{SELECT am.add_hook('users2', 'before_save', 'lower_email2(users2)')});
$session->query_safe(q{INSERT INTO users2 (email) VALUES ('F@EXAMPLE.COM')});
is($session->query_safe(q{SELECT email FROM users2}), 'f@example.com',
	'hooks work after DROP and CREATE EXTENSION in the same session');
is($session->query_safe(q{SELECT format_type(atttypid, atttypmod) FROM pg_attribute
		WHERE attrelid = 'users2'::regclass AND attname = 'id'}),
	q{typeid('invoice')}, 'long prefixes register again after DROP and CREATE EXTENSION');
$session->quit;

$node->stop;
done_testing();
