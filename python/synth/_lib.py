"""Locating and loading libsynth, and its C declarations for ctypes (ABI version 1).

Where the library comes from, first match wins:

1. ``$SYNTH_LIB``: the path of the shared library (``libsynth.so`` or ``libsynth_capi.so``).
   When set, nothing else is tried.
2. The library inside the package, ``synth/_libsynth*.so`` (``.dylib``, ``.pyd``): what
   ``pip install ./python`` / the wheel installs, built from ``rust/synth-capi``.
3. From a checkout of the synth repository (the package is used from ``python/`` of the
   repository, e.g. an editable install), relative to the repository root:
   ``build/lib/libsynth.so`` (made by ``scripts/build_libsynth.sh``), then
   ``rust/target/release/libsynth_capi.so``, then ``rust/target/debug/libsynth_capi.so``.
4. A system-installed ``libsynth`` found by :func:`ctypes.util.find_library`.

The library is loaded on first use, not on ``import synth``, so the pure-Python parts
(stats parsing, the policy checker on JSON files) work without it. Loading checks
``synth_abi_version()`` against :data:`ABI_VERSION` and raises
:class:`~synth.errors.LibraryNotFoundError` or :class:`~synth.errors.InternalError`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from pathlib import Path

from .errors import InternalError, LibraryNotFoundError

#: The ``SYNTH_ABI_VERSION`` these bindings were written for.
ABI_VERSION = 1

#: ``SYNTH_TARGET_*`` values by target name.
TARGETS = {"cortex-m0": 100, "cortex-m0plus": 101, "cortex-m3": 3, "cortex-m4": 4, "cortex-m7": 7, "cortex-m33": 33, "cortex-m55": 55}

#: ``SYNTH_FPU_*`` values by FPU name (``--fpu``).
FPUS = {"none": 0, "fpv4-sp-d16": 1, "fpv5-sp-d16": 2, "fpv5-d16": 3}

#: ``SYNTH_FLOAT_ABI_*`` values by float-ABI name (``--float-abi``).
FLOAT_ABIS = {"soft": 0, "softfp": 1, "hard": 2}

_c_char_p = ctypes.c_char_p
_u32 = ctypes.c_uint32


class SynthImportStack(ctypes.Structure):
    """``synth_import_stack``: an import's worst-case stack in bytes."""

    _fields_ = [("name", _c_char_p), ("bytes", _u32)]


class SynthOptions(ctypes.Structure):
    """``synth_options`` (version 6 layout: v1, then fpu/float_abi, the stack fields, debug,
    max_function_bytes, debug_wat)."""

    _fields_ = [
        ("struct_size", _u32),
        ("target", _u32),
        ("prefix", _c_char_p),
        ("module_name", _c_char_p),
        ("max_memory_pages", ctypes.c_int64),
        ("bounds_checks", _u32),
        ("stack_check", _u32),
        ("verify_allocation", _u32),
        ("shadow_allocation", _u32),
        ("optimize", _u32),
        ("reserved0", _u32),
        ("fpu", _u32),
        ("float_abi", _u32),
        ("max_stack", ctypes.c_int64),
        ("import_stack", ctypes.POINTER(SynthImportStack)),
        ("import_stack_count", ctypes.c_size_t),
        ("debug", _u32),
        ("reserved1", _u32),
        ("max_function_bytes", ctypes.c_int64),
        ("debug_wat", _c_char_p),
    ]


#: Integer fields of ``synth_module_stats`` after ``struct_size``, in order.
MODULE_STATS_FIELDS = (
    "functions", "text_bytes", "code_bytes", "instructions",
    "spill_stores", "reloads", "remats", "moves",
    "spurious_spill_functions", "fallback_functions",
    "data_bytes", "rodata_bytes", "bss_bytes", "float_spill_stores", "float_reloads",
)


class SynthModuleStats(ctypes.Structure):
    """``synth_module_stats`` (version 2 layout: v1, then the float totals)."""

    _fields_ = [("struct_size", _u32)] + [(name, _u32) for name in MODULE_STATS_FIELDS]


#: ``uint32_t`` fields of ``synth_function_stats`` after ``symbol``, in order.
FUNCTION_STATS_FIELDS = (
    "kind", "code_bytes", "instructions", "frame_bytes", "vregs", "peak_pressure",
    "regs_available", "spill_stores", "reloads", "remats", "moves", "spill_slots",
    "callee_saved_pushed", "verdict", "rung", "has_shadow", "shadow_spill_stores",
    "shadow_reloads", "shadow_moves", "shadow_spill_slots", "shadow_callee_saved_used",
)


#: Fields of ``synth_class_stats`` (one register class), in order; also the layout of
#: ``synth_function_stats``'s integer-class fields ``vregs`` .. ``verdict``.
CLASS_STATS_FIELDS = (
    "vregs", "peak_pressure", "regs_available", "spill_stores", "reloads", "remats", "moves",
    "spill_slots", "callee_saved_pushed", "verdict",
)


class SynthClassStats(ctypes.Structure):
    """``synth_class_stats``: the allocator's figures for one register class."""

    _fields_ = [(name, _u32) for name in CLASS_STATS_FIELDS]


