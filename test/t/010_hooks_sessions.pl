# Lifecycle hooks across sessions and at COMMIT.
#
# Session A keeps one connection open and writes rows, so its hook cache is
# warm; session B adds, replaces and removes hooks and commits.  A's next
# statement must run exactly the hooks registered at that moment: the
# registry changes reach A through relcache and pg_proc invalidations, for a
# plain table and for a partition whose trigger names its parent.
#
# The same when a superuser changes the registry by hand (or a data-only
# restore does): its statement trigger invalidates the sessions' caches.
#
# after_commit hooks run at COMMIT, inside the committing transaction: not
# before COMMIT, never after ROLLBACK (nor for rows of a rolled-back
# savepoint), and an error in one makes COMMIT fail and roll back.  After
# PREPARE TRANSACTION they run at PREPARE (pinned; see the README).
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('hooks');
$node->init;
$node->append_conf('postgresql.conf', 'max_prepared_transactions = 2');
$node->start;

$node->safe_psql(
	'postgres', q{
	CREATE EXTENSION activemodel;
	CREATE TABLE items (id int PRIMARY KEY, name text, note text);
	CREATE TABLE hook_log (n serial, event text, id int, xid xid8);

	-- before hooks append a letter to note; their order shows in the result
	CREATE FUNCTION note_a(new items) RETURNS items LANGUAGE plpgsql AS $$
	BEGIN new.note := coalesce(new.note, '') || 'a'; RETURN new; END $$;
	CREATE FUNCTION note_b(new items) RETURNS items LANGUAGE plpgsql AS $$
	BEGIN new.note := coalesce(new.note, '') || 'b'; RETURN new; END $$;
	CREATE FUNCTION log_row(new items) RETURNS void LANGUAGE plpgsql AS $$
	BEGIN
		INSERT INTO hook_log (event, id, xid) VALUES (am.hook_event(), new.id, pg_current_xact_id());
	END $$;

	CREATE TABLE parted (id int, kind text, note text) PARTITION BY LIST (kind);
	CREATE TABLE parted_x PARTITION OF parted FOR VALUES IN ('x');
	CREATE FUNCTION parted_a(new parted) RETURNS parted LANGUAGE plpgsql AS $$
	BEGIN new.note := coalesce(new.note, '') || 'a'; RETURN new; END $$;
	CREATE FUNCTION parted_b(new parted) RETURNS parted LANGUAGE plpgsql AS $$
	BEGIN new.note := coalesce(new.note, '') || 'b'; RETURN new; END $$;

	SELECT am.add_hook('items', 'before_save', 'note_a(items)');
	SELECT am.add_hook('parted', 'before_save', 'parted_a(parted)');
});

my $a = $node->background_psql('postgres', on_error_stop => 0);

# A runs a statement writing row $id and returns the note its hooks left.
sub a_insert
{
	my ($id) = @_;
	return $a->query_safe(
		"INSERT INTO items (id, name) VALUES ($id, 'row $id') RETURNING note");
}

is(a_insert(1), 'a', 'A: before_save hook runs');
is(a_insert(2), 'a', 'A: cached hooks run again');

# B adds a hook and commits: A's next statement runs it.
$node->safe_psql('postgres',
	q{SELECT am.add_hook('items', 'before_save', 'note_b(items)')});
is(a_insert(3), 'ab', 'A: hook added by B after commit runs, in priority/name order');

# B changes the order with priorities.
$node->safe_psql(
	'postgres', q{
	SELECT am.remove_hook('items', 'before_save', 'note_b(items)');
	SELECT am.add_hook('items', 'before_save', 'note_b(items)', priority => 1);
});
is(a_insert(4), 'ba', 'A: new priority seen');

# B replaces a hook function's body.
$node->safe_psql(
	'postgres', q{
	CREATE OR REPLACE FUNCTION note_b(new items) RETURNS items LANGUAGE plpgsql AS $$
	BEGIN new.note := coalesce(new.note, '') || 'B'; RETURN new; END $$;
});
is(a_insert(5), 'Ba', 'A: replaced function body runs');

