"""Differential check: run compiled exports under unicorn and compare with wasmtime.

For each module: compile it with :func:`synth.compile`, link it (:mod:`synth.link`, with the
soft-float libgcc for the AEABI functions float code calls), and for every exported function
with ``i32``/``i64``/``f32``/``f64`` parameters and results (others, e.g. ``v128``, are skipped
with a reason) call it on generated inputs on a fresh instance on both sides: under unicorn
as a Cortex-M4 (:mod:`synth.emulator`; ``<prefix>init`` first) and under wasmtime. Results,
trap kinds and the sequence of host (import) calls must agree.

Floats are bit patterns throughout (:mod:`synth.floats`): inputs, results, host-call
arguments, imported global values. wasmtime is called through small adapter modules that
take and return ``i32``/``i64`` and reinterpret them, so NaN payloads and signalling NaNs
cross the Python boundary intact; results are compared bit for bit, except that a quiet NaN
matches any quiet NaN (wasm leaves an arithmetic NaN's sign and payload open).

Imported functions get a default host implementation that returns zeros (override with
``host=``: integers in and out, floats as bits); imported globals are 0 unless given (floats
as bits). An input that exhausts wasmtime's fuel is inconclusive, not a mismatch.

Needs the optional dependencies ``unicorn`` and ``wasmtime`` and the GNU Arm linker.

    python -m synth.differential tests/programs/*.wat examples/controller.wat

WAT files may carry directives in comments: ``;; @args NAME (1, 2) (3, 4)`` (use these
inputs for export NAME; a float parameter takes its bits as an int, a Python float, or
``'inf'``/``'-inf'``/``'nan'``), ``;; @skip NAME`` (do not call it).
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import re
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

try:
    import wasmtime

    from .emulator import DEFAULT_LIMIT, Emulator, Outcome, normalise, signed
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("synth.differential needs the optional packages unicorn and wasmtime "
                      "(pip install 'synth[differential]'): %s" % e) from e

from . import floats, link, naming
from .compiler import WasmSource, compile as synth_compile, is_wasm_text, read_source
from .elf import read_image

INT_TYPES = ("i32", "i64")
#: The value types the harness can pass and compare.
VALUE_TYPES = ("i32", "i64", "f32", "f64")
#: The integer type with the bits of each value type.
_AS_INT = {"i32": "i32", "i64": "i64", "f32": "i32", "f64": "i64"}
EDGES = {"i32": [0, 1, -1, 2, 3, 7, 31, 32, 255, 0x8000, -2**31, 2**31 - 1],
         "i64": [0, 1, -1, 2, 63, 64, 0xFFFFFFFF, 2**32, -2**63, 2**63 - 1]}
DEFAULT_FUEL = 2_000_000
INPUTS_PER_EXPORT = 32

#: wasmtime trap codes -> the names :data:`synth.emulator.TRAP_NAMES` uses.
_WASMTIME_TRAPS = {
    wasmtime.TrapCode.UNREACHABLE: "unreachable",
    wasmtime.TrapCode.MEMORY_OUT_OF_BOUNDS: "memory_oob",
    wasmtime.TrapCode.INTEGER_DIVISION_BY_ZERO: "div_by_zero",
    wasmtime.TrapCode.INTEGER_OVERFLOW: "int_overflow",
    wasmtime.TrapCode.TABLE_OUT_OF_BOUNDS: "table_oob",
    wasmtime.TrapCode.INDIRECT_CALL_TO_NULL: "uninitialized_element",
    wasmtime.TrapCode.BAD_SIGNATURE: "indirect_type_mismatch",
    wasmtime.TrapCode.STACK_OVERFLOW: "stack_exhausted",
    wasmtime.TrapCode.BAD_CONVERSION_TO_INTEGER: "bad_conversion",
}


@dataclass(frozen=True)
class Signature:
    """Parameter and result types of a function (wasm type names)."""

    params: tuple[str, ...]
    results: tuple[str, ...]

    def unsupported(self) -> str | None:
        """Why the harness cannot call it, or None."""
        bad = sorted({t for t in self.params + self.results if t not in VALUE_TYPES})
        return "has %s values (only i32/i64/f32/f64 are supported)" % "/".join(bad) if bad else None

    def has_floats(self) -> bool:
        """Does the signature mention f32/f64?"""
        return any(floats.is_float(t) for t in self.params + self.results)

    def as_ints(self) -> "Signature":
        """The same signature with f32/f64 replaced by i32/i64 (same bits)."""
        return Signature(tuple(_AS_INT[t] for t in self.params), tuple(_AS_INT[t] for t in self.results))


def comparable(values: Sequence[int], types: Sequence[str]) -> tuple[object, ...]:
    """``values`` (integers signed, floats as bits) with floats wrapped as
    :class:`~synth.floats.FloatBits`, the form outcomes are compared and reported in."""
    return tuple(floats.FloatBits(v, t) if floats.is_float(t) else v for v, t in zip(values, types))


@dataclass
class Mismatch:
    """A call on which the two sides disagree."""

    export: str
    args: tuple[int, ...]
    expected: Outcome
    actual: Outcome
    #: Parameter types (float arguments are shown as bits and value).
    params: tuple[str, ...] = ()

    def __str__(self) -> str:
        args = comparable(self.args, self.params) if self.params else self.args
        return "%s%s: wasmtime %s, synth %s" % (self.export, args, self.expected, self.actual)


@dataclass
class Report:
    """Outcome of checking one module."""

    module: str
    exports: int = 0
    calls: int = 0
    inconclusive: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing disagreed."""
        return not self.mismatches

    def summary(self) -> str:
        """One line: counts and skipped exports."""
        s = "%s: %d exports, %d inputs compared, %d mismatches" % (
            self.module, self.exports, self.calls, len(self.mismatches))
        if self.inconclusive:
            s += ", %d inconclusive (out of fuel)" % self.inconclusive
        if self.skipped:
            s += "; skipped " + ", ".join("%s (%s)" % sk for sk in self.skipped)
        return s


