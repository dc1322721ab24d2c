"""The recovery-stats checker: policy parsing, checks, and the command line."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from synth.policy import Policy, PolicyError, check, load_policy, policy_from_dict
from synth.stats import ModuleStats

from conftest import CONTROLLER, PROGRAMS, PYTHON_DIR, REPO, run_cli, run_module


@pytest.fixture(scope="module")
def stats_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("check")
    path = out / "controller.stats.json"
    proc = run_cli("compile", str(CONTROLLER), "-o", str(out / "c.o"), "--stats-json", str(path))
    assert proc.returncode == 0, proc.stderr
    return path


def _edited(stats_file: Path, tmp_path: Path, symbol: str, **changes) -> Path:
    data = json.loads(stats_file.read_text())
    for f in data["functions"]:
        if f["symbol"] == symbol:
            f.update(changes)
    path = tmp_path / ("edited_%s.json" % "_".join(changes))
    path.write_text(json.dumps(data))
    return path


def test_clean_stats_pass(stats_file):
    stats = ModuleStats.from_json(stats_file.read_text())
    assert check([("c", stats)], Policy()) == []
    proc = run_module("synth.check", str(stats_file))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("OK: 1 module, %d functions" % len(stats.functions))
    assert len(proc.stdout.splitlines()) == 1


def test_spurious_spill_fails(stats_file, tmp_path):
    path = _edited(stats_file, tmp_path, "wasm_simulate", verdict="spurious", spill_stores=2, reloads=3)
    proc = run_module("synth.check", str(path))
    assert proc.returncode == 1
    assert "wasm_simulate" in proc.stdout and "spurious spills" in proc.stdout
    assert "2 spills, 3 reloads" in proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("FAIL: 1 violation")
    assert run_module("synth.check", str(path), "--allow-spurious-spills").returncode == 0


def test_fallback_rung_fails(stats_file, tmp_path):
    path = _edited(stats_file, tmp_path, "wasm_crc32", rung="fallback")
    proc = run_module("synth.check", str(path))
    assert proc.returncode == 1
    row = [l for l in proc.stdout.splitlines() if "wasm_crc32" in l]
    assert row and "recovery rung" in row[0] and "fallback" in row[0] and "base" in row[0]


def test_budgets_toml_and_json(stats_file, tmp_path):
    stats = ModuleStats.from_json(stats_file.read_text())
    crc = stats.function("wasm_crc32")
    toml = tmp_path / "budget.toml"
    toml.write_text('[default]\nmax_spill_stores = 0\n[functions."wasm_crc32"]\nmax_code_bytes = %d\n'
                    % (crc.code_bytes - 1))
    proc = run_module("synth.check", str(stats_file), "--policy", str(toml))
    assert proc.returncode == 1
    assert "max_code_bytes" in proc.stdout and str(crc.code_bytes) in proc.stdout
    # the same budget met, given by name rather than symbol, in JSON
    js = tmp_path / "budget.json"
    js.write_text(json.dumps({"functions": {"crc32": {"max_code_bytes": crc.code_bytes}}}))
    proc = run_module("synth.check", str(stats_file), "--policy", str(js))
    assert proc.returncode == 0, proc.stdout
    assert "1 budget met" in proc.stdout


def test_default_budget_applies_to_every_function(stats_file):
    stats = ModuleStats.from_json(stats_file.read_text())
    smallest = min(f.code_bytes for f in stats.functions)
    policy = policy_from_dict({"default": {"max_code_bytes": smallest}})
    violations = check([("c", stats)], policy)
    assert {v.function for v in violations} == {f.symbol for f in stats.functions if f.code_bytes > smallest}
    override = policy_from_dict({"default": {"max_code_bytes": smallest},
                                 "functions": {f.symbol: {"max_code_bytes": 10**6} for f in stats.functions}})
    assert check([("c", stats)], override) == []


def test_budget_for_unknown_function_is_a_violation(stats_file):
    stats = ModuleStats.from_json(stats_file.read_text())
    violations = check([("c", stats)], policy_from_dict({"functions": {"wasm_nope": {"max_code_bytes": 1}}}))
    assert [(v.function, v.check) for v in violations] == [("wasm_nope", "budget for unknown function")]


@pytest.mark.parametrize("data, needle", [
    ({"functions": {"f": {"max_bytes": 3}}}, "unknown budget"),
    ({"default": {"max_code_bytes": -1}}, "non-negative"),
    ({"default": {"max_code_bytes": True}}, "non-negative"),
    ({"allow_fallback": "yes"}, "true or false"),
    ({"budgets": {}}, "unknown key"),
])
def test_bad_policies(data, needle):
    with pytest.raises(PolicyError, match=needle):
        policy_from_dict(data)


def test_bad_policy_file_exits_2(stats_file, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[default\n")
    with pytest.raises(PolicyError):
        load_policy(bad)
    proc = run_module("synth.check", str(stats_file), "--policy", str(bad))
    assert proc.returncode == 2 and "error:" in proc.stderr


def test_unreadable_input_exits_2(tmp_path):
    (tmp_path / "junk.json").write_text("[]")
    proc = run_module("synth.check", str(tmp_path / "junk.json"))
    assert proc.returncode == 2 and "not synth stats JSON" in proc.stderr


def test_script_wrapper(stats_file, tmp_path):
    import subprocess
    import sys
    path = _edited(stats_file, tmp_path, "wasm_crc32", rung="fallback")
    script = PYTHON_DIR / "scripts" / "check_recovery_stats.py"
    ok = subprocess.run([sys.executable, str(script), str(stats_file)], capture_output=True, text=True)
    bad = subprocess.run([sys.executable, str(script), str(path)], capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("OK:")
    assert bad.returncode == 1 and "FAIL" in bad.stdout


def _bench_wasm(tmp_path: Path) -> list[Path]:
    """The benchmark kernels built to wasm exactly as bench/run.py builds them."""
    if shutil.which("clang") is None:
        pytest.skip("clang (wasm32 target) is not installed: the bench kernels cannot be built")
    if str(REPO / "bench") not in sys.path:
        sys.path.insert(0, str(REPO / "bench"))
    from benchlib import build as bench_build
    from benchlib import paths as bench_paths

    out = []
    for name in bench_paths.kernel_names():
        d = tmp_path / name
        d.mkdir()
        step = bench_build.wasm(name, str(d))
        assert step.ok, "clang failed on kernel %s: %s" % (name, step.error)
        out.append(Path(step.output))
    return out


def test_checker_passes_on_the_test_corpus_and_bench_kernels(tmp_path):
    """The project's own gate: no recovery rung and no spurious spill anywhere in the test
    programs, the examples and the benchmark kernels (compiled through the bindings)."""
    modules = sorted(PROGRAMS.glob("*.wat")) + [CONTROLLER] + _bench_wasm(tmp_path)
    assert len(modules) >= 100
    proc = run_module("synth.check", *map(str, modules))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("OK: %d modules" % len(modules)), proc.stdout


def test_float_modules_are_checked(tmp_path):
    """Modules with f32/f64 code (soft-float calls, float stack arguments, multi-value
    results) go through the checker like any other: every function is counted and a budget
    on a float export applies to it."""
    # (float_helpers.wat is left to the corpus test above: f64_round and sat64 have spurious
    # spills today, which that test reports)
    modules = [str(PROGRAMS / n) for n in ("float_arith.wat", "float_convert.wat", "float_mem.wat")]
    ok = run_module("synth.check", *modules)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK: 3 modules, ") and "all on the base rung, no spurious spills" in ok.stdout
    policy = tmp_path / "floats.toml"
    policy.write_text('[functions."f64_div"]\nmax_code_bytes = 2\n[functions."wasm_f32_add"]\nmax_code_bytes = 64\n')
    bad = run_module("synth.check", modules[0], "--policy", str(policy))
    assert bad.returncode == 1, bad.stdout + bad.stderr
    rows = [l.split() for l in bad.stdout.splitlines() if "max_code_bytes" in l]
    assert [(r[1], r[2], r[4]) for r in rows] == [("wasm_f64_div", "max_code_bytes", "2")]
    assert int(rows[0][3]) > 2
