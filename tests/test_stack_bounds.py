"""synth's worst-case stack bound holds under execution, and says what docs/ABI.md says.

For every program of tests/programs/ and tests/stack/ and every benchmark kernel: ``P init``
and each export run on their test inputs under unicorn with a write hook over the stack
region (tests/harness/stackuse.py); the deepest byte any call wrote below its entry sp must
not exceed the ``max_stack_bytes`` synth computed. How tight the bound is (computed /
measured) is printed in the terminal summary. The shapes that have no bound (recursion,
an import without ``--import-stack``) must say so, naming the cycle or the import.
"""

import glob
import json
import os
import subprocess
import sys

import pytest

from harness import stackuse, stats, wasm2obj

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = sorted(glob.glob(os.path.join(HERE, "programs", "*.wat")) + glob.glob(os.path.join(HERE, "stack", "*.wat")))
BENCH = os.path.join(os.path.dirname(HERE), "bench")

_ROWS = []


def _check(rows):
    """Every bounded entry's deepest call fits its bound; collect rows for the report."""
    _ROWS.extend(rows)
    over = [r for r in rows if r.bound is not None and r.measured > r.bound]
    assert not over, "measured stack above the computed bound:\n" + stackuse.table(over)
    for r in rows:
        assert r.bound is not None or r.unbounded, r


@pytest.mark.parametrize("path", PROGRAMS, ids=[os.path.relpath(p, HERE)[:-4] for p in PROGRAMS])
def test_measured_stack_fits_the_bound(path, tmp_path):
    rows = stackuse.measure_module(path, str(tmp_path))
    assert rows and sum(r.calls for r in rows) > 0
    _check(rows)


FLOAT_PROGRAMS = sorted(glob.glob(os.path.join(HERE, "programs", "float_*.wat")))
#: f32 on the FPU with floats passed as in the base AAPCS: the frames save callee-saved
#: S registers with `vpush {d8-dN}`, which the bound must count.
SOFTFP = ["--fpu", "fpv4-sp-d16", "--float-abi", "softfp"]


@pytest.mark.parametrize("path", FLOAT_PROGRAMS, ids=[os.path.basename(p)[:-4] for p in FLOAT_PROGRAMS])
def test_measured_stack_fits_the_bound_with_an_fpu(path, tmp_path):
    rows = stackuse.measure_module(path, str(tmp_path), extra_args=SOFTFP)
    assert rows and sum(r.calls for r in rows) > 0
    _check(rows)


def test_vfp_saves_count_in_the_frame(tmp_path):
    """`pressure` keeps f32 values in s16-s31 across calls: its stack figure includes the
    VPUSH of d8-d15 (64 bytes) besides the core push, and stays a multiple of 8."""
    fs = _by_symbol(os.path.join(HERE, "programs", "float_pressure.wat"), tmp_path, *SOFTFP)
    p = next(f for f in fs.values() if f.get("name") == "pressure" and f.get("kind") == "wasm")
    assert p["stack_bytes"] >= 64 + 8 and p["stack_bytes"] % 8 == 0, p


def _kernel_wasm(name, outdir):
    sys.path.insert(0, BENCH)
    from benchlib import build  # noqa: E402
    step = build.wasm(name, outdir)
    if not step.ok:
        pytest.skip("clang could not build the kernel: %s" % step.error)
    return step.output


def _kernels():
    return sorted(os.path.basename(p)[:-2] for p in glob.glob(os.path.join(BENCH, "kernels", "*.c")))


@pytest.mark.parametrize("name", _kernels())
def test_bench_kernel_stack_fits_the_bound(name, tmp_path):
    wasm = _kernel_wasm(name, str(tmp_path))
    rows = stackuse.measure_module(wasm, str(tmp_path), name=name + ".c")
    assert any(r.symbol == "wasm_run" and r.calls == 1 for r in rows), rows
    _check(rows)


def _by_symbol(path, tmp_path, *extra):
    stats_path = str(tmp_path / "s.json")
    wasm2obj.compile_module(path, str(tmp_path), extra_args=list(extra) + ["--stats-json", stats_path])
    with open(stats_path) as f:
        return {fs["symbol"]: fs for fs in json.load(f)["functions"]}


