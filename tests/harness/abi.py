"""docs/ABI.md facts the harness relies on: symbol names and argument placement."""

import re

DEFAULT_PREFIX = "wasm_"


def sanitize(name):
    """Characters outside [A-Za-z0-9_] become '_' (ABI symbol rule)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def export_symbol(name, prefix=DEFAULT_PREFIX):
    """Symbol of exported function/global ``name``."""
    return prefix + sanitize(name)


def import_symbol(module, name):
    """Symbol of imported function/global ``module.name`` (unprefixed; empty or
    digit-initial names get a leading '_')."""
    sym = sanitize(name) if module == "env" else sanitize(module) + "_" + sanitize(name)
    if not sym or sym[0].isdigit():
        sym = "_" + sym
    return sym


def init_symbol(prefix=DEFAULT_PREFIX):
    """Symbol of the init function."""
    return prefix + "init"


#: Types passed like i64 (even register pair, 8-byte aligned stack slot, 8-byte struct
#: field). f32 is passed like i32 and f64 like i64: with no FPU (``--fpu none``) floats
#: follow the base AAPCS as their bit patterns in core registers.
WIDE_TYPES = ("i64", "f64")
#: Every value type the ABI passes.
VALUE_TYPES = ("i32", "i64", "f32", "f64")


def is_wide(ty):
    """Does a value of type ``ty`` take 8 bytes (a register pair)?"""
    return ty in WIDE_TYPES


def layout_args(types, first_reg=0):
    """Place parameters per AAPCS as the ABI states.

    ``types`` is a list of 'i32'/'i64'/'f32'/'f64'. Returns a list of ('reg', n) or
    ('stack', offset) per parameter (for i64/f64 the register is the low register of an
    even pair) and the total stack bytes (rounded up to 8).
    """
    reg = first_reg
    stack = 0
    on_stack = False
    out = []
    for ty in types:
        if is_wide(ty):
            if not on_stack:
                r = reg + (reg & 1)
                if r + 1 <= 3:
                    out.append(("reg", r))
                    reg = r + 2
                    continue
                on_stack = True
            stack = (stack + 7) & ~7
            out.append(("stack", stack))
            stack += 8
        else:
            if not on_stack and reg <= 3:
                out.append(("reg", reg))
                reg += 1
                continue
            on_stack = True
            out.append(("stack", stack))
            stack += 4
    return out, (stack + 7) & ~7


def layout_struct(types):
    """Field offsets of a multi-value result struct, and its size (aligned to max align)."""
    off = 0
    offsets = []
    align = 4
    for ty in types:
        a = 8 if is_wide(ty) else 4
        align = max(align, a)
        off = (off + a - 1) & ~(a - 1)
        offsets.append(off)
        off += a
    return offsets, (off + align - 1) & ~(align - 1)
