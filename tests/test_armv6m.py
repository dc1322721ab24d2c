"""ARMv6-M targets (``--target cortex-m0``, ``cortex-m0plus``; rust/synth-armv6m): proof by execution
and proof of the instruction set.

- The emulator runs unicorn's Cortex-M0 model for these targets.
- Every program of tests/programs compiled for cortex-m0plus: a program the backend declines
  is counted as declined (never as passed); the others differential against wasmtime on the
  Cortex-M0 model.
- The spec runner on every testsuite file for cortex-m0plus (floats through the ARMv6-M
  libgcc), with passed / failed / declined per file; no failure, decline or skip allowed.
- unicorn's M0 model also runs Thumb-2 instructions real ARMv6-M hardware rejects, so every
  object above is also reassembled from its disassembly with ``arm-none-eabi-as
  -mcpu=cortex-m0plus`` and must come out byte for byte (harness/v6m_check.py); the check
  rejects a Cortex-M4 object.
- ``.ARM.attributes`` against ``arm-none-eabi-gcc -mcpu=cortex-m0plus -c`` (readelf -A), and
  the objects link together.
"""

import collections
import glob
import os
import subprocess
import sys

import pytest
import unicorn.arm_const as A

from harness import differential, v6m_check, wasm2obj
from harness.uc_image import cortex_m

TESTS = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = sorted(glob.glob(os.path.join(TESTS, "programs", "*.wat")))
CPU = "cortex-m0plus"
#: Every compile here runs the register-allocation checker too.
ARGS = ["--target", CPU, "--verify-allocation"]

def test_emulator_runs_the_cortex_m0_model():
    for cpu in ("cortex-m0", "cortex-m0plus"):
        assert cortex_m(cpu).ctl_get_cpu_model() == A.UC_CPU_ARM_CORTEX_M0
    sys.path.insert(0, os.path.join(os.path.dirname(TESTS), "python"))
    from synth.emulator import open_cortex_m
    assert open_cortex_m(CPU).ctl_get_cpu_model() == A.UC_CPU_ARM_CORTEX_M0


def _compile(path, workdir):
    """(Compiled or None, decline message or None)."""
    try:
        return wasm2obj.compile_module(path, workdir, name="m", extra_args=ARGS), None
    except wasm2obj.CompileError as e:
        msg = str(e)
        assert "unsupported:" in msg and "ARMv6-M" in msg or "several" in msg or "unsupported" in msg, msg
        return None, msg


def test_programs_on_cortex_m0plus(tmp_path):
    """Each program: declined (counted), or differential-tested and reassembled."""
    counts = collections.Counter()
    problems = []
    for path in PROGRAMS:
        name = os.path.basename(path)[:-4]
        work = str(tmp_path / name)
        compiled, declined = _compile(path, work)
        if compiled is None:
            counts["declined"] += 1
            print("declined %s: %s" % (name, declined.splitlines()[-1][:160]))
            continue
        insts, bad = v6m_check.check(compiled.obj, work)
        counts["as-checked instructions"] += insts
        problems += ["%s: %s" % (name, b) for b in bad]
        report = differential.run_module(path, work, seed_name=name + ".wat", extra_args=ARGS)
        counts["calls"] += report.calls
        counts["mismatches"] += len(report.mismatches)
        problems += ["%s: %s" % (name, m) for m in report.mismatches[:5]]
        counts["passed" if not report.mismatches else "failed"] += 1
    print("programs on %s: %s" % (CPU, dict(counts)))
    assert not problems, "\n".join(problems[:40])
    assert counts["passed"] >= 80 and counts["calls"] > 1000, counts


def _spec_results(monkeypatch):
    sys.path.insert(0, os.path.join(TESTS, "spec"))
    import runner
    if not os.path.isdir(runner.DEFAULT_TESTSUITE):
        pytest.skip("no testsuite at %s" % runner.DEFAULT_TESTSUITE)
    monkeypatch.setenv("SYNTH_SPEC_TARGET", CPU)
    monkeypatch.setenv("SYNTH_SPEC_ARGS", "--verify-allocation")
    # The whole testsuite (floats in software through the ARMv6-M libgcc).
    files = sorted(glob.glob(os.path.join(runner.DEFAULT_TESTSUITE, "*.wast")))
    return runner.run_files(files, jobs=2)


