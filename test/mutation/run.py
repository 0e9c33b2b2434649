#!/usr/bin/env python3
"""Mutation testing of activemodel: plant one bug at a time, run the suites.

    test/mutation/run.sh [options] [SELECTOR ...]

Each mutant of test/mutation/mutants.ini (format: see that file's header) is
applied alone to a scratch copy of the source tree, built with CI's flags
and installed into a private copy of the PostgreSQL install made by
test/pg-private.sh (never the system one).  Then the suites run in this
order (so that a score without the fuzzer can be read off), and the first
that fails kills the mutant:

    regress   make installcheck on a throwaway cluster of the private copy
    tap       test/tap.sh (every test/t/*.pl)
    fuzz      test/fuzz/run.sh, for mutants of src/typeid_codec.c only
              (the harness links nothing else), when clang is there

A mutant that does not compile is "killed by the compiler" and reported
apart: the score counts the mutants that built.  A mutant whose snippet is
not found exactly once is "stale" (the code moved on: refresh the list) and
not counted; one marked "equivalent" is not run unless asked.

SELECTOR: a mutant id, a glob over ids ("codec-*"), or a source file
("src/typeid_codec.c" or "typeid_codec.c"); none selects every mutant.

Options:
    --jobs N            mutants built and tested at once (default 1; each job
                        has its own scratch tree, PostgreSQL copy and port)
    --check             only check the snippets: list the stale mutants
    --build-only        apply and build each mutant, run no suite: finds the
                        mutants that do not compile after the code changed
    --list              list the selected mutants and exit
    --fuzz-seconds S    fuzzing time for codec mutants (default 20; 0 replays
                        the spec vectors only)
    --no-fuzz           never run the fuzzer
    --include-equivalent  run the mutants marked equivalent too
    --no-baseline       skip the run of the suites on the unmutated tree
    --timeout S         limit for each suite run (default 900)
    --pg-dir PREFIX     private PostgreSQL copies PREFIX.1, PREFIX.2, ...
                        (default /tmp/pg-mutation-run)
    --port-base P       the regress cluster of job k listens on P + k
                        (default 55900)
    --work DIR          scratch directory (default: a new /tmp/activemodel-
                        mutation.XXXXXX); logs and results.tsv are kept there
    --mutants FILE      another list (default test/mutation/mutants.ini)

Prints one line per mutant as it finishes, then the score and the survivors;
exits 0 when no mutant survived, 1 when some did (with --build-only: when
some did not compile; with --check: when some are stale), 2 on errors (a
failing baseline, a bad list).
"""

import argparse
import configparser
import datetime
import fnmatch
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_CFLAGS = "-Wall -Wextra -Werror -Wno-unused-parameter"
CODEC_FILE = "src/typeid_codec.c"


class Mutant:
    def __init__(self, mid, edits, note, equivalent):
        self.id = mid
        self.edits = edits          # [(file, find, replace)], applied in order
        self.file = edits[0][0]
        self.files = list(dict.fromkeys(e[0] for e in edits))
        self.note = note
        self.equivalent = equivalent

    @staticmethod
    def pattern(find):
        """The snippet as a regex: literal, except that each run of
        whitespace matches any run of whitespace (so reindentation and
        rewrapping do not make the mutant stale)."""
        return re.compile(r"\s+".join(re.escape(t) for t in find.split()))

    def mutate(self, root):
        """({file: (original, mutated)}, None), or (None, why it is stale)."""
        originals = {}
        texts = {}
        for n, (f, find, replace) in enumerate(self.edits, 1):
            which = "snippet" if n == 1 else "snippet %d" % n
            if f not in texts:
                try:
                    with open(os.path.join(root, f), encoding="utf-8") as fh:
                        originals[f] = texts[f] = fh.read()
                except OSError:
                    return None, "no file %s" % f
            matches = list(self.pattern(find).finditer(texts[f]))
            if len(matches) != 1:
                return None, ("%s not found" % which if not matches
                              else "%s found %d times" % (which, len(matches)))
            m = matches[0]
            texts[f] = texts[f][:m.start()] + replace + texts[f][m.end():]
        if all(texts[f] == originals[f] for f in texts):
            return None, "replacement equals the snippet"
        return {f: (originals[f], texts[f]) for f in texts}, None


