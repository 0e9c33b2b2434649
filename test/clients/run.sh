#!/usr/bin/env bash
# Run the client driver tests against a running cluster that has the
# extension installed: one small program per driver, each doing what its
# users would write (README: "Using typeid from your language").  Prints one
# "PASS name (N ms)" or "FAIL name" line per driver, and exits non-zero when
# one failed.
#
#   test/clients/run.sh HOST PORT USER [name...]
#
# HOST is a socket directory or a host name; pgjdbc needs TCP, so the
# cluster must also listen on 127.0.0.1 (or set JDBC_HOST).  Each driver gets
# a database of its own, clients_<name>, copied from a template that has the
# extension and a users table (made afresh on every run; with
# CLIENTS_EXT_VERSION=1.0 it has that version, to see what the drivers did
# before 1.1).  Drivers come from test/install-deps.sh --clients (Debian)
# and npm (test/clients/node: "npm ci" runs here when node_modules is
# missing).  CLIENTS_VERBOSE=1 shows the output of passing drivers too.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
host=${1:?usage: run.sh HOST PORT USER [name...]}
port=${2:?usage: run.sh HOST PORT USER [name...]}
user=${3:?usage: run.sh HOST PORT USER [name...]}
shift 3

export PGHOST=$host PGPORT=$port PGUSER=$user
# Debian's interpreter has the Debian driver packages (pyenv's may not)
python=${PYTHON:-/usr/bin/python3}

all=(psycopg psycopg2 asyncpg sqlalchemy sqlmodel node-postgres postgres-js ruby-pg perl-dbd-pg jdbc go-pgx)
if [ $# -gt 0 ]; then names=("$@"); else names=("${all[@]}"); fi

psql_q() { psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

# the template every driver's database is copied from
psql_q postgres "DROP DATABASE IF EXISTS clients_template" >/dev/null 2>&1
psql_q postgres "CREATE DATABASE clients_template" &&
psql -X -q -v ON_ERROR_STOP=1 -v version="${CLIENTS_EXT_VERSION:-}" -d clients_template <<'SQL' || { echo "FAIL setup"; exit 1; }
SELECT CASE WHEN :'version' = '' THEN 'CREATE EXTENSION activemodel'
	   ELSE format('CREATE EXTENSION activemodel VERSION %L', :'version') END \gexec
CREATE TABLE users (
	id typeid('user') PRIMARY KEY DEFAULT typeid_generate('user'),
	email text NOT NULL,
	friends typeid[] NOT NULL DEFAULT '{}'
);
SQL

run_one() {
	local name=$1
	case "$name" in
		psycopg) "$python" "$here/python/test_psycopg.py" ;;
		psycopg2) "$python" "$here/python/test_psycopg2.py" ;;
		asyncpg) "$python" "$here/python/test_asyncpg.py" ;;
		sqlalchemy) "$python" "$here/python/test_sqlalchemy.py" ;;
		sqlmodel) "$python" "$here/python/test_sqlmodel.py" ;;
		node-postgres) node "$here/node/test_pg.js" ;;
		postgres-js) node "$here/node/test_postgres.mjs" ;;
		ruby-pg) ruby "$here/ruby/test_pg.rb" ;;
		perl-dbd-pg) perl "$here/perl/test_dbd_pg.pl" ;;
		jdbc) java -cp "${PGJDBC_JAR:-/usr/share/java/postgresql.jar}" "$here/java/TypeidJdbc.java" ;;
		go-pgx) "$here/go/run.sh" ;;
		*) echo "unknown driver test: $name"; return 2 ;;
	esac
}

if printf '%s\n' "${names[@]}" | grep -qE '^(node-postgres|postgres-js)$' &&
	[ ! -d "$here/node/node_modules" ]; then
	(cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
		echo "npm ci failed in test/clients/node"
fi

failed=0
log=$(mktemp)
for name in "${names[@]}"; do
	db=clients_${name//-/_}
	psql_q postgres "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
	if ! psql_q postgres "CREATE DATABASE $db TEMPLATE clients_template" >"$log" 2>&1; then
		cat "$log"
		echo "FAIL $name"
		failed=1
		continue
	fi
	start=$(date +%s%N)
	if PGDATABASE=$db run_one "$name" >"$log" 2>&1; then
		[ -n "${CLIENTS_VERBOSE:-}" ] && cat "$log"
		echo "PASS $name ($((($(date +%s%N) - start) / 1000000)) ms)"
	else
		sed 's/^/    /' "$log"
		echo "FAIL $name"
		failed=1
	fi
	psql_q postgres "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
done
rm -f "$log"
psql_q postgres "DROP DATABASE IF EXISTS clients_template" >/dev/null 2>&1
exit $failed