# B adds the first after hook: a new trigger.
$node->safe_psql('postgres',
	q{SELECT am.add_hook('items', 'after_create', 'log_row(items)')});
a_insert(6);
is($node->safe_psql('postgres', 'SELECT event, id FROM hook_log ORDER BY n'),
	'after_create|6', 'A: first after hook added by B runs');

# B removes hooks; removed hooks stop at once.
$node->safe_psql(
	'postgres', q{
	SELECT am.remove_hook('items', 'before_save', 'note_a(items)');
	SELECT am.remove_hook('items', 'after_create', 'log_row(items)');
});
is(a_insert(7), 'B', 'A: hook removed by B no longer runs');
is($node->safe_psql('postgres', 'SELECT count(*) FROM hook_log'),
	'1', 'A: removed after hook no longer runs');
is( $node->safe_psql(
		'postgres',
		q{SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger
		  WHERE tgrelid = 'items'::regclass}),
	'am_hooks_before',
	'the AFTER trigger went with the last after hook');

# A renamed function keeps running (B renames it; A's cache is rebuilt).
$node->safe_psql('postgres', 'ALTER FUNCTION note_b(items) RENAME TO note_big_b');
is(a_insert(8), 'B', 'A: renamed hook function still runs');

# A writes to a partition directly; its cloned trigger names the parent.
is( $a->query_safe(
		q{INSERT INTO parted_x VALUES (1, 'x') RETURNING note}),
	'a',
	'A: partition runs the parent\'s hook');
$node->safe_psql('postgres',
	q{SELECT am.add_hook('parted', 'before_save', 'parted_b(parted)')});
is( $a->query_safe(
		q{INSERT INTO parted_x VALUES (2, 'x') RETURNING note}),
	'ab',
	'A: hook added to the parent by B runs for the partition');

# A superuser writes the registry directly: A's next statement follows.
$node->safe_psql('postgres',
	q{INSERT INTO am.hook_registry VALUES ('items', 'before_save', 'public', 'note_a', 1, 50)});
is(a_insert(20), 'Ba', 'A: hook inserted into the registry by hand runs');
$node->safe_psql('postgres',
	q{DELETE FROM am.hook_registry WHERE tbl = 'items'::regclass AND fn_name = 'note_a'});
is(a_insert(21), 'B', 'A: hook deleted from the registry by hand no longer runs');

# A session with hooks off.
$a->query_safe('SET activemodel.hooks = off');
is(a_insert(9), '', 'A: activemodel.hooks = off skips hooks');
$a->query_safe('RESET activemodel.hooks');

#
# after_commit
#
$node->safe_psql(
	'postgres', q{
	TRUNCATE hook_log;
	SELECT am.remove_hook('items', 'before_save', 'note_big_b(items)');
	SELECT am.add_hook('items', 'after_commit', 'log_row(items)');
	SELECT am.add_hook('items', 'after_create_commit', 'log_row(items)');
});

$a->query_safe('BEGIN');
a_insert(10);
$a->query_safe(q{UPDATE items SET name = 'ten' WHERE id = 10});
is($a->query_safe('SELECT count(*) FROM hook_log'),
	'0', 'after_commit: nothing before COMMIT, even in the writing session');
my $xid = $a->query_safe('SELECT pg_current_xact_id()');
$a->query_safe('COMMIT');
is( $node->safe_psql(
		'postgres', 'SELECT string_agg(event || \':\' || id, \' \' ORDER BY n) FROM hook_log'),
	'after_create_commit:10 after_commit:10 after_commit:10',
	'after_commit: at COMMIT, per write, after_create_commit before after_commit');
is( $node->safe_psql(
		'postgres', "SELECT count(*) FROM hook_log WHERE xid = '$xid'"),
	'3',
	'after_commit: hooks ran inside the committing transaction');