class SynthFunctionStats(ctypes.Structure):
    """``synth_function_stats`` (version 3 layout: v1, the stack fields, then the
    floating-point register class)."""

    _fields_ = ([("struct_size", _u32), ("name", _c_char_p), ("symbol", _c_char_p)]
                + [(name, _u32) for name in FUNCTION_STATS_FIELDS]
                + [("reserved0", _u32), ("stack_bytes", _u32), ("has_max_stack", _u32),
                   ("max_stack_bytes", _u32), ("reserved1", _u32), ("stack_unbounded", _c_char_p),
                   ("stack_path", _c_char_p), ("has_float", _u32), ("float_regs", SynthClassStats)])


class _Result(ctypes.Structure):
    """Opaque ``synth_result``; only pointers to it are used."""


ResultPtr = ctypes.POINTER(_Result)


def _declare(lib: ctypes.CDLL) -> None:
    """Set argument and result types of every C API function on ``lib``."""
    size_t = ctypes.c_size_t
    i32 = ctypes.c_int32
    sigs = {
        "synth_abi_version": (_u32, []),
        "synth_version": (_c_char_p, []),
        "synth_status_name": (_c_char_p, [i32]),
        "synth_options_init": (i32, [ctypes.POINTER(SynthOptions)]),
        "synth_compile": (i32, [ctypes.c_void_p, size_t, ctypes.POINTER(SynthOptions),
                                ctypes.POINTER(ResultPtr)]),
        "synth_result_status": (i32, [ResultPtr]),
        "synth_result_message": (_c_char_p, [ResultPtr]),
        "synth_result_object": (ctypes.c_void_p, [ResultPtr, ctypes.POINTER(size_t)]),
        "synth_result_header": (_c_char_p, [ResultPtr]),
        "synth_result_stats_json": (_c_char_p, [ResultPtr]),
        "synth_stats": (i32, [ResultPtr, ctypes.POINTER(SynthModuleStats),
                              ctypes.POINTER(SynthFunctionStats), size_t, ctypes.POINTER(size_t)]),
        "synth_result_free": (None, [ResultPtr]),
    }
    for name, (restype, argtypes) in sigs.items():
        try:
            fn = getattr(lib, name)
        except AttributeError:
            raise InternalError("%s lacks %s(): not a libsynth of ABI version %d"
                                % (lib._name, name, ABI_VERSION)) from None
        fn.restype = restype
        fn.argtypes = argtypes


def bundled() -> Path | None:
    """The library built into the installed package (``synth/_libsynth*``), if any."""
    here = Path(__file__).resolve().parent
    for pattern in ("_libsynth*.so", "_libsynth*.dylib", "_libsynth*.pyd"):
        found = sorted(here.glob(pattern))
        if found:
            return found[0]
    return None


def repo_root() -> Path | None:
    """The synth repository containing this package, or None when installed elsewhere."""
    root = Path(__file__).resolve().parent.parent.parent
    if (root / "rust" / "Cargo.toml").is_file() and (root / "python" / "synth").is_dir():
        return root
    return None


def candidates() -> list[Path]:
    """Library paths searched in order when ``$SYNTH_LIB`` is unset (checkout-relative)."""
    root = repo_root()
    if root is None:
        return []
    return [root / "build" / "lib" / "libsynth.so",
            root / "rust" / "target" / "release" / "libsynth_capi.so",
            root / "rust" / "target" / "debug" / "libsynth_capi.so"]


def find_library() -> str:
    """Path (or loader name) of the library to load; raises LibraryNotFoundError."""
    env = os.environ.get("SYNTH_LIB")
    if env:
        if not os.path.exists(env):
            raise LibraryNotFoundError("SYNTH_LIB=%s does not exist" % env)
        return env
    packaged = bundled()
    if packaged is not None:
        return str(packaged)
    tried = candidates()
    for path in tried:
        if path.is_file():
            return str(path)
    system = ctypes.util.find_library("synth")
    if system:
        return system
    where = ", ".join(str(p) for p in tried) or "(not in a synth checkout)"
    raise LibraryNotFoundError(
        "libsynth not found: install the package with pip (`pip install ./python` builds it in), "
        "set SYNTH_LIB to its path, or build it with scripts/build_libsynth.sh "
        "(searched the package, %s and the system library path)" % where)


_LOCK = threading.Lock()
_LIB: ctypes.CDLL | None = None
_PATH: str | None = None


def load() -> ctypes.CDLL:
    """The loaded, declared and version-checked library (loaded once per process)."""
    global _LIB, _PATH
    with _LOCK:
        if _LIB is None:
            path = find_library()
            try:
                lib = ctypes.CDLL(path)
            except OSError as e:
                raise LibraryNotFoundError("cannot load %s: %s" % (path, e)) from e
            _declare(lib)
            version = lib.synth_abi_version()
            if version != ABI_VERSION:
                raise InternalError("%s has ABI version %d; these bindings know version %d"
                                    % (path, version, ABI_VERSION))
            _LIB, _PATH = lib, path
        return _LIB


def loaded_path() -> str:
    """The path of the library in use (loads it if needed)."""
    load()
    assert _PATH is not None
    return _PATH
