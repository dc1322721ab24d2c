"""``synth.compile``: wasm in, ELF object + C header + statistics out, via the C API.

Takes wasm binary bytes, wasm text, or a file path and keyword options mapped onto
``synth_options``; calls ``synth_compile`` through ctypes and returns a
:class:`CompileResult` holding copies of the object, header, stats and stats JSON. Every
result handle is freed before returning (also on errors); failures raise the
:mod:`synth.errors` class of the C status.
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from . import _lib
from .errors import InternalError, InvalidArgumentError, error_for_status, STATUS_OK
from .stats import ModuleStats, from_c

#: What :func:`compile` accepts as a module.
WasmSource = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]"]

#: Option names :func:`compile` accepts, with their defaults (as documented in synth.h).
OPTIONS = {
    "prefix": "wasm_",
    "module_name": None,
    "bounds_checks": True,
    "stack_check": False,
    "max_memory_pages": None,
    "verify_allocation": False,
    "shadow_allocation": False,
    "optimize": True,
    "max_stack": None,
    "import_stack": None,
    "fpu": "none",
    "float_abi": "soft",
    "debug": False,
    "debug_wat": None,
    "max_function_bytes": None,
}


@dataclass(frozen=True)
class CompileResult:
    """A successful compile.

    Attributes:
        object: the relocatable ELF object (ARM, Thumb-2), as bytes.
        header: the generated C header declaring init, exports, imports and memory.
        stats: per-function and module statistics (``stats.functions``, ``stats.totals``).
        stats_json: the same statistics as the JSON text ``synth compile --stats-json`` prints.
        target: the target name, e.g. ``"cortex-m4"``.
    """

    object: bytes
    header: str
    stats: ModuleStats
    stats_json: str
    target: str

    def write(self, path: str | os.PathLike[str], header: str | os.PathLike[str] | bool | None = None) -> None:
        """Write the object to ``path``; also the header to ``header`` (``True``: next to
        the object with suffix ``.h``)."""
        Path(path).write_bytes(self.object)
        if header is True:
            header = Path(path).with_suffix(".h")
        if header:
            Path(header).write_text(self.header)


def is_wasm_text(s: str) -> bool:
    """The rule for ``str`` sources: wasm text starts with ``(`` or ``;;`` after whitespace."""
    t = s.lstrip()
    return t.startswith("(") or t.startswith(";;")


def read_source(wasm: WasmSource) -> bytes:
    """The bytes to hand to the library for ``wasm``.

    ``bytes``-like: used as is (binary or text). ``os.PathLike``: the file's contents.
    ``str``: wasm text when, after leading whitespace, it starts with ``(`` or ``;;``
    (e.g. ``"(module ...)"``); otherwise a path to a ``.wasm``/``.wat`` file.
    """
    if isinstance(wasm, (bytes, bytearray, memoryview)):
        return bytes(wasm)
    if isinstance(wasm, str) and is_wasm_text(wasm):
        return wasm.encode("utf-8")
    if isinstance(wasm, (str, os.PathLike)):
        return Path(wasm).read_bytes()
    raise TypeError("wasm must be bytes, str or os.PathLike, not %s" % type(wasm).__name__)


def _flag(name: str, value: object) -> int:
    if not isinstance(value, (bool, int)):
        raise InvalidArgumentError("option %s must be a bool, not %r" % (name, value))
    return 1 if value else 0


def _c_string(name: str, value: object) -> bytes | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidArgumentError("option %s must be a str, not %r" % (name, value))
    if "\0" in value:
        raise InvalidArgumentError("option %s contains a NUL character" % name)
    return value.encode("utf-8")


def _target_code(target: str | int) -> tuple[int, str]:
    if isinstance(target, str) and target in _lib.TARGETS:
        return _lib.TARGETS[target], target
    for name, code in _lib.TARGETS.items():
        if target == code and not isinstance(target, bool):
            return code, name
    raise InvalidArgumentError("unknown target %r (expected one of %s)"
                               % (target, ", ".join(_lib.TARGETS)))


def _named_code(option: str, table: dict[str, int], value: object) -> int:
    """The C constant of ``value``: a name of ``table`` or one of its codes."""
    if isinstance(value, str) and value in table:
        return table[value]
    if isinstance(value, int) and not isinstance(value, bool) and value in table.values():
        return value
    raise InvalidArgumentError("option %s: unknown value %r (expected one of %s)"
                               % (option, value, ", ".join(table)))


def make_options(lib: ctypes.CDLL, target: str | int, options: dict[str, object]) -> tuple[_lib.SynthOptions, list, str]:
    """A filled ``synth_options``, the Python objects its pointers borrow (keep them alive
    for the call), and the target name."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError("compile() got unknown option(s): %s (known: %s)"
                        % (", ".join(unknown), ", ".join(OPTIONS)))
    opts = _lib.SynthOptions()
    status = lib.synth_options_init(ctypes.byref(opts))
    if status != STATUS_OK:
        raise InternalError("synth_options_init failed with status %d" % status)
    if opts.struct_size != ctypes.sizeof(_lib.SynthOptions):
        raise InternalError("library's synth_options is %d bytes; the bindings' is %d"
                            % (opts.struct_size, ctypes.sizeof(_lib.SynthOptions)))
    code, name = _target_code(target)
    opts.target = code
    keep = []
    for key in ("prefix", "module_name"):
        if key in options:
            s = _c_string(key, options[key])
            keep.append(s)
            if key == "prefix":
                opts.prefix = s
            else:
                opts.module_name = s
    if "max_memory_pages" in options:
        pages = options["max_memory_pages"]
        if pages is None:
            opts.max_memory_pages = -1
        elif isinstance(pages, int) and not isinstance(pages, bool) and 0 <= pages < 2**63:
            opts.max_memory_pages = pages
        else:
            raise InvalidArgumentError("option max_memory_pages must be None or an int >= 0, not %r" % (pages,))
    for key in ("bounds_checks", "stack_check", "verify_allocation", "shadow_allocation", "optimize", "debug"):
        if key in options:
            setattr(opts, key, _flag(key, options[key]))
    if options.get("debug_wat") is not None:
        s = _c_string("debug_wat", options["debug_wat"])
        keep.append(s)
        opts.debug_wat = s
    limit = options.get("max_stack")
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit < 2**32:
            raise InvalidArgumentError("option max_stack must be None or an int in 0..2**32-1, not %r" % (limit,))
        opts.max_stack = limit
    body_limit = options.get("max_function_bytes")
    if body_limit is not None:
        if isinstance(body_limit, bool) or not isinstance(body_limit, int) or not 0 <= body_limit < 2**32:
            raise InvalidArgumentError("option max_function_bytes must be None or an int in 0..2**32-1, not %r"
                                       % (body_limit,))
        opts.max_function_bytes = body_limit
    figures = options.get("import_stack") or {}
    if not isinstance(figures, dict):
        raise InvalidArgumentError("option import_stack must be a dict {import name: bytes}, not %r" % (figures,))
    if figures:
        entries = (_lib.SynthImportStack * len(figures))()
        for entry, (imp, n) in zip(entries, sorted(figures.items())):
            if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n < 2**32:
                raise InvalidArgumentError("import_stack[%r] must be an int in 0..2**32-1, not %r" % (imp, n))
            s = _c_string("import_stack", imp)
            keep.append(s)
            entry.name, entry.bytes = s, n
        keep.append(entries)
        opts.import_stack = entries
        opts.import_stack_count = len(figures)
    if "fpu" in options:
        opts.fpu = _named_code("fpu", _lib.FPUS, options["fpu"])
    if "float_abi" in options:
        opts.float_abi = _named_code("float_abi", _lib.FLOAT_ABIS, options["float_abi"])
    return opts, keep, name


def _stats(lib: ctypes.CDLL, result: ctypes.c_void_p, target: str) -> ModuleStats:
    module = _lib.SynthModuleStats(struct_size=ctypes.sizeof(_lib.SynthModuleStats))
    count = ctypes.c_size_t(0)
    status = lib.synth_stats(result, ctypes.byref(module), None, 0, ctypes.byref(count))
    if status != STATUS_OK:
        raise InternalError("synth_stats failed with status %d" % status)
    n = count.value
    array = (_lib.SynthFunctionStats * max(n, 1))()
    for element in array:
        element.struct_size = ctypes.sizeof(_lib.SynthFunctionStats)
    status = lib.synth_stats(result, ctypes.byref(module), array, n, ctypes.byref(count))
    if status != STATUS_OK or count.value != n:
        raise InternalError("synth_stats failed with status %d (count %d, expected %d)"
                            % (status, count.value, n))
    return from_c(target, module, array[:n])


def compile(wasm: WasmSource, target: str | int = "cortex-m4", **options: object) -> CompileResult:
    """Compile a WebAssembly module to an ARM Cortex-M ELF object.

    Args:
        wasm: wasm binary bytes, wasm text bytes, a ``str`` of wasm text (starts with ``(``
            or ``;;`` after whitespace), or a path (``str``/``os.PathLike``) of a
            ``.wasm``/``.wat`` file.
        target: ``"cortex-m0"``, ``"cortex-m0plus"``, ``"cortex-m3"``, ``"cortex-m4"`` (default),
            ``"cortex-m7"``, ``"cortex-m33"`` or ``"cortex-m55"`` (or 100/101/3/4/7/33/55).
        prefix: symbol prefix (default ``"wasm_"``); exports become ``<prefix><name>``.
        module_name: name shown in the header comment (default: name section or none).
        bounds_checks: software bounds check on every memory access (default True).
        stack_check: stack-limit check at function entry (default False).
        max_memory_pages: cap on reserved linear-memory pages (default None: no cap).
        max_stack: fail (:class:`~synth.errors.StackLimitError`) when an export's or init's
            worst-case stack exceeds this many bytes or has no bound (default None).
        import_stack: ``{import symbol or "module.field": bytes}``, the worst-case stack of
            imported functions (``"synth_trap"``: the trap handler) counted in the bounds
            (``stats.function(...).max_stack_bytes``); without one, callers are unbounded.
        verify_allocation: run the register-allocation checker (default False).
        shadow_allocation: also run the measure-only shadow allocator (default False).
        optimize: run the IR optimisations (default True).
        debug: add debugging aids (``synth compile -g``): unwind tables (``.debug_frame``,
            ``.ARM.exidx``/``.ARM.extab``) and name-section names in the local symbols; the
            code is the same (default False). With DWARF in the module (``clang -g``), also the
            source lines (``.debug_line``, ``.debug_info``) for addr2line, objdump -dS and gdb.
        debug_wat: the file name of a wasm text input (default None): debug on, and when the
            module has no DWARF, a line table against the text itself (``--debug-wat``).
        max_function_bytes: fail (:class:`~synth.errors.LimitError`) when a function body is
            larger than this many bytes of wasm code; 0: no limit (default None: the
            library's limit, 7,654,321 bytes).
        fpu: the core's FPU, ``"none"`` (default), ``"fpv4-sp-d16"`` (cortex-m4),
            ``"fpv5-sp-d16"`` (cortex-m7, -m33, -m55) or ``"fpv5-d16"`` (cortex-m7, -m55)
            (or the ``SYNTH_FPU_*`` code).
        float_abi: how floats cross calls, ``"soft"`` (default) or ``"softfp"`` (core
            registers; softfp needs an FPU); ``"hard"`` is passed on and rejected by the
            library for now (or the ``SYNTH_FLOAT_ABI_*`` code).

    Returns:
        A :class:`CompileResult` (``.object``, ``.header``, ``.stats``, ``.write()``).

    Raises:
        TypeError: an unknown keyword option, or ``wasm`` of the wrong type.
        FileNotFoundError: ``wasm`` names a file that does not exist.
        InvalidArgumentError: a bad option value (e.g. an invalid prefix or target).
        MalformedModuleError, InvalidModuleError, UnsupportedError, SymbolCollisionError,
        InternalError: the library's status, with its message (all :class:`SynthError`).

    Safe to call from several threads at once (the library has no global state).
    """
    lib = _lib.load()
    opts, keep, target_name = make_options(lib, target, options)
    data = read_source(wasm)
    buf = ctypes.create_string_buffer(data, len(data))  # zero length: the library says INVALID_ARGUMENT
    result = _lib.ResultPtr()
    status = lib.synth_compile(buf, len(data), ctypes.byref(opts), ctypes.byref(result))
    del keep  # the option strings only need to outlive the call
    try:
        if status != STATUS_OK:
            message = lib.synth_result_message(result) if result else None
            raise error_for_status(status, (message or b"").decode("utf-8", "replace"))
        if not result:
            raise InternalError("synth_compile returned OK without a result")
        size = ctypes.c_size_t(0)
        ptr = lib.synth_result_object(result, ctypes.byref(size))
        header = lib.synth_result_header(result)
        stats_json = lib.synth_result_stats_json(result)
        if not ptr or header is None or stats_json is None:
            raise InternalError("successful result without object, header or stats")
        obj = ctypes.string_at(ptr, size.value)
        stats = _stats(lib, result, target_name)
        return CompileResult(obj, header.decode("utf-8"), stats, stats_json.decode("utf-8"), target_name)
    finally:
        lib.synth_result_free(result)