def load_mutants(path):
    parser = configparser.RawConfigParser(delimiters=("=",),
                                          comment_prefixes=("#",),
                                          inline_comment_prefixes=None,
                                          strict=True,
                                          empty_lines_in_values=False)
    parser.optionxform = str
    with open(path, encoding="utf-8") as f:
        parser.read_file(f)
    mutants = []
    for mid in parser.sections():
        sec = parser[mid]
        known = {"file", "find", "replace", "note", "equivalent"}
        for n in range(2, 10):
            known |= {"file.%d" % n, "find.%d" % n, "replace.%d" % n}
        unknown = set(sec) - known
        missing = {"file", "find", "replace", "note"} - set(sec)
        if unknown or missing:
            raise ValueError("mutant %s: %s" % (mid, "; ".join(
                filter(None, [unknown and "unknown keys " + ", ".join(sorted(unknown)),
                              missing and "missing keys " + ", ".join(sorted(missing))]))))
        edits = [(sec["file"].strip(), sec["find"], sec["replace"])]
        for n in range(2, 10):
            if "find.%d" % n not in sec and "replace.%d" % n not in sec:
                continue
            if "find.%d" % n not in sec or "replace.%d" % n not in sec:
                raise ValueError("mutant %s: find.%d and replace.%d go together" % (mid, n, n))
            edits.append((sec.get("file.%d" % n, edits[0][0]).strip(),
                          sec["find.%d" % n], sec["replace.%d" % n]))
        for f, find, _ in edits:
            if not find.strip():
                raise ValueError("mutant %s: empty find" % mid)
        mutants.append(Mutant(mid, edits, sec["note"].strip(),
                              sec.get("equivalent", "").strip() or None))
    return mutants


def select(mutants, selectors):
    if not selectors:
        return list(mutants)
    chosen = []
    for m in mutants:
        for s in selectors:
            if (fnmatch.fnmatchcase(m.id, s) or s in m.files
                    or s in [os.path.basename(f) for f in m.files]):
                chosen.append(m)
                break
    return chosen


def log(msg):
    print(msg, flush=True)


def run(cmd, cwd, env, logpath, timeout):
    """Run cmd, output to logpath; returns 'ok', 'failed' or 'timeout'."""
    with open(logpath, "ab") as out:
        out.write(("$ %s\n" % " ".join(cmd)).encode())
        out.flush()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out,
                                    stderr=subprocess.STDOUT,
                                    start_new_session=True)
        except OSError as e:
            out.write(("cannot run: %s\n" % e).encode())
            return "failed"
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            # the whole process group: the suite and its servers' clients
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass
            proc.wait()
            out.write(b"\n*** timed out\n")
            return "timeout"
    return "ok" if rc == 0 else "failed"


def ci_cflags():
    """PG_CFLAGS of .ci/run's build, so that the mutants build as CI does."""
    try:
        with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as f:
            m = re.search(r'PG_CFLAGS="([^"]*)"', f.read())
            if m:
                return m.group(1)
    except OSError:
        pass
    return DEFAULT_CFLAGS


