#!/usr/bin/env python3
"""Benchmarks of typeid sorts on realistic orders and prefix mixes, against uuid.

bench.py sorts IDs of one prefix in random order.  Real tables are mostly
in ID order already (UUIDv7s are generated in time order), and many
queries sort the IDs of several prefixes together.  Each benchmark here
runs the same statement over typeid and over uuid tables holding the same
UUIDs in the same order, interleaved, median of the repeats (the method of
bench.py, whose helpers this uses).  Also the cost of the prefix check of a
typeid('user') column on an INSERT into an unlogged table without index,
where the check is as large a share of the statement as it can be.  Same
options as bench.py; run with `BENCH_SCRIPT=bench_sort.py test/bench/run.sh`.
BENCH_ONLY=word runs only the benchmarks whose name contains word.
"""

import os

from bench import Comparison, Statement, Target, TimedBenchmark, run_suite

# N is half of bench.py's row count: 500,000 at full scale.
#
# seq_*: N UUIDv7s in generation (= id) order, no index.
# rand_*, rand2_*: the same ids in two independent random orders.
# mixed_*: N other ids, alternately generated with prefixes user and org,
#   in random order; mixed_uuid holds their UUIDs.
# many_*: N ids with eight prefixes of different lengths, some of them
#   prefixes of one another, and the empty prefix, in random order.
# ins_*, def_*: unlogged, no index, for the INSERTs; def_* fill the id by
#   default.
SETUP = """
CREATE EXTENSION activemodel;

CREATE TABLE seq_typeid (id typeid);
CREATE TABLE seq_uuid (id uuid);
INSERT INTO seq_typeid SELECT typeid_generate('user') FROM generate_series(1, {rows});
INSERT INTO seq_uuid SELECT id::uuid FROM seq_typeid;

CREATE TEMP TABLE shuffle AS SELECT id, random() AS r, random() AS r2 FROM seq_typeid;
CREATE TABLE rand_typeid (id typeid);
CREATE TABLE rand_uuid (id uuid);
INSERT INTO rand_typeid SELECT id FROM shuffle ORDER BY r;
INSERT INTO rand_uuid SELECT id::uuid FROM shuffle ORDER BY r;
CREATE TABLE rand2_typeid (id typeid);
CREATE TABLE rand2_uuid (id uuid);
INSERT INTO rand2_typeid SELECT id FROM shuffle ORDER BY r2;
INSERT INTO rand2_uuid SELECT id::uuid FROM shuffle ORDER BY r2;
DROP TABLE shuffle;

CREATE TEMP TABLE shuffle AS
SELECT typeid_generate((ARRAY['user', 'org'])[1 + g % 2]) AS id, random() AS r
FROM generate_series(1, {rows}) g;
CREATE TABLE mixed_typeid (id typeid);
CREATE TABLE mixed_uuid (id uuid);
INSERT INTO mixed_typeid SELECT id FROM shuffle ORDER BY r;
INSERT INTO mixed_uuid SELECT id::uuid FROM shuffle ORDER BY r;
DROP TABLE shuffle;

CREATE TEMP TABLE shuffle AS
SELECT typeid_generate((ARRAY['', 'a', 'ab', 'abc', 'org', 'user', 'users', 'invoice_item'])[1 + g % 8])
	   AS id, random() AS r
FROM generate_series(1, {rows}) g;
CREATE TABLE many_typeid (id typeid);
CREATE TABLE many_uuid (id uuid);
INSERT INTO many_typeid SELECT id FROM shuffle ORDER BY r;
INSERT INTO many_uuid SELECT id::uuid FROM shuffle ORDER BY r;
DROP TABLE shuffle;

CREATE UNLOGGED TABLE ins_typeid (id typeid);
CREATE UNLOGGED TABLE ins_typeid_user (id typeid('user'));
CREATE UNLOGGED TABLE def_typeid (id typeid DEFAULT typeid_generate('user'), n int);
CREATE UNLOGGED TABLE def_typeid_user (id typeid('user') DEFAULT typeid_generate('user'), n int);
"""


