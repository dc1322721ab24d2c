"""Seeded smoke of the differential fuzzer (tests/fuzz/differential_fuzz.py).

300 modules from fixed seeds (rust/synth-fuzz: wasm-smith restricted to synth's features),
each compiled with and without bounds checks and every export called on a few argument
vectors under unicorn and wasmtime: results, trap categories, exported globals and memory
must agree. Then 20 float-heavy modules (``--floats on``) for each other target configuration
of tests/harness/configs.py (FPU with hard/softfp float ABI, FPv5 on the M7 and M33, ARMv6-M).
The long mode is ``.venv/bin/python tests/fuzz/differential_fuzz.py --minutes N``.
Also checks that the fuzzer's comparison catches a wrong result and a wrong memory state.
"""

import os

import pytest

from fuzz import differential_fuzz as fz
from harness import configs, emu as emumod, stats

#: First seed and modules per chunk of the smoke (fixed: the same modules every run).
SMOKE_SEED = 1_000_000
CHUNK = 50
CHUNKS = 6
#: First seed and modules of the smoke of each non-default configuration.
CONFIG_SEED = 1_100_000
CONFIG_COUNT = 20
OTHER_CONFIGS = [c for c in configs.CONFIGS if c != configs.DEFAULT.name]


@pytest.fixture(scope="module", autouse=True)
def tools():
    fz.build_tools()


def check_campaign(totals, count, rerun_args):
    """Every one of `count` generated modules compiled (the generator keeps to synth's
    features: nothing should be unsupported), at least one call per module, no finding;
    a failure shows the first findings and how to rerun them (`rerun_args`)."""
    assert totals.modules == count
    assert totals.unsupported == 0, totals.unsupported_reasons
    assert totals.calls >= count, totals.line()
    shown = []
    for seed, _path, res in totals.failing_modules[:5]:
        shown.append("seed %d:\n%s" % (seed, "\n".join("  %s" % f for f in res.findings[:5])))
    assert not totals.findings, "%s\n%s\n(rerun: tests/fuzz/differential_fuzz.py %s)" % (
        totals.line(), "\n".join(shown), rerun_args)


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_fuzz_smoke(chunk):
    totals = fz.run_campaign(SMOKE_SEED + chunk * CHUNK, count=CHUNK, verbose=False)
    stats.add("fuzz smoke", totals.compiled, totals.exports, totals.calls, totals.findings)
    check_campaign(totals, CHUNK, "--seed S --count 1 --save DIR")


@pytest.mark.parametrize("config", OTHER_CONFIGS)
def test_fuzz_smoke_config(config):
    totals = fz.run_campaign(CONFIG_SEED, count=CONFIG_COUNT, verbose=False, gen_args=("--floats", "on"),
                             config_names=(config,))
    stats.add("fuzz smoke (configs)", totals.compiled, totals.exports, totals.calls, totals.findings)
    check_campaign(totals, CONFIG_COUNT,
                   "--config %s --seed S --count 1 --gen-arg=--floats --gen-arg=on --save DIR" % config)


SELF_CHECK = """
(module
  (memory (export "mem") 1 2)
  (global $g (export "g") (mut i32) (i32.const 5))
  (func (export "store") (param i32) (result i32)
    (i32.store (i32.const 16) (local.get 0))
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (i32.add (local.get 0) (i32.const 1))))
"""


def _wasm():
    from harness.wasm2obj import to_wasm
    return to_wasm(SELF_CHECK)


def test_fuzz_comparison_passes_a_correct_module(tmp_path):
    res = fz.check_module(_wasm(), str(tmp_path))
    assert res.status == "ok" and not res.findings, res.findings
    assert res.exports == 1 and res.calls == 2 * fz.ARG_VECTORS


