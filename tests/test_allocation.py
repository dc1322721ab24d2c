"""Register allocation quality and soundness over the whole corpus.

Every module of tests/programs/*.wat, the examples (examples/**/*.wat) and the benchmark
kernels (built to wasm exactly as bench/run.py does, through bench/benchlib: clang -O2 and -Os) is compiled with
``synth compile --verify-allocation --shadow-allocation --stats-json``. For every function:

- the checker ran and passed: a failed check aborts synth, so the exit status must be 0;
- the allocation came from the graph-colouring rung (``rung == "base"``, never the fallback);
- no spill is spurious (``verdict != "spurious"``: see ``SpillVerdict`` in synth-regalloc);
- the shadow allocator (regalloc2, measure-only) produced figures for it.

The terminal summary prints the number of functions checked and the totals of spill stores,
reloads and register moves of our allocator next to regalloc2's.
"""

import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys

import pytest

from harness import paths

REPO = paths.REPO
BENCH = os.path.join(REPO, "bench")
if BENCH not in sys.path:
    sys.path.insert(0, BENCH)

from benchlib import build as bench_build  # noqa: E402
from benchlib import paths as bench_paths  # noqa: E402

PROGRAMS = sorted(glob.glob(os.path.join(paths.PROGRAMS, "*.wat")))
EXAMPLES = sorted(glob.glob(os.path.join(REPO, "examples", "**", "*.wat"), recursive=True))
KERNELS = bench_paths.kernel_names()

#: Totals for the summary line: functions, ours (stores, reloads, moves), regalloc2's.
TOTALS = {"modules": 0, "functions": 0, "ours": [0, 0, 0], "regalloc2": [0, 0, 0],
          "kernel_ours": [0, 0, 0], "kernel_regalloc2": [0, 0, 0]}


@pytest.fixture(scope="module", autouse=True)
def summary(request):
    """Prints the totals at the end of the module."""
    yield
    rep = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if rep is None or TOTALS["functions"] == 0:
        return
    fmt = "stores %d, reloads %d, moves %d"
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        _write_summary(rep, fmt)


def _write_summary(rep, fmt):
    rep.write_line("")
    rep.write_line("allocation: %d modules, %d functions checked; ours %s; regalloc2 %s"
                   % (TOTALS["modules"], TOTALS["functions"], fmt % tuple(TOTALS["ours"]),
                      fmt % tuple(TOTALS["regalloc2"])))
    rep.write_line("allocation (bench kernels only): ours %s; regalloc2 %s"
                   % (fmt % tuple(TOTALS["kernel_ours"]), fmt % tuple(TOTALS["kernel_regalloc2"])))


def compile_and_check(module, wasm_or_wat, tmp_path, kernel=False):
    """Compiles one module with the allocation checks on and asserts the verdicts."""
    exe = paths.synth_bin()
    if not os.path.exists(exe):
        pytest.fail("synth CLI not built at %s (cargo build -p synth-cli)" % exe)
    stats_path = str(tmp_path / "stats.json")
    cmd = [exe, "compile", wasm_or_wat, "-o", str(tmp_path / "out.o"), "--target", "cortex-m4",
           "--verify-allocation", "--shadow-allocation", "--stats-json", stats_path]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, "%s: synth failed (exit %d; a failed allocation check aborts):\n%s" % (
        module, proc.returncode, proc.stderr[-4000:])
    with open(stats_path) as f:
        stats = json.load(f)
    functions = stats["functions"]
    assert functions, "%s: no function in the stats" % module
    problems = []
    for fn in functions:
        ours = [fn["spill_stores"], fn["reloads"], fn["moves"]]
        if fn["rung"] != "base":
            problems.append("%s: rung %s (the fallback fired)" % (fn["name"], fn["rung"]))
        if fn["verdict"] == "spurious":
            problems.append("%s: spurious spill (peak pressure %d, %d stores, %d reloads, %d remats)"
                            % (fn["name"], fn["peak_pressure"], fn["spill_stores"], fn["reloads"],
                               fn["remats"]))
        shadow = fn.get("shadow")
        if shadow is None:
            problems.append("%s: the shadow allocator (regalloc2) recorded nothing" % fn["name"])
        else:
            assert shadow["allocator"] == "regalloc2"
            theirs = [shadow["spill_stores"], shadow["reloads"], shadow["moves"]]
            for k in range(3):
                TOTALS["regalloc2"][k] += theirs[k]
                if kernel:
                    TOTALS["kernel_regalloc2"][k] += theirs[k]
        for k in range(3):
            TOTALS["ours"][k] += ours[k]
            if kernel:
                TOTALS["kernel_ours"][k] += ours[k]
    TOTALS["modules"] += 1
    TOTALS["functions"] += len(functions)
    assert not problems, "%s:\n  %s" % (module, "\n  ".join(problems))


def test_corpus_is_present():
    assert len(PROGRAMS) >= 80 and EXAMPLES and len(KERNELS) >= 17


@pytest.mark.parametrize("path", PROGRAMS + EXAMPLES,
                         ids=[os.path.relpath(p, REPO) for p in PROGRAMS + EXAMPLES])
def test_wat_module(path, tmp_path):
    compile_and_check(os.path.relpath(path, REPO), path, tmp_path)


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory):
    if shutil.which("clang") is None:
        pytest.skip("clang (wasm32 target) is not installed: the bench kernels cannot be built")
    return tmp_path_factory.mktemp("kernels")


@pytest.mark.parametrize("level", bench_build.CLANG_LEVELS)
@pytest.mark.parametrize("name", KERNELS)
def test_bench_kernel(name, level, kernel_dir, tmp_path):
    """Both modules the bench builds: clang -O2 and -Os."""
    outdir = os.path.join(str(kernel_dir), name)
    os.makedirs(outdir, exist_ok=True)
    step = bench_build.wasm(name, outdir, level)
    assert step.ok, "clang failed on kernel %s: %s" % (name, step.error)
    compile_and_check("bench/%s-%s" % (name, level), step.output, tmp_path, kernel=True)
