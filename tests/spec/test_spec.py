"""pytest entry for the WebAssembly spec testsuite (see runner.py).

One test per .wast file: fails when any non-skipped assertion of that file fails, integer
or float alike (float files and float assertions are only reported in their own section).
One test prints the whole report (per-file table, totals).
All selected files are run once per session, in 2 worker processes. Also small tests of
the runner itself: it must report wrong results, wrong traps and accepted invalid
modules as failures.
"""

import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import runner  # noqa: E402
from harness import paths  # noqa: E402

TESTSUITE = runner.DEFAULT_TESTSUITE
FILES = runner.wast_files(TESTSUITE) if os.path.isdir(TESTSUITE) else []

needs_synth = pytest.mark.skipif(not os.path.exists(paths.synth_bin()),
                                 reason="synth CLI not built")
needs_suite = pytest.mark.skipif(not FILES, reason="testsuite not found at %s" % TESTSUITE)


def _name(path):
    return os.path.basename(path)[:-len(".wast")]


def _known_failures():
    """(file, line, kind) entries of known_failures.txt."""
    known = set()
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "known_failures.txt")) as fh:
        for raw in fh:
            entry = raw.split("#", 1)[0].split()
            if entry:
                known.add((entry[0], int(entry[1]), entry[2]))
    return known


KNOWN_FAILURES = _known_failures()


@pytest.fixture(scope="session")
def spec_results(request):
    """name -> (results, seconds, error) for every spec file this session selected."""
    wanted = set()
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if item.originalname == "test_spec_summary":
            wanted.update(FILES)
        elif callspec is not None and "wast" in callspec.params:
            wanted.add(callspec.params["wast"])
    done = runner.run_files(sorted(wanted), jobs=2)
    return {name: (results, secs, err) for name, results, secs, err in done}


@needs_synth
@needs_suite
@pytest.mark.parametrize("wast", FILES, ids=_name)
def test_wast_file(wast, spec_results):
    results, _secs, err = spec_results[_name(wast)]
    assert err is None, err
    all_fails = [r for r in results if r["status"] == "fail"]
    fails = [r for r in all_fails if (r["file"], r["line"], r["kind"]) not in KNOWN_FAILURES]
    failed_keys = {(r["file"], r["line"], r["kind"]) for r in all_fails}
    stale = sorted(k for k in KNOWN_FAILURES if k[0] == _name(wast) and k not in failed_keys)
    assert not stale, "listed in known_failures.txt but no longer failing (remove them): %s" % stale
    if fails:
        lines = [line for r in fails[:60] for line in runner.format_failure(r)]
        more = "\n  ... %d more" % (len(fails) - 60) if len(fails) > 60 else ""
        pytest.fail("%d of %d assertions failed:\n%s%s" % (
            len(fails), len(results), "\n".join(lines), more), pytrace=False)


@needs_synth
@needs_suite
def test_spec_summary(spec_results, capsys):
    """Prints the runner's report for every file of this session: the per-file table of
    integer and float assertions, skips by reason, and the final ``N passed, N failed, N
    skipped`` line. Failures fail their file's test above."""
    rows = sorted((n, res, s, e) for n, (res, s, e) in spec_results.items())
    with capsys.disabled():
        passed, failed, skipped = runner.report(rows, max_failures=0)
    errors = [(n, e) for n, _, _, e in rows if e]
    assert not errors, errors
    assert passed + failed + skipped > 0


NEGATIVE = r'''
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1))))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer overflow")
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_invalid (module (func (result i32))) "type mismatch")
'''


@needs_synth
def test_runner_reports_wrong_results_as_failures(tmp_path):
    path = tmp_path / "neg.wast"
    path.write_text(NEGATIVE)
    name, results, _secs, err = runner.run_file(str(path), str(tmp_path))
    assert err is None, err
    status = [(r["line"], r["kind"], r["status"]) for r in results]
    assert status == [(2, "module", "pass"), (5, "assert_return", "pass"),
                      (6, "assert_return", "fail"), (7, "assert_trap", "fail"),
                      (8, "assert_trap", "pass"), (9, "assert_invalid", "pass")]
    failed = results[2]["detail"]
    assert failed["expected"] == "i32:4" and failed["actual"] == "ok i32:3"