def _edges(ty: str) -> list[int]:
    return floats.edges(ty) if floats.is_float(ty) else EDGES[ty]


def _random(rng: random.Random, ty: str) -> int:
    if floats.is_float(ty):
        return floats.random_bits(rng, ty)
    return signed(rng.getrandbits(64 if ty == "i64" else 32) >> rng.randrange(32), ty)


def generate_inputs(params: Sequence[str], seed: int, count: int = INPUTS_PER_EXPORT) -> list[tuple[int, ...]]:
    """Deterministic argument tuples: edge values swept diagonally, then random mixes
    (integers signed, floats as bit patterns)."""
    if not params:
        return [()]
    rng = random.Random(seed)
    sweep = [tuple(_edges(t)[(i + k) % len(_edges(t))] for k, t in enumerate(params))
             for i in range(max(len(_edges(t)) for t in params))]
    out = list(dict.fromkeys(sweep))[:count]
    while len(out) < count:
        t = tuple(rng.choice(_edges(ty)) if rng.random() < 0.5 else _random(rng, ty) for ty in params)
        if t not in out:
            out.append(t)
    return out


def argument(value: object, ty: str) -> int:
    """An input in the harness's form: integers signed; a float parameter's bits from an int
    (the bits), a Python float or ``'inf'``/``'-inf'``/``'nan'``."""
    if floats.is_float(ty):
        return floats.to_bits(value, ty)
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("argument %r for an %s parameter is not an int" % (value, ty))
    return signed(value, ty)


def parse_directives(text: str) -> tuple[dict[str, list[tuple[int, ...]]], set[str]]:
    """``@args`` inputs per export and ``@skip`` exports from WAT comments."""
    args: dict[str, list[tuple[int, ...]]] = {}
    skip: set[str] = set()
    for m in re.finditer(r"^\s*;;\s*@(args|skip)\s+(.*)$", text, re.M):
        if m.group(1) == "skip":
            skip.update(m.group(2).split())
            continue
        name, _, rest = m.group(2).strip().partition(" ")
        tuples = ast.literal_eval("[" + re.sub(r"\)\s*\(", "), (", rest.strip()) + "]")
        args.setdefault(name, []).extend(t if isinstance(t, tuple) else (t,) for t in tuples)
    return args, skip


def signature_of(func_type: wasmtime.FuncType) -> Signature:
    """The :class:`Signature` of a wasmtime function type."""
    return Signature(tuple(str(t) for t in func_type.params), tuple(str(t) for t in func_type.results))


