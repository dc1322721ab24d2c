"""CI checks of the benchmark: every kernel gives the same result under wasmtime, gcc -Os,
gcc -O2 and synth (from clang's -O2 and -Os modules, with and without bounds checks), a few
kernels under wasm2c + gcc too, and the instruction counter counts.

Run: .venv/bin/python -m pytest bench/test_bench_smoke.py
"""

import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run as bench_run  # noqa: E402
from benchlib import emulate, paths, report, w2c  # noqa: E402


@pytest.mark.parametrize("name", paths.kernel_names())
def test_kernel_results_agree(name):
    k = bench_run.bench_kernel(name, smoke=True, with_w2c=False)
    assert k["wasm_result"] is not None, k["problems"]
    assert k["reference_ok"], "kernel bug, wasm and gcc disagree: %s" % k["status"]
    if not os.path.exists(paths.synth_bin()):
        pytest.skip("synth CLI not built at %s" % paths.synth_bin())
    # from clang's -O2 and -Os modules, with and without bounds checks
    for variant in ("synth", "synth-nbc", "synth-Os", "synth-Os-nbc"):
        v = k["variants"][variant]
        assert "error" not in v, "%s: %s" % (variant, v["error"])
        assert v["result"] == k["wasm_result"], "%s: %08x != wasm %08x" % (
            variant, v["result"], k["wasm_result"])


#: Kernels whose wasm2c + gcc variants the smoke test runs (all four variants take ~5 s per
#: kernel): a switch-heavy parser, f32 and f64 soft float; crc32 (tables, loops) runs under
#: wasm2c on the M4 and the M0+ in test_two_targets_side_by_side.
W2C_SMOKE_KERNELS = ("statemach", "fir_f32", "newton_f64")


@pytest.mark.parametrize("name", W2C_SMOKE_KERNELS)
def test_w2c_results_agree(name):
    """wasm2c of clang's -Os and -O2 modules + gcc -Os / -O2, bounds checks on and off, on the
    bare-metal runtime (bench/w2c/): every variant gives wasmtime's result."""
    if w2c.available():
        pytest.skip(w2c.available())
    k = bench_run.bench_kernel(name, smoke=True, with_w2c=True)
    assert k["reference_ok"], k["status"]
    for variant in w2c.VARIANTS:
        v = k["variants"][variant]
        assert "error" not in v, "%s: %s" % (variant, v["error"])
        assert v["result"] == k["wasm_result"], "%s: %08x != wasm %08x" % (
            variant, v["result"], k["wasm_result"])
        assert v["kernel_bytes"] > 0 and v["support_bytes"] > 0, (variant, v)
    assert k["w2c_equal"]


def test_w2c_bounds_checks_are_on_and_off(tmp_path):
    """A load 2 bytes before the end of the 2-page memory: wasm2c+gcc with checks on traps
    into synth_trap with WASM_RT_TRAP_OOB (1) from the runtime's wasm_rt_trap; with checks off
    (-nbc) the same code reads past the buffer and returns."""
    if w2c.available():
        pytest.skip(w2c.available())
    import wasmtime
    wasm = tmp_path / "oob.wasm"
    wasm.write_bytes(wasmtime.wat2wasm(
        '(module (memory (export "memory") 2) (func (export "run") (result i32)'
        ' (i32.load (i32.const 131070))))'))
    kinds = {}
    for variant in ("w2c-O2", "w2c-O2-nbc", "w2c-Os"):
        step = w2c.compile("oob", str(tmp_path), str(wasm), variant)
        assert step.ok, step.error
        r = w2c.run(step.output, str(tmp_path), "oob." + variant)
        kinds[variant] = (r.kind, r.detail if r.kind == "trap" else "")
    assert kinds == {"w2c-O2": ("trap", "synth_trap(1)"), "w2c-O2-nbc": ("ok", ""),
                     "w2c-Os": ("trap", "synth_trap(1)")}


def test_at_least_twelve_kernels():
    assert len(paths.kernel_names()) >= 12


def _assemble(tmp_path, body):
    src = tmp_path / "t.s"
    obj = tmp_path / "t.o"
    src.write_text(".syntax unified\n.cpu cortex-m4\n.thumb\n.text\n.global run\n"
                   ".type run, %function\n.thumb_func\nrun:\n" + body)
    subprocess.run([paths.tool("arm-none-eabi-as"), "-o", str(obj), str(src)], check=True)
    return str(obj)


