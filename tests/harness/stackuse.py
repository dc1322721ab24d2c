"""Measured stack use against synth's computed worst case.

Takes a module (WAT/wasm path, text or bytes) and a work directory; compiles it with
``--stats-json`` (each function import given ``--import-stack NAME=0``: the harness's import
stubs stop the emulator at their first instruction and the host answers, so they use no
stack), links it like the differential harness, and runs ``P init`` and every export on
its inputs (``;; @args`` or the generated edge cases) under unicorn. A memory-write hook over
the stack region records the lowest byte written during each function call; the high-water
mark of a call is its entry sp minus that address (writes of the harness itself, arguments
placed on the stack before the call, do not go through the hook). Returns one
:class:`Measured` per export and one for init: the computed bound (``max_stack_bytes`` of the
stats JSON, ``None`` when unbounded, with the reason) and the deepest mark over its calls.

    python tests/harness/stackuse.py [FILES...]   # tightness table (default: tests/programs)
"""

import json
import os
import zlib
from dataclasses import dataclass, field

import unicorn

from . import abi, link, wasm2obj, wasminfo
from .differential import abi_norm, generate_args, parse_directives
from .emu import STACK_SIZE, STACK_TOP, Emulator
from .hostenv import standard_env


class MeteredEmulator(Emulator):
    """An :class:`Emulator` that records the deepest stack byte each ``_run`` writes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.marks = []  # high-water mark (bytes below the entry sp) of each _run
        self._entry_sp = None
        self._low = None
        self.uc.hook_add(unicorn.UC_HOOK_MEM_WRITE, self._on_write,
                         begin=STACK_TOP - STACK_SIZE, end=STACK_TOP - 1)

    def _on_write(self, uc, access, address, size, value, _data):
        if self._low is not None and address < self._low:
            self._low = address

    def _place_args(self, types, args, first_reg, sp):
        sp = super()._place_args(types, args, first_reg, sp)
        self._entry_sp = self._low = sp
        return sp

    def _run(self, func_addr, types, args, results, limit):
        out = super()._run(func_addr, types, args, results, limit)
        self.marks.append(self._entry_sp - self._low)
        self._low = None
        return out

    def measure(self, export, args, limit):
        """(outcome, init mark, export mark or None when init failed) of one fresh call."""
        self.marks = []
        out = self.call(export, args, limit)
        init_mark = self.marks[0]
        return out, init_mark, (self.marks[1] if len(self.marks) > 1 else None)


@dataclass
class Measured:
    """One entry point: its computed bound and the deepest stack its calls reached."""

    module: str
    symbol: str
    bound: object  # int, or None when unbounded
    unbounded: str = ""
    measured: int = 0
    calls: int = 0
    outcomes: dict = field(default_factory=dict)

    @property
    def ratio(self):
        """computed / measured (None when unbounded or nothing was measured)."""
        if self.bound is None or self.measured == 0:
            return None
        return self.bound / self.measured


def import_stack_args(wasm):
    """``--import-stack SYM=0`` for every function import (the harness stubs use no stack)."""
    info = wasminfo.inspect(wasm)
    out = []
    for module, name, kind, _ty in info.import_list():
        if kind == "func":
            out += ["--import-stack", "%s=0" % abi.import_symbol(module, name)]
    return out


def measure_module(source, workdir, name=None, extra_args=(), limit=None):
    """Measured entries of one module: every export, then ``init`` (see module doc)."""
    text = ""
    if isinstance(source, str) and not source.endswith(".wasm"):
        text = open(source).read() if os.path.exists(source) else source
    arg_table, skip, dir_limit = parse_directives(text)
    limit = limit or dir_limit
    name = name or (os.path.basename(source) if isinstance(source, str) and os.path.exists(source) else "module")
    wasm = wasm2obj.to_wasm(source)
    stats_path = os.path.join(workdir, "stack_stats.json")
    compiled = wasm2obj.compile_module(wasm, workdir, extra_args=list(extra_args) + import_stack_args(wasm)
                                       + ["--stats-json", stats_path])
    with open(stats_path) as f:
        by_symbol = {fs["symbol"]: fs for fs in json.load(f)["functions"]}
    info = wasminfo.inspect(wasm)
    host = standard_env()
    funcs, globals_ = link.imports_for(info.import_list(), host)
    elf = link.link([compiled.obj], workdir, funcs, globals_)
    emu = MeteredEmulator(elf, info, host)

    def entry(symbol):
        fs = by_symbol[symbol]
        return Measured(name, symbol, fs["max_stack_bytes"], fs["stack_unbounded"] or "")

    init = entry(abi.init_symbol(abi.DEFAULT_PREFIX))
    results = []
    for sig in info.exports:
        if sig.name in skip:
            continue
        m = entry(abi.export_symbol(sig.name, abi.DEFAULT_PREFIX))
        seed = zlib.crc32(("%s:%s" % (name, sig.name)).encode())
        for args in arg_table.get(sig.name) or generate_args(sig.params, seed):
            # `;; @args` may give floats as numbers: the emulator takes bit patterns.
            args = [abi_norm(a, t) for a, t in zip(args, sig.params)]
            out, init_mark, mark = emu.measure(sig.name, args, limit)
            init.measured = max(init.measured, init_mark)
            init.calls += 1
            if mark is not None:
                m.measured = max(m.measured, mark)
                m.calls += 1
                m.outcomes[out.kind] = m.outcomes.get(out.kind, 0) + 1
        results.append(m)
    results.append(init)
    return results


def table(rows):
    """Text table: module, symbol, computed bound, measured high-water mark, ratio."""
    lines = ["%-28s %-28s %9s %9s %7s" % ("module", "symbol", "bound", "measured", "ratio")]
    for r in rows:
        bound = "unbounded" if r.bound is None else str(r.bound)
        ratio = "-" if r.ratio is None else "%.2f" % r.ratio
        lines.append("%-28s %-28s %9s %9d %7s" % (r.module[:28], r.symbol[:28], bound, r.measured, ratio))
    return "\n".join(lines)


def summary(rows):
    """One line: entries, calls, how many bounded, and the tightness spread."""
    ratios = sorted(r.ratio for r in rows if r.ratio is not None)
    exact = sum(1 for x in ratios if x == 1.0)
    unb = sum(1 for r in rows if r.bound is None)
    if not ratios:
        return "stack bounds: %d entries, %d unbounded" % (len(rows), unb)
    geo = 1.0
    for x in ratios:
        geo *= x
    geo **= 1.0 / len(ratios)
    return ("stack bounds: %d entries (%d calls), %d unbounded; bound/measured over %d: min %.2f, median %.2f, "
            "geomean %.2f, max %.2f; %d exact" % (len(rows), sum(r.calls for r in rows), unb, len(ratios), ratios[0],
                                                  ratios[len(ratios) // 2], geo, ratios[-1], exact))


if __name__ == "__main__":
    import glob
    import sys
    import tempfile

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(here, "programs", "*.wat")))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(files):
            rows += measure_module(path, os.path.join(tmp, str(i)))
    print(table(rows))
    print(summary(rows))
