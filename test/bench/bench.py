#!/usr/bin/env python3
"""Benchmarks of the typeid type against uuid (and text) on one server.

Every timed benchmark runs a baseline statement and one or more candidate
statements in the same session, interleaved, and reports the ratio of the
medians.  The statements do their work server-side, so client overhead does
not count.  See README.md for the method; run.sh runs this on a throwaway
cluster.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class Scale:
    rows: int      # N: rows per table, calls per generation statement
    lookups: int   # K: primary key lookups per statement
    repeats: int   # timed runs of each statement, after one warm-up run


SCALES = {
    "tiny": Scale(rows=10_000, lookups=2_000, repeats=2),
    "full": Scale(rows=1_000_000, lookups=200_000, repeats=11),
}

# Every session: no JIT and no parallel workers, so the ratios compare the
# per-row cost of the types; sorts and index builds stay in memory.
SESSION_SETTINGS = {
    "jit": "off",
    "max_parallel_workers_per_gather": "0",
    "max_parallel_maintenance_workers": "0",
    "work_mem": "1GB",
    "maintenance_work_mem": "1GB",
}

# The same N UUIDv7s in every table.  ids_* hold them in generation order
# with a primary key (storage, output, lookups); rand_* hold them in one
# random order without index (sort, index build); probe_* hold the first K
# of that random order (the keys to look up).
SETUP = """
CREATE EXTENSION activemodel;

CREATE TABLE ids_typeid (id typeid PRIMARY KEY);
CREATE TABLE ids_uuid (id uuid PRIMARY KEY);
CREATE TABLE ids_text (id text COLLATE "C" PRIMARY KEY);
INSERT INTO ids_typeid SELECT typeid_generate('user') FROM generate_series(1, {rows});
INSERT INTO ids_uuid SELECT id::uuid FROM ids_typeid ORDER BY id;
INSERT INTO ids_text SELECT id::text FROM ids_typeid ORDER BY id;

CREATE TABLE uuid_strings (s text);
INSERT INTO uuid_strings SELECT id::text FROM ids_uuid ORDER BY id;

CREATE TEMP TABLE shuffle AS SELECT id, random() AS r FROM ids_typeid;
CREATE TABLE rand_typeid (id typeid);
CREATE TABLE rand_uuid (id uuid);
CREATE TABLE rand_text (id text COLLATE "C");
INSERT INTO rand_typeid SELECT id FROM shuffle ORDER BY r;
INSERT INTO rand_uuid SELECT id::uuid FROM shuffle ORDER BY r;
INSERT INTO rand_text SELECT id::text FROM shuffle ORDER BY r;

CREATE TABLE probe_typeid (id typeid);
CREATE TABLE probe_uuid (id uuid);
INSERT INTO probe_typeid SELECT id FROM shuffle ORDER BY r LIMIT {lookups};
INSERT INTO probe_uuid SELECT id::uuid FROM shuffle ORDER BY r LIMIT {lookups};

CREATE TABLE ins_typeid (id typeid);
CREATE TABLE ins_typeid_user (id typeid('user'));
CREATE TABLE ins_typeid_invoice (id typeid('invoice'));

CREATE TABLE copy_typeid (id typeid);
CREATE TABLE copy_uuid (id uuid);
COPY ids_typeid TO {typeid_file};
COPY ids_uuid TO {uuid_file};

