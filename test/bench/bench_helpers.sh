#!/usr/bin/env bash
# Benchmark of the ActiveRecord helpers against the SQL they replace, with
# pgbench (one client, prepared protocol), on a throwaway cluster.  Each
# pair of scripts runs in turns (A, B, A, B, ...) for REPEATS runs of
# SECONDS seconds; the ratio is median TPS of the helper / median TPS of the
# baseline (higher is better).  Prints a markdown table, also written to
# test/bench/results/helpers.md.
#
#   test/bench/bench_helpers.sh
#
# Environment: BENCH_PORT (default 54341), SECONDS_PER_RUN (default 5),
# REPEATS (default 5), PG_CONFIG.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
port=${BENCH_PORT:-54341}
seconds=${SECONDS_PER_RUN:-5}
repeats=${REPEATS:-5}
bindir=$("${PG_CONFIG:-pg_config}" --bindir)
dir=$(mktemp -d /tmp/amhelpers.XXXXXX)
chmod 755 "$dir"
trap '"$here/../cluster.sh" stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$here/../cluster.sh" start "$dir" "$port" jit=off max_parallel_workers_per_gather=0 >/dev/null

psql=("$bindir/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1)
"${psql[@]}" <<'SQL'
CREATE EXTENSION activemodel;
CREATE TABLE bench_users (id bigint PRIMARY KEY, name text NOT NULL, email text, age integer,
	created_at timestamptz NOT NULL);
INSERT INTO bench_users SELECT g, 'user' || g, 'u' || g || '@example.com', g % 90,
	'2024-01-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, 100000) g;
CREATE TABLE bench_posts (id bigint PRIMARY KEY, bench_user_id bigint NOT NULL REFERENCES bench_users,
	title text NOT NULL);
INSERT INTO bench_posts SELECT g, (g - 1) / 5 + 1, 'post ' || g FROM generate_series(1, 50000) g;
CREATE INDEX ON bench_posts (bench_user_id);
CREATE TABLE bench_comments (id bigint PRIMARY KEY, bench_post_id bigint NOT NULL REFERENCES bench_posts,
	body text NOT NULL);
INSERT INTO bench_comments SELECT g, (g - 1) / 3 + 1, 'comment ' || g FROM generate_series(1, 150000) g;
CREATE INDEX ON bench_comments (bench_post_id);
VACUUM (ANALYZE, FREEZE);

CREATE FUNCTION bench_find_plpgsql(id bigint) RETURNS SETOF bench_users
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN QUERY EXECUTE format('SELECT * FROM %I WHERE %I = $1', 'bench_users', 'id') USING id;
END
$$;
SQL

mkdir -p "$dir/scripts"
cat > "$dir/scripts/find_sql.sql" <<'S'
\set id random(1, 100000)
SELECT * FROM bench_users WHERE id = :id;
S
cat > "$dir/scripts/find_helper.sql" <<'S'
\set id random(1, 100000)
SELECT * FROM am.find(NULL::bench_users, :id);
S
cat > "$dir/scripts/find_plpgsql.sql" <<'S'
\set id random(1, 100000)
SELECT * FROM bench_find_plpgsql(:id);
S
cat > "$dir/scripts/where_sql.sql" <<'S'
\set a random(1, 99000)
SELECT * FROM bench_users WHERE id >= :a AND id <= :a + 999;
S
cat > "$dir/scripts/where_helper.sql" <<'S'
\set a random(1, 99000)
SELECT * FROM am.where(NULL::bench_users, jsonb_build_object('id__between', jsonb_build_array(:a::int, :a::int + 999)));
S
cat > "$dir/scripts/json_sql.sql" <<'S'
\set a random(1, 9900)
SELECT jsonb_agg(to_jsonb(u) || jsonb_build_object('bench_posts', coalesce(
	(SELECT jsonb_agg(to_jsonb(p) || jsonb_build_object('bench_comments', coalesce(
		(SELECT jsonb_agg(to_jsonb(c) ORDER BY c.id) FROM bench_comments c WHERE c.bench_post_id = p.id), '[]'))
	 ORDER BY p.id) FROM bench_posts p WHERE p.bench_user_id = u.id), '[]')) ORDER BY u.id)
FROM bench_users u WHERE u.id >= :a AND u.id <= :a + 99;
S
cat > "$dir/scripts/json_helper.sql" <<'S'
\set a random(1, 9900)
SELECT am.as_json(NULL::bench_users, jsonb_build_object('id__between', jsonb_build_array(:a::int, :a::int + 99)),
	include => '{"bench_posts": {"bench_comments": {}}}');
S

# median TPS of one script over the runs given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
tps() {
	"$bindir/pgbench" -n -M prepared -c 1 -T "$seconds" -h "$dir" -p "$port" -U postgres \
		-f "$dir/scripts/$1.sql" postgres 2>/dev/null |
		sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}

report=("| benchmark | baseline TPS | helper TPS | ratio | target | met |" "|---|---|---|---|---|---|")
compare() {
	local label=$1 base=$2 cand=$3 target=$4
	local a=() b=() i
	tps "$base" >/dev/null; tps "$cand" >/dev/null	# warm-up
	for ((i = 0; i < repeats; i++)); do
		a+=("$(tps "$base")")
		b+=("$(tps "$cand")")
	done
	local ma mb ratio met
	ma=$(median "${a[@]}"); mb=$(median "${b[@]}")
	ratio=$(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", b / a}')
	met=$(awk -v r="$ratio" -v t="$target" 'BEGIN {print (r >= t) ? "yes" : "**no**"}')
	report+=("| $label | $ma | $mb | $ratio | ≥ $target | $met |")
	echo "$label: $ma vs $mb TPS, ratio $ratio (target ≥ $target)" >&2
}

compare "am.find vs prepared SELECT by primary key" find_sql find_helper 0.8
compare "am.find vs PL/pgSQL RETURN QUERY EXECUTE" find_plpgsql find_helper 2
# what the row above can reach at most: the plain prepared statement itself
# against the PL/pgSQL function, both dominated by the client round trip
compare "(bound) prepared SELECT vs PL/pgSQL RETURN QUERY EXECUTE" find_plpgsql find_sql 2
compare "am.where, 1,000 rows, vs prepared SELECT" where_sql where_helper 0.8
compare "am.as_json, 100 users, 2 levels, vs json_agg SQL" json_sql json_helper 0.67

mkdir -p "$here/results"
{
	echo "Helpers benchmark, $(date -u +%Y-%m-%d), pgbench -M prepared -c 1, ${repeats}×${seconds}s interleaved, median TPS."
	echo "as_json's target is time ≤ 1.5× the SQL, i.e. TPS ratio ≥ 0.67."
	echo
	printf '%s\n' "${report[@]}"
} | tee "$here/results/helpers.md"
