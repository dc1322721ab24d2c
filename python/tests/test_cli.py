"""python -m synth compile / stats, and the checker compiling modules itself."""

from __future__ import annotations

import json

import synth

from conftest import CONTROLLER, run_cli, run_module


def test_compile_command(tmp_path):
    out, header = tmp_path / "c.o", tmp_path / "c.h"
    proc = run_module("synth", "compile", str(CONTROLLER), "-o", str(out), "--emit-header", str(header),
                      "--target", "cortex-m7", "--stats")
    assert proc.returncode == 0, proc.stderr
    expected = synth.compile(CONTROLLER, target="cortex-m7", module_name="controller.wat")
    assert out.read_bytes() == expected.object and header.read_text() == expected.header
    # The totals line, then one line per reason a stack is unbounded (an import here).
    lines = proc.stdout.splitlines()
    assert "wasm_pi_step" in proc.stdout and lines[-2].startswith("total: 5 functions")
    assert lines[-1] == "stack unbounded (1 function): calls import `report`"


def test_same_flags_same_output_as_the_synth_cli(tmp_path):
    """python -m synth compile and synth compile: same object, header, table and JSON for
    the same flags (every compiler option given)."""
    flags = ["--target", "cortex-m3", "--prefix", "ctl_", "--module-name", "ctl", "--stack-check",
             "--max-memory-pages", "2", "--verify-allocation", "--shadow-allocation",
             "--no-optimize", "--no-bounds-checks", "--stats", "--stats-json", "-"]
    py = run_module("synth", "compile", str(CONTROLLER), "-o", str(tmp_path / "py.o"),
                    "--emit-header", str(tmp_path / "py.h"), *flags)
    cli = run_cli("compile", str(CONTROLLER), "-o", str(tmp_path / "cli.o"),
                  "--emit-header", str(tmp_path / "cli.h"), *flags)
    assert py.returncode == 0 and cli.returncode == 0, py.stderr + cli.stderr
    assert (tmp_path / "py.o").read_bytes() == (tmp_path / "cli.o").read_bytes()
    assert (tmp_path / "py.h").read_text() == (tmp_path / "cli.h").read_text()
    assert json.loads(py.stdout) == json.loads(cli.stdout)
    assert py.stderr == cli.stderr and "sh.spills" in py.stderr  # the table, beside JSON on stdout


def test_errors_are_one_line_with_the_file(tmp_path):
    bad = tmp_path / "bad.wat"
    bad.write_text("(module\n  (func (i32.frobnicate)))")
    py = run_module("synth", "compile", str(bad))
    cli = run_cli("compile", str(bad))
    assert py.returncode == cli.returncode == 1
    assert py.stderr == cli.stderr, (py.stderr, cli.stderr)
    assert py.stderr.startswith("error: %s: wasm text does not parse: line 2, column 10: " % bad)
    assert len(py.stderr.splitlines()) == 1
    usage = run_module("synth", "compile", str(bad), "--no-opt")
    assert usage.returncode == 2


def test_stats_command(tmp_path):
    proc = run_module("synth", "stats", str(CONTROLLER), "--json")
    assert proc.returncode == 0, proc.stderr
    assert synth.ModuleStats.from_dict(json.loads(proc.stdout)) == synth.compile(CONTROLLER).stats
    table = run_module("synth", "stats", str(CONTROLLER))
    assert table.stdout.splitlines()[0].split()[:3] == ["symbol", "name", "kind"]


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


FLOAT_WAT = """(module
  (func (export "mul") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1)))
  (func (export "half") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5))))
"""


def test_float_options_same_output_as_the_synth_cli(tmp_path):
    """--fpu/--float-abi reach the compiler through python -m synth as through synth compile."""
    src = tmp_path / "f.wat"
    src.write_text(FLOAT_WAT)
    flags = ["--fpu", "fpv4-sp-d16", "--float-abi", "softfp", "--stats-json", "-"]
    py = run_module("synth", "compile", str(src), "-o", str(tmp_path / "py.o"), *flags)
    cli = run_cli("compile", str(src), "-o", str(tmp_path / "cli.o"), *flags)
    assert py.returncode == 0 and cli.returncode == 0, py.stderr + cli.stderr
    assert (tmp_path / "py.o").read_bytes() == (tmp_path / "cli.o").read_bytes()
    assert json.loads(py.stdout) == json.loads(cli.stdout)


def test_rejected_float_combinations_are_usage_errors_like_the_cli(tmp_path):
    src = tmp_path / "f.wat"
    src.write_text(FLOAT_WAT)
    for flags in (["--float-abi", "softfp"], ["--target", "cortex-m3", "--fpu", "fpv4-sp-d16"],
                  ["--target", "cortex-m4", "--fpu", "fpv5-d16"]):
        py = run_module("synth", "compile", str(src), "-o", str(tmp_path / "py.o"), *flags)
        cli = run_cli("compile", str(src), "-o", str(tmp_path / "cli.o"), *flags)
        assert py.returncode == cli.returncode == 2, (flags, py.stderr, cli.stderr)
        assert py.stderr == cli.stderr and py.stderr.startswith("error: bad option: "), (py.stderr, cli.stderr)
        assert not (tmp_path / "py.o").exists()
    unknown = run_module("synth", "compile", str(src), "--fpu", "x87")
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr


