"""Just enough of a wasm binary to drive the spec runner.

Takes module bytes and returns a :class:`Meta`: function types, imports and exports of
every kind (with value types, memory limits, which entity an export refers to), so the
runner can call exports per docs/ABI.md, read exported globals and resolve imports
between modules. Raises :class:`MetaError` on bytes it cannot parse (only modules that
are meant to be valid are inspected).
"""

from dataclasses import dataclass, field

VALTYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128",
            0x70: "funcref", 0x6F: "externref"}
KINDS = {0: "func", 1: "table", 2: "memory", 3: "global"}


class MetaError(Exception):
    """The bytes are not a wasm module this reader understands."""


@dataclass
class Import:
    """One import: kind is func/table/memory/global; desc is the FuncType, limits or valtype
    (``mutable`` only for globals, ``elem``, funcref or externref, only for tables)."""

    module: str
    name: str
    kind: str
    desc: object
    mutable: bool = False
    elem: str = ""


@dataclass
class Meta:
    """Signatures and linkage facts of one module."""

    types: list = field(default_factory=list)  # [(params, results)]
    imports: list = field(default_factory=list)  # [Import]
    funcs: list = field(default_factory=list)  # type index per defined function
    globals: list = field(default_factory=list)  # valtype per defined global
    global_mut: list = field(default_factory=list)  # mutability per defined global
    memories: list = field(default_factory=list)  # (min, max|None) per defined memory
    table_limits: list = field(default_factory=list)  # (min, max|None) per defined table
    table_elems: list = field(default_factory=list)  # element type per defined table
    exports: dict = field(default_factory=dict)  # name -> (kind, index)

    def imported(self, kind):
        """Imports of ``kind`` in index order."""
        return [i for i in self.imports if i.kind == kind]

    def func_type(self, index):
        """(params, results) of function ``index`` (imports first)."""
        imps = self.imported("func")
        if index < len(imps):
            return imps[index].desc
        return self.types[self.funcs[index - len(imps)]]

    def global_type(self, index):
        """Value type of global ``index`` (imports first)."""
        imps = self.imported("global")
        if index < len(imps):
            return imps[index].desc
        return self.globals[index - len(imps)]

    @property
    def tables(self):
        """Number of defined tables."""
        return len(self.table_limits)

    def global_mutable(self, index):
        """Mutability of global ``index`` (imports first)."""
        imps = self.imported("global")
        if index < len(imps):
            return imps[index].mutable
        return self.global_mut[index - len(imps)]

    def table_type(self, index):
        """(min, max|None) of table ``index`` (imports first)."""
        imps = self.imported("table")
        if index < len(imps):
            return imps[index].desc
        return self.table_limits[index - len(imps)]

    def table_elem(self, index):
        """Element type (funcref/externref) of table ``index`` (imports first)."""
        imps = self.imported("table")
        if index < len(imps):
            return imps[index].elem
        return self.table_elems[index - len(imps)]

    def export_import(self, name):
        """The Import an export re-exports, or None when it is a defined entity."""
        kind, index = self.exports[name]
        imps = self.imported(kind)
        return imps[index] if index < len(imps) else None

    def memory_limits(self):
        """(min, max|None) of memory 0, imported or defined; None without memory."""
        imps = self.imported("memory")
        if imps:
            return imps[0].desc
        return self.memories[0] if self.memories else None

    def uses_floats(self):
        """True if any signature, global or import mentions f32/f64."""
        types = [t for p, r in self.types for t in p + r] + list(self.globals)
        types += [i.desc for i in self.imports if i.kind == "global"]
        return any(t in ("f32", "f64") for t in types)


class _Reader:
    def __init__(self, data, pos=0, end=None):
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def byte(self):
        if self.pos >= self.end:
            raise MetaError("unexpected end")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def u32(self):
        result, shift = 0, 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result
            if shift > 63:
                raise MetaError("LEB too long")

    def skip(self, n):
        self.pos += n

    def name(self):
        n = self.u32()
        s = bytes(self.data[self.pos:self.pos + n]).decode("utf-8", "replace")
        self.pos += n
        return s

    def valtype(self):
        b = self.byte()
        return VALTYPES.get(b, "0x%02x" % b)

    def limits(self):
        flags = self.byte()
        lo = self.u32()
        hi = self.u32() if flags & 1 else None
        return lo, hi

    def const_expr(self):
        while True:
            op = self.byte()
            if op == 0x0B:
                return
            if op in (0x41, 0x42, 0x23, 0xD2):  # i32/i64.const (LEB), global.get, ref.func
                self.u32()
            elif op == 0x43:
                self.skip(4)
            elif op == 0x44:
                self.skip(8)
            elif op == 0xD0:
                self.byte()
            elif op == 0xFD:  # v128.const
                self.u32()
                self.skip(16)
            else:
                raise MetaError("unknown constant opcode 0x%02x" % op)


def parse(data):
    """Meta of wasm module ``data``."""
    if bytes(data[:4]) != b"\0asm":
        raise MetaError("not a wasm module")
    meta = Meta()
    r = _Reader(data, 8)
    while r.pos < len(data):
        sid = r.byte()
        size = r.u32()
        s = _Reader(data, r.pos, r.pos + size)
        r.skip(size)
        if sid == 1:
            for _ in range(s.u32()):
                if s.byte() != 0x60:
                    raise MetaError("bad func type")
                params = [s.valtype() for _ in range(s.u32())]
                results = [s.valtype() for _ in range(s.u32())]
                meta.types.append((params, results))
        elif sid == 2:
            for _ in range(s.u32()):
                mod, name, kind = s.name(), s.name(), KINDS.get(s.byte(), "?")
                if kind == "func":
                    desc = meta.types[s.u32()]
                elif kind == "table":
                    elem = s.valtype()
                    meta.imports.append(Import(mod, name, kind, s.limits(), elem=elem))
                    continue
                elif kind == "memory":
                    desc = s.limits()
                elif kind == "global":
                    desc = s.valtype()
                    mutable = bool(s.byte() & 1)
                    meta.imports.append(Import(mod, name, kind, desc, mutable))
                    continue
                else:
                    raise MetaError("bad import kind")
                meta.imports.append(Import(mod, name, kind, desc))
        elif sid == 3:
            meta.funcs = [s.u32() for _ in range(s.u32())]
        elif sid == 4:
            for _ in range(s.u32()):
                if s.data[s.pos] == 0x40:  # table with an initialiser expression
                    s.byte()
                    s.byte()
                    meta.table_elems.append(s.valtype())
                    meta.table_limits.append(s.limits())
                    s.const_expr()
                else:
                    meta.table_elems.append(s.valtype())
                    meta.table_limits.append(s.limits())
        elif sid == 5:
            meta.memories = [s.limits() for _ in range(s.u32())]
        elif sid == 6:
            for _ in range(s.u32()):
                meta.globals.append(s.valtype())
                meta.global_mut.append(bool(s.byte() & 1))
                s.const_expr()
        elif sid == 7:
            for _ in range(s.u32()):
                name = s.name()
                kind = KINDS.get(s.byte(), "?")
                meta.exports[name] = (kind, s.u32())
    return meta