FLOAT_CHECKS = r'''
(module
  (func (export "add") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
  (func (export "neg") (param f64) (result f64) (f64.neg (local.get 0)))
  (func (export "pair") (param i32 f64 f32) (result f64 f32 i32) (local.get 1) (local.get 2) (local.get 0))
  (func (export "last") (param f32 f64 f64 f32) (result f32) (local.get 3))
  (global (export "g") f64 (f64.const -1.5)))
(assert_return (invoke "add" (f32.const 1) (f32.const 2)) (f32.const 3))
(assert_return (invoke "add" (f32.const 1) (f32.const 2)) (f32.const 4))
(assert_return (invoke "add" (f32.const -0) (f32.const -0)) (f32.const 0))
(assert_return (invoke "add" (f32.const nan) (f32.const 1)) (f32.const nan:canonical))
(assert_return (invoke "neg" (f64.const nan:0x4)) (f64.const nan:canonical))
(assert_return (invoke "neg" (f64.const nan:0x4)) (f64.const nan:arithmetic))
(assert_return (invoke "neg" (f64.const nan:0x8000000000004)) (f64.const nan:arithmetic))
(assert_return (invoke "neg" (f64.const nan:0x8000000000004)) (f64.const nan:canonical))
(assert_return (invoke "neg" (f64.const -nan)) (f64.const nan:canonical))
(assert_return (invoke "pair" (i32.const 7) (f64.const 2.5) (f32.const -1)) (f64.const 2.5) (f32.const -1) (i32.const 7))
(assert_return (invoke "last" (f32.const 1) (f64.const 2) (f64.const 3) (f32.const -0x1p-149)) (f32.const -0x1p-149))
(assert_return (get "g") (f64.const -1.5))
(assert_return (get "g") (f64.const 1.5))
(module
  (import "spectest" "print_f64_f64" (func $p (param f64 f64)))
  (import "spectest" "print_i32_f32" (func $q (param i32 f32)))
  (import "spectest" "global_f32" (global $g f32))
  (import "spectest" "global_f64" (global $h f64))
  (func (export "gf") (result f32 f64)
    (call $p (f64.const 1) (f64.const 2)) (call $q (i32.const 1) (f32.const 2))
    (global.get $g) (global.get $h)))
(assert_return (invoke "gf") (f32.const 666.0) (f64.const 666.0))
'''


@needs_synth
def test_runner_checks_floats_bit_for_bit(tmp_path):
    """Float results are compared as bits: a wrong value, the wrong zero and NaNs that are
    not canonical/arithmetic are failures; spectest float imports and globals link."""
    path = tmp_path / "floats.wast"
    path.write_text(FLOAT_CHECKS)
    _name_, results, _secs, err = runner.run_file(str(path), str(tmp_path))
    assert err is None, err
    status = [(r["line"], r["status"]) for r in results]
    assert status == [(2, "pass"), (8, "pass"), (9, "fail"), (10, "fail"), (11, "pass"),
                      (12, "fail"), (13, "fail"), (14, "pass"), (15, "fail"), (16, "pass"),
                      (17, "pass"), (18, "pass"), (19, "pass"), (20, "fail"), (21, "pass"),
                      (29, "pass")], results
    assert all(r["floats"] for r in results)
    assert results[2]["detail"]["actual"] == "ok f32:0x40400000 (3.0)"


REF_CHECKS = r'''
(module
  (table $t (export "t") 2 externref)
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "fnull") (param funcref) (result funcref) (local.get 0))
  (func $f)
  (elem declare func $f)
  (func (export "fref") (result funcref) (ref.func $f))
  (func (export "put") (param externref) (table.set $t (i32.const 1) (local.get 0))))
(register "M")
(assert_return (invoke "id" (ref.extern 3)) (ref.extern 3))
(assert_return (invoke "id" (ref.extern 3)) (ref.extern 4))
(assert_return (invoke "id" (ref.null extern)) (ref.null extern))
(assert_return (invoke "id" (ref.extern 0)) (ref.null extern))
(assert_return (invoke "id" (ref.extern 0)) (ref.extern))
(assert_return (invoke "fnull" (ref.null func)) (ref.null func))
(assert_return (invoke "fref") (ref.null func))
(assert_return (invoke "fref") (ref.func))
(invoke "put" (ref.extern 9))
(module
  (import "M" "t" (table $t 2 externref))
  (func (export "get") (param i32) (result externref) (table.get $t (local.get 0))))
(assert_return (invoke "get" (i32.const 1)) (ref.extern 9))
(assert_return (invoke "get" (i32.const 0)) (ref.extern 9))
(assert_unlinkable (module (import "M" "t" (table 2 funcref))) "incompatible import type")
'''


