#!/usr/bin/env python3
"""Benchmarks of the am.timestamps() trigger: per-row overhead on INSERT and
UPDATE over the same table without trigger, against a PL/pgSQL trigger and
contrib moddatetime.

Same method as bench.py: every statement of a benchmark runs in the same
session, once untimed, then in turns (A, B, C, A, B, C, ...); the figures
are medians, and the ratios compare figures of the same run.  The overhead
of a trigger is median(with trigger) - median(without), per row; the
targets are ratios of overheads.  Untimed steps before every run reset the
table (TRUNCATE; for UPDATE also a fresh INSERT and VACUUM (FREEZE)), so
each run starts from the same state.  The tables are UNLOGGED and without
index, so the figures are the triggers' CPU cost; the script works in a
database of its own (bench_timestamps), created and dropped.

    test/cluster.sh start DIR PORT shared_buffers=1GB autovacuum=off \\
        max_wal_size=16GB checkpoint_timeout=1h
    /usr/bin/python3 test/bench/timestamps_bench.py --host DIR --port PORT \\
        [--scale tiny|full] [--output FILE] [--verbose]
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

import psycopg


@dataclass(frozen=True)
class Scale:
    rows: int      # N: rows inserted or updated per statement
    repeats: int   # timed runs of each statement, after one warm-up run


SCALES = {
    "tiny": Scale(rows=10_000, repeats=2),
    "full": Scale(rows=1_000_000, repeats=11),
}

# As bench.py: no JIT, no parallel workers.
DBNAME = "bench_timestamps"

SESSION_SETTINGS = {
    "jit": "off",
    "max_parallel_workers_per_gather": "0",
    "max_parallel_maintenance_workers": "0",
    "work_mem": "1GB",
    "maintenance_work_mem": "1GB",
}

# One table per trigger variant, all of the same shape: an id, two payload
# columns and two nullable timestamp columns without default, so that the
# triggers have both columns to fill on INSERT.  No index and no WAL
# (UNLOGGED): the figures are about the triggers' CPU cost, and writing and
# zero-filling WAL segments only adds noise that is the same for every
# variant (they write the same rows).
SETUP = """
CREATE EXTENSION IF NOT EXISTS activemodel;
CREATE EXTENSION IF NOT EXISTS moddatetime;

-- The hand-written PL/pgSQL equivalent: fill what is NULL on INSERT, set
-- updated_at on UPDATE.
CREATE FUNCTION plpgsql_timestamps() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		NEW.created_at := coalesce(NEW.created_at, now());
		NEW.updated_at := coalesce(NEW.updated_at, now());
	ELSE
		NEW.updated_at := now();
	END IF;
	RETURN NEW;
END
$$;

-- The same with am.timestamps()'s UPDATE rules, for information.
CREATE FUNCTION plpgsql_rails_timestamps() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		NEW.created_at := coalesce(NEW.created_at, now());
		NEW.updated_at := coalesce(NEW.updated_at, now());
	ELSIF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at AND NEW IS DISTINCT FROM OLD THEN
		NEW.updated_at := now();
	END IF;
	RETURN NEW;