$node->safe_psql('postgres', 'TRUNCATE hook_log');
$a->query_safe('BEGIN');
a_insert(11);
$a->query_safe('ROLLBACK');
$a->query_safe('BEGIN');
$a->query_safe('SAVEPOINT s');
a_insert(12);
$a->query_safe('ROLLBACK TO SAVEPOINT s');
a_insert(13);
$a->query_safe('COMMIT');
is( $node->safe_psql(
		'postgres', 'SELECT string_agg(event || \':\' || id, \' \' ORDER BY n) FROM hook_log'),
	'after_create_commit:13 after_commit:13',
	'after_commit: never after ROLLBACK, nor for a rolled-back savepoint');

# An error in a commit hook makes COMMIT fail: nothing of the transaction stays.
$node->safe_psql(
	'postgres', q{
	TRUNCATE hook_log;
	CREATE FUNCTION refuse(new items) RETURNS void LANGUAGE plpgsql AS $$
	BEGIN
		IF new.name = 'refused' THEN
			RAISE EXCEPTION 'row % refused at commit', new.id;
		END IF;
	END $$;
	SELECT am.add_hook('items', 'after_commit', 'refuse(items)', priority => 200);
});
$a->query_safe('BEGIN');
$a->query_safe(q{INSERT INTO items VALUES (14, 'fine'), (15, 'refused')});
my ($out, $failed) = $a->query('COMMIT');
ok($failed, 'after_commit: COMMIT fails when a hook raises');
like($a->{stderr}, qr/ERROR:  row 15 refused at commit/, 'after_commit: with the hook\'s error');
like($a->{stderr}, qr/after_commit hook public\.refuse\(public\.items\) of table public\.items/,
	'after_commit: the context names the hook');
$a->{stderr} = '';
is($a->query_safe('SELECT count(*) FROM items WHERE id IN (14, 15)'),
	'0', 'after_commit: the failed transaction wrote no rows');
is($node->safe_psql('postgres', 'SELECT count(*) FROM hook_log'),
	'0', 'after_commit: nor anything its hooks wrote');
is($a->query_safe('SELECT 1'), '1', 'A: the session is usable after the failed COMMIT');

# PREPARE TRANSACTION runs the deferred triggers, so the commit hooks run at
# PREPARE, inside the transaction being prepared: an error there makes
# PREPARE fail, and what they wrote commits with COMMIT PREPARED, which runs
# no hooks.
$a->query_safe('BEGIN');
$a->query_safe(q{INSERT INTO items VALUES (16, 'refused')});
($out, $failed) = $a->query(q{PREPARE TRANSACTION 'hooks_refused'});
ok($failed, 'PREPARE: fails when a commit hook raises');
like($a->{stderr}, qr/ERROR:  row 16 refused at commit/, 'PREPARE: with the hook\'s error');
$a->{stderr} = '';
is($node->safe_psql('postgres', 'SELECT count(*) FROM pg_prepared_xacts'),
	'0', 'PREPARE: nothing was prepared');

$a->query_safe('BEGIN');
a_insert(17);
$xid = $a->query_safe('SELECT pg_current_xact_id()');
$a->query_safe(q{PREPARE TRANSACTION 'hooks_prepared'});
is($node->safe_psql('postgres', 'SELECT count(*) FROM hook_log'),
	'0', 'PREPARE: what the hooks wrote waits for COMMIT PREPARED');
$node->safe_psql('postgres', q{COMMIT PREPARED 'hooks_prepared'});
is( $node->safe_psql(
		'postgres',
		"SELECT string_agg(event || ':' || id, ' ' ORDER BY n) FROM hook_log WHERE xid = '$xid'"),
	'after_create_commit:17 after_commit:17',
	'PREPARE: the commit hooks ran at PREPARE, in the prepared transaction');

$a->quit;
$node->stop;

done_testing();
