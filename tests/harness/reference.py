"""Run the same export under wasmtime and map traps to the harness categories.

f32/f64 values cross the Python boundary as bit patterns, never as Python floats (which
would quiet signalling NaNs and lose f32 payloads): an export whose signature has floats
is called through a small adapter module that takes and returns i32/i64 and reinterprets
them, and a host function with floats is given to the module through the reverse adapter.
"""

import wasmtime

from . import floats
from .outcome import Outcome, normalise
from .wasminfo import engine

#: The integer type with the same bits as each float type.
_AS_INT = {"f32": "i32", "f64": "i64"}


def int_types(types):
    """``types`` with f32/f64 replaced by i32/i64."""
    return [_AS_INT.get(t, t) for t in types]


def _convert(src, dst):
    """Instruction text turning a value of type ``src`` into ``dst`` (same bits)."""
    if src == dst:
        return ""
    return "%s.reinterpret_%s" % (dst, src)


def adapter_wat(inner_params, inner_results, outer_params, outer_results):
    """A module importing ``t.f`` (inner signature) and exporting ``f`` (outer signature)
    that reinterprets each argument and result between the two (same bit widths)."""
    n = len(outer_params)
    body = []
    for i, (o, t) in enumerate(zip(outer_params, inner_params)):
        body.append("local.get %d %s" % (i, _convert(o, t)))
    body.append("call $f")
    for i in reversed(range(len(inner_results))):
        body.append("local.set %d" % (n + i))
    for i, (t, o) in enumerate(zip(inner_results, outer_results)):
        body.append("local.get %d %s" % (n + i, _convert(t, o)))
    sig = lambda ps, rs: "(param %s) (result %s)" % (" ".join(ps), " ".join(rs))  # noqa: E731
    return ('(module (import "t" "f" (func $f %s))\n'
            '  (func (export "f") %s (local %s)\n    %s))\n'
            % (sig(inner_params, inner_results), sig(outer_params, outer_results),
               " ".join(inner_results), "\n    ".join(body)))


def has_floats(params, results):
    """Does a signature mention f32/f64?"""
    return any(floats.is_float(t) for t in list(params) + list(results))

_TRAPS = {
    wasmtime.TrapCode.UNREACHABLE: "unreachable",
    wasmtime.TrapCode.MEMORY_OUT_OF_BOUNDS: "memory_oob",
    wasmtime.TrapCode.INTEGER_DIVISION_BY_ZERO: "div_by_zero",
    wasmtime.TrapCode.INTEGER_OVERFLOW: "int_overflow",
    wasmtime.TrapCode.TABLE_OUT_OF_BOUNDS: "undefined_element",
    wasmtime.TrapCode.INDIRECT_CALL_TO_NULL: "uninitialized_element",
    wasmtime.TrapCode.BAD_SIGNATURE: "indirect_type_mismatch",
    wasmtime.TrapCode.STACK_OVERFLOW: "stack_exhausted",
    wasmtime.TrapCode.BAD_CONVERSION_TO_INTEGER: "bad_conversion",
}

_MESSAGES = [
    ("unreachable", "unreachable"), ("out of bounds memory", "memory_oob"),
    ("divide by zero", "div_by_zero"), ("integer overflow", "int_overflow"),
    ("undefined element", "undefined_element"), ("uninitialized element", "uninitialized_element"),
    ("indirect call type mismatch", "indirect_type_mismatch"), ("call stack exhausted", "stack_exhausted"),
    ("invalid conversion", "bad_conversion"),
]


def trap_category(trap):
    """Category name of a wasmtime Trap (by code, falling back to its message)."""
    code = getattr(trap, "trap_code", None)
    if code in _TRAPS:
        return _TRAPS[code]
    msg = str(trap)
    for needle, name in _MESSAGES:
        if needle in msg:
            return name
    return "unknown_trap"


#: Opcode of call_indirect: its out-of-table index is "undefined element" (ABI code 5);
#: table.get/set/fill/copy/init out of bounds is "out of bounds table access" (code 10).
_CALL_INDIRECT = 0x11


def table_trap_category(trap, wasm):
    """Refine wasmtime's one TABLE_OUT_OF_BOUNDS code by the trapping instruction: the
    opcode at the innermost frame's module offset (call_indirect: ``undefined_element``;
    a table instruction: ``table_oob``; no wasm frame, i.e. element segment
    initialisation: ``table_oob``)."""
    frames = trap.frames or []
    if not frames:
        return "table_oob"
    offset = frames[0].module_offset
    if offset is not None and 0 <= offset < len(wasm) and wasm[offset] != _CALL_INDIRECT:
        return "table_oob"
    return "undefined_element"


