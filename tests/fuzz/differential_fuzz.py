#!/usr/bin/env python3
"""Differential fuzzer: random valid modules compiled by synth, run under unicorn against
wasmtime.

Modules come from ``synth-fuzz gen`` (rust/synth-fuzz: wasm-smith restricted to synth's
features, no imports but the harness's host functions and globals (standard_env), everything
exported, fuel so every call ends). Host calls are logged and compared like results. Each module is
compiled twice, with bounds checks and with ``--no-bounds-checks``, linked by the test
harness (tests/harness) and every exported function is called on a few argument vectors
(all zeros, then edge values of each parameter type, then one random vector), each call on
a fresh instance on both sides. What must agree:

- the outcome: results (floats bit for bit, a quiet NaN matches any quiet NaN), or the
  trap category, as tests/harness/differential.py compares them;
- after the call (returned or trapped): every exported global (floats by value, any NaN
  matching any NaN; funcref by null-ness) and the exported memory (size and bytes).

With ``--no-bounds-checks`` a call whose reference traps with ``memory_oob`` is not
compared (the code then reads or writes past the memory, like C: docs/ABI.md); every other
call must still agree exactly.

A module synth rejects as unsupported counts as "unsupported", never as a bug; any other
compile error, an emulator fault, a timeout or a disagreement is a finding: it is printed,
and with ``--save DIR`` the module is written there with a JSON description, ready to be
checked in under tests/fuzz/corpus/ (run by tests/test_fuzz_corpus.py).

Each module is checked under one or more target configurations (``--config NAME``,
repeatable, or ``all``; tests/harness/configs.py: CPU, FPU, float ABI, the emulator's CPU
model and calling convention, the libgcc linked); the default is ``m4`` (Cortex-M4, no
FPU, soft float). Findings and the saved JSON name the configuration.

Usage:
  differential_fuzz.py --seed S --count N [--jobs J] [--save DIR] [--config NAME ...]
  differential_fuzz.py --seed S --minutes M [--jobs J] [--save DIR]   # long mode
  differential_fuzz.py --file m.wasm [...]                             # given modules
"""

import argparse
import json
import multiprocessing
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

import wasmtime  # noqa: E402

from harness import abi, configs, floats, link, paths, wasm2obj, wasminfo  # noqa: E402
from harness.differential import abi_norm, _edges, _rand  # noqa: E402
from harness.emu import Emulator  # noqa: E402
from harness.hostenv import standard_env  # noqa: E402
from harness.outcome import normalise  # noqa: E402
from harness.reference import Reference  # noqa: E402

RUST = os.path.join(paths.REPO, "rust")
#: Instruction limit per emulated call (the fuel of a generated module ends every loop
#: long before it; a timeout is a finding).
LIMIT = 5_000_000
#: Argument vectors per export with parameters (an export without any is called once).
ARG_VECTORS = 6
#: The two bounds-check settings every module is compiled with.
SETTINGS = (("checks", ()), ("no-checks", ("--no-bounds-checks",)))


def fuzz_bin():
    """Path of the synth-fuzz generator ($SYNTH_FUZZ_BIN or the debug build)."""
    return os.environ.get("SYNTH_FUZZ_BIN") or os.path.join(RUST, "target", "debug", "synth-fuzz")


def build_tools():
    """Build the synth CLI and synth-fuzz with Cargo (a no-op when they are fresh)."""
    env = dict(os.environ)
    cargo = shutil.which("cargo") or os.path.expanduser("~/.cargo/bin/cargo")
    subprocess.run([cargo, "build", "-q", "-p", "synth-cli", "-p", "synth-fuzz"], cwd=RUST,
                   check=True, env=env)


def generate(seed, count, outdir, extra=()):
    """Run ``synth-fuzz gen``; returns [(seed, path)] of the modules written."""
    proc = subprocess.run([fuzz_bin(), "gen", "--seed", str(seed), "--count", str(count),
                           "--out", outdir] + list(extra), capture_output=True, text=True, check=True)
    out = []
    for line in proc.stdout.splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1] != "error":
            out.append((int(parts[0]), parts[1]))
    return out


