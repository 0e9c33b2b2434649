#!/usr/bin/env bash
# Run pg_regress suites against a throwaway cluster whose server runs under
# valgrind (memcheck), and fail if valgrind reports an error with a frame in
# activemodel.so.
#
#   test/valgrind.sh                 every suite but the VALGRIND_SKIP ones
#   test/valgrind.sh hooks timestamps   the named suites only
#
# Needs: valgrind, the extension installed into the PostgreSQL found by
# pg_config (`make install`).
#
# The server is Debian's, built without USE_VALGRIND, so memcheck sees
# malloc'd blocks, not palloc chunks: it finds reads and writes outside the
# blocks, use of freed blocks (a deleted memory context's) and decisions
# taken on uninitialised bytes, not overruns inside a block.  Debian ships no
# PostgreSQL suppression file (src/tools/valgrind.supp is not in
# postgresql-server-dev-15), so test/valgrind.supp, written for this script,
# silences the false positives of such a server seen in these suites
# (padding written to WAL and the relcache init file, shared invalidation
# messages, glibc's memmove_chk; see the file).  JIT is off.  An error is
# counted against activemodel only when one of its frames is activemodel's
# (in activemodel.so, or at a line of src/*.c); the others are listed, not
# counted.  Debian's PGXS flags include -g: reports give file and line.
#
# Skipped by default (VALGRIND_SKIP, space-separated; VALGRIND_SKIP= runs
# all), for their big loops, which valgrind slows 20 to 50 times:
# typeid_generate (1.2M IDs), typeid_ops (50k-row sorts and index builds:
# 110-200 s measured), typeid_distribution (1M-row hashing) and
# helpers_errors (1M-element IN lists: 150 s measured).  The code they
# cover is reached, with smaller data, by the other suites; run them all
# now and then.
#
# Environment: PG_CONFIG, VALGRIND_PORT (default 54330), VALGRIND_SKIP,
# VALGRIND_OPTS (added to valgrind's options), VALGRIND_KEEP=1 keeps the
# work directory (kept anyway on failure; its path is printed).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")
pg_config=${PG_CONFIG:-pg_config}
bindir=$("$pg_config" --bindir)
pgxs_root=$(dirname "$(dirname "$(dirname "$("$pg_config" --pgxs)")")")
pg_regress=$pgxs_root/src/test/regress/pg_regress
port=${VALGRIND_PORT:-54330}
skip=${VALGRIND_SKIP-typeid_generate typeid_ops typeid_distribution helpers_errors}

for need in valgrind "$pg_regress" "$("$pg_config" --sharedir)/extension/activemodel.control"; do
	if ! command -v "$need" >/dev/null 2>&1 && [ ! -e "$need" ]; then
		echo "valgrind.sh: missing $need (apt-get install valgrind; make install)" >&2
		exit 2
	fi
done

