"""Compilation statistics as typed, frozen dataclasses.

Built either from the C structs of ``synth_stats()`` (:func:`from_c`) or from the JSON that
``synth compile --stats-json`` and ``synth_result_stats_json()`` print
(:meth:`ModuleStats.from_json`); both give equal objects for the same compile. Field names
follow the JSON (and the C structs): ``FunctionStats.code_bytes``, ``Totals.fallback_functions``
and so on. ``kind``, ``verdict`` and ``rung`` are string enums, so ``f.rung == "base"`` works.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from enum import Enum
from typing import Any, Iterable, Mapping

from . import _lib


class FunctionKind(str, Enum):
    """What a compiled function is (``SYNTH_FUNCTION_*``)."""

    WASM = "wasm"
    RUNTIME = "runtime"
    INIT = "init"
    TRAP = "trap"
    THUNK = "thunk"


class Verdict(str, Enum):
    """The allocator's spill verdict (``SYNTH_SPILL_*``): no spills, spills the register
    pressure forces (genuine), or spills with registers to spare (spurious)."""

    NONE = "none"
    GENUINE = "genuine"
    SPURIOUS = "spurious"


class Rung(str, Enum):
    """Which allocator produced the function (``SYNTH_RUNG_*``): the base allocator, or the
    fallback (recovery) rung after the base one failed."""

    BASE = "base"
    FALLBACK = "fallback"


#: C enum values, in ``synth.h`` order.
_KINDS = (FunctionKind.WASM, FunctionKind.RUNTIME, FunctionKind.INIT, FunctionKind.TRAP, FunctionKind.THUNK)
_VERDICTS = (Verdict.NONE, Verdict.GENUINE, Verdict.SPURIOUS)
_RUNGS = (Rung.BASE, Rung.FALLBACK)
#: Stack fields that are not plain integers (bound may be None; reason and path are text).
_STACK_TEXT = ("max_stack_bytes", "stack_unbounded", "stack_path")
#: Fields that are neither counts nor copied as they are from the JSON.
_NOT_COUNTS = _STACK_TEXT + ("budget_hit",)


class StatsFormatError(ValueError):
    """Stats JSON (or C stats) that do not have the expected shape."""


@dataclass(frozen=True)
class ShadowStats:
    """What the measure-only shadow allocator did to a function (when shadow allocation
    was on)."""

    spill_stores: int
    reloads: int
    moves: int
    spill_slots: int
    callee_saved_used: int


@dataclass(frozen=True)
class ClassStats:
    """The allocator's figures for one register class of a function (the JSON ``float``
    object, C ``synth_class_stats``): :attr:`FunctionStats.float` for the floating-point
    class (S registers, present when the function has float values in VFP registers),
    :attr:`FunctionStats.int` for the integer class (whose figures are also the flat
    fields of :class:`FunctionStats`, as in the JSON)."""

    vregs: int
    peak_pressure: int
    regs_available: int
    spill_stores: int
    reloads: int
    remats: int
    moves: int
    spill_slots: int
    callee_saved_pushed: int
    verdict: Verdict

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ClassStats":
        """Parse a JSON ``float`` object (or the class fields of a function object)."""
        kw = {f.name: _int(d[f.name], f.name) for f in fields(cls) if f.name != "verdict"}
        return cls(verdict=Verdict(d["verdict"]), **kw)

    @classmethod
    def from_c(cls, c: Any) -> "ClassStats":
        """From a ``synth_class_stats`` (or the integer-class fields of a function)."""
        kw = {name: getattr(c, name) for name in _lib.CLASS_STATS_FIELDS if name != "verdict"}
        return cls(verdict=_enum(_VERDICTS, c.verdict, "verdict"), **kw)


#: The name this class had when it described only the floating-point class.
FloatClassStats = ClassStats


@dataclass(frozen=True)
class FunctionStats:
    """Statistics of one compiled function (one element of the JSON ``functions`` array)."""

    name: str
    symbol: str
    kind: FunctionKind
    code_bytes: int
    instructions: int
    frame_bytes: int
    vregs: int
    peak_pressure: int
    regs_available: int
    spill_stores: int
    reloads: int
    remats: int
    moves: int
    spill_slots: int
    callee_saved_pushed: int
    verdict: Verdict
    rung: Rung
    shadow: ShadowStats | None = None
    #: Own deepest stack excursion in bytes (pushes, frame; callees not counted).
    stack_bytes: int = 0
    #: Worst-case stack in bytes over every path of calls; None when unbounded.
    max_stack_bytes: int | None = None
    #: Why the stack is unbounded (``calls import `f```, ``recursion through ...``); None if bounded.
    stack_unbounded: str | None = None
    #: Symbols of the deepest path of calls (or of the path to what makes it unbounded).
    stack_path: tuple[str, ...] = ()
    #: The allocator's compile-time budget was hit (crowded values spilled at every
    #: occurrence); from JSON only (the C stats struct has no field for it: False there).
    budget_hit: bool = False
    #: The floating-point register class's figures (None for functions without float
    #: values in VFP registers, and from a C library older than stats version 3).
    float: ClassStats | None = None

    @property
    def int(self) -> ClassStats:
        """The integer register class's figures (the flat allocator fields) as a
        :class:`ClassStats`, the same shape as :attr:`float`."""
        return ClassStats(**{f.name: getattr(self, f.name) for f in fields(ClassStats)})

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "FunctionStats":
        """Parse one JSON function object."""
        try:
            shadow = d.get("shadow")
            kw = {f.name: d[f.name] for f in fields(cls) if f.name not in ("shadow", "float") + _NOT_COUNTS}
            fl = d.get("float")
            kw["float"] = None if fl is None else ClassStats.from_dict(fl)
            bound = d.get("max_stack_bytes")
            kw["max_stack_bytes"] = None if bound is None else _int(bound, "max_stack_bytes")
            kw["stack_unbounded"] = d.get("stack_unbounded")
            kw["stack_path"] = tuple(str(s) for s in d.get("stack_path", ()))
            kw["budget_hit"] = bool(d.get("budget_hit", False))
            kw["kind"] = FunctionKind(kw["kind"])
            kw["verdict"] = Verdict(kw["verdict"])
            kw["rung"] = Rung(kw["rung"])
            for name in INT_FIELDS:
                kw[name] = _int(kw[name], name)
            if shadow is not None:
                shadow = ShadowStats(**{f.name: _int(shadow[f.name], f.name) for f in fields(ShadowStats)})
            return cls(shadow=shadow, **kw)
        except (KeyError, ValueError, TypeError) as e:
            raise StatsFormatError("bad function stats %r: %s" % (d.get("symbol", d) if isinstance(d, Mapping) else d, e)) from e


#: Integer fields of :class:`FunctionStats` (the ones a budget may limit).
INT_FIELDS = tuple(f.name for f in fields(FunctionStats)
                   if f.name not in ("name", "symbol", "kind", "verdict", "rung", "shadow", "float") + _NOT_COUNTS)


@dataclass(frozen=True)
class Totals:
    """Sums over the module (the JSON ``totals`` object; ``synth_module_stats``)."""

    functions: int
    text_bytes: int
    code_bytes: int
    instructions: int
    spill_stores: int
    reloads: int
    remats: int
    moves: int
    spurious_spill_functions: int
    fallback_functions: int
    data_bytes: int
    rodata_bytes: int
    bss_bytes: int
    #: Spill stores and reloads of the floating-point register class (0 from JSON of
    #: older compilers and from a C library older than module stats version 2).
    float_spill_stores: int = 0
    float_reloads: int = 0


#: Totals fields the JSON of older compilers lacks.
_FLOAT_TOTALS = ("float_spill_stores", "float_reloads")


@dataclass(frozen=True)
class ModuleStats:
    """Statistics of one compilation: target name, per-function stats in ``.text`` order,
    and totals."""

    target: str
    functions: tuple[FunctionStats, ...]
    totals: Totals

    def function(self, name: str) -> FunctionStats:
        """The function whose symbol or name is ``name``; KeyError if none."""
        for f in self.functions:
            if name in (f.symbol, f.name):
                return f
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-shaped dict (enums as strings), as ``--stats-json`` prints it."""
        d = asdict(self)
        d["functions"] = [{k: (v.value if isinstance(v, Enum) else list(v) if k == "stack_path" else v)
                           for k, v in f.items()} for f in d["functions"]]
        for f in d["functions"]:
            if f["float"] is not None:
                f["float"]["verdict"] = Verdict(f["float"]["verdict"]).value
        return d

    def to_json(self) -> str:
        """JSON text of :meth:`to_dict` (indented)."""
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "ModuleStats":
        """Parse the stats JSON object."""
        if not isinstance(d, Mapping) or "functions" not in d or "totals" not in d:
            raise StatsFormatError("not synth stats JSON: needs 'functions' and 'totals'")
        if not isinstance(d["functions"], list):
            raise StatsFormatError("'functions' is not a list")
        try:
            totals = Totals(**{f.name: _int(d["totals"][f.name], f.name) for f in fields(Totals)
                               if f.name not in _FLOAT_TOTALS or f.name in d["totals"]})
        except (KeyError, TypeError, ValueError) as e:
            raise StatsFormatError("bad totals: %s" % e) from e
        return cls(str(d.get("target", "")), tuple(FunctionStats.from_dict(f) for f in d["functions"]),
                   totals)

    @classmethod
    def from_json(cls, text: str | bytes) -> "ModuleStats":
        """Parse stats JSON text (``synth compile --stats-json``)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise StatsFormatError("not JSON: %s" % e) from e
        return cls.from_dict(data)


def _int(v: Any, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise StatsFormatError("%s: expected a non-negative integer, got %r" % (name, v))
    return v


def _enum(table: tuple, value: int, what: str):
    if value >= len(table):
        raise StatsFormatError("unknown %s value %d from the library" % (what, value))
    return table[value]


def _str(p: bytes | None) -> str:
    return (p or b"").decode("utf-8", "replace")


def from_c(target: str, module: _lib.SynthModuleStats,
           functions: Iterable[_lib.SynthFunctionStats]) -> ModuleStats:
    """Build :class:`ModuleStats` from the structs ``synth_stats()`` filled (copies the
    borrowed strings, so the result may be freed afterwards)."""
    out = []
    for c in functions:
        shadow = None
        if c.has_shadow:
            shadow = ShadowStats(c.shadow_spill_stores, c.shadow_reloads, c.shadow_moves,
                                 c.shadow_spill_slots, c.shadow_callee_saved_used)
        kw = {name: getattr(c, name) for name in INT_FIELDS}
        path = _str(c.stack_path)
        out.append(FunctionStats(
            name=_str(c.name), symbol=_str(c.symbol), kind=_enum(_KINDS, c.kind, "kind"),
            verdict=_enum(_VERDICTS, c.verdict, "verdict"), rung=_enum(_RUNGS, c.rung, "rung"),
            shadow=shadow, max_stack_bytes=c.max_stack_bytes if c.has_max_stack else None,
            stack_unbounded=_str(c.stack_unbounded) if c.stack_unbounded else None,
            stack_path=tuple(path.split(" -> ")) if path else (),
            float=ClassStats.from_c(c.float_regs) if c.has_float else None, **kw))
    totals = Totals(**{name: getattr(module, name) for name in _lib.MODULE_STATS_FIELDS})
    return ModuleStats(target, tuple(out), totals)
