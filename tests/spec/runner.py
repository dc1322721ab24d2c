"""WebAssembly spec testsuite runner for synth.

For each ``.wast`` file: convert it with ``synth-wast`` (rust/synth-wast), then run every
command against synth-compiled Thumb-2 code under unicorn (:mod:`spec.script`). Prints a
per-file table (integer files, then a separate float section), every failure with its
command, line, inputs, expected and actual values, and ends with the line
``N passed, N failed, N skipped``.

Usage: python tests/spec/runner.py [FILE.wast ...] [-j N] [--testsuite DIR] [--json OUT]
       [--synth-args "ARGS"]
``--synth-args`` adds options to every ``synth compile`` (for example
``"--target cortex-m4 --fpu fpv4-sp-d16 --float-abi hard"``: the FPU configuration, f32
computed by the emulated Cortex-M4's FPU, exports called through AAPCS-VFP with floats in
s/d registers). It travels to the worker processes as $SYNTH_SPEC_ARGS.
Without files, runs every .wast of the testsuite (default ../shared/testsuite beside the
repository).
"""

import argparse
import collections
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from harness import paths  # noqa: E402

REPO = paths.REPO
DEFAULT_TESTSUITE = os.environ.get("SYNTH_TESTSUITE") or os.path.join(
    os.path.dirname(REPO), "shared", "testsuite")
FLOAT_FILE = re.compile(r"^(f32|f64|float_)|^conversions$")


def is_float_file(name):
    """Files whose subject is floating point (reported in their own section)."""
    return bool(FLOAT_FILE.search(name))


def converter_bin():
    """Path of synth-wast; built with cargo if missing."""
    exe = os.environ.get("SYNTH_WAST_BIN") or os.path.join(REPO, "rust", "target", "debug", "synth-wast")
    if not os.path.exists(exe):
        subprocess.run(["cargo", "build", "-q", "-p", "synth-wast"], cwd=os.path.join(REPO, "rust"),
                       check=True)
    return exe


def wast_files(testsuite):
    """All .wast files of the testsuite, sorted by name."""
    return sorted(os.path.join(testsuite, f) for f in os.listdir(testsuite) if f.endswith(".wast"))


def run_file(path, workroot=None):
    """Convert and run one .wast; returns (name, [Result as dict], seconds, error or None)."""
    from spec import script

    name = os.path.basename(path)[:-len(".wast")]
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="spec-%s-" % name, dir=workroot) as work:
        out = os.path.join(work, "wast")
        proc = subprocess.run([converter_bin(), path, "-o", out], capture_output=True, text=True)
        if proc.returncode != 0:
            return name, [], time.time() - start, "synth-wast failed: " + proc.stderr.strip()[:500]
        try:
            run = script.ScriptRun(out, name, work, is_float_file(name))
            results = run.run()
        except Exception as e:  # report, do not lose the other files
            return name, [], time.time() - start, "runner crashed: %s: %s" % (type(e).__name__, e)
    return name, [r.__dict__ for r in results], time.time() - start, None


def run_files(paths_, jobs=2):
    """Run files in ``jobs`` worker processes (largest first); returns run_file tuples by name."""
    converter_bin()
    ordered = sorted(paths_, key=lambda p: -os.path.getsize(p))
    if jobs <= 1 or len(ordered) <= 1:
        results = [run_file(p) for p in ordered]
    else:
        with multiprocessing.get_context("spawn").Pool(jobs) as pool:
            results = pool.map(run_file, ordered, chunksize=1)
    return sorted(results, key=lambda r: r[0])


def tally(results):
    """Counter of statuses."""
    return collections.Counter(r["status"] for r in results)


def run_subset(names, jobs=2):
    """Run the testsuite files ``names`` (without ``.wast``) and return the status totals;
    raises AssertionError naming the file if one could not be run. Options come from the
    environment ($SYNTH_SPEC_TARGET, $SYNTH_SPEC_ARGS), as for the command line."""
    total = collections.Counter()
    for name, res, _secs, err in run_files([os.path.join(DEFAULT_TESTSUITE, n + ".wast") for n in names], jobs):
        assert err is None, "%s: %s" % (name, err)
        total.update(tally(res))
    return dict(total)


def skip_category(reason):
    """A skip reason with instance-specific names removed, for the summary."""
    return re.sub(r"module '[^']*'", "module M", reason or "unnamed (runner bug)")


