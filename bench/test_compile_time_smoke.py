"""Smoke test of the stress corpus (bench/stress.py): every shape, small, compiles with the
allocation checker on; a crowded loop hits the allocator's compile-time budget and says so in
the stats; a function over --max-function-bytes is a clean limit error with no output.

Uses $SYNTH_BIN or rust/target/debug/synth (sizes are small enough for a debug build).
"""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import compile_time  # noqa: E402
import stress  # noqa: E402

REPO = os.path.dirname(HERE)


def synth():
    exe = os.environ.get("SYNTH_BIN") or os.path.join(REPO, "rust", "target", "debug", "synth")
    if not os.path.exists(exe):
        pytest.skip("synth CLI not built at %s" % exe)
    return exe


def build(tmp_path, shape, n):
    wat = tmp_path / ("%s_%d.wat" % (shape, n))
    wasm = tmp_path / ("%s_%d.wasm" % (shape, n))
    wat.write_text(stress.generate(shape, n))
    compile_time.assemble(str(wat), str(wasm))
    return wasm


def compile_(wasm, out, *extra):
    stats = str(out) + ".json"
    p = subprocess.run([synth(), "compile", str(wasm), "-o", str(out), "--stats-json", stats] + list(extra),
                       capture_output=True, text=True, timeout=300)
    return p, stats


@pytest.mark.parametrize("shape", sorted(stress.SHAPES))
def test_every_shape_compiles_with_the_checker(tmp_path, shape):
    n = max(8, stress.ISSUE_SIZES[shape] // 100)
    wasm = build(tmp_path, shape, n)
    out = tmp_path / "out.o"
    p, stats = compile_(wasm, out, "--verify-allocation")
    assert p.returncode == 0, p.stderr
    assert out.stat().st_size > 0
    funcs = json.load(open(stats))["functions"]
    assert all(f["rung"] == "base" and f["verdict"] != "spurious" for f in funcs), funcs


def test_a_crowded_loop_hits_the_budget_and_stays_checked(tmp_path):
    wasm = build(tmp_path, "locals_loop", 1500)
    out = tmp_path / "out.o"
    p, stats = compile_(wasm, out, "--verify-allocation")
    assert p.returncode == 0, p.stderr
    f = [f for f in json.load(open(stats))["functions"] if f["kind"] == "wasm"][0]
    assert f["budget_hit"] is True, f
    assert f["verdict"] == "genuine", f
    small = build(tmp_path, "locals_loop", 20)
    p, stats = compile_(small, tmp_path / "small.o")
    assert p.returncode == 0, p.stderr
    assert not any(f["budget_hit"] for f in json.load(open(stats))["functions"])


def test_a_function_over_the_size_limit_is_a_limit_error(tmp_path):
    wasm = build(tmp_path, "straight", 2000)
    out = tmp_path / "out.o"
    p, _ = compile_(wasm, out, "--max-function-bytes", "1000")
    assert p.returncode != 0
    assert "limit:" in p.stderr and "max_function_bytes" in p.stderr, p.stderr
    assert not out.exists()
    p, _ = compile_(wasm, out, "--max-function-bytes", "0")
    assert p.returncode == 0, p.stderr
