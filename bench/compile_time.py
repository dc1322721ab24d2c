#!/usr/bin/env python3
"""Compile-time benchmark: the stress corpus (bench/stress.py) at n, 2n and 4n, and the kernels.

For every shape and size it generates the module, assembles it, runs
`synth compile X.wasm -o X.o --stats-json X.json` and records the compiler's CPU seconds
(user + system; the wall clock is printed too, but on a shared machine it mostly measures the
other processes) and peak resident memory, both from GNU time when installed. The
growth columns divide each size step's time and memory by the previous step's, so a shape
that is linear shows ~2.0x per doubling. A run that exceeds --timeout is killed and reported
as `>T`; the larger sizes of that shape are then skipped.

The targets of issue 14 are printed with the figures: at the issue's size n, at most 1 s and
150 MB; per doubling, time at most 2.5x (judged only when the smaller step took at least
0.1 s: shorter runs are mostly start-up and noise). A row that misses one names the target. Stats lines
whose functions hit a compile budget (`budget_hit` in the stats JSON) are counted in the
`budget` column.

    python bench/compile_time.py                      # all shapes, n 2n 4n
    python bench/compile_time.py -k diamonds -s 1 2   # one shape, n and 2n
    python bench/compile_time.py --kernels            # also the C kernels (needs clang)
    python bench/compile_time.py --json out.json      # also write the figures

The synth CLI is $SYNTH_BIN, else rust/target/release/synth (build it with
`cargo build --release -p synth-cli`: compile time is a release-build figure).
"""

import argparse
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import stress  # noqa: E402

REPO = os.path.dirname(HERE)
BUILD = os.path.join(HERE, "build", "stress")
TIME_LIMIT = 1.0
MEM_LIMIT_MB = 150.0
GROWTH_LIMIT = 2.5
#: Shortest previous step whose growth is judged (shorter runs are mostly start-up and noise).
MIN_JUDGED = 0.1


def synth_bin():
    return os.environ.get("SYNTH_BIN") or os.path.join(REPO, "rust", "target", "release", "synth")


def assemble(wat_path, wasm_path):
    """The wasmtime Python package's wat2wasm (the `wat` crate, which copes with deep
    nesting), else wabt's wat2wasm (which overflows its stack near 20,000 nested blocks)."""
    try:
        import wasmtime  # noqa: PLC0415
    except ImportError:
        subprocess.run([shutil.which("wat2wasm") or "wat2wasm", wat_path, "-o", wasm_path], check=True)
        return
    with open(wat_path) as f:
        data = wasmtime.wat2wasm(f.read())
    with open(wasm_path, "wb") as f:
        f.write(data)


def run_measured(cmd, timeout):
    """Runs cmd; returns (wall seconds, peak_rss_mb, exit_code or None on timeout, stderr
    text, CPU seconds (user + system)).

    The peak is measured by GNU time (`/usr/bin/time -f %M`) when it is installed: a child
    forked from this Python process keeps the parent's resident set in its own peak until
    exec, so wait4's figure would floor every small compile at Python's size.
    """
    gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
    rss_file = None
    if gnu_time:
        fd, rss_file = tempfile.mkstemp(suffix=".rss")
        os.close(fd)
        cmd = [gnu_time, "-f", "%U %S %M", "-o", rss_file] + list(cmd)
    try:
        t0 = time.perf_counter()
        # Its own process group, so a timeout ends GNU time and the compiler together.
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                proc.stderr.close()
                return timeout, usage.ru_maxrss / 1024.0, None, "", timeout
            time.sleep(0.005)
        seconds = time.perf_counter() - t0
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        mb = usage.ru_maxrss / 1024.0
        cpu = usage.ru_utime + usage.ru_stime
        if rss_file:
            with open(rss_file) as f:
                lines = [ln for ln in f.read().splitlines() if ln.strip()]
            parts = lines[-1].split() if lines else []
            if len(parts) == 3:
                # The peak only: GNU time prints CPU seconds in 10 ms steps, while
                # wait4's figure (GNU time's and, through it, the compiler's) is exact.
                mb = int(parts[2]) / 1024.0
        return seconds, mb, code, err, cpu
    finally:
        if rss_file and os.path.exists(rss_file):
            os.remove(rss_file)