def test_spec_on_cortex_m0plus(monkeypatch):
    table = []
    total = collections.Counter()
    for name, results, _secs, err in _spec_results(monkeypatch):
        assert err is None, "%s: %s" % (name, err)
        c = collections.Counter()
        for r in results:
            if r["status"] == "skip" and "not supported by synth" in r["reason"]:
                c["declined"] += 1
            else:
                c[r["status"]] += 1
        total.update(c)
        table.append("%-16s %5d passed %4d failed %4d declined %4d skipped" % (
            name, c["pass"], c["fail"], c["declined"], c["skip"]))
        failures = [r for r in results if r["status"] == "fail"]
        assert not failures, "%s: %s" % (name, failures[:3])
    print("\n".join(table))
    print("spec on %s (%d files): %s" % (CPU, len(table), dict(total)))
    assert len(table) >= 90 and total["pass"] > 27000 and not total["declined"] and not total["skip"], total


def test_spec_modules_are_armv6m_code(tmp_path):
    """Every module of a few spec files, compiled for cortex-m0plus, reassembles for ARMv6-M."""
    sys.path.insert(0, os.path.join(TESTS, "spec"))
    import runner
    if not os.path.isdir(runner.DEFAULT_TESTSUITE):
        pytest.skip("no testsuite at %s" % runner.DEFAULT_TESTSUITE)
    checked = declined = insts = 0
    for name in ["i32", "i64", "int_exprs", "br_table", "call_indirect", "address"]:
        out = tmp_path / name
        subprocess.run([runner.converter_bin(), os.path.join(runner.DEFAULT_TESTSUITE, name + ".wast"), "-o",
                        str(out)], check=True, capture_output=True)
        for wasm in sorted(glob.glob(str(out / "*.wasm"))):
            obj = wasm[:-5] + ".o"
            proc = wasm2obj.run_synth(["compile", wasm, "-o", obj] + ARGS)
            if proc.returncode != 0:
                # Modules of assert_invalid/assert_malformed are rejected as such.
                assert "unsupported" in proc.stderr or "invalid" in proc.stderr or "malformed" in proc.stderr, \
                    proc.stderr
                declined += "unsupported" in proc.stderr
                continue
            n, bad = v6m_check.check(obj, str(tmp_path / "as"))
            assert not bad, "%s: %s" % (os.path.basename(wasm), bad)
            checked += 1
            insts += n
    print("spec modules reassembled for ARMv6-M: %d (%d instructions), %d declined" % (checked, insts, declined))
    assert checked >= 20 and insts > 10000


def test_the_instruction_set_check_rejects_thumb2(tmp_path):
    compiled = wasm2obj.compile_module(PROGRAMS[0], str(tmp_path), name="m4")
    n, bad = v6m_check.check(compiled.obj, str(tmp_path))
    assert bad and any("selected processor does not support" in b for b in bad), bad


def test_declines_name_function_and_what(tmp_path):
    # What synth cannot compile at all (SIMD) is declined for this target too, naming the
    # function and the operator. (Frames and argument areas beyond the 1020-byte reach of
    # sp-relative loads and stores are bridged: tests/programs/big_frame_v6m.wat.)
    wat = '(module (func (export "many") (result i32) v128.const i32x4 1 2 3 4 i32x4.extract_lane 0))'
    with pytest.raises(wasm2obj.CompileError) as e:
        wasm2obj.compile_module(wat, str(tmp_path), extra_args=ARGS)
    msg = str(e.value)
    assert "`many`" in msg and "unsupported" in msg and "v128.const" in msg, msg


