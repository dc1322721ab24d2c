"""The differential harness: compiled code under unicorn agrees with wasmtime."""

from __future__ import annotations

import pytest

import synth
from synth import floats
from synth.differential import adapter_wat, check_module, generate_inputs, main, Signature
from synth.emulator import arg_slots, struct_offsets

from conftest import CONTROLLER, PROGRAMS

CORPUS = [CONTROLLER] + [PROGRAMS / (n + ".wat") for n in (
    "i32_arith", "i64_div_s", "i64_shr_s", "stack_args_mixed", "multivalue_func", "call_indirect",
    "mem_oob_edge", "sort", "crc32", "globals_mut", "unreachable_trap",
    "float_arith", "float_convert", "float_helpers")]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_agrees_with_wasmtime(path, tmp_path):
    report = check_module(path, tmp_path)
    assert report.ok, "\n".join(str(m) for m in report.mismatches[:10])
    assert report.exports >= 1 and report.calls >= report.exports
    assert report.calls > report.inconclusive


def test_traps_and_host_calls_are_compared(tmp_path):
    calls = []

    def report(step, y):
        calls.append((step, y))

    r = check_module(CONTROLLER, tmp_path, host={("env", "report"): report},
                     inputs={"simulate": [(65536, 10)], "pi_step": [(1, 2)], "crc32": [(0, 5), (70000, 1)]})
    assert r.ok and r.calls == 4
    assert [c[0] for c in calls] == [5, 10, 5, 10]  # both sides called the host twice


def test_a_wrong_object_is_caught(tmp_path):
    src = '(module (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))'
    wrong = synth.compile(src.replace("i32.const 1", "i32.const 2")).object
    r = check_module(src, tmp_path, obj=wrong)
    assert not r.ok and len(r.mismatches) == r.calls
    m = r.mismatches[0]
    assert m.actual.values[0] == m.expected.values[0] + 1


def test_unsupported_exports_are_skipped_with_a_reason(tmp_path):
    # the harness passes numbers only, so the object comes from the scalar part
    plain = '(module (func (export "f") (param i32) (result i32) (local.get 0)))'
    src = plain[:-1] + ' (func (export "r") (param externref) (result i32) (i32.const 0)))'
    r = check_module(src, tmp_path, obj=synth.compile(plain).object)
    assert r.exports == 1 and r.ok
    # (wasmtime-py names externref "anyref"; a v128 signature aborts wasmtime-py itself)
    assert r.skipped == [("r", "has anyref values (only i32/i64/f32/f64 are supported)")]


# The one input of float_mem's generated ones on which synth's object and wasmtime disagree:
# spread adds f64 -2147483649.0 and 2^64 with __aeabi_dadd (libgcc 12.2, soft-float Cortex-M4
# multilib), which returns 0x43efffffffefffff where IEEE round-to-nearest (wasmtime, x86) gives
# 0x43effffffff00000. Not synth's code: the same C addition compiled by arm-none-eabi-gcc
# -mfloat-abi=soft gives the same bits on qemu mps2-an386 (unicorn and qemu share QEMU's
# Thumb-2 emulation, so real hardware is still to be tried).
DADD_CASE = (0xc1e0000000200000, 0x43f0000000000000)
DADD_RIGHT, DADD_LIBGCC = 0x43effffffff00000, 0x43efffffffefffff


def test_float_mem_agrees_except_the_libgcc_dadd_case(tmp_path):
    """float_mem (float loads/stores, stack arguments, multi-value, call_indirect, float host
    functions and imported float globals): every generated input agrees except the known
    __aeabi_dadd rounding case, and that one differs in exactly that f64."""
    host = {("env", "host_fneg"): lambda a: a ^ 0x80000000,           # bits in, bits out
            ("env", "host_dpick"): lambda i, a, b, c: (a, b, c)[i % 3] if i % 3 != 1 else floats.to_bits(-2.5, "f64")}
    globals_ = {("env", "g_f32"): 0x7FA00001, ("env", "g_f64"): 0xFFF4000000000123}  # signalling NaNs
    r = check_module(PROGRAMS / "float_mem.wat", tmp_path, host=host, globals_=globals_)
    assert r.exports >= 10 and r.calls > 200 and not r.skipped
    assert [m.export for m in r.mismatches] == ["spread"], "\n".join(map(str, r.mismatches))
    m = r.mismatches[0]
    assert (m.args[1], m.args[6]) == DADD_CASE
    assert (m.expected.values[0].bits, m.actual.values[0].bits) == (DADD_RIGHT, DADD_LIBGCC)
    assert m.expected.values[1:] == m.actual.values[1:]
    # the imported signalling NaNs reached both sides bit for bit (a Python float would quiet them)
    g = check_module(PROGRAMS / "float_mem.wat", tmp_path / "g", host=host, globals_=globals_,
                     inputs={"imported_globals": [()]})
    assert not [m for m in g.mismatches if m.export == "imported_globals"]