DROP TABLE shuffle;
"""


@dataclass(frozen=True)
class Target:
    op: str        # "<=" or ">="
    value: float

    def met(self, ratio):
        return ratio <= self.value if self.op == "<=" else ratio >= self.value

    def __str__(self):
        return ("≤ " if self.op == "<=" else "≥ ") + f"{self.value:g}"


@dataclass(frozen=True)
class Statement:
    label: str
    sql: str
    # Untimed statement run before every run of sql and once at the end,
    # so that each run starts from the same state (e.g. TRUNCATE).
    undo: str | None = None


@dataclass(frozen=True)
class Comparison:
    candidate: Statement
    target: Target | None   # None: shown for information only


@dataclass(frozen=True)
class Result:
    """One row of the report."""
    benchmark: str
    candidate: str
    baseline: str
    ratio: float
    target: str
    met: bool | None    # None: no target


def compared(benchmark, candidate, baseline, ratio, target):
    """The row of a ratio checked against target (None: information)."""
    if target is None:
        return Result(benchmark, candidate, baseline, ratio, "info", None)
    return Result(benchmark, candidate, baseline, ratio, str(target), target.met(ratio))


def run_once(conn, stmt):
    """Seconds taken by one execution of stmt.sql, results fetched."""
    if stmt.undo:
        conn.execute(stmt.undo)
    start = time.perf_counter()
    cur = conn.execute(stmt.sql)
    if cur.description is not None:
        cur.fetchall()
    return time.perf_counter() - start


def measure(conn, statements, repeats):
    """Median seconds of each statement over interleaved repeats.

    Each statement runs once untimed first to warm up caches, then the
    statements take turns (A, B, A, B, ...), so that drift in the machine's
    speed affects them alike.
    """
    for stmt in statements:
        run_once(conn, stmt)
    times = [[] for _ in statements]
    for _ in range(repeats):
        for stmt, t in zip(statements, times):
            t.append(run_once(conn, stmt))
    for stmt in statements:
        if stmt.undo:
            conn.execute(stmt.undo)
    return [statistics.median(t) for t in times]


def set_settings(conn, settings):
    for name, value in settings.items():
        conn.execute("SELECT set_config(%s, %s, false)", (name, value))


@dataclass(frozen=True)
class TimedBenchmark:
    """A baseline statement and candidates timed against it."""
    name: str
    baseline: Statement
    comparisons: list[Comparison]
    settings: dict[str, str] = field(default_factory=dict)
    # Operations per statement.  When set, the table shows rates and the
    # rate ratio (baseline time / candidate time, higher is better)
    # instead of the time ratio.
    ops: int | None = None

    def run(self, conn, repeats):
        set_settings(conn, self.settings)
        statements = [self.baseline] + [c.candidate for c in self.comparisons]
        base, *cands = measure(conn, statements, repeats)
        for name in self.settings:
            conn.execute(sql.SQL("RESET {}").format(sql.Identifier(name)))
        return [compared(self.name, self.cell(c.candidate, secs),
                         self.cell(self.baseline, base),
                         base / secs if self.ops else secs / base, c.target)
                for c, secs in zip(self.comparisons, cands)]

    def cell(self, stmt, secs):
        text = f"{stmt.label}: {secs * 1e3:.1f} ms"
        if self.ops:
            text += f" ({self.ops / secs / 1e6:.2f} M/s)"
        return text


@dataclass(frozen=True)
class StorageBenchmark:
    """Sizes of the same ids stored as typeid, uuid and text."""
    rows: int
    name: str = "storage"

    def run(self, conn, repeats):
        # sizes are exact: nothing to repeat
        def one(query):
            return conn.execute(query).fetchone()[0]

        def mib(nbytes):
            return f"{nbytes / 2**20:.2f} MiB"

        value = one("SELECT pg_column_size(id) FROM ids_typeid LIMIT 1")
        uuid_value = one("SELECT pg_column_size(id) FROM ids_uuid LIMIT 1")
        results = [Result("stored `user_…` value (pg_column_size)", f"typeid: {value} B",
                          f"uuid: {uuid_value} B", value / uuid_value, "= 21 B",
                          value == 21)]
        for what, rel, limits in (("heap", "ids_{}", {"uuid": 1.2, "text": 0.88}),
                                  ("btree", "ids_{}_pkey", {"uuid": 1.3, "text": 0.83})):
            size = {t: one(f"SELECT pg_relation_size('{rel.format(t)}')")
                    for t in ("typeid", "uuid", "text")}
            for base, limit in limits.items():
                results.append(compared(f"{what} size, one column, {self.rows:,} rows",
                                        f"typeid: {mib(size['typeid'])}",
                                        f"{base}: {mib(size[base])}",
                                        size["typeid"] / size[base], Target("<=", limit)))
        return results


def copy_file(conn, t):
    """Quoted path of the COPY file of type t, in the data directory, which
    the server can write and read."""
    datadir = conn.execute("SHOW data_directory").fetchone()[0]
    return sql.Literal(f"{datadir}/bench_{t}.copy").as_string(conn)


def benchmarks(conn, scale):
    """Every benchmark, in report order."""
    n, k = scale.rows, scale.lookups

    def count_over_series(expr):
        return f"SELECT count({expr}) FROM generate_series(1, {n})"

    def three_way(name, template, undo=None, typeid_target=None):
        """typeid (with a target) and text (for information) against uuid."""
        def stmt(t):
            return Statement(t, template.format(t=t), undo and undo.format(t=t))
        return TimedBenchmark(
            name, stmt("uuid"),
            [Comparison(stmt("typeid"), typeid_target),
             Comparison(stmt("text"), None)])

    return [
        TimedBenchmark(
            f"generation, {n:,} calls",
            Statement("gen_random_uuid()", count_over_series("gen_random_uuid()")),
            [Comparison(Statement("typeid_generate('user')",
                                  count_over_series("typeid_generate('user')")),
                        Target("<=", 0.5)),
             Comparison(Statement("uuid_generate_v7()",
                                  count_over_series("uuid_generate_v7()")),
                        Target("<=", 0.5))]),
        TimedBenchmark(
            f"text output, cast, {n:,} rows",
            Statement("uuid", "SELECT count(id::text) FROM ids_uuid"),
            [Comparison(Statement("typeid", "SELECT count(id::text) FROM ids_typeid"),
                        Target("<=", 1.2))]),
        TimedBenchmark(
            f"text output, COPY TO, {n:,} rows",
            Statement("uuid", "COPY ids_uuid TO '/dev/null'"),
            [Comparison(Statement("typeid", "COPY ids_typeid TO '/dev/null'"),
                        Target("<=", 1.2))]),
        TimedBenchmark(
            f"text input, cast, {n:,} rows",
            Statement("uuid", "SELECT count(s::uuid) FROM uuid_strings"),
            [Comparison(Statement("typeid", "SELECT count(id::typeid) FROM ids_text"),
                        Target("<=", 1.2))]),
        TimedBenchmark(
            f"text input, COPY FROM, {n:,} rows",
            Statement("uuid", f"COPY copy_uuid FROM {copy_file(conn, 'uuid')}",
                      "TRUNCATE copy_uuid"),
            [Comparison(Statement("typeid",
                                  f"COPY copy_typeid FROM {copy_file(conn, 'typeid')}",
                                  "TRUNCATE copy_typeid"),
                        Target("<=", 1.2))]),
        StorageBenchmark(n),
        three_way(f"btree build, {n:,} rows in random order",
                  "CREATE INDEX rand_{t}_id ON rand_{t} (id)",
                  undo="DROP INDEX IF EXISTS rand_{t}_id",
                  typeid_target=Target("<=", 1.25)),
        three_way(f"ORDER BY, {n:,} rows in random order",
                  f"SELECT id FROM rand_{{t}} ORDER BY id OFFSET {n}",
                  typeid_target=Target("<=", 1.25)),
        TimedBenchmark(
            f"INSERT of {n:,} generated rows, prefix-checked column",
            Statement("typeid", f"INSERT INTO ins_typeid SELECT typeid_generate('user') "
                                f"FROM generate_series(1, {n})", "TRUNCATE ins_typeid"),
            [Comparison(Statement("typeid('user')",
                                  f"INSERT INTO ins_typeid_user SELECT typeid_generate('user') "
                                  f"FROM generate_series(1, {n})", "TRUNCATE ins_typeid_user"),
                        Target("<=", 1.1)),
             # a prefix longer than 6 bytes: its typmod is looked up once
             Comparison(Statement("typeid('invoice')",
                                  f"INSERT INTO ins_typeid_invoice SELECT typeid_generate('invoice') "
                                  f"FROM generate_series(1, {n})", "TRUNCATE ins_typeid_invoice"),
                        Target("<=", 1.1))]),
        TimedBenchmark(
            f"primary key lookups, {k:,} of {n:,} rows",
            Statement("uuid", "SELECT count(*) FROM probe_uuid JOIN ids_uuid USING (id)"),
            [Comparison(Statement("typeid",
                                  "SELECT count(*) FROM probe_typeid JOIN ids_typeid USING (id)"),
                        Target(">=", 0.85))],
            # one index probe per key: a nested loop over the primary key
            settings={"enable_hashjoin": "off", "enable_mergejoin": "off"},
            ops=k),
    ]


def set_up(conn, scale):
    conn.execute(SETUP.format(rows=scale.rows, lookups=scale.lookups,
                              typeid_file=copy_file(conn, "typeid"),
                              uuid_file=copy_file(conn, "uuid")))
    # all-visible pages (index-only lookups) and hint bits set before timing
    conn.execute("VACUUM (FREEZE, ANALYZE)")
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
    lines = ["| benchmark | candidate | baseline | ratio | target | met |",
             "|---|---|---|---|---|---|"]
    for r in results:
        met = {None: "—", True: "yes", False: "**no**"}[r.met]
        lines.append(f"| {r.benchmark} | {r.candidate} | {r.baseline} "
                     f"| {r.ratio:.3f} | {r.target} | {met} |")
    return "\n".join(lines)


def run_suite(doc, set_up, benchmarks, dbname="postgres"):
    """Command line of every benchmark script: parse the common arguments,
    run set_up(conn, scale), then every benchmark of benchmarks(conn, scale),
    and print the report (and write it to --output).  A database other than
    postgres is created afresh first."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--host", required=True, help="server socket directory or host")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--scale", choices=SCALES, default="full")
    parser.add_argument("--output", help="also write the markdown report here")
    parser.add_argument("--dbname", default=dbname,
                        help=f"database to use (default {dbname})")
    args = parser.parse_args()
    scale = SCALES[args.scale]

    def connect(name):
        return psycopg.connect(host=args.host, port=args.port, user="postgres",
                               dbname=name, autocommit=True)

    if args.dbname != "postgres":
        with connect("postgres") as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(args.dbname)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.dbname)))
    with connect(args.dbname) as conn:
        set_up(conn, scale)
        set_settings(conn, SESSION_SETTINGS)
        results = []
        for bench in benchmarks(conn, scale):
            print(f"running: {bench.name}", file=sys.stderr)
            results += bench.run(conn, scale.repeats)
        report = f"{header(conn, args.scale, scale)}\n\n{table(results)}\n"

    print(report, end="")
    if args.output:
        with open(args.output, "w") as f:
            f.write(report)


def main():
    run_suite(__doc__, set_up, benchmarks)


if __name__ == "__main__":
    main()
