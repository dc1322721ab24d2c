"""python -m synth compile / stats, and the checker compiling modules itself."""

from __future__ import annotations

import json

import synth

from conftest import CONTROLLER, run_module


def test_compile_command(tmp_path):
    out, header = tmp_path / "c.o", tmp_path / "c.h"
    proc = run_module("synth", "compile", str(CONTROLLER), "-o", str(out), "--header", str(header),
                      "--target", "cortex-m7", "--stats")
    assert proc.returncode == 0, proc.stderr
    expected = synth.compile(CONTROLLER, target="cortex-m7")
    assert out.read_bytes() == expected.object and header.read_text() == expected.header
    assert "wasm_pi_step" in proc.stdout and proc.stdout.splitlines()[-1].startswith("total: 5 functions")


def test_stats_command(tmp_path):
    proc = run_module("synth", "stats", str(CONTROLLER), "--json")
    assert proc.returncode == 0, proc.stderr
    assert synth.ModuleStats.from_dict(json.loads(proc.stdout)) == synth.compile(CONTROLLER).stats
    table = run_module("synth", "stats", str(CONTROLLER))
    assert table.stdout.splitlines()[0].split()[:3] == ["symbol", "kind", "bytes"]


def test_compile_error_exit_status(tmp_path):
    bad = tmp_path / "bad.wat"
    bad.write_text('(module (func (export "f") (param i32) (result i32) local.get 0 i32x4.splat i32x4.extract_lane 0))')
    proc = run_module("synth", "compile", str(bad), "-o", str(tmp_path / "bad.o"))
    assert proc.returncode == 1 and "i32x4" in proc.stderr and not (tmp_path / "bad.o").exists()


def test_checker_on_modules(tmp_path):
    stats = synth.compile(CONTROLLER).stats
    crc = stats.function("wasm_crc32")
    policy = tmp_path / "p.toml"
    policy.write_text('[functions."wasm_crc32"]\nmax_code_bytes = %d\n' % (crc.code_bytes // 2))
    proc = run_module("synth.check", str(CONTROLLER), "--policy", str(policy))
    assert proc.returncode == 1
    assert "controller.wat" in proc.stdout and "max_code_bytes" in proc.stdout
    policy.write_text('[functions."wasm_crc32"]\nmax_code_bytes = %d\n' % crc.code_bytes)
    ok = run_module("synth.check", str(CONTROLLER), "--policy", str(policy))
    assert ok.returncode == 0 and ok.stdout.startswith("OK: 1 module, 5 functions")
    bad = tmp_path / "f.wat"
    bad.write_text('(module (func (export "f") (param v128) (result v128) (local.get 0)))')
    err = run_module("synth.check", str(bad))
    assert err.returncode == 2 and "UnsupportedError" in err.stderr