if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=()
	for f in "$top"/sql/*.sql; do
		name=$(basename "$f" .sql)
		case $name in activemodel--*) continue ;; esac
		case " $skip " in *" $name "*) continue ;; esac
		tests+=("$name")
	done
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/activemodel-valgrind.XXXXXX")
chmod 755 "$work"
run_as=()
if [ "$(id -u)" = 0 ]; then
	chown postgres: "$work"
	run_as=(runuser -u postgres --)
fi

start=$(date +%s)
status=0
cleanup() {
	if [ -f "$work/data/postmaster.pid" ]; then
		"${run_as[@]}" "$bindir/pg_ctl" -D "$work/data" -m fast -w -t 300 stop >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT

"${run_as[@]}" "$bindir/initdb" -D "$work/data" -U postgres -A trust --no-sync \
	-E UTF8 --locale=C >"$work/initdb.log"

# The postmaster and every process it forks run under memcheck; each writes
# its own log.  No leak check: memory contexts free in bulk.
# shellcheck disable=SC2086
"${run_as[@]}" valgrind \
	--tool=memcheck --trace-children=yes --error-limit=no --leak-check=no \
	--num-callers=40 --gen-suppressions=all \
	--suppressions="$here/valgrind.supp" \
	--log-file="$work/valgrind.%p.log" ${VALGRIND_OPTS:-} \
	"$bindir/postgres" -D "$work/data" -c port="$port" \
	-c unix_socket_directories="$work" -c listen_addresses= \
	-c fsync=off -c huge_pages=off -c jit=off -c max_parallel_workers_per_gather=0 \
	>"$work/postgres.log" 2>&1 &

ready=
for _ in $(seq 1 300); do
	if "$bindir/pg_isready" -q -h "$work" -p "$port"; then
		ready=1
		break
	fi
	sleep 1
done
if [ -z "$ready" ]; then
	echo "valgrind.sh: the server did not start; see $work/postgres.log" >&2
	tail -n 20 "$work/postgres.log" >&2
	exit 1
fi

echo "valgrind.sh: suites: ${tests[*]}"
(cd "$top" && "$pg_regress" --inputdir=. --outputdir="$work/regress" \
	--bindir="$bindir" --host="$work" --port="$port" --user=postgres \
	--dbname=contrib_regression --load-extension=activemodel "${tests[@]}") ||
	status=1
[ -f "$work/regress/regression.diffs" ] && cat "$work/regress/regression.diffs"

cleanup

# Errors: blocks of a log between blank "==PID==" lines whose first line is
# not a summary; counted when a frame is activemodel's: in activemodel.so,
# or at a line of one of its source files (a build with debug information).
frames="activemodel[.]so"
for f in "$top"/src/*.c; do frames="$frames|[(]$(basename "$f" .c)[.]c:[0-9]+[)]"; done
ours=0
other=0
for log in "$work"/valgrind.*.log; do
	while IFS=$'\t' read -r kind count; do
		case $kind in
			ours) ours=$((ours + count)) ;;
			other) other=$((other + count)) ;;
		esac
	done < <(awk -v frames="$frames" -v ours="$work/errors-activemodel.txt" -v other="$work/errors-other.txt" '
		function flush() {
			if (block != "" && first !~ /(HEAP|LEAK|ERROR) SUMMARY|^Memcheck|^Copyright|^Using Valgrind|^Command:|^Parent PID|^$/ &&
				block ~ /(at|by) 0x[0-9A-F]+: /) {
				if (block ~ frames) { n_ours++; print block "\n" >> ours }
				else { n_other++; print block "\n" >> other }
			}
			block = ""; first = ""
		}
		/^==[0-9]+== *$/ { flush(); next }
		/^==[0-9]+== / {
			line = $0; sub(/^==[0-9]+== /, "", line)
			if (block == "") first = line
			block = block FILENAME ": " line "\n"
			next
		}
		{ if (block != "") block = block $0 "\n" }
		END { flush(); printf "ours\t%d\nother\t%d\n", n_ours, n_other }
	' "$log")
done

elapsed=$(($(date +%s) - start))
if grep -q 'terminated by signal' "$work/postgres.log"; then
	echo "valgrind.sh: a server process crashed:" >&2
	grep 'terminated by signal' "$work/postgres.log" >&2
	status=1
fi
if [ "$other" -gt 0 ]; then
	echo "valgrind.sh: $other error(s) outside activemodel.so (not counted), in $work/errors-other.txt"
fi
if [ "$ours" -gt 0 ]; then
	echo "valgrind.sh: $ours error(s) with a frame in activemodel.so:" >&2
	cat "$work/errors-activemodel.txt" >&2
	status=1
fi
echo "valgrind.sh: ${#tests[@]} suites, $ours activemodel error(s), ${elapsed}s"
if [ "$status" -ne 0 ] || [ -n "${VALGRIND_KEEP:-}" ]; then
	echo "valgrind.sh: logs kept in $work"
else
	rm -rf "$work"
fi
exit "$status"