def _val(ty, v):
    if ty == "f32":
        return wasmtime.Val.f32(floats.to_value(v, ty))
    if ty == "f64":
        return wasmtime.Val.f64(floats.to_value(v, ty))
    return wasmtime.Val.i64(normalise(v, "i64")) if ty == "i64" else wasmtime.Val.i32(normalise(v, "i32"))


def _functype(params, results):
    vt = {"i32": wasmtime.ValType.i32(), "i64": wasmtime.ValType.i64(),
          "f32": wasmtime.ValType.f32(), "f64": wasmtime.ValType.f64()}
    return wasmtime.FuncType([vt[t] for t in params], [vt[t] for t in results])


class Reference:
    """A wasm module runnable under wasmtime with the given host env."""

    def __init__(self, wasm, info, host, module=None):
        self.wasm = wasm
        self.module = module if module is not None else wasmtime.Module(engine(), wasm)
        self.info = info
        self.host = host
        self._adapters = {}

    def _adapter(self, inner, outer):
        """Compiled adapter module between signatures ``inner`` and ``outer`` (cached)."""
        key = (tuple(map(tuple, inner)), tuple(map(tuple, outer)))
        if key not in self._adapters:
            wat = adapter_wat(inner[0], inner[1], outer[0], outer[1])
            self._adapters[key] = wasmtime.Module(engine(), wasmtime.wat2wasm(wat))
        return self._adapters[key]

    def _import_func(self, store, module, name, ty):
        params, results = [str(p) for p in ty.params], [str(r) for r in ty.results]
        if not has_floats(params, results):
            return wasmtime.Func(store, ty, self._host_fn(module, name, params, results))
        iparams, iresults = int_types(params), int_types(results)
        host = wasmtime.Func(store, _functype(iparams, iresults),
                             self._host_fn(module, name, params, results, ints=True))
        adapter = self._adapter((iparams, iresults), (params, results))
        return wasmtime.Instance(store, adapter, [host]).exports(store)["f"]

    def _instantiate(self, store):
        imports = []
        for imp in self.module.imports:
            ty = imp.type
            if isinstance(ty, wasmtime.FuncType):
                imports.append(self._import_func(store, imp.module, imp.name, ty))
            elif isinstance(ty, wasmtime.GlobalType):
                value = self.host.global_value(imp.module, imp.name)
                imports.append(wasmtime.Global(store, ty, _val(str(ty.content), value)))
            else:
                raise RuntimeError("unsupported import kind %s.%s" % (imp.module, imp.name))
        return wasmtime.Instance(store, self.module, imports)

    def _host_fn(self, module, name, params, results, ints=False):
        """A Python callable for wasmtime; with ``ints`` its float positions are the
        i32/i64 of the adapter (bits in, bits out)."""
        out_types = int_types(results) if ints else results

        def fn(*args):
            args = [normalise(a, t) for a, t in zip(args, params)]
            value = self.host.call(module, name, args, params)
            if len(results) >= 2:
                return [normalise(v, t) for v, t in zip(value, out_types)]
            if results:
                return normalise(value, out_types[0])
            return None
        return fn

    def call(self, export, args, observe=None):
        """Fresh instance, then call ``export``; returns an Outcome. ``observe(store,
        instance)``, if given, runs after the call returned or trapped (not when
        instantiation trapped), e.g. to read exported memory and globals."""
        sig = self.info.export(export)
        self.host.log = []
        store = wasmtime.Store(engine())
        try:
            instance = self._instantiate(store)
        except wasmtime.Trap as t:
            category = trap_category(t)
            if category == "undefined_element":
                # wasmtime reports element segments out of table bounds with the same code
                # and message as call_indirect's undefined element
                category = table_trap_category(t, self.wasm)
            return Outcome("trap", trap=category, detail="during init: " + str(t).splitlines()[-1],
                           host_calls=list(self.host.log))
        func = instance.exports(store)[export]
        call_types = sig.params
        if has_floats(sig.params, sig.results):
            call_types = int_types(sig.params)
            adapter = self._adapter((sig.params, sig.results), (call_types, int_types(sig.results)))
            func = wasmtime.Instance(store, adapter, [func]).exports(store)["f"]
        cargs = [normalise(a, t) for a, t in zip(args, call_types)]
        try:
            res = func(store, *cargs)
        except wasmtime.Trap as t:
            if observe is not None:
                observe(store, instance)
            category = trap_category(t)
            if category == "undefined_element":
                category = table_trap_category(t, self.wasm)
            return Outcome("trap", trap=category, detail=str(t).splitlines()[-1],
                           host_calls=list(self.host.log))
        if observe is not None:
            observe(store, instance)
        if res is None:
            values = ()
        elif isinstance(res, (list, tuple)):
            values = tuple(res)
        else:
            values = (res,)
        values = tuple(normalise(v, t) for v, t in zip(values, sig.results))
        return Outcome("ok", values=values, types=tuple(sig.results), host_calls=list(self.host.log))