END
$$;
"""

TABLE = """
CREATE UNLOGGED TABLE {t} (
	id bigint NOT NULL,
	n integer NOT NULL,
	note text NOT NULL,
	created_at timestamptz,
	updated_at timestamptz
);
"""

# table suffix -> (events, function call); moddatetime refuses INSERT
TRIGGERS = {
    "none": None,
    "c": ("INSERT OR UPDATE", "am.timestamps()"),
    "plpgsql": ("INSERT OR UPDATE", "plpgsql_timestamps()"),
    "plpgsql_rails": ("INSERT OR UPDATE", "plpgsql_rails_timestamps()"),
    "moddatetime": ("UPDATE", "moddatetime(updated_at)"),
}

INSERT = ("INSERT INTO ts_{t} (id, n, note) "
          "SELECT g, g, 'row ' || g FROM generate_series(1, {rows}) g")

# Rows as they are before an UPDATE run: both timestamps set.
FILL = ("INSERT INTO ts_{t} "
        "SELECT g, g, 'row ' || g, '2024-01-01 00:00+00', '2024-01-01 00:00+00' "
        "FROM generate_series(1, {rows}) g")

UPDATE = "UPDATE ts_{t} SET n = n + 1"


@dataclass(frozen=True)
class Target:
    value: float

    def met(self, ratio):
        return ratio <= self.value

    def __str__(self):
        return f"≤ {self.value:g}"


@dataclass(frozen=True)
class Statement:
    label: str
    sql: str
    # Untimed statements run, each on its own, before every run of sql and
    # once at the end, so that each run starts from the same state.
    reset: tuple[str, ...] = ()
    # Session settings for this statement's runs.
    settings: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Comparison:
    """Overhead of candidate over the baseline, divided by the overhead of
    reference over the same baseline."""
    candidate: str
    reference: str
    target: Target | None   # None: shown for information only


@dataclass(frozen=True)
class OverheadBenchmark:
    name: str
    baseline: str                # label of the statement without trigger
    statements: list[Statement]
    comparisons: list[Comparison]


@dataclass(frozen=True)
class Result:
    benchmark: str
    candidate: str
    baseline: str
    ratio: float
    target: str
    met: bool | None


def benchmarks(scale):
    n = scale.rows

    def insert(t, label, settings=None):
        return Statement(label, INSERT.format(t=t, rows=n),
                         (f"TRUNCATE ts_{t}",), settings or {})

    def update(t, label, settings=None):
        return Statement(label, UPDATE.format(t=t, rows=n),
                         (f"TRUNCATE ts_{t}", FILL.format(t=t, rows=n),
                          f"VACUUM (FREEZE) ts_{t}"),
                         settings or {})

    off = {"activemodel.record_timestamps": "off"}
    return [
        OverheadBenchmark(
            f"INSERT, {n:,} rows",
            "no trigger",
            [insert("none", "no trigger"),
             insert("c", "am.timestamps()"),
             insert("plpgsql", "PL/pgSQL"),
             insert("c", "am.timestamps(), record_timestamps off", off)],
            [Comparison("am.timestamps()", "PL/pgSQL", Target(0.35)),
             Comparison("am.timestamps(), record_timestamps off", "PL/pgSQL", None)]),
        OverheadBenchmark(
            f"UPDATE, {n:,} rows",
            "no trigger",
            [update("none", "no trigger"),
             update("c", "am.timestamps()"),
             update("plpgsql", "PL/pgSQL"),
             update("moddatetime", "moddatetime"),
             update("plpgsql_rails", "PL/pgSQL, same rules"),
             update("c", "am.timestamps(), record_timestamps off", off)],
            [Comparison("am.timestamps()", "PL/pgSQL", Target(0.5)),
             Comparison("am.timestamps()", "moddatetime", Target(0.8)),
             Comparison("am.timestamps()", "PL/pgSQL, same rules", None),
             Comparison("am.timestamps(), record_timestamps off", "PL/pgSQL", None)]),
    ]


def set_settings(conn, settings):
    for name, value in settings.items():
        conn.execute("SELECT set_config(%s, %s, false)", (name, value))


def reset_settings(conn, settings):
    for name in settings:
        conn.execute("SELECT set_config(%s, NULL, false)", (name,))


def run_once(conn, stmt):
    """Seconds taken by one execution of stmt.sql, after its reset."""
    for s in stmt.reset:
        conn.execute(s)
    set_settings(conn, stmt.settings)
    start = time.perf_counter()
    conn.execute(stmt.sql)
    elapsed = time.perf_counter() - start
    for name in stmt.settings:
        conn.execute(f"RESET {name}")
    return elapsed


def measure(conn, statements, repeats):
    """All timings of each statement over interleaved repeats, after one
    untimed warm-up run each."""
    for stmt in statements:
        run_once(conn, stmt)
    times = {stmt.label: [] for stmt in statements}
    for _ in range(repeats):
        for stmt in statements:
            times[stmt.label].append(run_once(conn, stmt))
    for stmt in statements:
        for s in stmt.reset[:1]:
            conn.execute(s)
    return times


def run_benchmark(conn, bench, repeats, rows, verbose=False):
    times = measure(conn, bench.statements, repeats)
    if verbose:
        for label, t in times.items():
            print(f"  {label}: " + " ".join(f"{x * 1e3:.0f}" for x in t), file=sys.stderr)
    median = {label: statistics.median(t) for label, t in times.items()}
    base = median[bench.baseline]

    def per_row_us(label):
        return (median[label] - base) / rows * 1e6

    def cell(label):
        return (f"{label}: +{per_row_us(label):.3f} µs/row "
                f"({median[label] * 1e3:.0f} ms)")

    results = []
    for c in bench.comparisons:
        ratio = per_row_us(c.candidate) / per_row_us(c.reference)
        results.append(Result(
            f"{bench.name}, overhead over no trigger ({base * 1e3:.0f} ms)",
            cell(c.candidate), cell(c.reference), ratio,
            "info" if c.target is None else str(c.target),
            None if c.target is None else c.target.met(ratio)))
    spread = {label: (min(t) * 1e3, max(t) * 1e3) for label, t in times.items()}
    return results, spread


def set_up(conn):
    conn.execute(SETUP)
    for t, trigger in TRIGGERS.items():
        conn.execute(TABLE.format(t=f"ts_{t}"))
        if trigger:
            events, function = trigger
            conn.execute(f"CREATE TRIGGER ts_{t}_timestamps BEFORE {events} "
                         f"ON ts_{t} FOR EACH ROW EXECUTE FUNCTION {function}")
    conn.execute("CHECKPOINT")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def header(conn, scale_name, scale):
    now = datetime.datetime.now(datetime.timezone.utc)
    version = conn.execute("SELECT version()").fetchone()[0].split(" on ")[0]
    return (f"{now:%Y-%m-%d %H:%M} UTC · {len(os.sched_getaffinity(0))} CPUs, "
            f"{cpu_model()} · {version} · scale {scale_name} "
            f"({scale.rows:,} rows, median of {scale.repeats} interleaved runs)")


def table(results):
    lines = ["| benchmark | candidate | reference | overhead ratio | target | met |",
             "|---|---|---|---|---|---|"]
    for r in results:
        met = {None: "—", True: "yes", False: "**no**"}[r.met]
        lines.append(f"| {r.benchmark} | {r.candidate} | {r.baseline} "
                     f"| {r.ratio:.3g} | {r.target} | {met} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", required=True, help="server socket directory or host")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--scale", choices=SCALES, default="full")
    parser.add_argument("--repeats", type=int, help="override the scale's repeats")
    parser.add_argument("--only", choices=["insert", "update"], help="run one benchmark")
    parser.add_argument("--output", help="also write the markdown report here")
    parser.add_argument("--verbose", action="store_true",
                        help="print every timing to stderr")
    args = parser.parse_args()
    scale = SCALES[args.scale]
    if args.repeats:
        scale = Scale(scale.rows, args.repeats)

    # A database of its own, so that this runs before or after bench.py on
    # the same cluster without either seeing the other's objects.
    with psycopg.connect(host=args.host, port=args.port, user="postgres",
                         dbname="postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DBNAME}")
        admin.execute(f"CREATE DATABASE {DBNAME}")

    with psycopg.connect(host=args.host, port=args.port, user="postgres",
                         dbname=DBNAME, autocommit=True) as conn:
        set_up(conn)
        set_settings(conn, SESSION_SETTINGS)
        results = []
        spreads = []
        for bench in benchmarks(scale):
            if args.only and not bench.name.lower().startswith(args.only):
                continue
            print(f"running: {bench.name}", file=sys.stderr)
            r, spread = run_benchmark(conn, bench, scale.repeats, scale.rows, args.verbose)
            results += r
            spreads.append((bench.name, spread))
        report = f"{header(conn, args.scale, scale)}\n\n{table(results)}\n"

    with psycopg.connect(host=args.host, port=args.port, user="postgres",
                         dbname="postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {DBNAME}")

    print(report, end="")
    for name, spread in spreads:
        print(f"{name}: " + ", ".join(f"{label} {lo:.0f}–{hi:.0f} ms"
                                      for label, (lo, hi) in spread.items()),
              file=sys.stderr)
    if args.output:
        with open(args.output, "w") as f:
            f.write(report)


if __name__ == "__main__":
    main()
