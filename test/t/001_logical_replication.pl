# Logical replication of typeid columns, in text and in binary mode.
#
# One publisher, one subscriber, both with the extension.  Each mode has its
# own publication, subscription and pair of tables: items_<mode> (typeid
# primary key) and events_<mode> (no key, REPLICA IDENTITY FULL, so the
# subscriber finds rows by comparing whole tuples with the type's equality).
# The initial data goes through the table sync (COPY, always text in PG 15),
# later changes through the apply worker: with binary = true those use
# typeid_send on the publisher and typeid_recv on the subscriber.
use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my @modes = ('text', 'bin');
my %binary = (text => 'false', bin => 'true');

# A 63-byte prefix (the maximum), which makes a 90-byte typeid.
my $long = 'a' . ('b_' x 30) . 'cd';
is(length($long), 63, 'long prefix is 63 bytes');

my @uuid = (
	'0188bac7-4afa-78aa-bc3b-bd1eef28d881',
	'018c4c5f-0d3e-7b2a-9f1e-5d6c7b8a9f01',
	'00000000-0000-0000-0000-000000000000',
	'ffffffff-ffff-ffff-ffff-ffffffffffff',
	'0190d4e1-1c1d-7a3b-8e5f-2a1b3c4d5e6f',
	'0190d4e1-1c1d-7a3b-8e5f-2a1b3c4d5e70');

my $publisher = PostgreSQL::Test::Cluster->new('publisher');
$publisher->init(allows_streaming => 'logical');
$publisher->start;

my $subscriber = PostgreSQL::Test::Cluster->new('subscriber');
$subscriber->init;
$subscriber->start;

# Make the type's OIDs differ between the nodes: nothing on the wire may
# depend on them (binary mode with a typeid[] column, for one).
$subscriber->safe_psql('postgres', 'CREATE TABLE shift_oids (a int)');

foreach my $node ($publisher, $subscriber)
{
	$node->safe_psql('postgres', 'CREATE EXTENSION activemodel');
	foreach my $m (@modes)
	{
		$node->safe_psql(
			'postgres', qq{
			CREATE TABLE items_$m (id typeid PRIMARY KEY, parent typeid,
			                       name text, qty int, tags typeid[]);
			CREATE TABLE events_$m (ev typeid NOT NULL, note text);
			ALTER TABLE events_$m REPLICA IDENTITY FULL;
		});
	}
}

# Rows present before the subscriptions exist: copied by the table sync.
foreach my $m (@modes)
{
	$publisher->safe_psql(
		'postgres', qq{
		INSERT INTO items_$m VALUES
		  (typeid_from_uuid('', '$uuid[0]'), NULL, 'empty prefix', 1,
		   ARRAY[typeid_from_uuid('', '$uuid[1]'), NULL, typeid_generate('tag')]),
		  (typeid_from_uuid('$long', '$uuid[1]'),
		   typeid_from_uuid('', '$uuid[0]'), 'long prefix', 2,
		   ARRAY[typeid_from_uuid('$long', '$uuid[0]')]),
		  ('user_01h455vb4pex5vsknk084sn02q', NULL, 'spec example', 3, NULL),
		  (typeid_from_uuid('nil', '$uuid[2]'), NULL, 'nil uuid', 4, NULL),
		  (typeid_from_uuid('max', '$uuid[3]'), NULL, 'max uuid', 5, NULL),
		  (typeid_generate('user'), NULL, 'generated', 6, NULL);
		INSERT INTO events_$m
		  SELECT typeid_generate('ev'), 'initial ' || g FROM generate_series(1, 5) g;
		CREATE PUBLICATION pub_$m FOR TABLE items_$m, events_$m;
	});
}

# A slot of our own to look at what pgoutput puts on the wire.
$publisher->safe_psql('postgres',
	"SELECT pg_create_logical_replication_slot('wire_check', 'pgoutput')");

my $pub_connstr = $publisher->connstr . ' dbname=postgres';
foreach my $m (@modes)
{
	$subscriber->safe_psql('postgres',
		    "CREATE SUBSCRIPTION sub_$m CONNECTION '$pub_connstr' "
		  . "PUBLICATION pub_$m WITH (binary = $binary{$m})");
}
$subscriber->wait_for_subscription_sync($publisher, "sub_$_") foreach @modes;

isnt(
	$publisher->safe_psql('postgres', "SELECT 'typeid'::regtype::oid"),
	$subscriber->safe_psql('postgres', "SELECT 'typeid'::regtype::oid"),
	'the type has different OIDs on the two nodes');

