"""Worst-case stack bounds through the Python bindings: stats fields, max_stack, import_stack."""

from __future__ import annotations

import pytest

import synth
from synth.stats import ModuleStats

IMPORTS = """
(module
  (import "env" "host_log" (func $log (param i32)))
  (func $inner (param i32) local.get 0 call $log)
  (func (export "run") (param i32) local.get 0 call $inner)
  (func (export "lt") (param f32 f32) (result i32) local.get 0 local.get 1 f32.lt))
"""


def test_bounds_reasons_and_paths():
    r = synth.compile(IMPORTS)
    run = r.stats.function("wasm_run")
    assert run.max_stack_bytes is None
    assert run.stack_unbounded == "calls import `host_log`"
    assert run.stack_path == ("wasm_run", "wasm_func1", "host_log")
    lt = r.stats.function("wasm_lt")
    assert lt.max_stack_bytes == lt.stack_bytes + 32  # __aeabi_fcmplt, libcalls.txt
    assert lt.stack_path == ("wasm_lt", "__aeabi_fcmplt") and lt.stack_unbounded is None
    assert "#define wasm_lt_STACK_BYTES %du" % lt.max_stack_bytes in r.header
    # The C structs and the JSON give the same stats.
    assert ModuleStats.from_json(r.stats_json) == r.stats


def test_import_stack_and_max_stack():
    r = synth.compile(IMPORTS, import_stack={"env.host_log": 100})
    run = r.stats.function("wasm_run")
    assert run.max_stack_bytes == run.stack_bytes + r.stats.function("wasm_func1").stack_bytes + 100
    synth.compile(IMPORTS, import_stack={"host_log": 100}, max_stack=run.max_stack_bytes)
    with pytest.raises(synth.StackLimitError) as e:
        synth.compile(IMPORTS, import_stack={"host_log": 100}, max_stack=run.max_stack_bytes - 1)
    assert "`wasm_run` needs up to %d bytes" % run.max_stack_bytes in str(e.value)
    assert e.value.status == 7
    with pytest.raises(synth.StackLimitError, match="no stack bound .calls import `host_log`"):
        synth.compile(IMPORTS, max_stack=4096)
    with pytest.raises(synth.InvalidArgumentError):
        synth.compile(IMPORTS, max_stack=-1)
    with pytest.raises(synth.InvalidArgumentError):
        synth.compile(IMPORTS, import_stack={"host_log": "lots"})