def test_float_bits_survive_and_wrong_float_code_is_caught(tmp_path):
    """NaN payloads and signalling NaNs cross both sides intact: an object that quiets a
    signalling NaN (x + -0.0 instead of x) differs only on signalling NaN inputs; a wrong
    operator differs on ordinary values."""
    src = '(module (func (export "id") (param f32) (result f32) (local.get 0)))'
    quieting = synth.compile(src.replace("(local.get 0)", "(f32.add (local.get 0) (f32.const -0.0))")).object
    snans = [(0x7FA00000,), (0xFF800001,), (0x7F812345,)]
    others = [(0x3FC00000,), (0x7FC12345,), (0x80000000,), (0x7F800000,)]
    r = check_module(src, tmp_path, obj=quieting, inputs={"id": snans + others})
    assert r.calls == 7
    assert [m.args for m in r.mismatches] == snans, "\n".join(map(str, r.mismatches))
    for m in r.mismatches:
        assert floats.is_nan(m.actual.values[0].bits, "f32") and m.actual.values[0] != m.expected.values[0]
        assert m.expected.values[0].bits == m.args[0]  # wasmtime returned the very bits
    assert check_module(src, tmp_path / "ok", inputs={"id": snans + others}).ok

    add = '(module (func (export "f") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1))))'
    wrong = synth.compile(add.replace("f64.add", "f64.sub")).object
    r = check_module(add, tmp_path / "sub", obj=wrong, inputs={"f": [(1.5, 2.0), (0.0, 0.0), ("inf", 1.0)]})
    assert [m.args for m in r.mismatches] == [(floats.to_bits(1.5, "f64"), floats.to_bits(2.0, "f64"))]
    assert "f64:0x400c000000000000 (3.5)" in str(r.mismatches[0])


def test_quiet_nans_match_any_quiet_nan():
    q1, q2 = floats.FloatBits(0x7FC00000, "f32"), floats.FloatBits(0xFFC12345, "f32")
    s1 = floats.FloatBits(0x7FA00000, "f32")
    assert q1 == q2 and hash(q1) == hash(q2)
    assert s1 != q1 and s1 == floats.FloatBits(0x7FA00000, "f32")
    assert floats.FloatBits(0, "f32") != floats.FloatBits(0x80000000, "f32")  # -0.0 is not 0.0
    assert floats.FloatBits(0x7FC00000, "f32") != floats.FloatBits(0x7FF8000000000000, "f64")
    assert repr(s1) == "f32:0x7fa00000 (snan:0x200000)"


def test_adapter_reinterprets_each_position():
    wat = adapter_wat(Signature(("i32", "f64"), ("f32",)), Signature(("i32", "i64"), ("i32",)))
    assert "local.get 1 f64.reinterpret_i64" in wat and "local.get 0\n" in wat
    assert "i32.reinterpret_f32" in wat


def test_abi_layout():
    assert arg_slots(["i32", "i64", "i32"]) == ([("reg", 0), ("reg", 2), ("stack", 0)], 8)
    assert arg_slots(["i64", "i64", "i64"]) == ([("reg", 0), ("reg", 2), ("stack", 0)], 8)
    assert arg_slots(["i32", "i32", "i32", "i64", "i32"]) == (
        [("reg", 0), ("reg", 1), ("reg", 2), ("stack", 0), ("stack", 8)], 16)
    assert struct_offsets(["i32", "i64", "i32"]) == [0, 8, 16]
    # floats take the places of the integers of their width (base AAPCS, --float-abi soft/softfp)
    assert arg_slots(["f32", "f64", "f32"]) == arg_slots(["i32", "i64", "i32"])
    assert arg_slots(["i32", "f32", "f64", "f32"]) == ([("reg", 0), ("reg", 1), ("reg", 2), ("stack", 0)], 8)
    assert struct_offsets(["f32", "f64", "i32"]) == [0, 8, 16]


def test_inputs_deterministic_and_typed():
    a = generate_inputs(["i32", "i64"], seed=7)
    assert a == generate_inputs(["i32", "i64"], seed=7) and len(set(a)) == len(a) == 32
    assert all(-2**31 <= x < 2**31 and -2**63 <= y < 2**63 for x, y in a)
    assert generate_inputs([], seed=1) == [()]
    f = generate_inputs(["f32", "f64"], seed=3)
    assert f == generate_inputs(["f32", "f64"], seed=3) and len(set(f)) == len(f) == 32
    assert all(0 <= x < 2**32 and 0 <= y < 2**64 for x, y in f)  # bit patterns, not Python floats
    assert any(floats.is_nan(x, "f32") and not floats.is_quiet_nan(x, "f32") for x, _ in f)


def test_command_line(capsys):
    assert main([str(PROGRAMS / "i32_rotl.wat"), str(CONTROLLER)]) == 0
    out = capsys.readouterr().out
    assert "i32_rotl.wat:" in out and out.splitlines()[-1] == "OK: 0 of 2 modules failed"
    assert main([str(PROGRAMS / "float_convert.wat"), "--fpu", "fpv4-sp-d16", "--float-abi", "softfp"]) == 0
    out = capsys.readouterr().out
    assert "float_convert.wat: 19 exports" in out and "skipped" not in out