def test_fuzz_comparison_catches_wrong_result_and_state(tmp_path, monkeypatch):
    real_call = emumod.Emulator.call

    def wrong_result(self, export, args, limit=emumod.DEFAULT_LIMIT):
        out = real_call(self, export, args, limit)
        if out.kind == "ok" and args and args[0] == 0:
            out.values = (out.values[0] + 1,)
        return out
    monkeypatch.setattr(emumod.Emulator, "call", wrong_result)
    res = fz.check_module(_wasm(), str(tmp_path / "a"))
    assert [f.kind for f in res.findings] == ["mismatch", "mismatch"], res.findings

    def wrong_memory(self, export, args, limit=emumod.DEFAULT_LIMIT):
        out = real_call(self, export, args, limit)
        if args and args[0] == 0:
            self.uc.mem_write(self.image.address("wasm_memory") + 100, b"\x01")
        return out
    monkeypatch.setattr(emumod.Emulator, "call", wrong_memory)
    res = fz.check_module(_wasm(), str(tmp_path / "b"))
    assert [f.kind for f in res.findings] == ["state_mismatch"] * 2, res.findings
    assert "memory differs at 1 byte(s), first at 100" in res.findings[0].actual

    def wrong_global(self, export, args, limit=emumod.DEFAULT_LIMIT):
        out = real_call(self, export, args, limit)
        if args and args[0] == 0:
            self.uc.mem_write(self.image.address("wasm_g"), b"\x07\0\0\0")
        return out
    monkeypatch.setattr(emumod.Emulator, "call", wrong_global)
    res = fz.check_module(_wasm(), str(tmp_path / "c"))
    assert [f.kind for f in res.findings] == ["state_mismatch"] * 2, res.findings
    assert "global 'g': expected 5, got 7" in res.findings[0].actual


def test_fuzz_no_checks_skips_only_reference_oob(tmp_path):
    wat = """(module (memory 1 1)
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))"""
    from harness.wasm2obj import to_wasm
    res = fz.check_module(to_wasm(wat), str(tmp_path))
    assert not res.findings, res.findings
    # edge arguments such as -1 and 2^31-1 trap in wasmtime: compared with checks, not without
    assert res.skipped_calls >= 1
    assert res.calls + res.skipped_calls == 2 * fz.ARG_VECTORS


def test_fuzz_host_imports_and_reexports(tmp_path):
    """Host calls are compared; a re-exported imported global is read at its import
    symbol, a re-exported host function is not called."""
    wat = """(module
      (import "env" "host_add" (func $add (param i32 i32) (result i32)))
      (import "env" "g_mut" (global $gm (mut i32)))
      (export "add" (func $add))
      (export "gm" (global $gm))
      (func (export "bump") (param i32) (result i32)
        (global.set $gm (call $add (global.get $gm) (local.get 0)))
        (global.get $gm)))"""
    from harness.wasm2obj import to_wasm
    wasm = to_wasm(wat)
    globals_, funcs = fz.reexported_imports(wasm)
    assert globals_ == {"gm": ("env", "g_mut")} and funcs == {"add"}
    res = fz.check_module(wasm, str(tmp_path))
    assert not res.findings, res.findings
    assert res.exports == 1 and res.calls == 2 * fz.ARG_VECTORS


FLOAT_ADD = '(module (func (export "f") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1))))'


def test_fuzz_config_is_compiled_linked_and_called(tmp_path, monkeypatch):
    """Each configuration's module passes; findings name the configuration; and the
    configuration really decides the calling convention: the hard-float object called
    through the base AAPCS (floats in core registers) is caught."""
    from harness.wasm2obj import to_wasm
    wasm = to_wasm(FLOAT_ADD)
    for name, cfg in configs.CONFIGS.items():
        res = fz.check_module(wasm, str(tmp_path / name), config=cfg)
        assert res.status == "ok" and not res.findings and res.calls == 2 * fz.ARG_VECTORS, (name, res.findings)
    monkeypatch.setattr(configs.Config, "call_abi", property(lambda self: "soft"))
    res = fz.check_module(wasm, str(tmp_path / "wrong"), config=configs.get("m4-fpv4-hard"))
    assert res.findings and all(f.kind == "mismatch" and f.config == "m4-fpv4-hard" for f in res.findings), res.findings
    assert "[mismatch/m4-fpv4-hard/checks]" in str(res.findings[0])
