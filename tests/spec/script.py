"""Run one converted .wast script against synth under emulation.

Takes the directory synth-wast wrote (``commands.json`` + modules) and returns a list of
:class:`Result` records, one per checked command (modules, actions and assertions), in
script order. Each module is compiled once (``--prefix`` unique per instance), linked
once at its own slot of the shared :class:`spec.machine.Machine` with its imports bound
to the ``spectest`` host image or to registered instances, instantiated (``P init``),
and every later command on it runs in that same address space, so state persists.
Imported memories and tables bind both of their symbols (docs/ABI.md): the provider's
storage and its size word (for a table, the ``{size, capacity}`` words). References cross
exports as checks.py describes (the spec's ``(ref.extern N)`` is handle N + 1).
"""

import json
import os
import re
import subprocess
from dataclasses import dataclass, field

from harness import abi, paths
from harness.link import LinkError

from . import checks, linking, machine as M, wasmmeta

#: Linear memory reserved for a module without a (smaller) declared maximum.
MAX_MEMORY_PAGES = 1024


@dataclass
class Result:
    """Outcome of one command: status is pass, fail or skip."""

    file: str
    line: int
    kind: str
    status: str
    reason: str = ""
    floats: bool = False
    detail: dict = field(default_factory=dict)


class Unavailable(Exception):
    """A module instance a command refers to does not exist (skip or fail with reason)."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def skip_reason(stderr):
    """A named missing feature from synth's error text, or None for other compile errors.

    synth reports features it declines as ``unsupported: ... `feature` ...``. A symbol
    collision is no skip: distinct wasm names always get distinct symbols (docs/ABI.md).
    """
    m = re.search(r"unsupported: (.*)", stderr)
    if not m:
        return None
    text = m.group(1)
    quoted = re.search(r"uses `([^`]*)`", text) or re.search(r"`([^`]*)`", text)
    what = quoted.group(1) if quoted else re.split(r" \(offset|, which", text)[0]
    if re.search(r"\bf(32|64)\b", what):
        return None  # floats are supported: declining one is a compile failure
    if "stack frame" in what:
        return "stack frames beyond the --stack-check limit not supported"
    return "not supported by synth: " + re.sub(r"\d+", "N", what)


@dataclass
class Instance:
    """A compiled, linked, loaded module instance."""

    prefix: str
    meta: object
    image: object
    slots: tuple
    imports: dict  # import symbol -> address
    memory_pages: int = 0
    #: Why this instance's state is not what the script assumes (a module that shares its
    #: table, memory or globals was skipped), or "".
    tainted: str = ""
    #: Instances this one imports from.
    providers: list = field(default_factory=list)

    def taint(self, seen=()):
        """The taint of this instance or of any instance it imports from (transitively)."""
        if self.tainted:
            return self.tainted
        for p in self.providers:
            if p not in seen:
                t = p.taint(seen + (self,))
                if t:
                    return t
        return ""

    def export_type(self, name, machine):
        """(kind, desc) of export ``name`` as an import would see it: func (params, results),
        global (valtype, mutable), memory (current pages, max), table (min, max)."""
        kind, index = self.meta.exports[name]
        if kind == "func":
            return kind, tuple(self.meta.func_type(index))
        if kind == "global":
            return kind, (self.meta.global_type(index), self.meta.global_mutable(index))
        if kind == "table":
            size = machine.read_value(self.table_size_address(name), "i32")
            return kind, ((size, self.meta.table_type(index)[1]), self.meta.table_elem(index))
        limits = self.meta.memory_limits()
        pages = machine.read_value(self.memory_size_address(), "i32") // 65536
        return kind, (pages, limits[1])

    def memory_size_address(self):
        """Address of this instance's memory-size word (its provider's when imported)."""
        imps = self.meta.imported("memory")
        if imps:
            return self.imports[abi.import_symbol(imps[0].module, imps[0].name) + "_size"]
        return self.image.symbols[self.prefix + "memory_size"].value

    def table_size_address(self, name):
        """Address of the ``{size, capacity}`` words of exported table ``name`` (its
        provider's when the table is imported; docs/ABI.md)."""
        imp = self.meta.export_import(name)
        if imp is not None:
            return self.imports[abi.import_symbol(imp.module, imp.name) + "_size"]
        _, index = self.meta.exports[name]
        return self.image.symbols["%stable%d_size" % (self.prefix, index)].value

    def export_address(self, name):
        """Address of export ``name`` (function with Thumb bit, global storage, memory,
        table entries)."""
        if name not in self.meta.exports:
            raise KeyError("no export %r" % name)
        kind, index = self.meta.exports[name]
        imp = self.meta.export_import(name)
        if imp is not None:
            return self.imports[abi.import_symbol(imp.module, imp.name)]
        if kind == "table":
            # Export names add no symbols: a defined table is always `P table i`.
            return self.image.symbols["%stable%d" % (self.prefix, index)].value
        sym = self.prefix + "memory" if kind == "memory" else abi.export_symbol(name, self.prefix)
        if sym not in self.image.symbols:
            raise KeyError("export %r has no symbol %s" % (name, sym))
        return self.image.symbols[sym].value


class ScriptRun:
    """State of one script: machine, instances, registrations, results."""

    def __init__(self, directory, name, workdir, is_float_file):
        self.dir = directory
        self.name = name
        self.work = workdir
        self.is_float_file = is_float_file
        with open(os.path.join(directory, "commands.json")) as f:
            self.commands = json.load(f)["commands"]
        self.stack_check = any(c["type"] == "assert_exhaustion" for c in self.commands)
        # The target (synth --target and the emulator's CPU model): SYNTH_SPEC_TARGET, set by
        # runner.py --target (inherited by its worker processes), default cortex-m4.
        self.cpu_target = os.environ.get("SYNTH_SPEC_TARGET", "cortex-m4")
        self.machine = M.Machine(linking.build_host(workdir), cpu=self.cpu_target,
                                 hard=any(t in ("hard", "--float-abi=hard")
                                          for t in os.environ.get("SYNTH_SPEC_ARGS", "").split()))
        self.named = {}
        self.registered = {}
        self.current = None  # Instance or Unavailable
        self.results = []
        self.counter = 0
        self.unresolved = []
        self.last_meta = None
        self.last_compile_error = ""
        #: Instances whose instantiation trapped but whose functions a shared table or
        #: global may still reference (kept loaded, see keep_or_drop_failed).
        self.kept = []

    # --- bookkeeping -----------------------------------------------------------------
    def record(self, cmd, status, reason="", floats=False, **detail):
        floats = floats or self.is_float_file
        self.results.append(Result(self.name, cmd.get("line", 0), cmd["type"], status, reason,
                                   floats, detail))

    def _alive(self, inst):
        return any(inst is i for i in list(self.named.values()) + list(self.registered.values()))


    def drop(self, inst):
        """Unload an instance no name or registration refers to."""
        if isinstance(inst, Instance) and not self._alive(inst):
            self.machine.release(*inst.slots)

    # --- instantiation ---------------------------------------------------------------
    def compile(self, wasm_path, extra=()):
        """Run synth; returns (object path, None) or (None, (status, reason))."""
        self.counter += 1
        prefix = "m%d_" % self.counter
        obj = os.path.join(self.work, "m%d.o" % self.counter)
        args = [paths.synth_bin(), "compile", wasm_path, "-o", obj, "--prefix", prefix, "--target", self.cpu_target]
        args += list(extra)
        # The runner's --synth-args (an FPU configuration, for example).
        args += os.environ.get("SYNTH_SPEC_ARGS", "").split()
        if self.stack_check:
            args.append("--stack-check")
        self.last_compile_error = ""
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            return None, ("fail", "synth compile timed out"), prefix
        if proc.returncode != 0 or not os.path.exists(obj):
            err = proc.stderr.strip() or "exit %d" % proc.returncode
            self.last_compile_error = err
            reason = skip_reason(err)
            if reason:
                return None, ("skip", reason), prefix
            return None, ("fail", "compile error: " + err[:400]), prefix
        return obj, None, prefix

    def resolve_import(self, imp):
        """Address an import binds to, or None when nothing provides it."""
        if imp.module == "spectest":
            sym = abi.import_symbol("spectest", imp.name)
            if imp.kind in ("memory", "table"):
                return self.machine.host.symbols["spectest_" + imp.kind].value
            s = self.machine.host.symbols.get(sym)
            return s.value if s is not None else None
        inst = self.registered.get(imp.module)
        if not isinstance(inst, Instance):
            return None
        try:
            return inst.export_address(imp.name)
        except KeyError:
            return None

    def import_mismatch(self, imp):
        """Why ``imp`` cannot be linked (the spec's import matching at instantiation), or
        None. The runner plays the instantiating linker: ld would check names only."""
        if imp.module == "spectest":
            exported = linking.SPECTEST_EXPORTS.get(imp.name)
            if exported is not None and exported[0] == "memory":
                size = self.machine.host.symbols["spectest_memory_size"].value
                exported = ("memory", (self.machine.read_value(size, "i32") // 65536, exported[1][1]))
            elif exported is not None and exported[0] == "table":
                size = self.machine.host.symbols["spectest_table_size"].value
                (_, tmax), elem = exported[1]
                exported = ("table", ((self.machine.read_value(size, "i32"), tmax), elem))
        else:
            inst = self.registered.get(imp.module)
            if not isinstance(inst, Instance) or imp.name not in inst.meta.exports:
                exported = None
            else:
                exported = inst.export_type(imp.name, self.machine)
        if exported is None:
            return "unknown import %s.%s" % (imp.module, imp.name)
        kind, actual = exported
        want = imp.desc
        if imp.kind == "global":
            want = (imp.desc, imp.mutable)
        elif imp.kind == "func":
            want = tuple(imp.desc)
        elif imp.kind == "table":
            want = (imp.desc, imp.elem)
        ok = kind == imp.kind
        if ok and kind == "table":
            ok = actual[1] == want[1]  # element types match exactly
            actual, want = actual[0], want[0]
        if ok and kind in ("memory", "table"):
            (amin, amax), (wmin, wmax) = actual, want
            ok = amin >= wmin and (wmax is None or (amax is not None and amax <= wmax))
        elif ok:
            ok = actual == want
        if not ok:
            return "incompatible import type for %s.%s: %s %s, import wants %s %s" % (
                imp.module, imp.name, kind, actual, imp.kind, want)
        return None

    def resolve_table_size(self, imp):
        """Address of the ``{size, capacity}`` words of the table ``imp`` binds to."""
        if imp.module == "spectest":
            return self.machine.host.symbols["spectest_table_size"].value
        return self.registered[imp.module].table_size_address(imp.name)

    def resolve_memory_size(self, imp):
        """Address of the size word of the memory ``imp`` binds to (docs/ABI.md)."""
        if imp.module == "spectest":
            return self.machine.host.symbols["spectest_memory_size"].value
        inst = self.registered[imp.module]
        reexported = inst.meta.export_import(imp.name)
        if reexported is not None:
            return inst.imports[abi.import_symbol(reexported.module, reexported.name) + "_size"]
        return inst.memory_size_address()

    def memory_flags(self, meta):
        """--max-memory-pages for a module: its provider's size when memory is imported."""
        imps = meta.imported("memory")
        if imps:
            imp = imps[0]
            if imp.module == "spectest":
                return ["--max-memory-pages", str(linking.SPECTEST_MEMORY_PAGES)]
            inst = self.registered.get(imp.module)
            if isinstance(inst, Instance) and inst.memory_pages:
                return ["--max-memory-pages", str(inst.memory_pages)]
            return []
        return ["--max-memory-pages", str(MAX_MEMORY_PAGES)] if meta.memories else []

    def instantiate(self, wasm_path, run_init=True):
        """Compile, link, load and init a module.

        Returns (Instance or None, stage, outcome) where stage is one of 'ok', 'skip',
        'compile', 'link', 'init' and outcome the reason text or the init Outcome.
        """
        with open(wasm_path, "rb") as f:
            data = f.read()
        try:
            meta = wasmmeta.parse(data)
        except wasmmeta.MetaError as e:
            meta = None
            meta_err = str(e)
        self.last_meta = meta
        for imp in meta.imports if meta else []:
            prov = self.registered.get(imp.module)
            if isinstance(prov, Unavailable):
                return None, prov.status if prov.status == "skip" else "link", \
                    "imports from module %r, which is unavailable: %s" % (imp.module, prov.reason)
        for imp in meta.imports if meta else []:
            why = self.import_mismatch(imp)
            if why:
                return None, "link", why
        obj, err, prefix = self.compile(wasm_path, self.memory_flags(meta) if meta else [])
        if err:
            return None, ("skip" if err[0] == "skip" else "compile"), err[1]
        if meta is None:
            return None, "compile", "synth accepted bytes the runner cannot parse: " + meta_err
        defsyms = {"synth_trap": self.machine.trap_addr | 1,
                   "synth_stack_limit": self.machine.host.symbols["synth_stack_limit"].value}
        defsyms.update(linking.runtime_defsyms(obj, self.machine.host))
        unresolved = []
        for imp in meta.imports:
            addr = self.resolve_import(imp)
            sym = abi.import_symbol(imp.module, imp.name)
            if addr is None:
                unresolved.append("%s.%s" % (imp.module, imp.name))
            else:
                defsyms[sym] = addr
                if imp.kind == "memory":
                    defsyms[sym + "_size"] = self.resolve_memory_size(imp)
                elif imp.kind == "table":
                    defsyms[sym + "_size"] = self.resolve_table_size(imp)
        try:
            code_size, data_size = linking.slot_sizes(obj)
            code, dat = self.machine.reserve(code_size, data_size)
        except MemoryError as e:
            return None, "link", str(e)
        try:
            elf = linking.link_module(obj, self.work, prefix.rstrip("_"), code[0], dat[0], defsyms)
        except LinkError as e:
            self.machine.release(code, dat)
            extra = " (unresolved imports: %s)" % ", ".join(unresolved) if unresolved else ""
            return None, "link", str(e).strip().splitlines()[-1][:300] + extra
        image = M.elfmod.read(elf)
        undefined = sorted({s.name for s in image.symbol_list
                            if s.shndx == 0 and s.name and s.bind != 0})
        if undefined:
            self.machine.release(code, dat)
            return None, "link", "undefined symbols: " + ", ".join(undefined)
        self.unresolved = unresolved
        self.machine.load(image)
        limits = meta.memory_limits()
        pages = 0
        if limits is not None:
            pages = min(limits[1] if limits[1] is not None else MAX_MEMORY_PAGES, MAX_MEMORY_PAGES)
            if meta.imported("memory"):
                pages = 0
        inst = Instance(prefix, meta, image, (code, dat), defsyms, pages)
        inst.providers = [self.registered[i.module] for i in meta.imports
                          if isinstance(self.registered.get(i.module), Instance)]
        if not run_init:
            return inst, "ok", None
        out = self.machine.call(image.address(abi.init_symbol(prefix)), [], [], [])
        if out.kind != "ok":
            return inst, "init", out
        return inst, "ok", None

    # --- commands ----------------------------------------------------------------------
    def target(self, action):
        """The Instance an action refers to; raises Unavailable."""
        name = action.get("module")
        inst = self.named.get(name, Unavailable("fail", "no module named %s" % name)) \
            if name else self.current
        if inst is None:
            raise Unavailable("fail", "no current module")
        if isinstance(inst, Unavailable):
            raise inst
        return inst

    def perform(self, action):
        """Run an invoke/get action; returns (Outcome, result types)."""
        inst = self.target(action)
        field_ = action["field"]
        if action["type"] == "get":
            kind, index = inst.meta.exports[field_]
            ty = inst.meta.global_type(index)
            if ty not in checks.VALUE_TYPES:
                raise Unavailable("skip", "%s globals not supported" % ty)
            value = self.machine.read_value(inst.export_address(field_), checks.abi_type(ty))
            return M.Outcome("ok", values=(value,), types=(ty,)), [ty]
        kind, index = inst.meta.exports[field_]
        params, results = inst.meta.func_type(index)
        for ty in params + results:
            if ty not in checks.VALUE_TYPES:
                raise Unavailable("skip", "%s values not supported" % ty)
        # i32/i64 as their unsigned value, f32/f64 as their bit pattern (commands.json form),
        # references as the ABI passes them (checks.arg_value)
        args = [checks.arg_value(a) for a in action.get("args", [])]
        abi_params = [checks.abi_type(t) for t in params]
        abi_results = [checks.abi_type(t) for t in results]
        return self.machine.call(inst.export_address(field_), abi_params, args, abi_results), results

    def run(self):
        """Execute every command; returns the results."""
        for cmd in self.commands:
            try:
                handler = getattr(self, "cmd_" + cmd["type"], None)
                if handler is None:
                    self.record(cmd, "fail", "runner does not know command %s" % cmd["type"])
                else:
                    handler(cmd)
                    self._untaint_failure(cmd)
            except Unavailable as u:
                self.record(cmd, u.status, u.reason, floats=self.has_floats(cmd),
                            action=self.describe(cmd))
            except Exception as e:  # a runner bug must not hide the other results
                self.record(cmd, "fail", "runner error: %s: %s" % (type(e).__name__, e),
                            action=self.describe(cmd))
        return self.results

    def _untaint_failure(self, cmd):
        """A failure on an instance whose shared state a skipped module should have changed
        is a consequence of that skip: record it as skipped with that feature named."""
        last = self.results[-1] if self.results else None
        if last is None or last.status != "fail" or "action" not in cmd:
            return
        try:
            inst = self.target(cmd["action"])
        except Unavailable:
            return
        taint = inst.taint()
        if taint:
            last.status = "skip"
            last.reason = "shared state from a skipped module (%s)" % taint

    def _taint_providers(self, meta, why):
        for imp in meta.imports if meta else []:
            inst = self.registered.get(imp.module)
            if isinstance(inst, Instance) and imp.kind in ("table", "memory", "global"):
                inst.tainted = why

    def _meta_floats(self):
        """Does the module just instantiated mention f32/f64 in its types (a module
        command is then reported with the float assertions)?"""
        return bool(self.last_meta and self.last_meta.uses_floats())

    def has_floats(self, cmd):
        action = cmd.get("action", {})
        types = checks.value_types(action.get("args", [])) + checks.value_types(cmd.get("expected", []))
        return any(t in checks.FLOAT_TYPES for t in types)

    def describe(self, cmd):
        action = cmd.get("action")
        if not action:
            return cmd.get("filename", "")
        who = action.get("module", "")
        return "%s %s%s(%s)" % (action["type"], who + "." if who else "", action["field"],
                                checks.show_values(action.get("args", [])))

    def module_path(self, cmd):
        return os.path.join(self.dir, cmd["filename"])

    def cmd_module(self, cmd):
        old = self.current
        self.current = None
        self.drop(old) if not isinstance(old, Unavailable) else None
        if cmd.get("module_type") != "binary":
            self.current = Unavailable("fail", "module text did not encode")
            self.record(cmd, "fail", "module text did not encode: %s" % cmd.get("encode_error"))
            return
        inst, stage, why = self.instantiate(self.module_path(cmd))
        if stage == "ok":
            self.current = inst
            self.record(cmd, "pass", floats=self._meta_floats())
        elif stage == "skip":
            self.current = Unavailable("skip", why)
            self._taint_providers(self.last_meta, why)
            self.record(cmd, "skip", why, floats=self._meta_floats())
        else:
            reason = why if isinstance(why, str) else "init %s" % why.describe()
            self.keep_or_drop_failed(inst, stage)
            self.current = Unavailable("fail", "module failed (%s): %s" % (stage, reason))
            self.record(cmd, "fail", "%s failed: %s" % (stage, reason), floats=self._meta_floats())
        if cmd.get("name"):
            self.named[cmd["name"]] = self.current

    def cmd_register(self, cmd):
        inst = self.named.get(cmd["name"]) if cmd.get("name") else self.current
        if isinstance(inst, (Instance, Unavailable)):
            self.registered[cmd["as"]] = inst
        else:
            self.registered.pop(cmd["as"], None)

    def cmd_action(self, cmd):
        out, _ = self.perform(cmd["action"])
        if out.kind in ("ok",):
            self.record(cmd, "pass")
        else:
            self.record(cmd, "fail", "action did not complete", action=self.describe(cmd),
                        actual=out.describe() + self._trap_text(out))

    @staticmethod
    def _trap_text(out):
        code = getattr(out, "trap_code", None)
        return "" if code is None else " (%s)" % checks.trap_message(code)

    def cmd_assert_return(self, cmd):
        floats = self.has_floats(cmd)
        expected = cmd.get("expected", [])
        out, types = self.perform(cmd["action"])
        ok = (out.kind == "ok" and len(out.values) == len(expected)
              and all(checks.matches(e, v, t) for e, v, t in zip(expected, out.values, types)))
        if ok:
            self.record(cmd, "pass", floats=floats)
        else:
            actual = out.describe() + self._trap_text(out)
            if out.kind == "ok":
                actual = "ok " + checks.show_actual(out.values, types)
            self.record(cmd, "fail", "wrong result", floats=floats, action=self.describe(cmd),
                        expected=checks.show_values(expected), actual=actual)

    def _expect_trap(self, cmd, want_code=None):
        out, _ = self.perform(cmd["action"])
        code = getattr(out, "trap_code", None)
        expected = cmd.get("text", "")
        if out.kind == "trap" and (checks.message_matches(expected, checks.trap_message(code))
                                   if want_code is None else code == want_code):
            self.record(cmd, "pass", floats=self.has_floats(cmd))
            return
        actual = out.describe() + self._trap_text(out)
        if out.kind == "ok":
            actual = "returned %s" % (out.values,)
        self.record(cmd, "fail", "no matching trap", floats=self.has_floats(cmd),
                    action=self.describe(cmd), expected="trap: " + expected, actual=actual)

    def cmd_assert_trap(self, cmd):
        self._expect_trap(cmd)

    def cmd_assert_exhaustion(self, cmd):
        self._expect_trap(cmd, want_code=8)

    def _expect_rejected(self, cmd, category):
        """synth must reject the module with a ``category`` error (``malformed`` or
        ``invalid``: the CLI prints ``error: malformed wasm module ...`` or
        ``error: invalid wasm module ...``)."""
        if cmd.get("module_type") == "text":
            # The text front end rejected it before any binary existed for synth to see.
            self.record(cmd, "pass")
            return
        expected = "%s (%s)" % (category, cmd.get("text", ""))
        obj, err, _ = self.compile(self.module_path(cmd))
        if not err:
            self.record(cmd, "fail", "synth accepted the module", action=cmd["filename"],
                        expected=expected, actual="compiled")
            return
        actual = self.last_compile_error
        if re.search(r"\b%s wasm module\b" % category, actual):
            self.record(cmd, "pass")
        else:
            self.record(cmd, "fail", "rejected, but not as %s" % category, action=cmd["filename"],
                        expected=expected, actual=actual.splitlines()[-1][:300] if actual else "?")

    def cmd_assert_invalid(self, cmd):
        self._expect_rejected(cmd, "invalid")

    def cmd_assert_malformed(self, cmd):
        self._expect_rejected(cmd, "malformed")

    def cmd_assert_unlinkable(self, cmd):
        inst, stage, why = self.instantiate(self.module_path(cmd), run_init=False)
        if inst is not None:
            self.drop(inst)
        if stage == "skip" and why.startswith("imports from module"):
            self.record(cmd, "skip", why)
        elif stage in ("compile", "link", "skip"):
            self.record(cmd, "pass")
        else:
            why = "module linked"
            if self.unresolved:
                why += " (object has no undefined symbol for unresolved import %s)" % (
                    ", ".join(self.unresolved))
            self.record(cmd, "fail", why, action=cmd["filename"],
                        expected="link error: " + cmd.get("text", ""), actual="linked")

    def keep_or_drop_failed(self, inst, stage):
        """Unload an instance whose instantiation failed, unless its init ran and it imports
        a table or a global: element segments or its start function may have stored
        references to its functions there, which the spec's store keeps alive."""
        if inst is None:
            return
        if stage == "init" and any(i.kind in ("table", "global") for i in inst.meta.imports):
            self.kept.append(inst)
        else:
            self.drop(inst)

    def cmd_assert_uninstantiable(self, cmd):
        inst, stage, why = self.instantiate(self.module_path(cmd))
        self.keep_or_drop_failed(inst, stage)
        expected = cmd.get("text", "")
        if stage == "init" and why.kind == "trap" and checks.message_matches(
                expected, checks.trap_message(getattr(why, "trap_code", 0))):
            self.record(cmd, "pass")
        elif stage == "skip":
            self._taint_providers(self.last_meta, why)
            self.record(cmd, "skip", why, floats=self._meta_floats())
        else:
            actual = why.describe() if stage == "init" else "%s: %s" % (stage, why)
            self.record(cmd, "fail", "instantiation did not trap", action=cmd["filename"],
                        expected="trap: " + expected, actual=actual if stage != "ok" else "init returned")

    def cmd_unsupported(self, cmd):
        self.record(cmd, "skip", "converter: %s" % cmd.get("reason", "unsupported directive"))
