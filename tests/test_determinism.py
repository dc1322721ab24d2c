"""Compiling the same module twice gives byte-identical objects and headers."""

import os

import pytest

from harness import wasm2obj

PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")


def _read(path):
    with open(path, "rb") as f:
        return f.read()


@pytest.mark.parametrize("name", ["crc32.wat", "call_indirect.wat", "multivalue_func.wat",
                                  "imports_i64.wat", "sort.wat"])
def test_two_compiles_identical(name, tmp_path):
    src = os.path.join(PROGRAMS, name)
    first = wasm2obj.compile_module(src, str(tmp_path), name="m")
    obj, header = _read(first.obj), _read(first.header)
    assert len(obj) > 0 and len(header) > 0
    second = wasm2obj.compile_module(src, str(tmp_path), name="m")
    assert _read(second.obj) == obj
    assert _read(second.header) == header
