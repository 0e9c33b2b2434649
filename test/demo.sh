#!/usr/bin/env bash
# The main job: install dependencies, build and install activemodel, start a
# throwaway PostgreSQL 15 cluster, run test/demo.sql in it, and remove it.
set -euo pipefail

cd "$(dirname "$0")/.."
test/install-deps.sh
export PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
make -s PG_CONFIG="$PG_CONFIG"
make -s install PG_CONFIG="$PG_CONFIG" >/dev/null

work=$(mktemp -d /tmp/activemodel-demo.XXXXXX)
chmod 755 "$work"
trap 'test/cluster.sh stop "$work/pg" >/dev/null 2>&1; rm -rf "$work"' EXIT
port=${DEMO_PORT:-54321}
test/cluster.sh start "$work/pg" "$port"

"$($PG_CONFIG --bindir)/psql" -X -h "$work/pg" -p "$port" -U postgres -d postgres \
	--echo-queries -v ON_ERROR_STOP=0 -f test/demo.sql
