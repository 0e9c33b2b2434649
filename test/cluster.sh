#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL 15 cluster on a private port and
# socket directory.  Used by .ci/run, test/demo.sh and the benchmarks.
#
#   test/cluster.sh start DIR PORT [postgres -c options...]
#   test/cluster.sh stop DIR
#
# DIR holds the data directory (DIR/data), the socket (DIR) and the log
# (DIR/postgres.log).  As root, the server runs as the "postgres" user,
# because PostgreSQL refuses to run as root.
set -euo pipefail

bindir=$("${PG_CONFIG:-pg_config}" --bindir)
cmd=${1:?usage: cluster.sh start|stop DIR [PORT]}
dir=${2:?usage: cluster.sh start|stop DIR [PORT]}

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "$cmd" in
	start)
		port=${3:?usage: cluster.sh start DIR PORT}
		shift 3
		mkdir -p "$dir"
		[ "$(id -u)" = 0 ] && chown postgres: "$dir"
		as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust \
			--no-sync -E UTF8 --locale=C >"$dir/initdb.log"
		opts="-c port=$port -c unix_socket_directories=$dir -c listen_addresses= -c fsync=off"
		for o in "$@"; do opts="$opts -c $o"; done
		as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w \
			-o "$opts" start >/dev/null
		;;
	stop)
		if [ -f "$dir/data/postmaster.pid" ]; then
			as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
		fi
		;;
	*)
		echo "usage: cluster.sh start|stop DIR [PORT]" >&2
		exit 2
		;;
esac