def rows(scale):
    return scale.rows // 2


def benchmarks(scale):
    n = rows(scale)

    def versus_uuid(name, template, target, undo=None, settings=None):
        def stmt(t):
            return Statement(t, template.format(t=t), undo and undo.format(t=t))
        return TimedBenchmark(name, stmt("uuid"), [Comparison(stmt("typeid"), target)],
                              settings=settings or {})

    def insert(label, table, source):
        return Statement(label, f"INSERT INTO {table} {source}", f"TRUNCATE {table}")

    generated = f"SELECT typeid_generate('user') FROM generate_series(1, {n})"
    stored = "SELECT id FROM seq_typeid"
    by_default = f"(n) SELECT g FROM generate_series(1, {n}) g"
    all_benchmarks = [
        versus_uuid(f"ORDER BY, {n:,} rows already in id order",
                    f"SELECT id FROM seq_{{t}} ORDER BY id OFFSET {n}",
                    Target("<=", 1.1)),
        versus_uuid(f"btree build, {n:,} rows already in id order",
                    "CREATE INDEX seq_{t}_id ON seq_{t} (id)",
                    Target("<=", 1.1), undo="DROP INDEX IF EXISTS seq_{t}_id"),
        versus_uuid(f"ORDER BY, {n:,} rows in random order, prefixes user and org",
                    f"SELECT id FROM mixed_{{t}} ORDER BY id OFFSET {n}",
                    Target("<=", 1.25)),
        versus_uuid(f"ORDER BY, {n:,} rows in random order, eight prefixes "
                    f"('', a, ab, abc, org, user, users, invoice_item)",
                    f"SELECT id FROM many_{{t}} ORDER BY id OFFSET {n}",
                    Target("<=", 1.25)),
        versus_uuid(f"count(DISTINCT id), {n:,} rows in random order",
                    "SELECT count(DISTINCT id) FROM rand_{t}",
                    Target("<=", 1.1)),
        # no index: both sides are sorted, then merged
        versus_uuid(f"merge join on id, {n:,} rows in random order on each side",
                    "SELECT count(*) FROM rand_{t} a JOIN rand2_{t} b USING (id)",
                    Target("<=", 1.1),
                    settings={"enable_hashjoin": "off", "enable_nestloop": "off"}),
        # The prefix check is one more call in the projection that computes
        # the row.
        TimedBenchmark(
            f"INSERT of {n:,} rows, id by DEFAULT typeid_generate('user'), "
            f"unlogged, no index: prefix check",
            insert("typeid", "def_typeid", by_default),
            [Comparison(insert("typeid('user')", "def_typeid_user", by_default),
                        Target("<=", 1.05))]),
        # The same check, but PostgreSQL cannot pull a subquery with a
        # volatile output (typeid_generate) up into the INSERT, so the
        # check gets a Subquery Scan node of its own above the Function Scan.
        TimedBenchmark(
            f"INSERT ... SELECT typeid_generate('user') of {n:,} rows, unlogged, "
            f"no index: prefix check and a Subquery Scan",
            insert("typeid", "ins_typeid", generated),
            [Comparison(insert("typeid('user')", "ins_typeid_user", generated), None)]),
        # Rows copied from a plain typeid column: the check adds a projection
        # to a scan that passes its tuples through otherwise.
        TimedBenchmark(
            f"INSERT ... SELECT of {n:,} stored rows, unlogged, no index: prefix check "
            f"and a projection",
            insert("typeid", "ins_typeid", stored),
            [Comparison(insert("typeid('user')", "ins_typeid_user", stored), None)]),
    ]
    only = os.environ.get("BENCH_ONLY")
    return [b for b in all_benchmarks if not only or only in b.name]


def set_up(conn, scale):
    conn.execute(SETUP.format(rows=rows(scale)))
    conn.execute("VACUUM (FREEZE, ANALYZE)")
    conn.execute("CHECKPOINT")


def main():
    run_suite(__doc__, set_up, lambda conn, scale: benchmarks(scale), dbname="bench_sort")


if __name__ == "__main__":
    main()
