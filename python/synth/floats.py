"""f32/f64 values as :mod:`synth.differential` carries them: IEEE bit patterns.

A float argument or result is its unsigned bit pattern (32 bits for ``f32``, 64 for
``f64``), never a Python float: a Python float would quiet a signalling NaN and drop an f32
NaN's payload on the way through wasmtime or ctypes. This module converts values to bits,
wraps result bits for comparison (:class:`FloatBits`: every quiet NaN of a type matches every
other, as wasm leaves the sign and payload of an arithmetic NaN open; anything else must be
bit-identical) and holds the edge-case inputs the differential check calls exports with.
"""

from __future__ import annotations

import random
import struct

#: Bit width of each float type.
WIDTH = {"f32": 32, "f64": 64}
_EXPONENT = {"f32": 0x7F800000, "f64": 0x7FF0000000000000}
_QUIET = {"f32": 0x00400000, "f64": 0x0008000000000000}
_FRACTION = {"f32": 0x007FFFFF, "f64": 0x000FFFFFFFFFFFFF}
_SIGN = {"f32": 1 << 31, "f64": 1 << 63}


def is_float(ty: str) -> bool:
    """True for ``f32`` and ``f64``."""
    return ty in WIDTH


def mask(ty: str) -> int:
    """All ones in the width of float type ``ty``."""
    return (1 << WIDTH[ty]) - 1


def is_nan(bits: int, ty: str) -> bool:
    """Exponent all ones and a non-zero fraction."""
    return bits & _EXPONENT[ty] == _EXPONENT[ty] and bits & _FRACTION[ty] != 0


def is_quiet_nan(bits: int, ty: str) -> bool:
    """A NaN whose top fraction bit (the quiet bit) is set."""
    return is_nan(bits, ty) and bool(bits & _QUIET[ty])


def to_bits(value: object, ty: str) -> int:
    """The bit pattern of ``value`` as float type ``ty``: an ``int`` is the pattern itself
    (masked to the width); a ``float`` or the text ``'inf'``, ``'-inf'``, ``'nan'``,
    ``'-nan'`` (the quiet NaN with zero payload) or a decimal is rounded to ``ty``."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a float value")
    if isinstance(value, int):
        return value & mask(ty)
    if isinstance(value, str):
        text = value.strip().lower()
        if text.lstrip("+-") == "nan":
            return _EXPONENT[ty] | _QUIET[ty] | (_SIGN[ty] if text.startswith("-") else 0)
        value = float(text)
    if not isinstance(value, float):
        raise TypeError("%r is not a float value" % (value,))
    if ty == "f64":
        return struct.unpack("<Q", struct.pack("<d", value))[0]
    try:
        return struct.unpack("<I", struct.pack("<f", value))[0]
    except OverflowError:  # finite, but beyond f32: rounds to infinity
        return _EXPONENT[ty] | (_SIGN[ty] if value < 0 else 0)


def show(bits: int, ty: str) -> str:
    """``f32:0x3fc00000 (1.5)``: the bits and, for a NaN, its kind and payload."""
    bits &= mask(ty)
    if is_nan(bits, ty):
        payload = bits & _FRACTION[ty] & ~_QUIET[ty]
        what = (("-" if bits & _SIGN[ty] else "") + ("nan" if bits & _QUIET[ty] else "snan")
                + (":0x%x" % payload if payload else ""))
    else:
        packed = struct.pack("<Q", bits) if ty == "f64" else struct.pack("<I", bits)
        what = repr(struct.unpack("<d" if ty == "f64" else "<f", packed)[0])
    return "%s:0x%0*x (%s)" % (ty, WIDTH[ty] // 4, bits, what)


class FloatBits:
    """A float result or host-call argument: bits and type. Equal to another FloatBits of
    the same type with the same bits, or when both are quiet NaNs (any sign and payload);
    a signalling NaN only comes from bit-preserving operations and must match exactly."""

    __slots__ = ("bits", "ty")

    def __init__(self, bits: int, ty: str):
        self.bits = bits & mask(ty)
        self.ty = ty

    def _key(self) -> tuple[str, object]:
        return (self.ty, "quiet-nan" if is_quiet_nan(self.bits, self.ty) else self.bits)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FloatBits) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return show(self.bits, self.ty)


def _bits(ty: str, *values: object) -> list[int]:
    return [to_bits(v, ty) for v in values]


#: f32 inputs: zeros, ones, halves (rounding ties), infinities, quiet and signalling NaNs
#: with payloads and both signs, subnormals, the extremes, and the boundaries of the
#: conversions to i32/u32/i64/u64 with their neighbours.
F32_EDGES = _bits(
    "f32", 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0, "inf", "-inf",
    0x7FC00000, 0xFFC00000, 0x7FA00000, 0x7FC12345, 0xFF800001, 0x00000001, 0x807FFFFF,
    0x00800000, 0x7F7FFFFF, 0xFF7FFFFF, 2.0 ** 31, -2.0 ** 31, 0x4EFFFFFF, 2.0 ** 32,
    0x4F7FFFFF, 2.0 ** 63, -2.0 ** 63, 2.0 ** 64, 0x3EFFFFFF, 0x4B000001, 3.14159274, 1e-30)

#: f64 inputs: as for f32, plus values at f32's range (demotion) and -2^31-1.
F64_EDGES = _bits(
    "f64", 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.0, "inf", "-inf",
    0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000000, 0x7FF8000000012345,
    0xFFF0000000000001, 0x0000000000000001, 0x800FFFFFFFFFFFFF, 0x0010000000000000,
    0x7FEFFFFFFFFFFFFF, 2.0 ** 31, -2.0 ** 31, 2.0 ** 31 - 1, -2.0 ** 31 - 1, 2.0 ** 32,
    2.0 ** 63, -2.0 ** 63, 0x43DFFFFFFFFFFFFF, 2.0 ** 64, 3.4028235677973366e38,
    1.401298464324817e-45, 0x3FDFFFFFFFFFFFFF, 0x4330000000000001, 3.141592653589793, 1e300)


def edges(ty: str) -> list[int]:
    """Edge-case bit patterns of float type ``ty``."""
    return F32_EDGES if ty == "f32" else F64_EDGES


def random_bits(rng: random.Random, ty: str) -> int:
    """A float input drawn from ``rng``: random bits, a small decimal, a random magnitude,
    or a NaN with a random payload (quiet or signalling)."""
    kind = rng.randrange(4)
    if kind == 0:
        return rng.getrandbits(WIDTH[ty])
    if kind == 1:
        return to_bits(rng.randrange(-1000, 1000) / rng.choice((1, 2, 4, 10)), ty)
    if kind == 2:
        span = 120 if ty == "f32" else 1000
        return to_bits(rng.choice((1.0, -1.0)) * 2.0 ** rng.randrange(-span, span) * (1 + rng.random()), ty)
    payload = rng.getrandbits(WIDTH[ty] - 12 if ty == "f64" else 22) or 1
    return _EXPONENT[ty] | payload | (_QUIET[ty] if rng.randrange(2) else 0)