def test_br_table_through_a_jump_table(tmp_path):
    """300 targets: bounds compare, then ADR/LDR/BX through a table of offsets."""
    n = 300
    body = "(br_table %s (local.get 0))" % " ".join(str(k) for k in range(n))
    for k in range(n):
        body = "(block %s (global.set 0 (i32.const %d)) (return (global.get 0)))" % (body, k)
    wat = ('(module (global (mut i32) (i32.const -1)) (func (export "big") (param i32) (result i32) %s '
           "(global.get 0)))" % body)
    report = differential.run_module(wat, str(tmp_path), extra_args=ARGS)
    assert report.calls > 0 and not report.mismatches, report.mismatches[:5]
    compiled = wasm2obj.compile_module(wat, str(tmp_path / "o"), extra_args=ARGS)
    n_insts, bad = v6m_check.check(compiled.obj, str(tmp_path / "o"))
    assert not bad, bad


def _attributes(obj):
    out = subprocess.run(["arm-none-eabi-readelf", "-A", obj], check=True, capture_output=True, text=True).stdout
    return dict(l.strip().split(": ", 1) for l in out.splitlines() if l.strip().startswith("Tag_"))


@pytest.mark.parametrize("pad", range(4))
def test_jump_table_after_a_pending_literal_pool(pad, tmp_path):
    """A literal (0x12345678) still pending when the jump table's alignment comes: the pool
    goes before the table and ends word-aligned, so the table needs no padding after it
    (it used to be placed 2 bytes off and the function declined with "jump table out of
    ADR reach"; bench kernels statemach and tokenizer hit it). ``pad`` extra statements
    move the `bx` through both halfword parities."""
    extra = " (global.set 1 (i32.add (global.get 1) (local.get 0)))" * pad
    wat = (';; @args f (0,) (1,) (2,) (3,) (4,) (5,) (6,) (-1,) (7,)\n'
           '(module (global (mut i32) (i32.const 0)) (global (mut i32) (i32.const 0))'
           ' (func (export "f") (param i32) (result i32) (global.set 0 (i32.const 0x12345678))%s'
           ' (block (block (block (block (block (block (br_table 0 1 2 3 4 5 (local.get 0)))'
           ' (return (i32.const 10))) (return (i32.const 11))) (return (i32.const 12)))'
           ' (return (i32.const 13))) (return (i32.const 14))) (i32.const 15))'
           ' (func (export "g0") (result i32) (global.get 0)))' % extra)
    report = differential.run_module(wat, str(tmp_path), extra_args=ARGS)
    assert report.calls >= 9 and not report.mismatches, report.mismatches[:5]
    compiled = wasm2obj.compile_module(wat, str(tmp_path / "o"), extra_args=ARGS)
    n_insts, bad = v6m_check.check(compiled.obj, str(tmp_path / "o"))
    assert n_insts > 0 and not bad, bad


@pytest.mark.parametrize("cpu", ["cortex-m0", "cortex-m0plus"])
def test_attributes_match_gcc(cpu, tmp_path):
    compiled = wasm2obj.compile_module('(module (func (export "f") (param i32) (result i32) local.get 0))',
                                       str(tmp_path), name="m", extra_args=["--target", cpu])
    c = tmp_path / "g.c"
    c.write_text("int g(int x) { return x * 3; }\n")
    gobj = str(tmp_path / "g.o")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=" + cpu, "-mthumb", "-O2", "-c", str(c), "-o", gobj], check=True)
    ours, gccs = _attributes(compiled.obj), _attributes(gobj)
    assert ours["Tag_CPU_arch"] == gccs["Tag_CPU_arch"] == "v6S-M"
    assert ours["Tag_THUMB_ISA_use"] == gccs["Tag_THUMB_ISA_use"] == "Thumb-1"
    assert ours["Tag_CPU_arch_profile"] == "Microcontroller" and ours["Tag_CPU_name"] == '"%s"' % cpu
    common = (set(ours) & set(gccs)) - {"Tag_CPU_name"}
    differ = {t: (ours[t], gccs[t]) for t in common if ours[t] != gccs[t]}
    assert len(common) >= 5 and not differ, (common, differ)
    subprocess.run(["arm-none-eabi-ld", "-r", compiled.obj, gobj, "-o", str(tmp_path / "l.o")], check=True)
