#!/usr/bin/env python3
"""Benchmark of the am.timestamps() trigger against a PL/pgSQL trigger and
contrib moddatetime.

The per-row overhead of a trigger on INSERT and on UPDATE of N rows is
(median time with the trigger - median time of the same statement on a
table without trigger) / N; the targets are ratios of overheads taken in
the same run.  Method of bench.py, whose helpers this uses: one session,
every statement once untimed, then in turns, medians of the repeats.  Same
options as bench.py; run with `BENCH_SCRIPT=bench_timestamps.py
test/bench/run.sh`.
"""

from dataclasses import dataclass

from bench import Statement, Target, compared, copy_file, measure, run_suite

# One table per trigger, all of one shape: an id, two payload columns and
# two nullable timestamp columns without default, so that on INSERT every
# trigger has both columns to fill.  UNLOGGED and without index: the
# figures are the triggers' CPU cost; WAL and index work are the same for
# every table and only add noise.
SETUP = """
CREATE EXTENSION IF NOT EXISTS activemodel;
CREATE EXTENSION IF NOT EXISTS moddatetime;

-- What one writes by hand: fill what is NULL on INSERT, set updated_at on
-- UPDATE.
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
CREATE UNLOGGED TABLE ts_{t} (
	id bigint NOT NULL,
	n integer NOT NULL,
	note text NOT NULL,
	created_at timestamptz,
	updated_at timestamptz
);
"""

# table suffix -> (events, trigger function); moddatetime refuses INSERT
TRIGGERS = {
    "none": None,
    "c": ("INSERT OR UPDATE", "am.timestamps()"),
    "plpgsql": ("INSERT OR UPDATE", "plpgsql_timestamps()"),
    "plpgsql_rails": ("INSERT OR UPDATE", "plpgsql_rails_timestamps()"),
    "moddatetime": ("UPDATE", "moddatetime(updated_at)"),
}

# am.timestamps() with activemodel.record_timestamps off: a C trigger that
# returns the row untouched, the floor any BEFORE row trigger pays.
OFF = "SET activemodel.record_timestamps = off"
ON = "RESET activemodel.record_timestamps"


@dataclass(frozen=True)
class Comparison:
    """Overhead of candidate divided by the overhead of reference."""
    candidate: str      # labels of statements of the benchmark
    reference: str
    target: Target | None   # None: shown for information only


@dataclass(frozen=True)
class OverheadBenchmark:
    """Statements timed against a baseline without trigger; compared by
    their per-row overheads over it."""
    name: str
    rows: int
    baseline: Statement
    candidates: list[Statement]
    comparisons: list[Comparison]

    def run(self, conn, repeats):
        statements = [self.baseline] + self.candidates
        medians = dict(zip((s.label for s in statements),
                           measure(conn, statements, repeats)))
        base = medians[self.baseline.label]

        def overhead(label):
            return (medians[label] - base) / self.rows

        def cell(label):
            return (f"{label}: +{overhead(label) * 1e6:.3f} µs/row "
                    f"({medians[label] * 1e3:.0f} ms)")

        return [compared(f"{self.name}, per-row overhead over no trigger "
                         f"({base * 1e3:.0f} ms)",
                         cell(c.candidate), cell(c.reference),
                         overhead(c.candidate) / overhead(c.reference), c.target)
                for c in self.comparisons]


def benchmarks(conn, scale):
    n = scale.rows
    data = copy_file(conn, "timestamps")

    def insert(t, label, off=False):
        undo = f"{ON}; TRUNCATE ts_{t}" + (f"; {OFF}" if off else "")
        return Statement(label, f"INSERT INTO ts_{t} (id, n, note) "
                         f"SELECT g, g, 'row ' || g FROM generate_series(1, {n}) g", undo)

    def update(t, label, off=False):
        # a fresh copy of the rows, frozen (hint bits set) by COPY FREEZE
        undo = (f"{ON}; TRUNCATE ts_{t}; COPY ts_{t} FROM {data} WITH (FREEZE)"
                + (f"; {OFF}" if off else ""))
        return Statement(label, f"UPDATE ts_{t} SET n = n + 1", undo)

    c_off = "am.timestamps(), record_timestamps off"
    return [
        OverheadBenchmark(
            f"INSERT {n:,} rows", n,
            insert("none", "no trigger"),
            [insert("c", "am.timestamps()"),
             insert("plpgsql", "PL/pgSQL"),
             insert("c", c_off, off=True)],
            [Comparison("am.timestamps()", "PL/pgSQL", Target("<=", 0.35)),
             Comparison(c_off, "PL/pgSQL", None)]),
        OverheadBenchmark(
            f"UPDATE {n:,} rows", n,
            update("none", "no trigger"),
            [update("c", "am.timestamps()"),
             update("plpgsql", "PL/pgSQL"),
             update("moddatetime", "moddatetime"),
             update("plpgsql_rails", "PL/pgSQL, same rules"),
             update("c", c_off, off=True)],
            [Comparison("am.timestamps()", "PL/pgSQL", Target("<=", 0.5)),
             Comparison("am.timestamps()", "moddatetime", Target("<=", 0.8)),
             Comparison("am.timestamps()", "PL/pgSQL, same rules", None),
             Comparison(c_off, "PL/pgSQL", None)]),
    ]


def set_up(conn, scale):
    conn.execute(SETUP)
    for t, trigger in TRIGGERS.items():
        conn.execute(TABLE.format(t=t))
        if trigger:
            events, function = trigger
            conn.execute(f"CREATE TRIGGER ts_{t}_timestamps BEFORE {events} ON ts_{t} "
                         f"FOR EACH ROW EXECUTE FUNCTION {function}")
    # the rows every UPDATE run starts from: both timestamps set
    conn.execute(f"COPY (SELECT g, g, 'row ' || g, "
                 f"'2024-01-01 00:00+00'::timestamptz, '2024-01-01 00:00+00'::timestamptz "
                 f"FROM generate_series(1, {scale.rows}) g) "
                 f"TO {copy_file(conn, 'timestamps')}")
    conn.execute("CHECKPOINT")


def main():
    run_suite(__doc__, set_up, benchmarks, dbname="bench_timestamps")


if __name__ == "__main__":
    main()