is( $subscriber->safe_psql(
		'postgres',
		"SELECT string_agg(subname || '=' || subbinary, ',' ORDER BY subname)
		   FROM pg_subscription"),
	'sub_bin=true,sub_text=false',
	'one subscription in binary mode, one in text mode');

sub table_dump
{
	my ($node, $table, $order) = @_;
	return $node->safe_psql('postgres',
		"SELECT * FROM $table ORDER BY $order");
}

sub compare_tables
{
	my ($label) = @_;
	foreach my $m (@modes)
	{
		my %order = ("items_$m" => 'id', "events_$m" => 'ev, note');
		foreach my $table (sort keys %order)
		{
			my $pub = table_dump($publisher, $table, $order{$table});
			my $sub = table_dump($subscriber, $table, $order{$table});
			isnt($pub, '', "$label: $table is not empty");
			is($sub, $pub, "$label: $table is the same on the subscriber");
		}
	}
}

compare_tables('after initial sync');

# Changes streamed by the apply workers: inserts, non-key updates, key
# updates (old key sent), deletes by key and by full tuple; values with an
# empty prefix and with a 63-byte prefix on both sides of each change.
foreach my $m (@modes)
{
	$publisher->safe_psql(
		'postgres', qq{
		INSERT INTO items_$m
		  SELECT typeid_generate('user'), NULL, 'bulk ' || g, g,
		         CASE WHEN g % 3 = 0 THEN ARRAY[typeid_generate('tag'), typeid_generate('')] END
		    FROM generate_series(1, 300) g;
		INSERT INTO items_$m
		  SELECT typeid_generate(''), typeid_generate('$long'), 'bulk empty ' || g, g
		    FROM generate_series(1, 50) g;
		INSERT INTO items_$m (id, parent, name, qty) VALUES
		  (typeid_from_uuid('', '$uuid[4]'), NULL, 'streamed empty prefix', 7),
		  (typeid_from_uuid('$long', '$uuid[5]'),
		   typeid_from_uuid('$long', '$uuid[1]'), 'streamed long prefix', 8);

		UPDATE items_$m SET qty = qty * 10, name = name || ' (updated)'
		 WHERE qty % 7 = 0;
		UPDATE items_$m SET tags = tags || typeid_from_uuid('$long', '$uuid[4]')
		 WHERE typeid_prefix(id) = '';
		UPDATE items_$m SET parent = id
		 WHERE typeid_prefix(id) = '' AND parent IS NULL;
		-- key changes: to and from the empty and the 63-byte prefix
		UPDATE items_$m SET id = typeid_from_uuid('$long', typeid_uuid(id))
		 WHERE name = 'spec example';
		UPDATE items_$m SET id = typeid_from_uuid('', typeid_uuid(id))
		 WHERE name = 'long prefix';
		UPDATE items_$m SET id = typeid_from_uuid('moved', typeid_uuid(id))
		 WHERE name = 'streamed empty prefix';

		DELETE FROM items_$m WHERE qty % 5 = 0 AND name LIKE 'bulk%';
		DELETE FROM items_$m WHERE id = typeid_from_uuid('nil', '$uuid[2]');
		DELETE FROM items_$m WHERE id = typeid_from_uuid('$long', '$uuid[5]');

		INSERT INTO events_$m VALUES
		  (typeid_from_uuid('', '$uuid[0]'), 'empty'),
		  (typeid_from_uuid('$long', '$uuid[1]'), 'long');
		UPDATE events_$m SET note = note || '!' WHERE note IN ('initial 2', 'long');
		UPDATE events_$m SET ev = typeid_from_uuid('', typeid_uuid(ev))
		 WHERE note = 'initial 3';
		DELETE FROM events_$m WHERE note IN ('initial 4', 'empty');
	});
}
$publisher->wait_for_catchup("sub_$_") foreach @modes;

compare_tables('after streamed changes');

foreach my $m (@modes)
{
	# the comparisons above mean something only if such keys made it
	my $counts = qq{
		SELECT count(*) FILTER (WHERE typeid_prefix(id) = ''),
		       count(*) FILTER (WHERE typeid_prefix(id) = '$long'),
		       count(*) FILTER (WHERE octet_length(id::text) = 90),
		       count(*) FILTER (WHERE typeid_prefix(parent) = '$long')
		  FROM items_$m};
	my $sub_counts = $subscriber->safe_psql('postgres', $counts);
	is($sub_counts, $publisher->safe_psql('postgres', $counts),
		"$m: same number of empty-prefix and 63-byte-prefix values");
	like($sub_counts, qr/^[1-9]\d*\|[1-9]\d*\|[1-9]\d*\|[1-9]\d*$/,
		"$m: subscriber has empty-prefix and 63-byte-prefix keys");
	is( $subscriber->safe_psql(
			'postgres',
			"SELECT count(*) FROM items_$m
			  WHERE id = typeid_from_uuid('$long', '01h455vb4pex5vsknk084sn02q'::typeid::uuid)"),
		'1',
		"$m: key moved to the 63-byte prefix is found by an index lookup");
}

# What went over the wire: in binary mode a typeid column is sent as
# 'b' + int4 length + typeid_send's bytes (the canonical text), in text
# mode as 't' + int4 length + the text.
my $long_id = $publisher->safe_psql('postgres',
	"SELECT typeid_from_uuid('$long', '$uuid[5]')::text");
foreach my $m (@modes)
{
	my $kind = $binary{$m} eq 'true' ? 'b' : 't';
	is( $publisher->safe_psql(
			'postgres', qq{
			SELECT count(*) FROM pg_logical_slot_peek_binary_changes(
			         'wire_check', NULL, NULL,
			         'proto_version', '1', 'publication_names', 'pub_$m',
			         'binary', '$binary{$m}')
			 WHERE position(convert_to('$kind', 'UTF8')
			                || int4send(octet_length('$long_id'))
			                || convert_to('$long_id', 'UTF8') IN data) > 0}),
		# its INSERT and its DELETE (by key)
		'2',
		"$m: pgoutput sends the 90-byte typeid as column kind '$kind'");
}
$publisher->safe_psql('postgres',
	"SELECT pg_drop_replication_slot('wire_check')");

is( $subscriber->safe_psql(
		'postgres',
		"SELECT string_agg(s.subname || ':' || apply_error_count || '/' || sync_error_count,
		                   ',' ORDER BY s.subname)
		   FROM pg_stat_subscription_stats s"),
	'sub_bin:0/0,sub_text:0/0',
	'no apply or sync errors in either mode');

foreach my $m (@modes)
{
	$subscriber->safe_psql('postgres', "DROP SUBSCRIPTION sub_$m");
}
$subscriber->stop;
$publisher->stop;

done_testing();
