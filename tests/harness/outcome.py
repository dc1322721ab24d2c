"""The result of running one export: values, a trap category, or a harness failure.

Both the emulator and the wasmtime reference produce an :class:`Outcome`, so the
differential checker compares like with like. Integer values are normalised the way
wasmtime's Python API returns them (signed integers); f32/f64 values are their unsigned
bit patterns (:mod:`harness.floats`); always as a tuple, with their wasm types beside them.
"""

from dataclasses import dataclass, field

from . import floats

#: docs/ABI.md trap code -> category name shared with the reference side.
TRAP_NAMES = {
    1: "unreachable",
    2: "memory_oob",
    3: "div_by_zero",
    4: "int_overflow",
    5: "undefined_element",
    6: "uninitialized_element",
    7: "indirect_type_mismatch",
    8: "stack_exhausted",
    9: "bad_conversion",
    10: "table_oob",
}


def trap_name(code):
    """Category name for an ABI trap code (unknown codes get a distinct name)."""
    return TRAP_NAMES.get(code, "unknown_trap_code_%d" % code)


def to_signed(value, bits):
    """Reinterpret ``value`` (any int) as a two's-complement signed ``bits``-bit int."""
    mask = (1 << bits) - 1
    value &= mask
    return value - (1 << bits) if value >> (bits - 1) else value


def normalise(value, ty):
    """Normal form of a value of wasm type ``ty``: i32/i64 signed (wasmtime's form),
    f32/f64 their unsigned bit pattern."""
    if floats.is_float(ty):
        return value & floats.mask(ty)
    return to_signed(value, 32 if ty == "i32" else 64)


def comparable(value, ty):
    """What must agree between emulator and reference for one value: integers exactly,
    floats by :func:`harness.floats.comparable` (any quiet NaN matches any quiet NaN)."""
    if floats.is_float(ty):
        return floats.comparable(value, ty)
    return normalise(value, ty)


def show(value, ty):
    """Report text of one value (floats as bits and value)."""
    if floats.is_float(ty):
        return floats.show(value, ty)
    return str(value)


class HostArg:
    """A float argument in a host-call log: its bits, compared like results
    (:func:`comparable`), shown as bits and value."""

    __slots__ = ("bits", "ty")

    def __init__(self, bits, ty):
        self.bits = bits & floats.mask(ty)
        self.ty = ty

    def __eq__(self, other):
        return isinstance(other, HostArg) and (self.ty, comparable(self.bits, self.ty)) == (
            other.ty, comparable(other.bits, other.ty))

    def __hash__(self):
        return hash((self.ty, comparable(self.bits, self.ty)))

    def __repr__(self):
        return floats.show(self.bits, self.ty)


def log_args(args, types):
    """Host-call log form of ``args``: integers as they are, floats as :class:`HostArg`."""
    return tuple(HostArg(a, t) if floats.is_float(t) else a for a, t in zip(args, types))


@dataclass
class Outcome:
    """What happened when an export ran.

    kind: 'ok' (values valid), 'trap' (trap holds the category), 'timeout'
    (instruction limit hit), 'fault' (the emulated CPU faulted: wild access, bad
    instruction) or 'error' (the harness could not run it; detail says why).
    """

    kind: str
    values: tuple = ()
    #: Wasm type of each value (empty: all compared as given).
    types: tuple = ()
    trap: str = ""
    detail: str = ""
    instructions: int = 0
    host_calls: list = field(default_factory=list)

    def key(self):
        """The part of the outcome that must agree between emulator and reference."""
        if self.kind == "ok":
            values = tuple(comparable(v, t) for v, t in zip(self.values, self.types)) \
                if self.types else tuple(self.values)
            return ("ok", values, tuple(self.host_calls))
        if self.kind == "trap":
            return ("trap", self.trap, tuple(self.host_calls))
        return (self.kind, self.detail)

    def describe(self):
        """Short human-readable form for mismatch reports."""
        calls = " host_calls=%s" % (self.host_calls,) if self.host_calls else ""
        if self.kind == "ok":
            if self.types and any(floats.is_float(t) for t in self.types):
                return "ok (%s)%s" % (", ".join(show(v, t) for v, t in zip(self.values, self.types)), calls)
            return "ok %s%s" % (tuple(self.values), calls)
        if self.kind == "trap":
            return "trap %s%s" % (self.trap, calls)
        return "%s: %s" % (self.kind, self.detail)