def format_failure(r):
    """One failure as report lines."""
    d = r["detail"]
    lines = ["  %s:%d %s: %s" % (r["file"], r["line"], r["kind"], r["reason"])]
    if d.get("action"):
        lines.append("      command:  %s" % d["action"])
    if "expected" in d:
        lines.append("      expected: %s" % d["expected"])
    if "actual" in d:
        lines.append("      actual:   %s" % d["actual"])
    return lines


def report(file_results, max_failures=None, out=None):
    """Print the report (to ``out``, default stdout); returns (passed, failed, skipped)."""
    out = out or sys.stdout
    totals = collections.Counter()
    sections = {False: [], True: []}
    errors = []
    for name, results, secs, err in file_results:
        if err:
            errors.append((name, err))
            totals["fail"] += 1
        for floats in (False, True):
            part = [r for r in results if r["floats"] == floats]
            if part or (err and floats == is_float_file(name)):
                sections[floats].append((name, part, secs, err))
    for floats, title in ((False, "integer"), (True, "float")):
        sub = collections.Counter()
        print("\n== %s assertions ==" % title, file=out)
        print("%-28s %7s %7s %7s  %s" % ("file", "passed", "failed", "skipped", "skip reasons"), file=out)
        for name, part, secs, err in sections[floats]:
            t = tally(part)
            sub.update(t)
            reasons = collections.Counter(r["reason"] for r in part if r["status"] == "skip")
            why = "; ".join("%s (%d)" % kv for kv in reasons.most_common())
            if err:
                why = "ERROR: " + err
            print("%-28s %7d %7d %7d  %s" % (name, t["pass"], t["fail"], t["skip"], why), file=out)
        print("%-28s %7d %7d %7d" % ("total " + title, sub["pass"], sub["fail"], sub["skip"]), file=out)
        totals.update(sub)
    skips = collections.Counter(skip_category(r["reason"]) for _, part, _, _ in
                                sections[False] + sections[True] for r in part if r["status"] == "skip")
    if skips:
        print("\n== skipped assertions by reason (%d) ==" % sum(skips.values()), file=out)
        for why, n in skips.most_common():
            print("%7d  %s" % (n, why), file=out)
    for floats, title in ((False, "integer"), (True, "float")):
        fails = [r for _, part, _, _ in sections[floats] for r in part if r["status"] == "fail"]
        if not fails:
            continue
        print("\n== %s failures (%d) ==" % (title, len(fails)), file=out)
        per_file = collections.Counter()
        for r in fails:
            per_file[r["file"]] += 1
            if max_failures is not None and per_file[r["file"]] > max_failures:
                continue
            for line in format_failure(r):
                print(line, file=out)
        if max_failures is not None:
            for f, n in per_file.items():
                if n > max_failures:
                    print("  %s: %d more failures not shown" % (f, n - max_failures), file=out)
    for name, err in errors:
        print("ERROR %s: %s" % (name, err), file=out)
    passed, failed, skipped = totals["pass"], totals["fail"], totals["skip"]
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped), file=out)
    return passed, failed, skipped


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help=".wast files or names (default: all)")
    ap.add_argument("--testsuite", default=DEFAULT_TESTSUITE)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--max-failures", type=int, default=None,
                    help="print at most N failures per file")
    ap.add_argument("--json", help="also write all results as JSON here")
    ap.add_argument("--synth-args", default=None,
                    help="extra synth compile options, e.g. \"--fpu fpv4-sp-d16 --float-abi hard\"")
    ap.add_argument("--target", default=None,
                    help="synth --target and the emulator's CPU model (default cortex-m4)")
    args = ap.parse_args(argv)
    if args.synth_args is not None:
        os.environ["SYNTH_SPEC_ARGS"] = args.synth_args
        print("synth options: %s" % args.synth_args)
    if args.target:
        os.environ["SYNTH_SPEC_TARGET"] = args.target
    files = []
    for f in args.files or wast_files(args.testsuite):
        if not os.path.exists(f):
            f = os.path.join(args.testsuite, f if f.endswith(".wast") else f + ".wast")
        files.append(f)
    start = time.time()
    results = run_files(files, args.jobs)
    elapsed = time.time() - start
    if args.json:
        with open(args.json, "w") as fh:
            json.dump([{"file": n, "results": r, "seconds": s, "error": e} for n, r, s, e in results],
                      fh, indent=1)
    slow = sorted(results, key=lambda r: -r[2])[:5]
    print("time: %.1f s total wall clock (%d jobs); slowest: %s" % (
        elapsed, args.jobs, ", ".join("%s %.1fs" % (n, s) for n, _, s, _ in slow)))
    _, failed, _ = report(results, args.max_failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
