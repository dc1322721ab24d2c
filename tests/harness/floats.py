"""f32/f64 values as the harness sees them: bit patterns.

Every float argument and result is carried as its unsigned IEEE bit pattern (an f32 in
32 bits, an f64 in 64), never as a Python float, so NaN payloads and signalling NaNs
survive the trip through the emulator, wasmtime and the reports. This module converts
between values and bits, classifies NaNs, formats bits for reports and holds the
edge-case arguments the differential harness uses for float parameters.
"""

import math
import struct

#: Bit width of each float type.
WIDTH = {"f32": 32, "f64": 64}
#: Exponent-all-ones mask (infinity/NaN), quiet bit and payload mask per type.
_EXP = {"f32": 0x7F800000, "f64": 0x7FF0000000000000}
_QUIET = {"f32": 0x00400000, "f64": 0x0008000000000000}
_FRAC = {"f32": 0x007FFFFF, "f64": 0x000FFFFFFFFFFFFF}
_SIGN = {"f32": 1 << 31, "f64": 1 << 63}


def is_float(ty):
    """True for 'f32' and 'f64'."""
    return ty in WIDTH


def mask(ty):
    """All-ones of the type's width."""
    return (1 << WIDTH[ty]) - 1


def is_nan(bits, ty):
    """Is the bit pattern a NaN (exponent all ones, non-zero fraction)?"""
    return bits & _EXP[ty] == _EXP[ty] and bits & _FRAC[ty] != 0


def is_quiet_nan(bits, ty):
    """A NaN with the quiet bit (top fraction bit) set."""
    return is_nan(bits, ty) and bool(bits & _QUIET[ty])


def is_canonical_nan(bits, ty):
    """The spec's canonical NaN: quiet bit set, zero payload, either sign."""
    return bits & ~_SIGN[ty] & mask(ty) == _EXP[ty] | _QUIET[ty]


def is_arithmetic_nan(bits, ty):
    """The spec's arithmetic NaN: quiet bit set, any payload, either sign."""
    return is_quiet_nan(bits, ty)


def canonical_nan(ty, negative=False):
    """Bits of the canonical NaN of ``ty``."""
    return _EXP[ty] | _QUIET[ty] | (_SIGN[ty] if negative else 0)


def to_bits(value, ty):
    """Bits of ``value``: an int is taken as the bit pattern itself; a float (or 'inf',
    '-inf', 'nan', '-nan') is rounded to ``ty`` (round to nearest even)."""
    if isinstance(value, bool):
        raise TypeError("bool is not a float value")
    if isinstance(value, int):
        return value & mask(ty)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("nan", "+nan", "-nan"):
            return canonical_nan(ty, text.startswith("-"))
        value = float(text)
    if ty == "f64":
        return struct.unpack("<Q", struct.pack("<d", value))[0]
    try:
        return struct.unpack("<I", struct.pack("<f", value))[0]
    except OverflowError:  # rounds to infinity
        return _EXP[ty] | (_SIGN[ty] if value < 0 else 0)


def to_value(bits, ty):
    """The Python float of ``bits`` (exact for every non-NaN; a NaN's payload is lost)."""
    bits &= mask(ty)
    if ty == "f64":
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    if is_nan(bits, ty):
        return math.nan
    return struct.unpack("<f", struct.pack("<I", bits))[0]


def show(bits, ty):
    """Report text: the bits in hex and the value (``f32:0x3fc00000 (1.5)``)."""
    bits &= mask(ty)
    digits = WIDTH[ty] // 4
    if is_nan(bits, ty):
        sign = "-" if bits & _SIGN[ty] else ""
        kind = "nan" if bits & _QUIET[ty] else "snan"
        payload = bits & _FRAC[ty] & ~_QUIET[ty]
        what = sign + kind + (":0x%x" % payload if payload else "")
    else:
        what = repr(to_value(bits, ty))
    return "%s:0x%0*x (%s)" % (ty, digits, bits, what)


