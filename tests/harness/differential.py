"""Differential testing: run every export on the emulator and on wasmtime and compare.

Takes a module (WAT text, path or bytes), compiles and links it, generates edge-case
argument tuples per export from the parameter types (deterministic seed), or uses the
module's own ``;; @args`` directives, runs both sides on fresh instances and returns the
list of :class:`Mismatch` plus counts.

Float parameters and results are bit patterns (:mod:`harness.floats`); results are
compared bit-for-bit except that a quiet NaN from wasmtime accepts any quiet NaN (wasm
leaves an arithmetic NaN's sign and payload open; the spec runner checks the canonical
cases precisely).

Directives (comment lines in WAT programs):
  ``;; @args NAME (a, b) (c, d)``  use exactly these argument tuples for export NAME; for
                                   an f32/f64 parameter a Python float (``1.5``, ``-0.0``)
                                   or ``'inf'``/``'-inf'``/``'nan'`` is a value, an int
                                   (``0x7fa00000``) the bit pattern itself
  ``;; @skip NAME``                do not call export NAME
  ``;; @limit N``                  instruction limit per call
"""

import ast
import itertools
import os
import random
import re
import zlib
from dataclasses import dataclass, field

from . import abi, configs, floats, link, wasm2obj, wasminfo
from .emu import DEFAULT_LIMIT, Emulator
from .hostenv import standard_env
from .reference import Reference

I32_EDGES = [0, 1, -1, 2, 31, 32, 33, -2**31, 2**31 - 1, 0x7F, 0x80, 0xFF, 0x8000]
I64_EDGES = [0, 1, -1, 63, 64, 65, -2**63, 2**63 - 1, 0xFFFFFFFF, 0x100000000]
MAX_TUPLES = 64


def _rand(rng, ty):
    if floats.is_float(ty):
        return floats.random_bits(rng, ty)
    bits = 64 if ty == "i64" else 32
    choice = rng.randrange(4)
    if choice == 0:
        v = rng.getrandbits(bits)
    elif choice == 1:
        v = rng.getrandbits(8)
    elif choice == 2:
        v = -rng.getrandbits(6)
    else:
        v = 1 << rng.randrange(bits)
    return abi_norm(v, ty)


def abi_norm(v, ty):
    """Normal form of ``v`` as type ``ty`` (integers signed, floats their bits; a float
    parameter also accepts a Python float or 'inf'/'nan' text, see ``@args``)."""
    from .outcome import normalise
    if floats.is_float(ty):
        return floats.to_bits(v, ty)
    return normalise(v, ty)


def _edges(ty):
    if floats.is_float(ty):
        return floats.edges(ty)
    return I64_EDGES if ty == "i64" else I32_EDGES


def _small(ty):
    return floats.small(ty) if floats.is_float(ty) else [0, 1, -1, 2]


def generate_args(params, seed):
    """Bounded, deterministic edge-case argument tuples for a parameter type list."""
    rng = random.Random(seed)
    if not params:
        return [()]
    edges = [_edges(t) for t in params]
    if len(params) == 1:
        out = [(v,) for v in edges[0]] + [(_rand(rng, params[0]),) for _ in range(4)]
        return [tuple(abi_norm(v, params[0]) for v in t) for t in out]
    full = 1
    for e in edges:
        full *= len(e)
    if full <= MAX_TUPLES:
        out = list(itertools.product(*edges))
    else:
        out = []
        # all small combinations first (for up to 3 parameters), then edge sweeps
        if len(params) <= 3:
            out.extend(itertools.product(*[_small(t) for t in params]))
        # sweep each position through all edges with the others at a varied base
        for i, e in enumerate(edges):
            for j, v in enumerate(e):
                base = [ed[(j * 7 + k * 3) % len(ed)] for k, ed in enumerate(edges)]
                base[i] = v
                out.append(tuple(base))
        while len(out) < MAX_TUPLES + len(params) * 4:
            out.append(tuple(_rand(rng, t) for t in params))
    seen, uniq = set(), []
    for t in out:
        t = tuple(abi_norm(v, ty) for v, ty in zip(t, params))
        if t not in seen:
            seen.add(t)
            uniq.append(t)
    return uniq


