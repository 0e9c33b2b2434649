#!/usr/bin/env bash
# Run the typeid benchmarks on a throwaway cluster and print the report,
# also written to test/bench/results/latest.md.  See test/bench/README.md.
#
#   test/bench/run.sh [--scale tiny|full]
#
# Environment: BENCH_PORT (default 54340); BENCH_DIR (socket, data and log
# directory, without a cluster in it; default a new temporary directory,
# removed afterwards); PYTHON (an interpreter with psycopg 3, default
# Debian's /usr/bin/python3, for which python3-psycopg is packaged);
# BENCH_SCRIPT (another suite with bench.py's options, e.g. bench_hooks.py,
# whose report goes to results/<script name>.md).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
scale=full

while [ $# -gt 0 ]; do
	case "$1" in
		--scale)
			scale=${2:?--scale needs tiny or full}
			shift 2
			;;
		--scale=*)
			scale=${1#--scale=}
			shift
			;;
		*)
			echo "usage: $0 [--scale tiny|full]" >&2
			exit 2
			;;
	esac
done
case "$scale" in
	tiny|full) ;;
	*)
		echo "$0: unknown scale \"$scale\" (tiny or full)" >&2
		exit 2
		;;
esac

port=${BENCH_PORT:-54340}
python=${PYTHON:-/usr/bin/python3}
if [ -n "${BENCH_DIR:-}" ]; then
	dir=$BENCH_DIR
	if [ -e "$dir/data" ]; then
		echo "$0: $dir/data exists; BENCH_DIR must not hold a cluster" >&2
		exit 2
	fi
else
	dir=$(mktemp -d /tmp/ambench.XXXXXX)
fi
# Drop the cluster; a BENCH_DIR given by the caller keeps its logs.
cleanup() {
	"$here/../cluster.sh" stop "$dir"
	if [ -n "${BENCH_DIR:-}" ]; then
		rm -rf "$dir/data"
	else
		rm -rf "$dir"
	fi
}
trap cleanup EXIT

# Server-wide settings that keep background work out of the timings: no
# autovacuum, no checkpoint during a run, and every table in shared buffers.
"$here/../cluster.sh" start "$dir" "$port" \
	shared_buffers=1GB autovacuum=off max_wal_size=16GB checkpoint_timeout=1h

script=${BENCH_SCRIPT:-bench.py}
report=latest.md
[ "$script" = bench.py ] || report=${script%.py}.md
mkdir -p "$here/results"
"$python" "$here/$script" --host "$dir" --port "$port" --scale "$scale" \
	--output "$here/results/$report"
