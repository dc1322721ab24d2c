"""Python bindings of libsynth: compile WebAssembly to ARM Cortex-M ELF objects.

    import synth
    result = synth.compile("controller.wat", target="cortex-m4", prefix="ctl_")
    result.write("controller.o", header="controller.h")
    for f in result.stats.functions:
        print(f.symbol, f.code_bytes, f.verdict, f.rung)

Built on the C API (``include/synth.h``) with ctypes. The shared library is found through
``$SYNTH_LIB`` or, from a checkout, ``build/lib/libsynth.so`` and ``rust/target/*/`` (see
:mod:`synth._lib`). Also: ``python -m synth`` (compile / stats), ``python -m synth.check``
(recovery-stats policy for CI), ``python -m synth.differential`` (run under unicorn vs
wasmtime; needs the optional ``unicorn`` and ``wasmtime`` packages).
"""

from __future__ import annotations

from . import _lib
from .compiler import OPTIONS, CompileResult, compile
from .errors import (InternalError, InvalidArgumentError, InvalidModuleError, LibraryNotFoundError,
                     LimitError, MalformedModuleError, StackLimitError, SymbolCollisionError, SynthError,
                     UnsupportedError)
from .stats import FunctionKind, FunctionStats, ModuleStats, Rung, ShadowStats, Totals, Verdict

#: The C ABI version these bindings implement.
ABI_VERSION = _lib.ABI_VERSION

__all__ = [
    "ABI_VERSION", "OPTIONS", "CompileResult", "FunctionKind", "FunctionStats", "InternalError",
    "InvalidArgumentError", "InvalidModuleError", "LibraryNotFoundError", "LimitError", "MalformedModuleError",
    "ModuleStats", "Rung", "ShadowStats", "StackLimitError", "SymbolCollisionError", "SynthError", "Totals",
    "UnsupportedError", "Verdict", "abi_version", "compile", "library_path", "version",
]


def version() -> str:
    """The library's version string (``synth_version()``), e.g. ``"0.1.0"``."""
    return _lib.load().synth_version().decode()


def abi_version() -> int:
    """The library's ABI version (``synth_abi_version()``); equals :data:`ABI_VERSION`
    once loaded (loading fails otherwise)."""
    return int(_lib.load().synth_abi_version())


def library_path() -> str:
    """Path of the shared library in use (loads it)."""
    return _lib.loaded_path()
