#!/usr/bin/env python3
"""Benchmark of lifecycle hook dispatch against a hand-written trigger.

INSERT of N rows into a table with one before_save hook (a PL/pgSQL
function lowercasing a column) against the same INSERT into a table with a
hand-written PL/pgSQL BEFORE trigger doing the same, in one session,
interleaved, median of the repeats (the method of bench.py, whose helpers
this uses).  For information, both against a table without trigger, and
the same with an after_save hook against an AFTER trigger, and UPDATEs of
rows holding an out-of-line (TOASTed) value, where a hook must neither
rewrite nor detoast the value it does not touch.  Same options as bench.py;
run with `BENCH_SCRIPT=bench_hooks.py test/bench/run.sh`.
"""

from bench import Comparison, Statement, Target, TimedBenchmark, run_suite

# Three tables of the same shape, without indexes, so that the hook or
# trigger is as large a part of the statement as it can be.
SETUP = """
CREATE EXTENSION IF NOT EXISTS activemodel;

CREATE TABLE users_plain (id int, email text);
CREATE TABLE users_trigger (id int, email text);
CREATE TABLE users_hook (id int, email text);

CREATE FUNCTION users_trigger_lower_email() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.email := lower(NEW.email);
	RETURN NEW;
END
$$;
CREATE TRIGGER lower_email BEFORE INSERT OR UPDATE ON users_trigger
	FOR EACH ROW EXECUTE FUNCTION users_trigger_lower_email();

CREATE FUNCTION users_hook_lower_email(new users_hook) RETURNS users_hook
LANGUAGE plpgsql AS $$
BEGIN
	new.email := lower(new.email);
	RETURN new;
END
$$;
SELECT am.add_hook('users_hook', 'before_save', 'users_hook_lower_email(users_hook)');

CREATE TABLE after_trigger (id int, email text);
CREATE TABLE after_hook (id int, email text);
CREATE FUNCTION after_trigger_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM NEW.email;
	RETURN NULL;
END
$$;
CREATE TRIGGER count_rows AFTER INSERT OR UPDATE ON after_trigger
	FOR EACH ROW EXECUTE FUNCTION after_trigger_count();
CREATE FUNCTION after_hook_count(new after_hook) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM new.email;
END
$$;
SELECT am.add_hook('after_hook', 'after_save', 'after_hook_count(after_hook)');

-- Rows with an 8 kB value stored out of line, uncompressed (STORAGE
-- EXTERNAL); the UPDATEs change another column.  Before hooks and triggers
-- return their row unchanged; after hooks and triggers read the small column.
CREATE FUNCTION docs_trigger_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RETURN NEW;
END
$$;
CREATE FUNCTION docs_trigger_read() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM NEW.n;
	RETURN NULL;
END
$$;
"""

DOCS = """
CREATE TABLE docs_{t} (id int, n int, body text);
ALTER TABLE docs_{t} ALTER COLUMN body SET STORAGE EXTERNAL;
INSERT INTO docs_{t} SELECT g, 0, repeat(md5(g::text), 256) FROM generate_series(1, {rows}) g;
"""

DOCS_HOOKS = """
CREATE FUNCTION docs_before_hook_keep(new docs_before_hook) RETURNS docs_before_hook
LANGUAGE plpgsql AS $$
BEGIN
	RETURN new;
END
$$;
SELECT am.add_hook('docs_before_hook', 'before_save', 'docs_before_hook_keep(docs_before_hook)');
CREATE TRIGGER keep BEFORE UPDATE ON docs_before_trigger
	FOR EACH ROW EXECUTE FUNCTION docs_trigger_keep();
CREATE FUNCTION docs_after_hook_read(new docs_after_hook) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM new.n;
END
$$;
SELECT am.add_hook('docs_after_hook', 'after_save', 'docs_after_hook_read(docs_after_hook)');
CREATE TRIGGER read AFTER UPDATE ON docs_after_trigger
	FOR EACH ROW EXECUTE FUNCTION docs_trigger_read();
"""

DOCS_TABLES = ("plain", "before_trigger", "before_hook", "after_trigger", "after_hook")


def insert(label, table, n):
    return Statement(
        label,
        f"INSERT INTO {table} SELECT g, 'User' || g || '@Example.COM' "
        f"FROM generate_series(1, {n}) g",
        f"TRUNCATE {table}")


def update_docs(label, t):
    # VACUUM (untimed) reclaims the previous run's dead rows and chunks
    return Statement(label, f"UPDATE docs_{t} SET n = n + 1", f"VACUUM docs_{t}")


def docs_rows(scale):
    return scale.rows // 100


def benchmarks(scale):
    n = scale.rows
    docs = docs_rows(scale)
    return [
        TimedBenchmark(
            f"INSERT {n:,} rows, lowercase a column before the write",
            insert("PL/pgSQL BEFORE trigger", "users_trigger", n),
            [Comparison(insert("before_save hook (PL/pgSQL)", "users_hook", n),
                        Target("<=", 1.3))]),
        TimedBenchmark(
            f"INSERT {n:,} rows, no trigger (information)",
            insert("no trigger", "users_plain", n),
            [Comparison(insert("PL/pgSQL BEFORE trigger", "users_trigger", n), None),
             Comparison(insert("before_save hook", "users_hook", n), None)]),
        TimedBenchmark(
            f"INSERT {n:,} rows, read a column after the write (information)",
            insert("PL/pgSQL AFTER trigger", "after_trigger", n),
            [Comparison(insert("after_save hook", "after_hook", n), None)]),
        TimedBenchmark(
            f"UPDATE {docs:,} rows with an 8 kB out-of-line value, "
            f"before hook or trigger returning the row (information)",
            update_docs("PL/pgSQL BEFORE trigger", "before_trigger"),
            [Comparison(update_docs("before_save hook", "before_hook"), None),
             Comparison(update_docs("no trigger", "plain"), None)]),
        TimedBenchmark(
            f"UPDATE {docs:,} rows with an 8 kB out-of-line value, "
            f"after hook or trigger reading another column (information)",
            update_docs("PL/pgSQL AFTER trigger", "after_trigger"),
            [Comparison(update_docs("after_save hook", "after_hook"), None)]),
    ]


def set_up(conn, scale):
    conn.execute(SETUP)
    for t in DOCS_TABLES:
        conn.execute(DOCS.format(t=t, rows=docs_rows(scale)))
    conn.execute(DOCS_HOOKS)
    conn.execute("VACUUM (FREEZE, ANALYZE)")
    conn.execute("CHECKPOINT")


def main():
    run_suite(__doc__, set_up, lambda conn, scale: benchmarks(scale), dbname="bench_hooks")


if __name__ == "__main__":
    main()
