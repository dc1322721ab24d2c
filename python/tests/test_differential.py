"""The differential harness: compiled code under unicorn agrees with wasmtime."""

from __future__ import annotations

import pytest

import synth
from synth.differential import check_module, generate_inputs, main
from synth.emulator import arg_slots, struct_offsets

from conftest import CONTROLLER, PROGRAMS

CORPUS = [CONTROLLER] + [PROGRAMS / (n + ".wat") for n in (
    "i32_arith", "i64_div_s", "i64_shr_s", "stack_args_mixed", "multivalue_func", "call_indirect",
    "mem_oob_edge", "sort", "crc32", "globals_mut", "unreachable_trap")]


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
    # synth itself rejects such modules, so the object comes from the i32-only part
    plain = '(module (func (export "f") (param i32) (result i32) (local.get 0)))'
    src = plain[:-1] + ' (func (export "r") (param f32) (result i32) (i32.const 0)))'
    r = check_module(src, tmp_path, obj=synth.compile(plain).object)
    assert r.exports == 1 and r.ok
    assert r.skipped == [("r", "has f32 values (only i32/i64 are supported)")]


def test_abi_layout():
    assert arg_slots(["i32", "i64", "i32"]) == ([("reg", 0), ("reg", 2), ("stack", 0)], 8)
    assert arg_slots(["i64", "i64", "i64"]) == ([("reg", 0), ("reg", 2), ("stack", 0)], 8)
    assert arg_slots(["i32", "i32", "i32", "i64", "i32"]) == (
        [("reg", 0), ("reg", 1), ("reg", 2), ("stack", 0), ("stack", 8)], 16)
    assert struct_offsets(["i32", "i64", "i32"]) == [0, 8, 16]


def test_inputs_deterministic_and_typed():
    a = generate_inputs(["i32", "i64"], seed=7)
    assert a == generate_inputs(["i32", "i64"], seed=7) and len(set(a)) == len(a) == 32
    assert all(-2**31 <= x < 2**31 and -2**63 <= y < 2**63 for x, y in a)
    assert generate_inputs([], seed=1) == [()]


def test_command_line(capsys):
    assert main([str(PROGRAMS / "i32_rotl.wat"), str(CONTROLLER)]) == 0
    out = capsys.readouterr().out
    assert "i32_rotl.wat:" in out and out.splitlines()[-1] == "OK: 0 of 2 modules failed"