def arg_vectors(params, seed):
    """A few argument tuples for ``params``: zeros, edge values, one random vector."""
    if not params:
        return [()]
    rng = random.Random(seed)
    edges = [_edges(t) for t in params]
    out = [tuple(abi_norm(0, t) for t in params)]
    while len(out) < ARG_VECTORS - 1:
        out.append(tuple(abi_norm(rng.choice(e), t) for e, t in zip(edges, params)))
    out.append(tuple(_rand(rng, t) for t in params))
    return out


# --- exported state --------------------------------------------------------------------

@dataclass
class Exports:
    """The non-function exports of a module: globals (name, type) and memory names."""

    globals_: list = field(default_factory=list)
    memories: list = field(default_factory=list)
    #: Symbol of an exported global when it is not ``P name`` (a re-exported import).
    symbols: dict = field(default_factory=dict)
    #: Exports that are imported (host) functions: not called (the host function itself).
    reexported_funcs: set = field(default_factory=set)


def _leb(data, pos):
    """(unsigned LEB128 value, next position)."""
    value = shift = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def _name(data, pos):
    n, pos = _leb(data, pos)
    return data[pos:pos + n].decode("utf-8"), pos + n


def reexported_imports(wasm):
    """({export name: (module, field)} of the exports that re-export an imported global,
    set of the export names that re-export an imported function): the object gives
    those the import's symbol, not ``P name`` (docs/ABI.md)."""
    imported, exports, funcs, pos = [], {}, set(), 8
    imported_funcs = 0
    while pos < len(wasm):
        sid = wasm[pos]
        size, body = _leb(wasm, pos + 1)
        end = body + size
        if sid == 2:  # imports
            count, p = _leb(wasm, body)
            for _ in range(count):
                module, p = _name(wasm, p)
                field_, p = _name(wasm, p)
                kind = wasm[p]
                p += 1
                if kind == 0:  # func: type index
                    imported_funcs += 1
                    _, p = _leb(wasm, p)
                elif kind in (1, 2):  # table (ref type, limits), memory (limits)
                    if kind == 1:
                        p += 1
                    flags = wasm[p]
                    _, p = _leb(wasm, p + 1)
                    if flags & 1:
                        _, p = _leb(wasm, p)
                elif kind == 3:  # global: value type, mutability
                    imported.append((module, field_))
                    p += 2
                else:
                    raise ValueError("import kind %d" % kind)
        elif sid == 7:  # exports
            count, p = _leb(wasm, body)
            for _ in range(count):
                name, p = _name(wasm, p)
                kind = wasm[p]
                index, p = _leb(wasm, p + 1)
                if kind == 3 and index < len(imported):
                    exports[name] = imported[index]
                elif kind == 0 and index < imported_funcs:
                    funcs.add(name)
        pos = end
    return exports, funcs


def exports_of(module, wasm=b""):
    """Exported globals and memories of a compiled wasmtime module (``wasm``: its bytes,
    for the symbols of re-exported imported globals)."""
    ex = Exports()
    reexported, ex.reexported_funcs = reexported_imports(wasm) if wasm else ({}, set())
    for exp in module.exports:
        ty = exp.type
        if isinstance(ty, wasmtime.GlobalType):
            ex.globals_.append((exp.name, str(ty.content)))
            if exp.name in reexported:
                ex.symbols[exp.name] = abi.import_symbol(*reexported[exp.name])
        elif isinstance(ty, wasmtime.MemoryType):
            ex.memories.append(exp.name)
    return ex


def _global_key(value, ty):
    """Comparable form of a global's value: integers signed, floats their bits (any NaN
    the same), funcref null or not."""
    if ty in ("i32", "i64"):
        return normalise(value, ty)
    if floats.is_float(ty):
        return "nan" if floats.is_nan(value, ty) else value
    return "null" if not value else "non-null"


def reference_state(ex, store, instance):
    """{what: value} of the exported globals and memory after a wasmtime call."""
    state = {}
    exports = instance.exports(store)
    for name, ty in ex.globals_:
        v = exports[name].value(store)
        if floats.is_float(ty):
            v = floats.to_bits(float(v), ty)
        elif ty not in ("i32", "i64"):
            # a funcref global holds a Func, or a Val wrapping None when null
            v = v is not None and not (isinstance(v, wasmtime.Val) and v.value is None)
        state["global %r" % name] = _global_key(v, ty)
    if ex.memories:
        mem = exports[ex.memories[0]]
        size = mem.data_len(store)
        state["memory"] = (size, bytes(mem.read(store, 0, size)) if size else b"")
    return state


