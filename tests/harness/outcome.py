"""The result of running one export: values, a trap category, or a harness failure.

Both the emulator and the wasmtime reference produce an :class:`Outcome`, so the
differential checker compares like with like. Values are normalised the way wasmtime's
Python API returns them: signed integers, always as a tuple.
"""

from dataclasses import dataclass, field

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
    """Normalise an integer of wasm type ``ty`` ('i32' or 'i64') to wasmtime's signed form."""
    return to_signed(value, 32 if ty == "i32" else 64)


@dataclass
class Outcome:
    """What happened when an export ran.

    kind: 'ok' (values valid), 'trap' (trap holds the category), 'timeout'
    (instruction limit hit), 'fault' (the emulated CPU faulted: wild access, bad
    instruction) or 'error' (the harness could not run it; detail says why).
    """

    kind: str
    values: tuple = ()
    trap: str = ""
    detail: str = ""
    instructions: int = 0
    host_calls: list = field(default_factory=list)

    def key(self):
        """The part of the outcome that must agree between emulator and reference."""
        if self.kind == "ok":
            return ("ok", tuple(self.values), tuple(self.host_calls))
        if self.kind == "trap":
            return ("trap", self.trap, tuple(self.host_calls))
        return (self.kind, self.detail)

    def describe(self):
        """Short human-readable form for mismatch reports."""
        calls = " host_calls=%s" % (self.host_calls,) if self.host_calls else ""
        if self.kind == "ok":
            return "ok %s%s" % (tuple(self.values), calls)
        if self.kind == "trap":
            return "trap %s%s" % (self.trap, calls)
        return "%s: %s" % (self.kind, self.detail)
