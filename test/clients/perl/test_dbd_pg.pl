# typeid from Perl DBI with DBD::Pg (Debian's libdbd-pg-perl): placeholders,
# array references, parameters typed varchar, typeid[] results, COPY.
# Connection settings come from the libpq environment (PGHOST, PGDATABASE, ...).
use strict;
use warnings;

use DBI;
use DBD::Pg qw(:pg_types);

my $ORG_ID = 'org_01h455vb4pex5vsknk084sn02q';

sub check
{
	my ($cond, $what) = @_;
	die "FAILED: $what\n" unless $cond;
}

my $dbh = DBI->connect('dbi:Pg:', undef, undef,
	{ AutoCommit => 1, RaiseError => 1, PrintError => 0, pg_server_prepare => 1 });

# placeholders are sent untyped
my $ins = $dbh->prepare('INSERT INTO users (email) VALUES (?) RETURNING id');
my @ids;
for my $i (0 .. 2)
{
	$ins->execute("u$i\@example.com");
	push @ids, $ins->fetchrow_array;
}
check((grep { /^user_[0-9a-z]{26}$/ } @ids) == 3, "INSERT ... RETURNING id: @ids");
my ($email) = $dbh->selectrow_array('SELECT email FROM users WHERE id = ?', undef, $ids[0]);
check($email eq 'u0@example.com', 'SELECT by id');

# a parameter typed varchar (as DBI's SQL_VARCHAR maps): the implicit cast
my $sth = $dbh->prepare('SELECT email FROM users WHERE id = ?');
$sth->bind_param(1, $ids[1], { pg_type => PG_VARCHAR });
$sth->execute;
($email) = $sth->fetchrow_array;
check($email eq 'u1@example.com', 'SELECT by id bound as varchar');
$sth = $dbh->prepare('SELECT email FROM users WHERE id = ?');
$sth->bind_param(1, $ids[2], { pg_type => PG_TEXT });
$sth->execute;
($email) = $sth->fetchrow_array;
check($email eq 'u2@example.com', 'SELECT by id bound as text');

# an array reference becomes an array literal
my ($n) = $dbh->selectrow_array('SELECT count(*) FROM users WHERE id = ANY(?)', undef, [ @ids[0, 1] ]);
check($n == 2, "= ANY(arrayref) found $n");
$sth = $dbh->prepare('SELECT count(*) FROM users WHERE id = ANY(?)');
$sth->bind_param(1, \@ids, { pg_type => PG_TEXTARRAY });
$sth->execute;
($n) = $sth->fetchrow_array;
check($n == 3, "= ANY(text[]) found $n");

eval { $dbh->do(q{INSERT INTO users (id, email) VALUES (?, 'x')}, undef, $ORG_ID); };
check($dbh->state eq '22023', "typeid('user') refuses an org_ id: " . $dbh->state);
eval { $dbh->selectrow_array('SELECT 1 FROM users WHERE id = ?', undef, 'nope'); };
check($dbh->state eq '22P02', 'not a typeid: ' . $dbh->state);

# typeid[]: DBD::Pg gives arrays of types it does not know as their text
$dbh->do('UPDATE users SET friends = ? WHERE id = ?', undef, [ @ids[1, 2] ], $ids[0]);
my ($friends) = $dbh->selectrow_array('SELECT friends FROM users WHERE id = ?', undef, $ids[0]);
check($friends eq "{$ids[1],$ids[2]}", "typeid[] as text: $friends");
my ($list) = $dbh->selectrow_array('SELECT friends::text[] FROM users WHERE id = ?', undef, $ids[0]);
check(ref $list eq 'ARRAY' && "@$list" eq "$ids[1] $ids[2]", 'typeid[] cast to text[] is an array reference');

# COPY in and out
$dbh->do('COPY users (id, email) FROM STDIN');
$dbh->pg_putcopydata("user_01h455vb4pex5vsknk084sn02q\tcopy\@example.com\n");
$dbh->pg_putcopydata("01h455vb4pex5vsknk084sn02r\tnoprefix\@example.com\n");
$dbh->pg_putcopyend;
$dbh->do(q{COPY (SELECT id, email FROM users WHERE email IN ('copy@example.com', 'noprefix@example.com')
	ORDER BY id) TO STDOUT});
my ($out, $line) = ('', '');
$out .= $line while $dbh->pg_getcopydata($line) >= 0;
check($out eq "user_01h455vb4pex5vsknk084sn02q\tcopy\@example.com\nuser_01h455vb4pex5vsknk084sn02r\tnoprefix\@example.com\n",
	"COPY out: $out");

# a row looked up by a bare UUID
my ($uuid) = $dbh->selectrow_array('SELECT typeid_uuid(?)', undef, $ids[2]);
($email) = $dbh->selectrow_array(q{SELECT email FROM users WHERE id = typeid_from_uuid('user', ?)}, undef, $uuid);
check($email eq 'u2@example.com', 'lookup by UUID');
$_->finish for $ins, $sth;
$dbh->disconnect;
print "DBD::Pg $DBD::Pg::VERSION ok\n";