def emulator_state(ex, emu, prefix=abi.DEFAULT_PREFIX):
    """The same as :func:`reference_state` read from the emulator's memory."""
    state = {}
    for name, ty in ex.globals_:
        sym = ex.symbols.get(name) or abi.export_symbol(name, prefix)
        if ty in ("i64", "f64"):
            v = emu.read_u64(emu.image.address(sym))
        else:
            v = emu.read_u32(emu.image.address(sym))
            if ty not in ("i32", "f32"):
                v = v != 0  # funcref: {sig_id + 1, func}; null is {0, 0}
        state["global %r" % name] = _global_key(v, ty)
    if ex.memories:
        size = emu.read_u32(emu.image.address(prefix + "memory_size"))
        data = emu.read_symbol(prefix + "memory", size) if size else b""
        state["memory"] = (size, data)
    return state


def describe_state_diff(expected, actual):
    """Human-readable differences between two states."""
    out = []
    for key in sorted(set(expected) | set(actual)):
        e, a = expected.get(key), actual.get(key)
        if e == a:
            continue
        if key == "memory" and e and a:
            if e[0] != a[0]:
                out.append("memory size %d, got %d" % (e[0], a[0]))
            else:
                diffs = [i for i in range(e[0]) if e[1][i] != a[1][i]]
                i = diffs[0]
                out.append("memory differs at %d byte(s), first at %d: expected %s, got %s"
                           % (len(diffs), i, e[1][i:i + 8].hex(), a[1][i:i + 8].hex()))
        else:
            out.append("%s: expected %r, got %r" % (key, e, a))
    return "; ".join(out)


# --- one module ------------------------------------------------------------------------

@dataclass
class Finding:
    """One problem: a compile error that is not "unsupported", a disagreement, a fault."""

    kind: str  # compile_error, mismatch, state_mismatch, harness_error
    setting: str
    config: str = configs.DEFAULT.name
    export: str = ""
    args: tuple = ()
    types: tuple = ()
    expected: str = ""
    actual: str = ""

    def __str__(self):
        args = ""
        if self.export:
            shown = [floats.show(a, t) if floats.is_float(t) else str(a) for a, t in zip(self.args, self.types)]
            args = " %s(%s)" % (self.export, ", ".join(shown))
        return "[%s/%s/%s]%s: expected %s, got %s" % (self.kind, self.config, self.setting, args,
                                                       self.expected, self.actual)

    def to_json(self):
        return {"kind": self.kind, "config": self.config, "setting": self.setting, "export": self.export,
                "args": list(self.args), "types": list(self.types),
                "expected": self.expected, "actual": self.actual}


@dataclass
class ModuleResult:
    """What checking one module gave."""

    status: str = "ok"  # ok, unsupported, finding
    exports: int = 0
    calls: int = 0
    skipped_calls: int = 0
    #: Exports with a funcref parameter or result (not called).
    ref_exports: int = 0
    unsupported: str = ""
    findings: list = field(default_factory=list)