@needs_synth
def test_runner_checks_references(tmp_path):
    """Reference results are checked: a different host handle, null for non-null and
    non-null for null fail; an imported table is the exporter's; element types must match."""
    path = tmp_path / "refs.wast"
    path.write_text(REF_CHECKS)
    _name_, results, _secs, err = runner.run_file(str(path), str(tmp_path))
    assert err is None, err
    status = [(r["line"], r["status"]) for r in results]
    assert status == [(2, "pass"), (11, "pass"), (12, "fail"), (13, "pass"), (14, "fail"),
                      (15, "pass"), (16, "pass"), (17, "fail"), (18, "pass"), (19, "pass"),
                      (20, "pass"), (23, "pass"), (24, "fail"), (25, "pass")], results


def test_runner_prints_totals_line(capsys):
    rows = [("x", [{"file": "x", "line": 1, "kind": "assert_return", "status": s, "reason": "",
                    "floats": False, "detail": {}} for s in ("pass", "pass", "fail", "skip")],
             0.0, None)]
    rows[0][1][3]["reason"] = "imports from module 'a', which is unavailable: floats not supported"
    assert runner.report(rows) == (2, 1, 1)
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == "2 passed, 1 failed, 1 skipped"
    assert "      1  imports from module M, which is unavailable: floats not supported" in out


def test_float_files_are_classified():
    assert [n for n in ("f32", "f64_cmp", "float_exprs", "conversions", "i32", "memory")
            if runner.is_float_file(n)] == ["f32", "f64_cmp", "float_exprs", "conversions"]


def test_converter_parses_every_testsuite_file(tmp_path):
    if not FILES:
        pytest.skip("testsuite not found")
    exe = runner.converter_bin()
    bad = []
    for f in FILES:
        proc = subprocess.run([exe, f, "-o", str(tmp_path / _name(f))], capture_output=True, text=True)
        if proc.returncode != 0:
            bad.append((_name(f), proc.stderr[:200]))
    assert not bad


LINK_CHECKS = r'''
(module (func (export "f") (param i32)) (global (export "g") i32 (i32.const 1))
  (memory (export "m") 1 2))
(register "M")
(assert_unlinkable (module (import "M" "f" (func (param i64)))) "incompatible import type")
(assert_unlinkable (module (import "M" "g" (global (mut i32)))) "incompatible import type")
(assert_unlinkable (module (import "M" "f" (global i32))) "incompatible import type")
(assert_unlinkable (module (import "M" "m" (memory 2))) "incompatible import type")
(assert_unlinkable (module (import "M" "nope" (func))) "unknown import")
(module (import "M" "f" (func (param i32))) (import "M" "m" (memory 1 2)))
(assert_malformed (module binary "\00asm" "\01\00\00\00" "\05\08\01\00\82\80\80\80\80\00") "too long")
(assert_invalid (module (global i32 (i32.const 0)) (global i32 (global.get 0))) "unknown global")
'''


@needs_synth
def test_runner_checks_imports_and_error_categories(tmp_path):
    path = tmp_path / "links.wast"
    path.write_text(LINK_CHECKS)
    _name_, results, _secs, err = runner.run_file(str(path), str(tmp_path))
    assert err is None, err
    assert [(r["kind"], r["status"]) for r in results] == [("module", "pass")] + [
        ("assert_unlinkable", "pass")] * 5 + [("module", "pass"), ("assert_malformed", "pass"),
                                              ("assert_invalid", "pass")], results


def test_wrong_error_category_fails(tmp_path, monkeypatch):
    """An assert_malformed module rejected as invalid is a failure, not a pass."""
    from spec import script
    run = script.ScriptRun.__new__(script.ScriptRun)
    run.results, run.name, run.is_float_file, run.work = [], "x", False, str(tmp_path)
    run.dir = str(tmp_path)
    run.last_compile_error = ""

    def fake_compile(path, extra=()):
        run.last_compile_error = "error: invalid wasm module at offset 0x8: type mismatch"
        return None, ("fail", "compile error"), "m1_"
    monkeypatch.setattr(run, "compile", fake_compile)
    run.cmd_assert_malformed({"type": "assert_malformed", "line": 3, "filename": "x.wasm",
                              "module_type": "binary", "text": "too long"})
    run.cmd_assert_invalid({"type": "assert_invalid", "line": 4, "filename": "x.wasm",
                            "module_type": "binary", "text": "type mismatch"})
    assert [(r.kind, r.status) for r in run.results] == [("assert_malformed", "fail"),
                                                          ("assert_invalid", "pass")]
