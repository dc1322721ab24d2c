"""Differential check: run compiled exports under unicorn and compare with wasmtime.

For each module: compile it with :func:`synth.compile`, link it (:mod:`synth.link`), and for
every exported function with ``i32``/``i64`` parameters and results (others are skipped with
a reason) call it on generated inputs on a fresh instance on both sides: under unicorn as a
Cortex-M4 (:mod:`synth.emulator`; ``<prefix>init`` first) and under wasmtime. Results, trap
kinds and the sequence of host (import) calls must agree. Imported functions get a default
host implementation that returns zeros (override with ``host=``); imported globals are 0
unless given. An input that exhausts wasmtime's fuel is inconclusive, not a mismatch.

Needs the optional dependencies ``unicorn`` and ``wasmtime`` and the GNU Arm linker.

    python -m synth.differential tests/programs/*.wat examples/controller.wat

WAT files may carry directives in comments: ``;; @args NAME (1, 2) (3, 4)`` (use these
inputs for export NAME), ``;; @skip NAME`` (do not call it).
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

    from .emulator import DEFAULT_LIMIT, Emulator, Outcome, signed
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError("synth.differential needs the optional packages unicorn and wasmtime "
                      "(pip install 'synth[differential]'): %s" % e) from e

from . import link, naming
from .compiler import WasmSource, compile as synth_compile, is_wasm_text, read_source
from .elf import read_image

INT_TYPES = ("i32", "i64")
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
        bad = sorted({t for t in self.params + self.results if t not in INT_TYPES})
        return "has %s values (only i32/i64 are supported)" % "/".join(bad) if bad else None


@dataclass
class Mismatch:
    """A call on which the two sides disagree."""

    export: str
    args: tuple[int, ...]
    expected: Outcome
    actual: Outcome

    def __str__(self) -> str:
        return "%s%s: wasmtime %s, synth %s" % (self.export, self.args, self.expected, self.actual)


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


def generate_inputs(params: Sequence[str], seed: int, count: int = INPUTS_PER_EXPORT) -> list[tuple[int, ...]]:
    """Deterministic argument tuples: edge values swept diagonally, then random mixes."""
    if not params:
        return [()]
    rng = random.Random(seed)
    sweep = [tuple(EDGES[t][(i + k) % len(EDGES[t])] for k, t in enumerate(params))
             for i in range(max(len(EDGES[t]) for t in params))]
    out = list(dict.fromkeys(sweep))[:count]
    while len(out) < count:
        t = tuple(rng.choice(EDGES[ty]) if rng.random() < 0.5
                  else signed(rng.getrandbits(64 if ty == "i64" else 32) >> rng.randrange(32), ty)
                  for ty in params)
        if t not in out:
            out.append(t)
    return out


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


def _types(func_type: wasmtime.FuncType) -> Signature:
    return Signature(tuple(str(t) for t in func_type.params), tuple(str(t) for t in func_type.results))


class Reference:
    """The module under wasmtime, with fuel so runaway inputs end."""

    def __init__(self, wasm: bytes, host: Mapping[tuple[str, str], Callable[..., object]],
                 globals_: Mapping[tuple[str, str], int], fuel: int):
        config = wasmtime.Config()
        config.consume_fuel = True
        self.engine = wasmtime.Engine(config)
        self.module = wasmtime.Module(self.engine, wasm)
        self.host, self.globals, self.fuel = host, globals_, fuel

    def call(self, export: str, sig: Signature, args: Sequence[int]) -> Outcome | None:
        """Fresh instance, call; None when fuel ran out (inconclusive)."""
        store = wasmtime.Store(self.engine)
        store.set_fuel(self.fuel)
        calls: list[tuple[str, tuple[int, ...]]] = []
        imports = []
        for imp in self.module.imports:
            ty = imp.type
            if isinstance(ty, wasmtime.FuncType):
                imports.append(wasmtime.Func(store, ty, self._logged(imp.module, imp.name, _types(ty), calls)))
            else:  # a global (the module was screened for other import kinds)
                vt = str(ty.content)
                value = signed(self.globals.get((imp.module, imp.name), 0), vt)
                imports.append(wasmtime.Global(store, ty, wasmtime.Val.i64(value) if vt == "i64" else wasmtime.Val.i32(value)))
        try:
            instance = wasmtime.Instance(store, self.module, imports)
            res = instance.exports(store)[export](store, *args)
        except wasmtime.Trap as t:
            if t.trap_code == wasmtime.TrapCode.OUT_OF_FUEL:
                return None
            return Outcome("trap", trap=_WASMTIME_TRAPS.get(t.trap_code, str(t).splitlines()[0]), host_calls=calls)
        values = () if res is None else tuple(res) if isinstance(res, (list, tuple)) else (res,)
        return Outcome("ok", values=tuple(signed(v, t) for v, t in zip(values, sig.results)), host_calls=calls)

    def _logged(self, module: str, name: str, sig: Signature, calls: list) -> Callable[..., object]:
        fn = self.host.get((module, name)) or _zeros(sig)
        symbol = naming.import_symbol(module, name)

        def call(*args: int) -> object:
            calls.append((symbol, tuple(args)))
            value = fn(*args)
            if len(sig.results) >= 2:
                return [signed(v, t) for v, t in zip(value, sig.results)]  # type: ignore[arg-type]
            return signed(value, sig.results[0]) if sig.results else None  # type: ignore[arg-type]
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
    for imp in module.imports:
        sym = naming.import_symbol(imp.module, imp.name)
        if isinstance(imp.type, wasmtime.FuncType):
            sig = _types(imp.type)
            if sig.unsupported():
                report.skipped.append(("*", "import %s.%s %s" % (imp.module, imp.name, sig.unsupported())))
                return report
            stub_funcs.append(sym)
            emu_host[sym] = (sig.params, sig.results, host.get((imp.module, imp.name)) or _zeros(sig))
        elif isinstance(imp.type, wasmtime.GlobalType) and str(imp.type.content) in INT_TYPES:
            stub_globals.append((sym, str(imp.type.content), globals_.get((imp.module, imp.name), 0)))
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
        sig = _types(exp.type)
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
            args = tuple(signed(a, t) for a, t in zip(args, sig.params))
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
            report.calls += 1
            if expected.key() != actual.key():
                report.mismatches.append(Mismatch(exp.name, args, expected, actual))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; exit 1 on any mismatch or module that fails to build."""
    ap = argparse.ArgumentParser(prog="python -m synth.differential", description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="+", help=".wat/.wasm modules")
    ap.add_argument("--target", default="cortex-m4")
    ap.add_argument("--no-bounds-checks", action="store_true")
    ap.add_argument("--workdir", help="keep the linked images here")
    args = ap.parse_args(argv)
    bad = 0
    for path in args.modules:
        try:
            workdir = os.path.join(args.workdir, Path(path).stem) if args.workdir else None
            report = check_module(Path(path), workdir, target=args.target,
                                  bounds_checks=not args.no_bounds_checks)
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