class Slot:
    """One job: a scratch source tree, a private PostgreSQL, a port."""

    def __init__(self, k, args, work):
        self.k = k
        self.args = args
        self.dir = os.path.join(work, "job%d" % k)
        self.src = os.path.join(self.dir, "src")
        self.pgdir = "%s.%d" % (args.pg_dir, k)
        self.port = args.port_base + k
        self.cluster = os.path.join(self.dir, "cluster")
        self.pg_config = None
        self.env = None

    def setup(self):
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o755)
        skip = shutil.ignore_patterns(".git", "*.o", "*.so", "*.bc", "results",
                                      "tmp_check", "log", "regression.*",
                                      "corpus-run", "fuzz_typeid", "__pycache__")
        shutil.copytree(ROOT, self.src, ignore=skip, symlinks=True)
        subprocess.run(["chmod", "-R", "a+rX", self.src], check=True)
        # test/pg-private.sh copies the system install (once) and prints the
        # copy's pg_config; PG_CONFIG would name the source install, unset it
        env = dict(os.environ)
        env.pop("PG_CONFIG", None)
        self.pg_config = subprocess.run(
            [os.path.join(ROOT, "test", "pg-private.sh"), self.pgdir],
            check=True, env=env, stdout=subprocess.PIPE, text=True).stdout.strip()
        if not self.pg_config.startswith(self.pgdir):
            raise RuntimeError("pg-private.sh gave %s, not a copy under %s"
                               % (self.pg_config, self.pgdir))
        self.env = dict(os.environ)
        self.env["PG_CONFIG"] = self.pg_config
        bindir = subprocess.run([self.pg_config, "--bindir"], check=True,
                                stdout=subprocess.PIPE, text=True).stdout.strip()
        self.env["PATH"] = bindir + ":" + self.env.get("PATH", "")
        for var in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGSERVICE"):
            self.env.pop(var, None)
        logpath = os.path.join(self.dir, "setup.log")
        if self.build(logpath) != "ok":
            raise RuntimeError("job %d: the unmutated tree does not build, see %s"
                               % (self.k, logpath))

    def build(self, logpath):
        # "all" by name, whichever target the Makefile lists first
        make = ["make", "-s", "PG_CONFIG=" + self.pg_config, "PG_CFLAGS=" + ci_cflags()]
        st = run(make + ["all"], self.src, self.env, logpath, self.args.timeout)
        if st != "ok":
            return "compile"
        st = run(make + ["install"], self.src, self.env, logpath, self.args.timeout)
        return "ok" if st == "ok" else "install"

    def forget_objects(self, path):
        """Make the next build recompile path (and relink)."""
        names = [os.path.join(self.src, "activemodel.so")]
        if path.endswith(".c"):
            names.append(os.path.join(self.src, path[:-2] + ".o"))
        else:
            srcdir = os.path.join(self.src, "src")
            names += [os.path.join(srcdir, n) for n in os.listdir(srcdir)
                      if n.endswith(".o")]
        for n in names:
            if os.path.exists(n):
                os.unlink(n)

    def suite_regress(self, logpath):
        shutil.rmtree(self.cluster, ignore_errors=True)
        os.makedirs(self.cluster)
        os.chmod(self.cluster, 0o755)
        cluster_sh = os.path.join(self.src, "test", "cluster.sh")
        if run([cluster_sh, "start", os.path.join(self.cluster, "pg"), str(self.port)],
               self.src, self.env, logpath, 120) != "ok":
            return "error"
        diffs = os.path.join(self.src, "regression.diffs")
        if os.path.exists(diffs):
            os.unlink(diffs)
        try:
            st = run(["make", "installcheck", "PG_CONFIG=" + self.pg_config,
                      "PGHOST=" + os.path.join(self.cluster, "pg"),
                      "PGPORT=%d" % self.port, "PGUSER=postgres"],
                     self.src, self.env, logpath, self.args.timeout)
            if st != "ok" and os.path.exists(diffs):
                with open(logpath, "ab") as out, open(diffs, "rb") as d:
                    out.write(b"\n==== regression.diffs\n" + d.read())
            return st
        finally:
            run([cluster_sh, "stop", os.path.join(self.cluster, "pg")],
                self.src, self.env, logpath, 120)
            shutil.rmtree(self.cluster, ignore_errors=True)

    def suite_tap(self, logpath):
        return run([os.path.join(self.src, "test", "tap.sh")], self.src,
                   self.env, logpath, self.args.timeout)

    def suite_fuzz(self, logpath):
        shutil.rmtree(os.path.join(self.src, "test", "fuzz", "corpus-run"),
                      ignore_errors=True)
        return run([os.path.join(self.src, "test", "fuzz", "run.sh"),
                    str(self.args.fuzz_seconds)],
                   self.src, self.env, logpath, self.args.timeout)

    def suites_for(self, paths):
        suites = [("regress", self.suite_regress), ("tap", self.suite_tap)]
        if CODEC_FILE in paths and self.args.fuzz:
            suites.append(("fuzz", self.suite_fuzz))
        return suites

    def run_suites(self, paths, logbase):
        """(first failing suite or None, its status, its log)."""
        for name, fn in self.suites_for(paths):
            logpath = "%s.%s.log" % (logbase, name)
            st = fn(logpath)
            if st != "ok":
                return name, st, logpath
            os.unlink(logpath)
        return None, "ok", None

    def test(self, m, logdir):
        """Apply m, build, run the suites, restore.  Returns a result dict."""
        t0 = time.time()
        res = {"id": m.id, "file": m.file, "suite": "", "log": ""}
        changes, why = m.mutate(self.src)
        if changes is None:
            res.update(outcome="stale", why=why, secs=0.0)
            return res
        logbase = os.path.join(logdir, m.id)
        try:
            for f, (_, mutated) in changes.items():
                with open(os.path.join(self.src, f), "w", encoding="utf-8") as fh:
                    fh.write(mutated)
                self.forget_objects(f)
            st = self.build(logbase + ".build.log")
            if st == "compile":
                res.update(outcome="compiler", log=logbase + ".build.log")
            elif st != "ok":
                res.update(outcome="error", why="install failed",
                           log=logbase + ".build.log")
            elif self.args.build_only:
                os.unlink(logbase + ".build.log")
                res.update(outcome="built")
            else:
                os.unlink(logbase + ".build.log")
                suite, st, logpath = self.run_suites(m.files, logbase)
                if suite is None:
                    res.update(outcome="survived")
                elif st == "error":
                    res.update(outcome="error", suite=suite, log=logpath,
                               why="cluster did not start")
                else:
                    res.update(outcome="killed", suite=suite + (
                        " (timeout)" if st == "timeout" else ""), log=logpath)
        finally:
            for f, (original, _) in changes.items():
                with open(os.path.join(self.src, f), "w", encoding="utf-8") as fh:
                    fh.write(original)
                self.forget_objects(f)
        res["secs"] = time.time() - t0
        return res