def test_counter_counts_a_loop_exactly(tmp_path):
    # 2 setup + 10 iterations x 3 + bx lr = 33 instructions; sum 10..1 = 55.
    obj = _assemble(tmp_path, "movs r0, #0\nmovs r1, #10\n1: adds r0, r0, r1\nsubs r1, #1\n"
                              "bne 1b\nbx lr\n")
    r = emulate.run_kernel(obj, str(tmp_path), "loop", "run")
    assert (r.kind, r.value, r.instructions, r.passed) == ("ok", 55, 33, 33)


def test_counter_counts_it_block_skipped_instructions_separately(tmp_path):
    obj = _assemble(tmp_path, "cmp r0, r0\nite ne\nmovne r0, #1\nmoveq r0, #2\nbx lr\n")
    r = emulate.run_kernel(obj, str(tmp_path), "it", "run")
    assert (r.kind, r.value) == ("ok", 2)
    assert r.instructions == 5  # issued, including the condition-failed movne
    assert r.passed == 4


def test_trap_is_reported(tmp_path):
    obj = _assemble(tmp_path, "push {lr}\nmovs r0, #3\nbl synth_trap\npop {pc}\n")
    r = emulate.run_kernel(obj, str(tmp_path), "trap", "run")
    assert r.kind == "trap" and "synth_trap(3)" in r.detail


def test_classify_flags_a_wrong_synth_result():
    k = {"wasm_result": 7, "problems": [],
         "variants": {"gcc-Os": {"result": 7}, "gcc-O2": {"result": 7},
                      "synth": {"result": 8}, "synth-nbc": {"error": "compile: exit 1"}}}
    bench_run.classify(k)
    assert k["reference_ok"] and not k["all_equal"]
    assert "synth WRONG RESULT 00000008" in k["status"] and "synth-nbc compile" in k["status"]


def test_classify_keeps_synth_figures_when_w2c_is_wrong():
    k = {"wasm_result": 7, "problems": [],
         "variants": {"gcc-Os": {"result": 7, "text": 10}, "gcc-O2": {"result": 7},
                      "synth-Os": {"result": 7, "text": 15}, "w2c-Os": {"result": 9, "text": 20}}}
    bench_run.classify(k)
    assert k["all_equal"] and not k["w2c_equal"]
    assert "w2c-Os WRONG RESULT 00000009" in k["status"]
    assert report._ratio(k, "synth-Os", "gcc-Os", "text") == 1.5
    assert report._ratio(k, "synth-Os", "w2c-Os", "text") is None
    assert report._ratio(k, "w2c-Os", "gcc-Os", "text") is None


def test_classify_flags_a_kernel_bug():
    k = {"wasm_result": 7, "problems": [],
         "variants": {"gcc-Os": {"result": 7}, "gcc-O2": {"result": 6}}}
    bench_run.classify(k)
    assert not k["reference_ok"] and k["status"].startswith("KERNEL MISMATCH")


def test_geomean():
    assert report.geomean([2.0, 8.0]) == pytest.approx(4.0)
    assert report.geomean([]) is None


def test_float_kernels_agree_on_a_cortex_m7_with_fpv5_d16(tmp_path):
    """The float kernels with both compilers targeting the Cortex-M7's double-precision FPU
    (gcc -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard, synth --target cortex-m7 --fpu
    fpv5-d16 --float-abi hard) on unicorn's Cortex-M7: every variant gives wasm's result.
    A separate process: bench/run.py's --target/--fpu set module-wide build flags."""
    if not os.path.exists(paths.synth_bin()):
        pytest.skip("synth CLI not built at %s" % paths.synth_bin())
    out = tmp_path / "m7.json"
    proc = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "run.py"),
                           "--smoke", "--strict-synth", "--no-w2c", "--target", "cortex-m7", "--fpu", "fpv5-d16",
                           "-k", "newton_f64", "-k", "fir_f32", "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import json
    doc = json.loads(out.read_text())
    assert doc["target"] == "cortex-m7"
    assert sorted(k["name"] for k in doc["kernels"]) == ["fir_f32", "newton_f64"]


def _run_py(args, timeout=600):
    return subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "run.py")]
                          + args, capture_output=True, text=True, timeout=timeout)


