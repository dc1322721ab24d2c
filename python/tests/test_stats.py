"""Stats dataclasses parsed from the CLI's --stats-json (no library needed)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from synth.stats import FunctionKind, ModuleStats, Rung, StatsFormatError, Verdict
from synth.table import format_table, stats_table

from conftest import CONTROLLER, run_cli


@pytest.fixture(scope="module")
def controller_json(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("stats")
    proc = run_cli("compile", str(CONTROLLER), "-o", str(out / "c.o"), "--stats-json", "-")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_from_json_types_and_round_trip(controller_json):
    stats = ModuleStats.from_json(controller_json)
    raw = json.loads(controller_json)
    assert stats.target == "cortex-m4"
    assert [f.symbol for f in stats.functions] == [f["symbol"] for f in raw["functions"]]
    run = stats.function("wasm_pi_step")
    assert run is stats.function("pi_step")
    assert run.kind is FunctionKind.WASM and run.rung is Rung.BASE and isinstance(run.verdict, Verdict)
    assert run.rung == "base"  # string enums compare with strings
    assert isinstance(run.code_bytes, int) and run.code_bytes == raw["functions"][1]["code_bytes"]
    assert stats.totals.code_bytes == sum(f.code_bytes for f in stats.functions)
    assert stats.to_dict() == raw
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.code_bytes = 0  # type: ignore[misc]


@pytest.mark.parametrize("mutate, needle", [
    (lambda d: d.pop("totals"), "totals"),
    (lambda d: d["functions"][0].update(rung="sideways"), "sideways"),
    (lambda d: d["functions"][0].update(code_bytes=-4), "code_bytes"),
    (lambda d: d["functions"][0].pop("verdict"), "verdict"),
    (lambda d: d["totals"].update(functions="many"), "functions"),
])
def test_from_json_rejects_bad_shapes(controller_json, mutate, needle):
    data = json.loads(controller_json)
    mutate(data)
    with pytest.raises(StatsFormatError, match=needle):
        ModuleStats.from_dict(data)


def test_not_json():
    with pytest.raises(StatsFormatError):
        ModuleStats.from_json("{not json")


def test_stats_table_matches_cli(controller_json, tmp_path):
    stats = ModuleStats.from_json(controller_json)
    text = stats_table(stats)
    proc = run_cli("compile", str(CONTROLLER), "-o", str(tmp_path / "c.o"), "--stats")
    assert proc.returncode == 0, proc.stderr
    assert text == proc.stdout  # byte for byte, header, rows and totals
    unbounded = len({f.stack_unbounded for f in stats.functions if f.stack_unbounded})
    assert len(text.splitlines()) == len(stats.functions) + 2 + unbounded


def test_format_table_alignment():
    text = format_table(["name", "n"], [["a", 5], ["longer", 100]])
    assert text.splitlines() == ["name      n", "a         5", "longer  100"]
    with pytest.raises(ValueError):
        format_table(["a"], [[1, 2]])


def test_float_class_stats_round_trip(tmp_path):
    """With --fpu and --float-abi hard, a function with f32 values reports its float register class in the JSON
    (`float` object, totals `float_spill_stores`/`float_reloads`); the Python stats parse it
    and give back the same JSON."""
    from synth.stats import FloatClassStats
    wat = tmp_path / "f.wat"
    wat.write_text('(module (func (export "f") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1))))')
    proc = run_cli("compile", str(wat), "-o", str(tmp_path / "f.o"), "--fpu", "fpv4-sp-d16", "--float-abi", "hard",
                   "--stats-json", "-")
    assert proc.returncode == 0, proc.stderr
    stats = ModuleStats.from_json(proc.stdout)
    fl = stats.function("f").float
    assert isinstance(fl, FloatClassStats) and fl.vregs > 0 and fl.regs_available > 0, fl
    assert fl.verdict is Verdict.NONE
    assert stats.to_dict() == json.loads(proc.stdout)
    # The library's C structs carry the float class too (synth_function_stats version 3,
    # synth_module_stats version 2): the same objects as from the JSON.
    import synth
    from synth.stats import ClassStats
    r = synth.compile(wat, fpu="fpv4-sp-d16", float_abi="hard")
    assert r.stats == stats, (r.stats.function("f").float, fl)
    assert r.stats.function("f").float == fl
    # One shape for both classes: the integer class's flat fields as a ClassStats.
    f = stats.function("f")
    assert isinstance(f.int, ClassStats) and f.int.vregs == f.vregs and f.int.verdict is f.verdict
    soft = synth.compile(wat)
    assert soft.stats.function("f").float is None