def main():
    ap = argparse.ArgumentParser(
        prog="test/mutation/run.sh", usage="%(prog)s [options] [SELECTOR ...]",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("selectors", nargs="*", metavar="SELECTOR")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--fuzz-seconds", type=int, default=20)
    ap.add_argument("--no-fuzz", dest="fuzz", action="store_false")
    ap.add_argument("--include-equivalent", action="store_true")
    ap.add_argument("--no-baseline", dest="baseline", action="store_false")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--pg-dir", default="/tmp/pg-mutation-run")
    ap.add_argument("--port-base", type=int, default=55900)
    ap.add_argument("--work")
    ap.add_argument("--mutants", default=os.path.join(HERE, "mutants.ini"))
    args = ap.parse_args()
    if args.jobs < 1 or args.fuzz_seconds < 0:
        ap.error("--jobs must be at least 1 and --fuzz-seconds not negative")

    try:
        mutants = load_mutants(args.mutants)
    except (OSError, ValueError, configparser.Error) as e:
        print("run.sh: bad mutant list: %s" % e, file=sys.stderr)
        return 2
    chosen = select(mutants, args.selectors)
    if not chosen:
        print("run.sh: no mutant matches %s" % " ".join(args.selectors), file=sys.stderr)
        return 2

    if args.list:
        for m in chosen:
            log("%-28s %-26s %s%s" % (m.id, m.file, m.note,
                                      " [equivalent: %s]" % m.equivalent if m.equivalent else ""))
        return 0

    # stale mutants are found on the real tree, without building anything
    stale = []
    runnable = []
    for m in chosen:
        _, why = m.mutate(ROOT)
        if why:
            stale.append({"id": m.id, "file": m.file, "outcome": "stale", "why": why,
                          "suite": "", "secs": 0.0, "log": ""})
        else:
            runnable.append(m)
    if args.check:
        files = sorted({f for m in mutants for f in m.files})
        log("%d mutants in %s over %d files; %d selected, %d stale"
            % (len(mutants), os.path.relpath(args.mutants, ROOT), len(files),
               len(chosen), len(stale)))
        for r in stale:
            log("stale  %-28s %-26s %s" % (r["id"], r["file"], r["why"]))
        srcs = sorted(os.path.join("src", n) for n in os.listdir(os.path.join(ROOT, "src"))
                      if n.endswith(".c"))
        for s in srcs:
            n = sum(1 for m in mutants if s in m.files)
            log("%-28s %3d mutant(s)%s" % (s, n, "  <- none" if n == 0 else ""))
        return 1 if stale else 0

    equivalent = [m for m in runnable if m.equivalent and not args.include_equivalent]
    todo = [m for m in runnable if m not in equivalent]

    work = args.work or tempfile.mkdtemp(prefix="activemodel-mutation.", dir="/tmp")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)
    logdir = os.path.join(work, "logs")
    os.makedirs(logdir, exist_ok=True)
    log("mutation run: %d mutants to test (%d stale, %d equivalent skipped), %d job(s), work %s"
        % (len(todo), len(stale), len(equivalent), args.jobs, work))
    if args.fuzz and not shutil.which(os.environ.get("CLANG", "clang")):
        log("(no clang: the fuzzer is skipped)")
        args.fuzz = False

    t_start = time.time()
    slots = [Slot(k, args, work) for k in range(1, min(args.jobs, max(len(todo), 1)) + 1)]
    try:
        for s in slots:
            s.setup()
    except (RuntimeError, subprocess.CalledProcessError, OSError) as e:
        print("run.sh: setup failed: %s" % e, file=sys.stderr)
        return 2

    if args.build_only:
        args.baseline = False
    if args.baseline and todo:
        t0 = time.time()
        suite, st, logpath = slots[0].run_suites(
            [CODEC_FILE] if any(CODEC_FILE in m.files for m in todo) else [],
            os.path.join(logdir, "baseline"))
        if suite is not None:
            print("run.sh: the unmutated tree fails suite %s (%s): see %s"
                  % (suite, st, logpath), file=sys.stderr)
            return 2
        log("baseline: every suite passes on the unmutated tree (%.0f s)" % (time.time() - t0))

    results = list(stale)
    lock = threading.Lock()
    work_queue = queue.Queue()
    for m in todo:
        work_queue.put(m)
    tsv = open(os.path.join(work, "results.tsv"), "w", encoding="utf-8")
    tsv.write("id\tfile\toutcome\tsuite\tseconds\tnote\n")

    def worker(slot):
        while True:
            try:
                m = work_queue.get_nowait()
            except queue.Empty:
                return
            try:
                r = slot.test(m, logdir)
            except Exception as e:  # keep the other mutants going
                r = {"id": m.id, "file": m.file, "outcome": "error", "why": str(e),
                     "suite": "", "secs": 0.0, "log": ""}
            r["note"] = m.note
            with lock:
                results.append(r)
                done = sum(1 for x in results if x["outcome"] != "stale")
                extra = r.get("suite") or r.get("why") or ""
                log("[%d/%d] %-9s %-28s %-10s %5.0f s  %s"
                    % (done, len(todo), r["outcome"], m.id, extra, r["secs"], m.note))
                tsv.write("%s\t%s\t%s\t%s\t%.1f\t%s\n" % (m.id, m.file, r["outcome"],
                                                          r.get("suite", ""), r["secs"], m.note))
                tsv.flush()

    threads = [threading.Thread(target=worker, args=(s,)) for s in slots]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tsv.close()

    return report(results, equivalent, todo, time.time() - t_start, work, args.build_only)