def budget_hits(stats_path):
    """Number of functions whose stats say a compile budget was hit (0 if none or no file)."""
    try:
        with open(stats_path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return 0
    return sum(1 for fn in data.get("functions", []) if fn.get("budget_hit"))


def measure(wasm, out, repeat, timeout, extra):
    """Best-of-`repeat` compile of one module; returns a dict of figures."""
    best = None
    stats = out + ".stats.json"
    for _ in range(repeat):
        cmd = [synth_bin(), "compile", wasm, "-o", out, "--stats-json", stats] + list(extra)
        wall, mb, code, err, cpu = run_measured(cmd, timeout)
        # CPU time is the figure: on a shared machine wall time mostly measures the others.
        row = {"seconds": cpu, "wall_seconds": wall, "peak_mb": mb, "exit": code}
        if code is None:
            row["timeout"] = True
            return row
        if code != 0:
            row["error"] = err.strip().splitlines()[-1] if err.strip() else "exit %d" % code
            return row
        if best is None or cpu < best["seconds"]:
            best = row
    best["budget_hits"] = budget_hits(stats)
    return best


def bench_shape(shape, steps, repeat, timeout, extra):
    n0 = stress.ISSUE_SIZES[shape]
    rows = []
    for step in steps:
        n = n0 * step
        base = os.path.join(BUILD, "%s_%d" % (shape, n))
        with open(base + ".wat", "w") as f:
            f.write(stress.generate(shape, n))
        assemble(base + ".wat", base + ".wasm")
        row = {"shape": shape, "n": n, "step": step, "wasm_bytes": os.path.getsize(base + ".wasm")}
        row.update(measure(base + ".wasm", base + ".o", repeat, timeout, extra))
        rows.append(row)
        if row.get("timeout") or row.get("error"):
            break
    for prev, cur in zip(rows, rows[1:]):
        if cur.get("timeout") or cur.get("error") or prev.get("error"):
            continue
        ratio_n = cur["n"] / prev["n"]
        # Growth per doubling, so a 1 -> 4 step without 2 is still comparable.
        exp = 1.0 / math.log2(ratio_n) if ratio_n > 1 else 1.0
        cur["time_growth"] = (cur["seconds"] / max(prev["seconds"], 1e-4)) ** exp
        cur["prev_seconds"] = prev["seconds"]
        cur["mem_growth"] = (cur["peak_mb"] / max(prev["peak_mb"], 1e-4)) ** exp
    for row in rows:
        over = []
        if row.get("timeout") or row.get("error"):
            over.append("fails")
        elif row["step"] == 1:
            if row["seconds"] > TIME_LIMIT:
                over.append("time")
            if row["peak_mb"] > MEM_LIMIT_MB:
                over.append("mem")
        # Growth is judged only from steps long enough to time reliably.
        if row.get("time_growth", 0) > GROWTH_LIMIT and row.get("prev_seconds", 0) >= MIN_JUDGED:
            over.append("growth")
        row["over"] = over
    return rows


def fmt_row(r, timeout):
    if r.get("timeout"):
        t = ">%.0f s" % timeout
    elif r.get("error"):
        t = "error"
    else:
        t = "%.3f s" % r["seconds"]
    g = "%.2fx" % r["time_growth"] if "time_growth" in r else "-"
    mg = "%.2fx" % r["mem_growth"] if "mem_growth" in r else "-"
    note = ",".join(r["over"]) or "ok"
    if r.get("error"):
        note += ": " + r["error"][:60]
    wall = "%.3f" % r["wall_seconds"] if "wall_seconds" in r and not r.get("timeout") else "-"
    # A killed run's peak is unknown (GNU time was killed with it).
    peak = "-" if r.get("timeout") else "%.1f" % r["peak_mb"]
    return "%-14s %7d %9d %10s %8s %9s %8s %8s %6s  %s" % (
        r["shape"], r["n"], r["wasm_bytes"], t, wall, peak, g, mg, r.get("budget_hits", "-"), note)


def bench_kernels(repeat, timeout):
    """Release-build compile time of the C kernels next to their code size."""
    from benchlib import build, paths  # noqa: PLC0415
    rows = []
    for name in paths.kernel_names():
        outdir = os.path.join(paths.BUILD, name)
        os.makedirs(outdir, exist_ok=True)
        w = build.wasm(name, outdir)
        if not w.ok:
            rows.append({"kernel": name, "error": w.error})
            continue
        out = os.path.join(BUILD, "kernel_%s.o" % name)
        r = measure(w.output, out, repeat, timeout, [])
        r["kernel"] = name
        try:
            with open(out + ".stats.json") as f:
                r["code_bytes"] = sum(fn.get("code_bytes", 0) for fn in json.load(f)["functions"])
        except (OSError, ValueError, KeyError):
            r["code_bytes"] = None
        rows.append(r)
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", dest="shapes", action="append", choices=sorted(stress.SHAPES),
                    help="shape to run (repeatable; default all)")
    ap.add_argument("-s", "--steps", type=int, nargs="+", default=[1, 2, 4],
                    help="multiples of the issue's n to run (default 1 2 4)")
    ap.add_argument("-r", "--repeat", type=int, default=3, help="runs per size; the fastest counts (default 3)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per compile (default 60)")
    ap.add_argument("--kernels", action="store_true", help="also time the C kernels (needs clang)")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("extra", nargs="*", help="extra synth compile flags (after --)")
    args = ap.parse_args(argv)
    if not os.path.exists(synth_bin()):
        print("synth CLI not found at %s (cargo build --release -p synth-cli)" % synth_bin())
        return 2
    os.makedirs(BUILD, exist_ok=True)
    shapes = args.shapes or list(stress.SHAPES)
    print("synth: %s" % synth_bin())
    print("targets: at n <= %.1f s and <= %.0f MB; per doubling time <= %.1fx"
          % (TIME_LIMIT, MEM_LIMIT_MB, GROWTH_LIMIT))
    print("%-14s %7s %9s %10s %8s %9s %8s %8s %6s  %s" % (
        "shape", "n", "wasm B", "cpu time", "wall s", "peak MB", "t-grow", "m-grow", "budget", "vs targets"))
    all_rows = []
    for shape in shapes:
        rows = bench_shape(shape, sorted(args.steps), args.repeat, args.timeout, args.extra)
        for r in rows:
            print(fmt_row(r, args.timeout), flush=True)
        all_rows.extend(rows)
    missed = sum(1 for r in all_rows if r["over"])
    print("%d of %d rows meet the targets" % (len(all_rows) - missed, len(all_rows)))
    kernels = []
    if args.kernels:
        print()
        print("%-12s %10s %8s %9s %11s" % ("kernel", "cpu time", "wall s", "peak MB", "code bytes"))
        kernels = bench_kernels(args.repeat, args.timeout)
        for k in kernels:
            if k.get("error") or k.get("timeout"):
                print("%-12s %s" % (k["kernel"], k.get("error", "timeout")))
            else:
                print("%-12s %8.3f s %8.3f %9.1f %11s" % (k["kernel"], k["seconds"], k["wall_seconds"],
                                                          k["peak_mb"], k["code_bytes"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"shapes": all_rows, "kernels": kernels}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