def test_cortex_m0plus_kernels_agree(tmp_path):
    """On the Cortex-M0+ (gcc -mcpu=cortex-m0plus, synth --target cortex-m0plus, the ARMv6-M
    libgcc, unicorn's Cortex-M0): the kernels with jump tables (statemach, tokenizer) and soft
    float in f32 and f64 give wasm's result on every variant, and synth's objects pass the
    ARMv6-M reassembly check."""
    if not os.path.exists(paths.synth_bin()):
        pytest.skip("synth CLI not built at %s" % paths.synth_bin())
    out = tmp_path / "m0.json"
    kernels = ["statemach", "tokenizer", "fir_f32", "newton_f64"]
    proc = _run_py(["--smoke", "--strict-synth", "--no-w2c", "--target", "cortex-m0plus", "--json", str(out)]
                   + [a for k in kernels for a in ("-k", k)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import json
    doc = json.loads(out.read_text())
    assert doc["target"] == "cortex-m0plus" and [t["target"] for t in doc["targets"]] == ["cortex-m0plus"]
    assert doc["flags"]["gcc"][0] == "-mcpu=cortex-m0plus"
    for k in doc["kernels"]:
        assert k["all_equal"], k["status"]
        for variant in ("synth", "synth-nbc", "synth-Os", "synth-Os-nbc"):
            assert k["variants"][variant]["v6m_checked_instructions"] > 100, (k["name"], variant)


def test_two_targets_side_by_side(tmp_path):
    """--targets cortex-m4,cortex-m0plus with counting: results.json holds both targets (the
    first also at the top level, as a single-target run writes it), each with its geomeans,
    and the side-by-side table prints a geomean row for both; with wasm2c installed, crc32's
    four wasm2c+gcc variants agree with wasm on both targets (their ratios count only then)
    and a second side-by-side table compares synth and gcc with them."""
    if not os.path.exists(paths.synth_bin()):
        pytest.skip("synth CLI not built at %s" % paths.synth_bin())
    out = tmp_path / "two.json"
    proc = _run_py(["--strict-synth", "--targets", "cortex-m4,cortex-m0plus", "-k", "crc32", "--json", str(out)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import json
    doc = json.loads(out.read_text())
    assert [t["target"] for t in doc["targets"]] == ["cortex-m4", "cortex-m0plus"]
    assert doc["target"] == "cortex-m4" and doc["kernels"] == doc["targets"][0]["kernels"]
    counts = []
    for t in doc["targets"]:
        s = t["summary"]
        assert s["insns_synth_vs_gcc_O2"]["kernels"] == 1 and s["size_synth_text_vs_gcc_Os"]["geomean"] > 0
        assert s["size_synth_Os_text_vs_gcc_Os"]["geomean"] > 0 and s["size_synth_Os_nbc_text_vs_gcc_Os"]["kernels"] == 1
        v = t["kernels"][0]["variants"]
        assert v["synth"]["instructions"] > 0 and v["gcc-O2"]["instructions"] > 0
        assert t["flags"]["synth"][:2] == ["--target", t["target"]]
        counts.append(v["gcc-O2"]["instructions"])
    # The same C on a core without Thumb-2 takes more instructions: the counts are per core.
    assert counts[1] > counts[0]
    lines = proc.stdout.splitlines()
    assert any("cortex-m4" in l and "cortex-m0plus" in l for l in lines), proc.stdout
    geo = [l for l in lines if l.startswith("geomean ") and "|" in l]
    # synth/gcc, then (with wasm2c installed) synth and gcc against wasm2c+gcc
    assert len(geo) == (2 if not w2c.available() else 1) and geo[0].count("|") == 2, proc.stdout
    if not w2c.available():
        assert geo[1].count("|") == 2, proc.stdout
        for t in doc["targets"]:
            s = t["summary"]
            assert s["size_synth_Os_text_vs_w2c_Os"]["kernels"] == 1, t["target"]
            assert s["insns_synth_vs_w2c_O2"]["kernels"] == 1 and s["insns_w2c_O2_vs_gcc_O2"]["geomean"] > 0
            assert t["kernels"][0]["variants"]["w2c-O2"]["instructions"] > 0
    # The chart of the ratios beside the JSON.
    png = tmp_path / "two.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10000, proc.stdout
