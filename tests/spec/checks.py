"""Comparing wast expectations with what the emulated code did.

Takes ``commands.json`` values (wabt-style ``{"type", "value"}``) and harness outcomes;
decides pass/fail with a message. Integers and floats compare bit-exact (floats are bit
patterns, so ``-0``/``+0`` and NaN payloads are told apart); ``nan:canonical`` and
``nan:arithmetic`` per the spec (either sign; quiet bit set; zero payload for canonical);
``either`` when any alternative matches; trap messages by the reference interpreter's
prefix rule.
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
#: Value types the runner passes and compares (others are skipped by name).
VALUE_TYPES = INT_TYPES + FLOAT_TYPES


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
    if expected.get("type") != ty or ty not in INT_TYPES + FLOAT_TYPES:
        return False
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
    return ", ".join(show(v, t) if t in FLOAT_TYPES else "%s:%d" % (t, v)
                     for v, t in zip(values, types))