def parse_directives(text):
    """(args_by_export, skipped_exports, limit) from a WAT program's comments."""
    args, skip, limit = {}, set(), DEFAULT_LIMIT
    for line in text.splitlines():
        m = re.match(r"\s*;;\s*@(\w+)\s*(.*)$", line)
        if not m:
            continue
        what, rest = m.group(1), m.group(2).strip()
        if what == "args":
            name, _, tuples = rest.partition(" ")
            parsed = ast.literal_eval("[" + re.sub(r"\)\s*\(", "), (", tuples.strip()) + "]")
            args.setdefault(name, []).extend(tuple(t) if isinstance(t, tuple) else (t,) for t in parsed)
        elif what == "skip":
            skip.update(rest.split())
        elif what == "limit":
            limit = int(rest)
    return args, skip, limit


@dataclass
class Mismatch:
    """One disagreement between the emulator and wasmtime."""

    export: str
    args: tuple
    expected: str
    actual: str
    #: Parameter types (floats are shown as bits and value).
    types: tuple = ()

    def __str__(self):
        args = self.args
        if any(floats.is_float(t) for t in self.types):
            args = "(%s)" % ", ".join(floats.show(a, t) if floats.is_float(t) else str(a)
                                      for a, t in zip(self.args, self.types))
        return "%s%s: expected %s, got %s" % (self.export, args, self.expected, self.actual)


@dataclass
class Report:
    """Result of a differential run of one module."""

    mismatches: list = field(default_factory=list)
    calls: int = 0
    exports: int = 0
    instructions: int = 0


class Target:
    """A module built for both sides: emulator image and wasmtime reference."""

    def __init__(self, source, workdir, host=None, extra_args=(), objects=None, prefix=abi.DEFAULT_PREFIX,
                 float_abi="soft", config=None):
        """``config`` (a :class:`harness.configs.Config`) adds its synth options; else
        ``float_abi="hard"`` adds :data:`abi.HARD_FLOAT_ARGS`. Linking (libgcc), the CPU
        model and the calling convention follow the configuration the options select."""
        self.host = host or standard_env()
        if config is not None:
            extra_args = tuple(config.synth_args) + tuple(extra_args)
        elif float_abi == "hard":
            extra_args = tuple(extra_args) + abi.HARD_FLOAT_ARGS
        self.config = config or configs.from_args(extra_args)
        if objects is None:
            compiled = wasm2obj.compile_module(source, workdir, extra_args=extra_args,
                                               prefix=None if prefix == abi.DEFAULT_PREFIX else prefix)
            wasm, objects = compiled.wasm, [compiled.obj]
        else:
            wasm = wasm2obj.to_wasm(source)
        self.wasm = wasm
        self.info = wasminfo.inspect(wasm)
        funcs, globals_ = link.imports_for(self.info.import_list(), self.host)
        self.elf = link.link(objects, workdir, funcs, globals_, config=self.config)
        # The emulator runs the CPU model of the compile's --target.
        self.emu = Emulator(self.elf, self.info, self.host, prefix, config=self.config)
        self.ref = Reference(wasm, self.info, self.host)

    def compare(self, export, args, limit=DEFAULT_LIMIT):
        """(expected, actual) outcomes of one call."""
        expected = self.ref.call(export, args)
        actual = self.emu.call(export, args, limit)
        return expected, actual


def run_module(source, workdir, host=None, extra_args=(), objects=None, seed_name=None, float_abi="soft",
               config=None):
    """Differential-test every exported function of ``source``; returns a Report.
    ``float_abi="hard"`` compiles with ``--float-abi hard`` and calls through AAPCS-VFP;
    ``config`` (:mod:`harness.configs`) compiles, links and runs that configuration."""
    text = ""
    if isinstance(source, str):
        text = open(source).read() if os.path.exists(source) else source
    arg_table, skip, limit = parse_directives(text)
    target = Target(source, workdir, host, extra_args, objects, float_abi=float_abi, config=config)
    report = Report()
    for sig in target.info.exports:
        if sig.name in skip:
            continue
        report.exports += 1
        seed = zlib.crc32(("%s:%s" % (seed_name or "", sig.name)).encode())
        tuples = arg_table.get(sig.name) or generate_args(sig.params, seed)
        for args in tuples:
            if len(args) != len(sig.params):
                raise ValueError("@args for %s has %d values, export takes %d" % (sig.name, len(args), len(sig.params)))
            args = tuple(abi_norm(v, t) for v, t in zip(args, sig.params))
            expected, actual = target.compare(sig.name, args, limit)
            report.calls += 1
            report.instructions += actual.instructions
            if expected.key() != actual.key():
                report.mismatches.append(Mismatch(sig.name, tuple(args), expected.describe(),
                                                  actual.describe(), tuple(sig.params)))
    return report