def adapter_wat(inner: Signature, outer: Signature) -> str:
    """A module importing ``t.f`` of signature ``inner`` and exporting ``f`` of signature
    ``outer`` (same widths, position by position) that reinterprets every argument and
    result between the two: with an integer ``outer``, Python calls a float function
    bit-exactly; with an integer ``inner``, a Python host function serves a float import."""
    def convert(src: str, dst: str) -> str:
        return "" if src == dst else " %s.reinterpret_%s" % (dst, src)

    def functype(sig: Signature) -> str:
        return "(param %s) (result %s)" % (" ".join(sig.params), " ".join(sig.results))

    n = len(outer.params)
    body = ["local.get %d%s" % (i, convert(o, t)) for i, (o, t) in enumerate(zip(outer.params, inner.params))]
    body.append("call $f")
    body += ["local.set %d" % (n + i) for i in reversed(range(len(inner.results)))]
    body += ["local.get %d%s" % (n + i, convert(t, o)) for i, (t, o) in enumerate(zip(inner.results, outer.results))]
    return ('(module\n  (import "t" "f" (func $f %s))\n  (func (export "f") %s (local %s)\n    %s))\n'
            % (functype(inner), functype(outer), " ".join(inner.results), "\n    ".join(body)))


def _float_global_module(ty: str, mutable: bool, bits: int) -> bytes:
    """A wasm binary exporting global ``g`` of float type ``ty`` whose initial value has
    exactly ``bits`` (a ``f32.const``/``f64.const`` carries raw bits; wasmtime's Val would go
    through a Python float and lose a NaN's payload)."""
    width = floats.WIDTH[ty] // 8
    valtype, const = (0x7D, 0x43) if ty == "f32" else (0x7C, 0x44)
    init = bytes([const]) + (bits & floats.mask(ty)).to_bytes(width, "little") + b"\x0b"
    globals_section = bytes([1, valtype, 1 if mutable else 0]) + init
    export_section = bytes([1, 1]) + b"g" + bytes([3, 0])
    section = lambda sid, body: bytes([sid, len(body)]) + body  # noqa: E731 (bodies < 128 bytes)
    return b"\0asm\x01\0\0\0" + section(6, globals_section) + section(7, export_section)


class Reference:
    """The module under wasmtime, with fuel so runaway inputs end."""

    def __init__(self, wasm: bytes, host: Mapping[tuple[str, str], Callable[..., object]],
                 globals_: Mapping[tuple[str, str], int], fuel: int):
        config = wasmtime.Config()
        config.consume_fuel = True
        self.engine = wasmtime.Engine(config)
        self.module = wasmtime.Module(self.engine, wasm)
        self.host, self.globals, self.fuel = host, globals_, fuel
        self._modules: dict[object, wasmtime.Module] = {}

    def _helper(self, key: object, make: Callable[[], bytes]) -> wasmtime.Module:
        """A compiled adapter or global module, cached by ``key``."""
        if key not in self._modules:
            self._modules[key] = wasmtime.Module(self.engine, make())
        return self._modules[key]

    def _adapt(self, store: wasmtime.Store, func: wasmtime.Func, inner: Signature, outer: Signature) -> wasmtime.Func:
        """``func`` (signature ``inner``) seen through an adapter with signature ``outer``."""
        module = self._helper(("adapter", inner, outer), lambda: wasmtime.wat2wasm(adapter_wat(inner, outer)))
        return wasmtime.Instance(store, module, [func]).exports(store)["f"]  # type: ignore[return-value]

    def _import_global(self, store: wasmtime.Store, module: str, name: str, ty: wasmtime.GlobalType) -> wasmtime.Global:
        vt = str(ty.content)
        value = self.globals.get((module, name), 0)
        if floats.is_float(vt):
            wasm = self._helper(("global", vt, ty.mutable, value),
                                lambda: _float_global_module(vt, ty.mutable, floats.to_bits(value, vt)))
            return wasmtime.Instance(store, wasm, []).exports(store)["g"]  # type: ignore[return-value]
        v = signed(value, vt)
        return wasmtime.Global(store, ty, wasmtime.Val.i64(v) if vt == "i64" else wasmtime.Val.i32(v))

    def call(self, export: str, sig: Signature, args: Sequence[int]) -> Outcome | None:
        """Fresh instance, call (floats as bits, through an adapter); None when fuel ran
        out (inconclusive). Float results and host-call arguments come back as FloatBits."""
        store = wasmtime.Store(self.engine)
        store.set_fuel(self.fuel)
        calls: list[tuple[str, tuple[object, ...]]] = []
        try:
            imports = []
            for imp in self.module.imports:
                ty = imp.type
                if isinstance(ty, wasmtime.FuncType):
                    isig = signature_of(ty)
                    host = wasmtime.Func(store, _functype(isig.as_ints()), self._logged(imp.module, imp.name, isig, calls))
                    imports.append(self._adapt(store, host, isig.as_ints(), isig) if isig.has_floats() else host)
                else:  # a global (the module was screened for other import kinds)
                    imports.append(self._import_global(store, imp.module, imp.name, ty))
            instance = wasmtime.Instance(store, self.module, imports)
            func = instance.exports(store)[export]
            if sig.has_floats():
                func = self._adapt(store, func, sig, sig.as_ints())  # type: ignore[arg-type]
            res = func(store, *args)  # type: ignore[operator]
        except wasmtime.Trap as t:
            if t.trap_code == wasmtime.TrapCode.OUT_OF_FUEL:
                return None
            return Outcome("trap", trap=_WASMTIME_TRAPS.get(t.trap_code, str(t).splitlines()[0]), host_calls=calls)
        values = () if res is None else tuple(res) if isinstance(res, (list, tuple)) else (res,)
        return Outcome("ok", values=comparable([normalise(v, t) for v, t in zip(values, sig.results)], sig.results),
                       host_calls=calls)

    def _logged(self, module: str, name: str, sig: Signature, calls: list) -> Callable[..., object]:
        """The Python side of import ``module.name``: logs the call and runs the host
        function; float arguments and results are bits (the adapter reinterprets them)."""
        fn = self.host.get((module, name)) or _zeros(sig)
        symbol = naming.import_symbol(module, name)
        ints = sig.as_ints()

        def call(*args: int) -> object:
            args = tuple(normalise(a, t) for a, t in zip(args, sig.params))
            calls.append((symbol, comparable(args, sig.params)))
            value = fn(*args)
            if len(sig.results) >= 2:
                return [signed(argument(v, t), i) for v, t, i in zip(value, sig.results, ints.results)]  # type: ignore[arg-type]
            return signed(argument(value, sig.results[0]), ints.results[0]) if sig.results else None
        return call


