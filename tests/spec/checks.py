"""Comparing wast expectations with what the emulated code did.

Takes ``commands.json`` values (wabt-style ``{"type", "value"}``) and harness outcomes;
decides pass/fail with a message. Integers and floats compare bit-exact (floats are bit
patterns, so ``-0``/``+0`` and NaN payloads are told apart); ``nan:canonical`` and
``nan:arithmetic`` per the spec (either sign; quiet bit set; zero payload for canonical);
``either`` when any alternative matches; trap messages by the reference interpreter's
prefix rule.

References (docs/ABI.md, *Reference values*): a ``funcref`` crosses the ABI as an i64 (the
table entry ``{type word, code address}``, null 0), an ``externref`` as an i32 handle (null
0). The spec's host reference ``(ref.extern N)`` is the handle the runner chooses for it,
N + 1 (:func:`extern_handle`), so that null stays 0 and every host reference is non-null.
"""

from harness import floats
from harness.outcome import show

#: docs/ABI.md trap code -> the spec's message for it.
TRAP_MESSAGES = {
    1: "unreachable",
    2: "out of bounds memory access",
    3: "integer divide by zero",
    4: "integer overflow",
    5: "undefined element",
    6: "uninitialized element",
    7: "indirect call type mismatch",
    8: "call stack exhausted",
    9: "invalid conversion to integer",
    10: "out of bounds table access",
}

FLOAT_TYPES = ("f32", "f64")
INT_TYPES = ("i32", "i64")
REF_TYPES = ("funcref", "externref")
#: Value types the runner passes and compares (others are skipped by name).
VALUE_TYPES = INT_TYPES + FLOAT_TYPES + REF_TYPES
#: The ABI type a reference travels as (docs/ABI.md).
ABI_TYPES = {"funcref": "i64", "externref": "i32"}


def abi_type(ty):
    """The i32/i64/f32/f64 type a wasm value type of an export travels as."""
    return ABI_TYPES.get(ty, ty)


def extern_handle(n):
    """The externref handle the runner gives the spec's host reference ``(ref.extern n)``."""
    handle = int(n) + 1
    if not 0 < handle <= 0xFFFFFFFF:
        raise ValueError("host reference %s has no 32-bit handle" % n)
    return handle


def arg_value(v):
    """The ABI integer of a wast argument: i32/i64 unsigned, f32/f64 bits, references as
    handles (null 0)."""
    ty, raw = v.get("type"), v.get("value")
    if ty in REF_TYPES:
        if raw == "null":
            return 0
        if ty == "externref":
            return extern_handle(raw)
        raise ValueError("a %s argument other than null has no wast form in wasm 2.0" % ty)
    return int(raw)


def value_types(values):
    """Types mentioned by a list of wast values (flattening ``either``)."""
    out = []
    for v in values:
        if v.get("type") == "either":
            out += value_types(v.get("values", []))
        else:
            out.append(v.get("type"))
    return out


def parse_int(v):
    """The unsigned integer of an i32/i64 wast value (the bit pattern of an f32/f64)."""
    return int(v["value"])


def matches(expected, actual, ty):
    """Does ``actual`` (from the emulator: signed int, or a float's bits) satisfy wast
    value ``expected``?"""
    if expected.get("type") == "either":
        return any(matches(e, actual, ty) for e in expected.get("values", []))
    if expected.get("type") != ty or ty not in VALUE_TYPES:
        return False
    if ty in REF_TYPES:
        return ref_matches(expected.get("value"), actual, ty)
    if ty in FLOAT_TYPES:
        bits = actual & floats.mask(ty)
        raw = expected.get("value")
        if raw == "nan:canonical":
            return floats.is_canonical_nan(bits, ty)
        if raw == "nan:arithmetic":
            return floats.is_arithmetic_nan(bits, ty)
        return int(raw) & floats.mask(ty) == bits
    mask = 0xFFFFFFFF if ty == "i32" else (1 << 64) - 1
    return parse_int(expected) & mask == actual & mask


def ref_matches(raw, actual, ty):
    """A reference result against wast's ``null``, ``(ref.extern N)`` or an unnumbered
    ``(ref.extern)``/``(ref.func)`` (any non-null reference of the type)."""
    low = actual & 0xFFFFFFFF  # externref handle; funcref type word (0 only for null)
    if raw == "null":
        return (actual & ((1 << 64) - 1)) == 0
    if raw is None:
        return low != 0
    if ty == "externref":
        return low == extern_handle(raw)
    return False  # a particular function: wasm 2.0 scripts never expect one


def trap_message(code):
    """Spec message of an ABI trap code."""
    return TRAP_MESSAGES.get(code, "unknown trap code %d" % code)


def message_matches(expected, actual):
    """The reference interpreter accepts an actual message that starts with the expected
    one; expected texts that carry extra detail after the message are accepted too."""
    return actual.startswith(expected) or expected.startswith(actual)


def show_values(values):
    """Compact text of wast values for failure reports."""
    parts = []
    for v in values:
        if v.get("type") == "either":
            parts.append("either(%s)" % show_values(v.get("values", [])))
            continue
        ty, raw = v.get("type"), v.get("value")
        if ty in INT_TYPES and raw is not None:
            bits = 32 if ty == "i32" else 64
            n = int(raw)
            signed = n - (1 << bits) if n >> (bits - 1) else n
            parts.append("%s:%d" % (ty, signed))
        elif ty in FLOAT_TYPES and raw is not None and raw.isdigit():
            parts.append(floats.show(int(raw), ty))
        else:
            parts.append("%s:%s" % (ty, raw))
    return ", ".join(parts)


def show_actual(values, types):
    """Compact text of emulator results for failure reports."""
    return ", ".join(show(v, t) if t in FLOAT_TYPES
                     else "%s:0x%x" % (t, v & ((1 << 64) - 1)) if t in REF_TYPES
                     else "%s:%d" % (t, v) for v, t in zip(values, types))
