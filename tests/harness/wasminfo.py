"""Signatures of a module's exports and imports, read with wasmtime's parser."""

from dataclasses import dataclass

import wasmtime

_ENGINE = None


def engine():
    """A shared wasmtime engine."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = wasmtime.Engine()
    return _ENGINE


@dataclass
class FuncSig:
    """Name and integer signature of an exported or imported function."""

    module: str
    name: str
    params: list
    results: list


@dataclass
class ModuleInfo:
    """Function exports and imports of a module."""

    exports: list  # FuncSig (module = "")
    func_imports: list  # FuncSig
    global_imports: list  # (module, name, valtype str, mutable)

    def export(self, name):
        """The FuncSig of export ``name``."""
        for sig in self.exports:
            if sig.name == name:
                return sig
        raise KeyError(name)

    def import_list(self):
        """(module, name, kind, type) tuples for link.imports_for."""
        out = [(f.module, f.name, "func", None) for f in self.func_imports]
        out += [(m, n, "global", ty) for m, n, ty, _mut in self.global_imports]
        return out


def inspect(wasm):
    """ModuleInfo of wasm bytes (or of an already compiled ``wasmtime.Module``)."""
    module = wasm if isinstance(wasm, wasmtime.Module) else wasmtime.Module(engine(), wasm)
    exports = []
    for exp in module.exports:
        ty = exp.type
        if isinstance(ty, wasmtime.FuncType):
            exports.append(FuncSig("", exp.name, [str(p) for p in ty.params],
                                   [str(r) for r in ty.results]))
    funcs, globals_ = [], []
    for imp in module.imports:
        ty = imp.type
        if isinstance(ty, wasmtime.FuncType):
            funcs.append(FuncSig(imp.module, imp.name, [str(p) for p in ty.params],
                                 [str(r) for r in ty.results]))
        elif isinstance(ty, wasmtime.GlobalType):
            globals_.append((imp.module, imp.name, str(ty.content), ty.mutable))
    return ModuleInfo(exports, funcs, globals_)