def test_shapes_give_the_documented_answers(tmp_path):
    fs = _by_symbol(os.path.join(HERE, "stack", "shapes.wat"), tmp_path)
    assert fs["wasm_chain"]["max_stack_bytes"] is not None
    assert fs["wasm_chain"]["stack_path"][:2] == ["wasm_chain", "wasm_func2"]  # through $mul
    # Every table entry of the call's type counts, so the import behind $via_host too.
    for export in ("wasm_pick", "wasm_pick_any"):
        assert fs[export]["max_stack_bytes"] is None
        assert fs[export]["stack_unbounded"] == "calls import `host_add`"
        assert fs[export]["stack_path"] == [export, "wasm_func3", "host_add"]
    assert fs["wasm_countdown"]["stack_unbounded"] == "recursion through `wasm_countdown` → `wasm_countdown`"
    assert fs["wasm_parity"]["stack_unbounded"] in (
        "recursion through `wasm_func8` → `wasm_func9` → `wasm_func8`",
        "recursion through `wasm_func9` → `wasm_func8` → `wasm_func9`")
    # With the import's figure the indirect calls are bounded, by the deepest candidate.
    fs = _by_symbol(os.path.join(HERE, "stack", "shapes.wat"), tmp_path, "--import-stack", "env.host_add=200")
    pick = fs["wasm_pick"]
    assert pick["max_stack_bytes"] == pick["stack_bytes"] + fs["wasm_func3"]["stack_bytes"] + 200
    assert pick["stack_path"] == ["wasm_pick", "wasm_func3", "host_add"]


def test_float_helpers_count_libgcc(tmp_path):
    fs = _by_symbol(os.path.join(HERE, "stack", "float_helpers.wat"), tmp_path)
    flt = fs["wasm_flt"]
    assert flt["stack_path"] == ["wasm_flt", "__aeabi_fcmplt"]
    assert flt["max_stack_bytes"] == flt["stack_bytes"] + 32  # libcalls.txt, cortex-m4
    assert fs["wasm_nested"]["max_stack_bytes"] > fs["wasm_mixed"]["max_stack_bytes"]
    assert fs["wasm_nested"]["stack_path"][-1].startswith("__aeabi_")


def test_max_stack_fails_cleanly_and_header_has_the_figure(tmp_path):
    path = os.path.join(HERE, "stack", "float_helpers.wat")
    fs = _by_symbol(path, tmp_path)
    need = fs["wasm_nested"]["max_stack_bytes"]
    header = open(str(tmp_path / "module.h")).read()
    assert "#define wasm_nested_STACK_BYTES %du" % need in header
    out = str(tmp_path / "x.o")
    proc = wasm2obj.run_synth(["compile", path, "-o", out, "--max-stack", str(need - 1)])
    assert proc.returncode != 0 and not os.path.exists(out)
    assert "`wasm_nested` needs up to %d bytes of stack, more than --max-stack %d" % (need, need - 1) in proc.stderr
    proc = wasm2obj.run_synth(["compile", path, "-o", out, "--max-stack", str(need)])
    assert proc.returncode == 0, proc.stderr


def test_libgcc_table_matches_the_installed_toolchain():
    """rust/synth/src/stack/libcalls.txt is what the installed libgcc needs."""
    script = os.path.join(os.path.dirname(HERE), "scripts", "libgcc_stack.py")
    proc = subprocess.run([sys.executable, script, "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "150 of 150 entries match" in proc.stdout  # 30 functions x 5 targets


def test_zz_report_tightness():
    """Runs last in this module: the tightness summary for the terminal."""
    if not _ROWS:
        pytest.skip("no measurements in this run")
    stats.note(stackuse.summary(_ROWS))
    worst = sorted((r for r in _ROWS if r.ratio is not None), key=lambda r: -r.ratio)[:5]
    for r in worst:
        stats.note("  loosest: %s %s bound %d measured %d (%.2f)" % (r.module, r.symbol, r.bound, r.measured, r.ratio))