def _functype(sig: Signature) -> wasmtime.FuncType:
    vt = {"i32": wasmtime.ValType.i32(), "i64": wasmtime.ValType.i64(),
          "f32": wasmtime.ValType.f32(), "f64": wasmtime.ValType.f64()}
    return wasmtime.FuncType([vt[t] for t in sig.params], [vt[t] for t in sig.results])


def _as_bits(sig: Signature, fn: Callable[..., object]) -> Callable[..., object]:
    """``fn`` with its results in the emulator's form (a float result may be given as a
    Python float, an int of bits or 'inf'/'nan' text)."""
    def call(*args: int) -> object:
        value = fn(*args)
        if len(sig.results) >= 2:
            return [argument(v, t) for v, t in zip(value, sig.results)]  # type: ignore[union-attr]
        return argument(value, sig.results[0]) if sig.results else None
    return call


def _zeros(sig: Signature) -> Callable[..., object]:
    """Default host function: returns zero for every result."""
    def fn(*_args: int) -> object:
        return [0] * len(sig.results) if len(sig.results) >= 2 else (0 if sig.results else None)
    return fn


def _wasm_binary(source: WasmSource) -> tuple[bytes, str]:
    data = read_source(source)
    if data[:4] == b"\0asm":
        return data, ""
    text = data.decode("utf-8")
    return wasmtime.wat2wasm(text), text


def _label(source: WasmSource) -> str:
    if isinstance(source, os.PathLike) or (isinstance(source, str) and not is_wasm_text(source)):
        return os.path.basename(os.fspath(source))
    return "module"