def comparable(bits, ty):
    """Key under which the differential harness compares a float value with wasmtime's.

    Exact bits, except that every quiet NaN compares equal to every other quiet NaN of
    its type: wasm lets an arithmetic result that is NaN have any sign and payload (the
    spec runner checks ``nan:canonical``/``nan:arithmetic`` precisely). A signalling
    NaN can only come from bit-preserving operations, so it must match exactly."""
    bits &= mask(ty)
    if is_quiet_nan(bits, ty):
        return ("quiet-nan", ty)
    return bits


def _f32(*values):
    return [to_bits(v, "f32") if not isinstance(v, int) else v for v in values]


def _f64(*values):
    return [to_bits(v, "f64") if not isinstance(v, int) else v for v in values]


#: Edge-case f32 arguments (bit patterns): zeros, ones, ties, infinities, NaNs with
#: payloads (quiet and signalling, both signs), subnormals, extremes and the integer
#: conversion boundaries 2^31, 2^32, 2^63, 2^64 and their neighbours.
F32_EDGES = _f32(
    0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, -0.5, 3.0,
    "inf", "-inf", 0x7FC00000, 0xFFC00000, 0x7FA00000, 0x7FC12345, 0xFF800001,
    0x00000001, 0x807FFFFF, 0x00800000, 0x7F7FFFFF, 0xFF7FFFFF,
    2.0 ** 31, -2.0 ** 31, 0x4EFFFFFF, 2.0 ** 32, 0x4F7FFFFF, 2.0 ** 63, -2.0 ** 63,
    2.0 ** 64, 0x3EFFFFFF, 0x4B000001, 3.1415927410125732, 1e-30, -123456.789)

#: Edge-case f64 arguments (bit patterns), as for f32 plus values near f32's range
#: (demotion overflow and rounding) and -2^31-1 (i32 truncation boundary).
F64_EDGES = _f64(
    0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, -2.5, -0.5, 3.0,
    "inf", "-inf", 0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000000,
    0x7FF8000000012345, 0xFFF0000000000001,
    0x0000000000000001, 0x800FFFFFFFFFFFFF, 0x0010000000000000, 0x7FEFFFFFFFFFFFFF,
    2.0 ** 31, -2.0 ** 31, 2.0 ** 31 - 1, -2.0 ** 31 - 1, 2.0 ** 32, 2.0 ** 32 - 1,
    2.0 ** 63, -2.0 ** 63, 0x43DFFFFFFFFFFFFF, 2.0 ** 64, 0x43EFFFFFFFFFFFFF,
    3.4028235677973366e38, 3.4028234663852886e38, 1.401298464324817e-45, 1e-320,
    0x3FDFFFFFFFFFFFFF, 0x4330000000000001, math.pi, 1e300, -123456.789)

#: A few ordinary values used where every parameter cannot sweep its edges.
F32_SMALL = _f32(0.0, 1.0, -1.0, 2.5)
F64_SMALL = _f64(0.0, 1.0, -1.0, 2.5)


def edges(ty):
    """Edge-case bit patterns for float type ``ty``."""
    return F32_EDGES if ty == "f32" else F64_EDGES


def small(ty):
    """Ordinary bit patterns for float type ``ty``."""
    return F32_SMALL if ty == "f32" else F64_SMALL


def random_bits(rng, ty):
    """A deterministic-by-``rng`` float argument: random bits, a small integer, a value
    near a power of two, or a NaN with a random payload."""
    choice = rng.randrange(4)
    if choice == 0:
        return rng.getrandbits(WIDTH[ty])
    if choice == 1:
        return to_bits(float(rng.randrange(-1000, 1000)) / rng.choice((1, 2, 4, 10)), ty)
    if choice == 2:
        lim = 120 if ty == "f32" else 1000
        return to_bits(rng.choice((1, -1)) * 2.0 ** rng.randrange(-lim, lim) * (1 + rng.random()), ty)
    payload = rng.getrandbits(WIDTH[ty] - 12 if ty == "f64" else 22) or 1
    return _EXP[ty] | payload | (_QUIET[ty] if rng.randrange(2) else 0)