def check_module(wasm, workdir, seed=0, settings=SETTINGS, config=configs.DEFAULT):
    """Compile ``wasm`` for ``config`` (:class:`harness.configs.Config`) under each
    bounds-check setting and compare every export with wasmtime; returns a
    :class:`ModuleResult`."""
    result = ModuleResult()
    cname = config.name
    host = standard_env()
    module = wasmtime.Module(wasminfo.engine(), wasm)
    info = wasminfo.inspect(module)
    ex = exports_of(module, wasm)
    ref = Reference(wasm, info, host, module=module)
    expected_cache = {}

    def expected(export, args):
        key = (export, args)
        if key not in expected_cache:
            seen = {}
            out = ref.call(export, args, observe=lambda s, i: seen.update(reference_state(ex, s, i)))
            expected_cache[key] = (out, seen)
        return expected_cache[key]

    for setting, extra in settings:
        sdir = os.path.join(workdir, setting)
        try:
            compiled = wasm2obj.compile_module(wasm, sdir, extra_args=tuple(config.synth_args) + tuple(extra))
        except wasm2obj.CompileError as e:
            msg = str(e)
            if ": unsupported:" in msg:
                result.status = "unsupported"
                result.unsupported = msg.split(": unsupported:", 1)[1].strip()
                return result
            result.findings.append(Finding("compile_error", setting, cname, expected="an object", actual=msg))
            continue
        except subprocess.TimeoutExpired:
            result.findings.append(Finding("compile_error", setting, cname, expected="an object",
                                           actual="synth compile timed out"))
            continue
        try:
            funcs, globals_ = link.imports_for(info.import_list(), host)
            elf = link.link([compiled.obj], sdir, funcs, globals_, config=config)
            emu = Emulator(elf, info, host, config=config)
        except Exception as e:  # a link failure of a synth object is a finding too
            result.findings.append(Finding("harness_error", setting, cname, expected="a linked image",
                                           actual="%s: %s" % (type(e).__name__, e)))
            continue
        for sig in info.exports:
            if sig.name in ex.reexported_funcs:
                continue
            if any(t not in abi.VALUE_TYPES for t in list(sig.params) + list(sig.results)):
                # funcref parameters/results (an i64 table entry at synth's ABI) are not
                # driven by the harness yet: counted, not called
                if setting == settings[0][0]:
                    result.ref_exports += 1
                continue
            if setting == settings[0][0]:
                result.exports += 1
            for args in arg_vectors(sig.params, seed * 7919 + len(sig.name) + hash_name(sig.name)):
                exp, exp_state = expected(sig.name, args)
                if extra and exp.kind == "trap" and exp.trap == "memory_oob":
                    result.skipped_calls += 1
                    continue
                act = emu.call(sig.name, args, LIMIT)
                result.calls += 1
                base = dict(setting=setting, config=cname, export=sig.name, args=args, types=tuple(sig.params))
                if exp.key() != act.key():
                    result.findings.append(Finding("mismatch", expected=exp.describe(),
                                                   actual=act.describe(), **base))
                    continue
                if exp.kind in ("ok", "trap") and not exp.detail.startswith("during init"):
                    act_state = emulator_state(ex, emu)
                    if act_state != exp_state:
                        what = "after %s" % exp.describe()
                        result.findings.append(Finding(
                            "state_mismatch", expected=what,
                            actual=describe_state_diff(exp_state, act_state), **base))
    if result.findings:
        result.status = "finding"
    return result


def hash_name(name):
    """A stable small hash of an export name (argument seeds)."""
    h = 0
    for b in name.encode("utf-8"):
        h = (h * 131 + b) & 0xFFFFFFFF
    return h


# --- driver ----------------------------------------------------------------------------

def _work(job):
    """Worker: check one module file under one configuration; returns (seed, path, config
    name, ModuleResult)."""
    seed, path, workroot, cname = job
    config = configs.get(cname)
    with open(path, "rb") as f:
        wasm = f.read()
    wdir = tempfile.mkdtemp(prefix="m%d-%s-" % (seed, cname), dir=workroot)
    try:
        try:
            res = check_module(wasm, wdir, seed, config=config)
        except Exception as e:  # the harness itself failed: report, never hide
            res = ModuleResult(status="finding", findings=[
                Finding("harness_error", "-", cname, expected="a run", actual="%s: %s" % (type(e).__name__, e))])
    finally:
        shutil.rmtree(wdir, ignore_errors=True)
    return seed, path, cname, res


@dataclass
class Totals:
    """Counts of a campaign."""

    modules: int = 0
    compiled: int = 0
    unsupported: int = 0
    exports: int = 0
    calls: int = 0
    skipped_calls: int = 0
    ref_exports: int = 0
    findings: int = 0
    failing_modules: list = field(default_factory=list)
    unsupported_reasons: dict = field(default_factory=dict)

    def add(self, seed, path, res):
        self.modules += 1
        if res.status == "unsupported":
            self.unsupported += 1
            reason = res.unsupported.split("(offset")[0].strip()
            self.unsupported_reasons[reason] = self.unsupported_reasons.get(reason, 0) + 1
            return
        self.compiled += 1
        self.exports += res.exports
        self.calls += res.calls
        self.skipped_calls += res.skipped_calls
        self.ref_exports += res.ref_exports
        if res.findings:
            self.findings += len(res.findings)
            self.failing_modules.append((seed, path, res))

    def line(self, label="fuzz"):
        return ("%s: %d modules (%d compiled, %d unsupported), %d exports called "
                "(%d with funcref in the signature not called), %d calls compared over both "
                "bounds-check settings (%d no-checks calls not compared: reference memory_oob), "
                "%d findings in %d modules"
                % (label, self.modules, self.compiled, self.unsupported, self.exports, self.ref_exports,
                   self.calls, self.skipped_calls, self.findings, len(self.failing_modules)))


