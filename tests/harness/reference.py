"""Run the same export under wasmtime and map traps to the harness categories."""

import wasmtime

from .outcome import Outcome, normalise
from .wasminfo import engine

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


def _val(ty, v):
    return wasmtime.Val.i64(normalise(v, "i64")) if ty == "i64" else wasmtime.Val.i32(normalise(v, "i32"))


class Reference:
    """A wasm module runnable under wasmtime with the given host env."""

    def __init__(self, wasm, info, host):
        self.module = wasmtime.Module(engine(), wasm)
        self.info = info
        self.host = host

    def _instantiate(self, store):
        imports = []
        for imp in self.module.imports:
            ty = imp.type
            if isinstance(ty, wasmtime.FuncType):
                imports.append(wasmtime.Func(store, ty, self._host_fn(imp.module, imp.name, ty)))
            elif isinstance(ty, wasmtime.GlobalType):
                value = self.host.global_value(imp.module, imp.name)
                imports.append(wasmtime.Global(store, ty, _val(str(ty.content), value)))
            else:
                raise RuntimeError("unsupported import kind %s.%s" % (imp.module, imp.name))
        return wasmtime.Instance(store, self.module, imports)

    def _host_fn(self, module, name, ty):
        results = [str(r) for r in ty.results]

        def fn(*args):
            value = self.host.call(module, name, list(args))
            if len(results) >= 2:
                return [normalise(v, t) for v, t in zip(value, results)]
            if results:
                return normalise(value, results[0])
            return None
        return fn

    def call(self, export, args):
        """Fresh instance, then call ``export``; returns an Outcome."""
        sig = self.info.export(export)
        self.host.log = []
        store = wasmtime.Store(engine())
        try:
            instance = self._instantiate(store)
        except wasmtime.Trap as t:
            category = trap_category(t)
            if category == "undefined_element":
                # wasmtime reports element segments out of table bounds with the same code
                # and message as call_indirect's undefined element; during instantiation
                # only segment initialisation can cause it (ABI code 10).
                category = "table_oob"
            return Outcome("trap", trap=category, detail="during init: " + str(t).splitlines()[-1],
                           host_calls=list(self.host.log))
        func = instance.exports(store)[export]
        cargs = [normalise(a, t) for a, t in zip(args, sig.params)]
        try:
            res = func(store, *cargs)
        except wasmtime.Trap as t:
            return Outcome("trap", trap=trap_category(t), detail=str(t).splitlines()[-1],
                           host_calls=list(self.host.log))
        if res is None:
            values = ()
        elif isinstance(res, (list, tuple)):
            values = tuple(res)
        else:
            values = (res,)
        values = tuple(normalise(v, t) for v, t in zip(values, sig.results))
        return Outcome("ok", values=values, host_calls=list(self.host.log))