STACK_WAT = """
(module
  (import "env" "host_log" (func $log (param i32)))
  (func $inner (param i32) local.get 0 call $log)
  (func (export "run") (param i32) local.get 0 call $inner))
"""


def test_stack_and_debug_options_same_output_as_the_synth_cli(tmp_path):
    """--import-stack (repeatable), --max-stack and -g/--debug reach the compiler through
    python -m synth as through synth compile: same object and JSON, same stack-limit error."""
    src = tmp_path / "s.wat"
    src.write_text(STACK_WAT)
    bounded = json.loads(run_cli("compile", str(src), "-o", str(tmp_path / "b.o"), "--import-stack", "host_log=100",
                                 "--stats-json", "-").stdout)
    run = next(f for f in bounded["functions"] if f["symbol"] == "wasm_run")
    limit = run["max_stack_bytes"]
    assert limit > 100
    for debug in ("-g", "--debug"):
        flags = ["--import-stack", "synth_trap=8", "--import-stack", "env.host_log=100", "--max-stack", str(limit),
                 debug, "--stats-json", "-"]
        py = run_module("synth", "compile", str(src), "-o", str(tmp_path / "py.o"), *flags)
        cli = run_cli("compile", str(src), "-o", str(tmp_path / "cli.o"), *flags)
        assert py.returncode == 0 and cli.returncode == 0, py.stderr + cli.stderr
        assert (tmp_path / "py.o").read_bytes() == (tmp_path / "cli.o").read_bytes()
        assert b".debug_frame" in (tmp_path / "py.o").read_bytes()
        assert json.loads(py.stdout) == json.loads(cli.stdout)
        assert next(f for f in json.loads(py.stdout)["functions"] if f["symbol"] == "wasm_run")["max_stack_bytes"] == limit
    plain = run_module("synth", "compile", str(src), "-o", str(tmp_path / "plain.o"))
    assert plain.returncode == 0 and b".debug_frame" not in (tmp_path / "plain.o").read_bytes()
    # one byte under the bound: the same error from both, exit 1, no object
    flags = ["--import-stack", "host_log=100", "--max-stack", str(limit - 1)]
    py = run_module("synth", "compile", str(src), "-o", str(tmp_path / "low.o"), *flags)
    cli = run_cli("compile", str(src), "-o", str(tmp_path / "low.o"), *flags)
    assert py.returncode == cli.returncode == 1 and py.stderr == cli.stderr, (py.stderr, cli.stderr)
    assert "`wasm_run` needs up to %d bytes" % limit in py.stderr and not (tmp_path / "low.o").exists()
    # without a figure for the import the export has no bound: --max-stack fails it
    py = run_module("synth", "compile", str(src), "-o", str(tmp_path / "low.o"), "--max-stack", "4096")
    assert py.returncode == 1 and "no stack bound" in py.stderr, py.stderr
    for bad in (["--import-stack", "host_log"], ["--import-stack", "=4"], ["--import-stack", "host_log=lots"],
                ["--max-stack", "lots"], ["--max-stack", "-1"], ["--max-stack", str(2**32)]):
        py = run_module("synth", "compile", str(src), "-o", str(tmp_path / "bad.o"), *bad)
        cli = run_cli("compile", str(src), "-o", str(tmp_path / "bad.o"), *bad)
        assert py.returncode == cli.returncode == 2, (bad, py.stderr, cli.stderr)


def test_max_function_bytes_same_as_the_synth_cli(tmp_path):
    """--max-function-bytes reaches the compiler through python -m synth as through synth
    compile: 10 refuses examples/controller.wat with the same limit error (exit 1, no object);
    0 (no limit) gives the same object as the default; a bad value is a usage error."""
    src = CONTROLLER
    flags = ["--max-function-bytes", "10"]
    py = run_module("synth", "compile", str(src), "-o", str(tmp_path / "py.o"), *flags)
    cli = run_cli("compile", str(src), "-o", str(tmp_path / "cli.o"), *flags)
    assert py.returncode == cli.returncode == 1 and py.stderr == cli.stderr, (py.stderr, cli.stderr)
    assert "limit: function " in py.stderr and "over the limit of 10 (max_function_bytes)" in py.stderr
    assert not (tmp_path / "py.o").exists()
    py = run_module("synth", "compile", str(src), "-o", str(tmp_path / "py.o"), "--max-function-bytes", "0")
    cli = run_cli("compile", str(src), "-o", str(tmp_path / "cli.o"))
    assert py.returncode == cli.returncode == 0, py.stderr + cli.stderr
    assert (tmp_path / "py.o").read_bytes() == (tmp_path / "cli.o").read_bytes()
    for bad in ("lots", "-1", str(2**32)):
        py = run_module("synth", "compile", str(src), "-o", str(tmp_path / "bad.o"), "--max-function-bytes", bad)
        cli = run_cli("compile", str(src), "-o", str(tmp_path / "bad.o"), "--max-function-bytes", bad)
        assert py.returncode == cli.returncode == 2, (bad, py.stderr, cli.stderr)
