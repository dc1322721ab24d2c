"""docs/ABI.md facts the harness relies on: symbol names and argument placement."""

import re

DEFAULT_PREFIX = "wasm_"

#: Begins every escaped name (docs/ABI.md, "Symbol names").
ESCAPE_MARKER = "X_"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ABI_STEM = re.compile(r"init|memory|memory_size|(func|global|table|data|elem)[0-9]+(_size|_len)?")


def is_plain(name):
    """A C identifier not beginning with ``X_`` and with no ``__`` after its leading ``_``s."""
    return (_IDENTIFIER.fullmatch(name) is not None and not name.startswith(ESCAPE_MARKER)
            and "__" not in name.lstrip("_"))


def escape(name):
    """``X_`` + the UTF-8 bytes: ASCII letters and digits as they are, others ``_XX`` (hex)."""
    return ESCAPE_MARKER + "".join(chr(b) if bytes([b]).isalnum() else "_%02X" % b
                                   for b in name.encode("utf-8"))


def name_symbol(name):
    """A plain name as it is, any other escaped."""
    return name if is_plain(name) else escape(name)


def export_symbol(name, prefix=DEFAULT_PREFIX):
    """Symbol of exported function/global ``name``; the ABI's own stems are escaped."""
    return prefix + (escape(name) if _ABI_STEM.fullmatch(name) else name_symbol(name))


def import_symbol(module, name):
    """Symbol of imported function/global ``module.name`` (unprefixed): the name for module
    ``env``, else the module part, ``__`` and the name."""
    if module == "env":
        return name_symbol(name)
    plain_module = (is_plain(module) and module[:1].isalpha() and not module.endswith("_")
                    and module != "X")
    return (module if plain_module else escape(module)) + "__" + name_symbol(name)


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


#: ``--float-abi hard`` as the harness runs it: the Cortex-M4's FPU.
HARD_FLOAT_ARGS = ("--fpu", "fpv4-sp-d16", "--float-abi", "hard")


def hfa_type(results):
    """The element type when ``results`` is a homogeneous floating-point aggregate
    (2 to 4 results, all f32 or all f64), which AAPCS-VFP returns in s0-s3 / d0-d3;
    else None (a struct in memory, as in the base AAPCS)."""
    if 2 <= len(results) <= 4 and results[0] in ("f32", "f64") and all(t == results[0] for t in results):
        return results[0]
    return None


def layout_args_vfp(types, first_reg=0):
    """Place parameters per AAPCS-VFP (``-mfloat-abi=hard``; docs/ABI.md "Floating point").

    Integers as in :func:`layout_args`; an f32 takes the lowest free one of s0..s15, an
    f64 the lowest free d0..d7 (a later f32 back-fills a single register an f64 skipped);
    the first float that finds no register goes on the stack, and so does every later
    float (no back-filling after that). Integers and floats share the stack area in
    order. Returns ('reg', n) / ('s', n) / ('d', n) / ('stack', offset) per parameter
    and the stack bytes (rounded up to 8).
    """
    reg, stack, core_on_stack = first_reg, 0, False
    free = [True] * 16
    out = []
    for ty in types:
        if ty == "f32":
            n = next((i for i in range(16) if free[i]), None)
            if n is not None:
                free[n] = False
                out.append(("s", n))
                continue
            out.append(("stack", stack))
            stack += 4
        elif ty == "f64":
            k = next((i for i in range(8) if free[2 * i] and free[2 * i + 1]), None)
            if k is not None:
                free[2 * k] = free[2 * k + 1] = False
                out.append(("d", k))
                continue
            free = [False] * 16
            stack = (stack + 7) & ~7
            out.append(("stack", stack))
            stack += 8
        elif ty == "i64":
            r = reg + (reg & 1)
            if not core_on_stack and r + 1 <= 3:
                out.append(("reg", r))
                reg = r + 2
                continue
            core_on_stack = True
            stack = (stack + 7) & ~7
            out.append(("stack", stack))
            stack += 8
        else:
            if not core_on_stack and reg <= 3:
                out.append(("reg", reg))
                reg += 1
                continue
            core_on_stack = True
            out.append(("stack", stack))
            stack += 4
    return out, (stack + 7) & ~7