def report(results, equivalent, todo, elapsed, work, build_only):
    by = {}
    for r in results:
        by.setdefault(r["outcome"], []).append(r)
    killed = by.get("killed", [])
    survived = by.get("survived", [])
    counted = len(killed) + len(survived)
    suites = {}
    for r in killed:
        suites[r["suite"]] = suites.get(r["suite"], 0) + 1
    tested = [r for r in results if r["outcome"] != "stale"]
    log("")
    log("== mutation score %s" % datetime.date.today().isoformat())
    if counted:
        log("killed %d of %d mutants that built (%.1f%%): %s"
            % (len(killed), counted, 100.0 * len(killed) / counted,
               ", ".join("%s %d" % kv for kv in sorted(suites.items()))))
    else:
        log("no mutant went through the suites")
    if by.get("built"):
        log("built without running the suites (--build-only): %d" % len(by["built"]))
    log("killed by the compiler (not counted): %d" % len(by.get("compiler", [])))
    log("stale (snippet not found exactly once; not counted): %d" % len(by.get("stale", [])))
    log("equivalent (not run): %d" % len(equivalent))
    if by.get("error"):
        log("errors (not counted): %d" % len(by["error"]))
        for r in by["error"]:
            log("  %-28s %s %s" % (r["id"], r.get("why", ""), r.get("log", "")))
    if tested:
        log("time: %.0f s in all, %.0f s per mutant tested (%d)"
            % (elapsed, sum(r["secs"] for r in tested) / len(tested), len(tested)))
    for r in by.get("stale", []):
        log("stale     %-28s %-26s %s" % (r["id"], r["file"], r["why"]))
    for r in by.get("compiler", []):
        log("compiler  %-28s %-26s %s" % (r["id"], r["file"], r.get("note", "")))
    if survived:
        log("survivors:")
        for r in survived:
            log("  %-28s %-26s %s" % (r["id"], r["file"], r.get("note", "")))
    log("results: %s" % os.path.join(work, "results.tsv"))
    return 1 if survived or (build_only and by.get("compiler")) else 0


if __name__ == "__main__":
    sys.exit(main())
