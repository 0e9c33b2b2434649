#!/usr/bin/env bash
# Run the TAP tests in test/t/ with prove, against the installed extension.
#
#   test/tap.sh                    run every test/t/*.pl
#   test/tap.sh test/t/002_*.pl    run some of them
#
# Needs: the extension installed into the PostgreSQL found by pg_config
# (`make install`), Debian's postgresql-server-dev-15 (PostgreSQL::Test::*
# modules and pg_regress under pgxs/src/test/) and libipc-run-perl.
#
# The clusters, their logs and the port locks live in a fresh temporary
# directory (TESTDIR, see PostgreSQL::Test::Utils), never in the source tree,
# so the repository may sit where the test user cannot write.  initdb refuses
# to run as root, so as root the tests run as the "postgres" user (override
# with TAP_USER=...).  Set TAP_KEEP=1 to keep the directory; it is also kept
# when a test fails, and its path is printed.  Exits with prove's status.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pg_config=${PG_CONFIG:-pg_config}
bindir=$("$pg_config" --bindir)
pgxs_root=$(dirname "$(dirname "$(dirname "$("$pg_config" --pgxs)")")")
perl_lib=$pgxs_root/src/test/perl
pg_regress=$pgxs_root/src/test/regress/pg_regress
sharedir=$("$pg_config" --sharedir)

for need in "$perl_lib/PostgreSQL/Test/Cluster.pm" "$pg_regress" \
	"$sharedir/extension/activemodel.control"; do
	if [ ! -e "$need" ]; then
		echo "tap.sh: missing $need (install postgresql-server-dev-15; run make install)" >&2
		exit 2
	fi
done

if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do tests+=("$(cd "$(dirname "$t")" && pwd)/$(basename "$t")"); done
else
	tests=("$here"/t/*.pl)
fi

testdir=$(mktemp -d "${TMPDIR:-/tmp}/activemodel-tap.XXXXXX")
run_as=()
if [ "$(id -u)" = 0 ]; then
	user=${TAP_USER:-postgres}
	chown "$user": "$testdir"
	run_as=(runuser -u "$user" --)
fi

# runuser/su may reset PATH and HOME, so pass the environment explicitly.
status=0
(cd "$testdir" && "${run_as[@]}" env \
	PATH="$bindir:$PATH" \
	PERL5LIB="$perl_lib${PERL5LIB:+:$PERL5LIB}" \
	PG_REGRESS="$pg_regress" \
	TESTDIR="$testdir" \
	PG_TEST_PORT_DIR="$testdir" \
	PG_TEST_TIMEOUT_DEFAULT="${PG_TEST_TIMEOUT_DEFAULT:-120}" \
	prove --timer ${PROVE_FLAGS:-} "${tests[@]}") || status=$?

if [ "$status" -ne 0 ] || [ -n "${TAP_KEEP:-}" ]; then
	echo "tap.sh: logs kept in $testdir/tmp_check/log"
else
	rm -rf "$testdir"
fi
exit "$status"