def check_module(source: WasmSource, workdir: str | os.PathLike[str] | None = None, *,
                 host: Mapping[tuple[str, str], Callable[..., object]] | None = None,
                 globals_: Mapping[tuple[str, str], int] | None = None,
                 inputs: Mapping[str, Sequence[tuple[int, ...]]] | None = None,
                 target: str = "cortex-m4", fuel: int = DEFAULT_FUEL, limit: int = DEFAULT_LIMIT,
                 name: str | None = None, obj: bytes | None = None, **compile_options: object) -> Report:
    """Compile, link and compare every callable export of ``source``; returns a Report.

    ``host`` maps ``(module, name)`` of imported functions to callables (default: return
    zeros); ``globals_`` gives imported global values (default 0); ``inputs`` overrides the
    generated argument tuples per export. ``obj`` is an already compiled object to check
    instead of compiling (e.g. from the CLI). Other keywords go to :func:`synth.compile`.
    Raises SynthError when the module does not compile, LinkError when it does not link.
    """
    wasm, text = _wasm_binary(source)
    label = name or _label(source)
    directive_args, skip = parse_directives(text)
    host, globals_ = dict(host or {}), dict(globals_ or {})
    report = Report(label)
    module = wasmtime.Module(wasmtime.Engine(), wasm)
    stub_funcs, stub_globals, emu_host = [], [], {}
    import_params: dict[str, tuple[str, ...]] = {}
    for imp in module.imports:
        sym = naming.import_symbol(imp.module, imp.name)
        if isinstance(imp.type, wasmtime.FuncType):
            sig = signature_of(imp.type)
            if sig.unsupported():
                report.skipped.append(("*", "import %s.%s %s" % (imp.module, imp.name, sig.unsupported())))
                return report
            stub_funcs.append(sym)
            emu_host[sym] = (sig.params, sig.results, _as_bits(sig, host.get((imp.module, imp.name)) or _zeros(sig)))
            import_params[sym] = sig.params
        elif isinstance(imp.type, wasmtime.GlobalType) and str(imp.type.content) in VALUE_TYPES:
            vt = str(imp.type.content)
            stub_globals.append((sym, vt, argument(globals_.get((imp.module, imp.name), 0), vt)))
        else:
            report.skipped.append(("*", "imports %s.%s, which this harness cannot provide" % (imp.module, imp.name)))
            return report
    prefix = str(compile_options.get("prefix", "wasm_"))
    if obj is None:
        obj = synth_compile(wasm, target=target, **compile_options).object
    with tempfile.TemporaryDirectory() as tmp:
        image = read_image(link.link(obj, workdir or tmp, stub_funcs, stub_globals))
    emu = Emulator(image, emu_host)
    ref = Reference(wasm, host, globals_, fuel)
    init = prefix + "init"
    for exp in module.exports:
        if not isinstance(exp.type, wasmtime.FuncType):
            continue
        sig = signature_of(exp.type)
        if exp.name in skip:
            report.skipped.append((exp.name, "@skip"))
            continue
        if sig.unsupported():
            report.skipped.append((exp.name, sig.unsupported()))
            continue
        report.exports += 1
        symbol = naming.export_symbol(exp.name, prefix)
        seed = zlib.crc32(("%s:%s" % (label, exp.name)).encode())
        tuples = (inputs or {}).get(exp.name) or directive_args.get(exp.name) or generate_inputs(sig.params, seed)
        for args in tuples:
            args = tuple(argument(a, t) for a, t in zip(args, sig.params))
            expected = ref.call(exp.name, sig, args)
            if expected is None:
                report.inconclusive += 1
                continue
            emu.reset()
            actual = emu.call(init, limit=limit) if init in image.symbols else Outcome("ok")
            if actual.kind == "ok":
                before = actual.host_calls
                actual = emu.call(symbol, sig.params, sig.results, args, limit)
                actual.host_calls = before + actual.host_calls
            actual.values = comparable(actual.values, sig.results)
            actual.host_calls = [(s, comparable(a, import_params[s])) for s, a in actual.host_calls]
            report.calls += 1
            if expected.key() != actual.key():
                report.mismatches.append(Mismatch(exp.name, args, expected, actual, sig.params))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; exit 1 on any mismatch or module that fails to build."""
    ap = argparse.ArgumentParser(prog="python -m synth.differential", description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="+", help=".wat/.wasm modules")
    ap.add_argument("--target", default="cortex-m4")
    ap.add_argument("--fpu", default=None, help="--fpu of the compile (e.g. fpv4-sp-d16)")
    ap.add_argument("--float-abi", default=None, help="--float-abi of the compile (soft, softfp)")
    ap.add_argument("--no-bounds-checks", action="store_true")
    ap.add_argument("--workdir", help="keep the linked images here")
    args = ap.parse_args(argv)
    bad = 0
    for path in args.modules:
        try:
            workdir = os.path.join(args.workdir, Path(path).stem) if args.workdir else None
            floats_options = {k: v for k, v in (("fpu", args.fpu), ("float_abi", args.float_abi)) if v}
            report = check_module(Path(path), workdir, target=args.target,
                                  bounds_checks=not args.no_bounds_checks, **floats_options)
        except Exception as e:  # report and continue with the next module
            print("%s: ERROR %s: %s" % (path, type(e).__name__, e))
            bad += 1
            continue
        print(report.summary())
        for m in report.mismatches[:20]:
            print("  MISMATCH " + str(m))
        bad += not report.ok
    print("%s: %d of %d modules failed" % ("FAIL" if bad else "OK", bad, len(args.modules)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