def save_finding(savedir, seed, path, res, config=configs.DEFAULT.name):
    """Copy a failing module and its findings into ``savedir`` (the JSON records the
    configuration, as a corpus entry does)."""
    os.makedirs(savedir, exist_ok=True)
    base = os.path.join(savedir, "seed%d" % seed if config == configs.DEFAULT.name else "seed%d-%s" % (seed, config))
    shutil.copyfile(path, base + ".wasm")
    with open(base + ".json", "w") as f:
        json.dump({"seed": seed, "config": config, "status": "open",
                   "findings": [x.to_json() for x in res.findings[:20]]}, f, indent=1)
        f.write("\n")


def run_campaign(seed, count=None, minutes=None, jobs=1, savedir=None, batch=40, verbose=True,
                 files=None, gen_args=(), config_names=(configs.DEFAULT.name,)):
    """Generate and check modules from ``seed`` on, each under every configuration of
    ``config_names``; returns :class:`Totals` (all configurations together; with
    ``.per_config`` {name: Totals})."""
    totals = Totals()
    per_config = {c: Totals() for c in config_names}
    totals.per_config = per_config
    workroot = tempfile.mkdtemp(prefix="synth-fuzz-")
    deadline = time.time() + minutes * 60 if minutes else None
    pool = multiprocessing.Pool(jobs) if jobs > 1 else None
    try:
        next_seed = seed
        while True:
            if files is not None:
                mods = [(i, p) for i, p in enumerate(files)]
            else:
                n = batch if count is None else min(batch, seed + count - next_seed)
                if n <= 0 or (deadline and time.time() >= deadline):
                    break
                mods = generate(next_seed, n, os.path.join(workroot, "gen"), gen_args)
                next_seed += n
            jobs_list = [(s, p, workroot, c) for s, p in mods for c in config_names]
            results = pool.imap(_work, jobs_list) if pool else map(_work, jobs_list)
            for s, p, c, res in results:
                totals.add(s, p, res)
                per_config[c].add(s, p, res)
                if res.findings and verbose:
                    print("seed %d (%s) [%s]: %d finding(s)" % (s, p, c, len(res.findings)), flush=True)
                    for f in res.findings[:5]:
                        print("  " + str(f), flush=True)
                if res.findings and savedir:
                    save_finding(savedir, s, p, res, c)
            if files is not None:
                break
            if verbose:
                for c in config_names:
                    print(per_config[c].line("fuzz[%s]" % c), flush=True)
    finally:
        if pool:
            pool.terminate()
        shutil.rmtree(workroot, ignore_errors=True)
    return totals


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0, help="first seed")
    ap.add_argument("--count", type=int, help="number of modules")
    ap.add_argument("--minutes", type=float, help="long mode: run for this long")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    ap.add_argument("--save", help="directory for failing modules (+ .json)")
    ap.add_argument("--file", nargs="*", help="check these .wasm files instead of generating")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build first")
    ap.add_argument("--config", action="append", default=[],
                    help="target configuration (tests/harness/configs.py: %s), repeatable, or all; "
                         "default m4" % ", ".join(configs.CONFIGS))
    ap.add_argument("--gen-arg", action="append", default=[],
                    help="extra argument for synth-fuzz gen (e.g. --gen-arg=--floats --gen-arg=off)")
    a = ap.parse_args(argv)
    if a.count is None and a.minutes is None and a.file is None:
        a.count = 100
    if not a.no_build:
        build_tools()
    start = time.time()
    names = [c.name for c in configs.parse(a.config or [configs.DEFAULT.name])]
    totals = run_campaign(a.seed, a.count, a.minutes, a.jobs, a.save, files=a.file, gen_args=a.gen_arg,
                          config_names=names)
    for name in names:
        print(totals.per_config[name].line("fuzz[%s]" % name))
    print(totals.line())
    if totals.unsupported_reasons:
        print("unsupported: " + "; ".join("%s x%d" % kv for kv in sorted(totals.unsupported_reasons.items())))
    modules = totals.modules // len(names)
    print("seeds %d..%d, configs %s, %.0f s" % (a.seed, a.seed + modules - 1, ",".join(names), time.time() - start))
    return 1 if totals.findings else 0


if __name__ == "__main__":
    sys.exit(main())
