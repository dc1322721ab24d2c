#!/usr/bin/env python3
"""Stress corpus for compile time: generators of WAT modules, one odd shape each.

Every generator takes a size `n` and returns the text of a valid module (deterministic: the
same n gives the same text). The shapes are the ones that made the compiler super-linear
(issue 14) plus a few more that stress the module-level tables:

    nested_blocks   n nested `block`s, each exited by a `br_if` (to varying depths)
    diamonds        n `if/else` diamonds over 16 locals, all of them live throughout
    locals_loop     n locals live around one loop that updates every one of them
    straight        n straight-line i32 arithmetic statements over 32 locals
    br_table        one n-way `br_table`, each case returning its own constant
    call_chain      n small functions, each calling the next
    loop_nest       n nested `loop`s, each with its own counter
    i64_straight    n straight-line i64 statements over 16 i64 locals (~7 bytes each)
    globals         n mutable globals, one function reading and writing all of them
    data_segments   n small active data segments
    table_entries   an n-entry function table filled by an active element segment
    types           n distinct function types, one small function of each
    imports         n imported functions, one function calling all of them
    exports         n small functions, each exported under its own name
    elem_segments   n active element segments of one entry each
    loop_exits      one loop left by n `br_if`s, each to its own enclosing block
    dispatch_loop   an interpreter loop: an n-way `br_table` whose cases each branch back
    indirect_calls  n `call_indirect`s through an 8-entry table over 6 live locals
    memory_loop     one loop of n loads and stores at scattered offsets off a moving pointer
    f64_straight    n straight-line f64 statements over 16 f64 locals (the float register class)
    mixed           n random statements of every kind (i32/i64/f32/f64 arithmetic, conversions,
                    loads, stores, calls, nested if/else, loops and blocks left by br_if), the
                    shape of a big function from a real toolchain

The sizes the issue measured (`ISSUE_SIZES`) are the `n` of the compile-time benchmark;
`bench/compile_time.py` also runs 2n and 4n to show the growth.

    python bench/stress.py SHAPE N -o out.wat     # write one module
    python bench/stress.py --list                 # shapes and their default n
"""

import argparse
import sys


def _module(body, params="(param i32)", results="(result i32)", locals_="", extra=""):
    return ("(module\n%s"
            "  (func (export \"f\") %s %s %s\n%s\n  )\n)\n" % (extra, params, results, locals_, body))


def _rng(seed):
    """A tiny LCG so the corpus does not depend on Python's random module's version."""
    state = [seed & 0xFFFFFFFF]

    def next_(bound):
        state[0] = (state[0] * 1103515245 + 12345) & 0x7FFFFFFF
        return (state[0] >> 8) % bound
    return next_


def nested_blocks(n):
    """n nested blocks; after each block's end, an update and a br_if out to 0..3 levels up."""
    rnd = _rng(1)
    out = []
    for _ in range(n):
        out.append("block")
    out.append("local.get 0 i32.const 7 i32.eq br_if 0")
    for k in range(n - 1, 0, -1):
        out.append("end")
        depth = min(rnd(4), k - 1)
        out.append("local.get 1 i32.const %d i32.add local.set 1 "
                   "local.get 0 i32.const %d i32.eq br_if %d" % (k, k, depth))
    out.append("end")
    out.append("local.get 1")
    return _module("\n".join(out), locals_="(local i32)")


def diamonds(n, nlocals=16):
    """n if/else diamonds, each assigning one of 16 locals from two others; all summed at the end."""
    rnd = _rng(2)
    out = []
    for i in range(nlocals):
        out.append("local.get 0 i32.const %d i32.add local.set %d" % (i * 3 + 1, i + 1))
    for _ in range(n):
        a, b, c, d, e = (rnd(nlocals) + 1 for _ in range(5))
        out.append("local.get %d local.get %d i32.lt_s if "
                   "local.get %d local.get %d i32.add local.set %d else "
                   "local.get %d local.get %d i32.xor local.set %d end" % (a, b, c, d, e, d, c, e))
    out.append("local.get 1")
    for i in range(2, nlocals + 1):
        out.append("local.get %d i32.add" % i)
    return _module("\n".join(out), locals_="(local %s)" % " ".join(["i32"] * nlocals))


def locals_loop(n):
    """n locals set before a loop, all updated inside it, all summed after it."""
    out = []
    for i in range(1, n + 1):
        out.append("local.get 0 i32.const %d i32.mul local.set %d" % (i, i))
    out.append("loop")
    for i in range(1, n + 1):
        j = i % n + 1
        out.append("local.get %d local.get %d i32.add local.set %d" % (i, j, i))
    out.append("local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end")
    out.append("local.get 1")
    for i in range(2, n + 1):
        out.append("local.get %d i32.add" % i)
    return _module("\n".join(out), locals_="(local %s)" % " ".join(["i32"] * n))


def _straight_line(n, nlocals, seed, ty, ops, init, fold, tail=None):
    """n statements `x = y op z` over `nlocals` locals of type `ty` (ops chosen pseudo-randomly),
    the locals set first by `init(i)`, then folded into the result with `fold` (and `tail`)."""
    rnd = _rng(seed)
    out = [init(i) for i in range(nlocals)]
    for _ in range(n):
        a, b, c = (rnd(nlocals) + 1 for _ in range(3))
        out.append("local.get %d local.get %d %s local.set %d" % (a, b, ops[rnd(len(ops))], c))
    out.append("local.get 1")
    for i in range(2, nlocals + 1):
        out.append("local.get %d %s" % (i, fold))
    if tail:
        out.append(tail)
    return _module("\n".join(out), locals_="(local %s)" % " ".join([ty] * nlocals))


def straight(n, nlocals=32):
    """n statements `x = y op z` over 32 i32 locals, ops chosen pseudo-randomly."""
    ops = ["i32.add", "i32.sub", "i32.mul", "i32.xor", "i32.and", "i32.or", "i32.shl", "i32.shr_u"]
    return _straight_line(n, nlocals, 3, "i32", ops,
                          lambda i: "local.get 0 i32.const %d i32.add local.set %d" % (i * 5 + 3, i + 1),
                          "i32.xor")


def br_table(n):
    """One n-way br_table over n nested blocks; case k returns k*3+1."""
    out = ["block"] * n
    out.append("local.get 0 br_table %s" % " ".join(str(k) for k in range(n)))
    for k in range(n):
        out.append("end i32.const %d return" % (k * 3 + 1))
    return _module("\n".join(out[:n]) + "\n" + "\n".join(out[n:]) + "\ni32.const 0")


def call_chain(n):
    """n functions; f_k(x) = f_{k+1}(x + k) ^ k, the last one returns x."""
    funcs = []
    for k in range(n - 1):
        funcs.append("  (func $f%d (param i32) (result i32) local.get 0 i32.const %d i32.add "
                     "call $f%d i32.const %d i32.xor)" % (k, k, k + 1, k))
    funcs.append("  (func $f%d (param i32) (result i32) local.get 0)" % (n - 1))
    return "(module\n%s\n  (export \"f\" (func $f0))\n)\n" % "\n".join(funcs)


def loop_nest(n):
    """n nested loops, each counting its own local down from 2; the innermost accumulates."""
    out = []
    for i in range(1, n + 1):
        out.append("i32.const 2 local.set %d loop" % i)
    out.append("local.get 0 local.get %d i32.add local.set 0" % n)
    for i in range(n, 0, -1):
        out.append("local.get %d i32.const 1 i32.sub local.tee %d br_if 0 end" % (i, i))
    out.append("local.get 0")
    return _module("\n".join(out), locals_="(local %s)" % " ".join(["i32"] * n))


def i64_straight(n, nlocals=16):
    """n statements `x = y op z` over 16 i64 locals (i64 pairs double the register pressure)."""
    ops = ["i64.add", "i64.sub", "i64.xor", "i64.and", "i64.or", "i64.mul"]
    return _straight_line(n, nlocals, 4, "i64", ops,
                          lambda i: "local.get 0 i64.extend_i32_u i64.const %d i64.mul local.set %d" % (i * 7 + 1, i + 1),
                          "i64.xor", "i32.wrap_i64")


def globals_(n):
    """n mutable i32 globals; one function adds the argument to each and sums them."""
    decls = "".join("  (global $g%d (mut i32) (i32.const %d))\n" % (k, k) for k in range(n))
    out = ["i32.const 0"]
    for k in range(n):
        out.append("global.get $g%d local.get 0 i32.add global.set $g%d global.get $g%d i32.add"
                   % (k, k, k))
    return _module("\n".join(out), extra=decls)


def data_segments(n):
    """n active data segments of 8 bytes each at distinct offsets; f loads from the first."""
    segs = "".join('  (data (i32.const %d) "seg%05d")\n' % (k * 8, k % 100000) for k in range(n))
    pages = (n * 8) // 65536 + 1
    extra = "  (memory %d)\n%s" % (pages, segs)
    return _module("local.get 0 i32.const 7 i32.and i32.load8_u", extra=extra)


def table_entries(n):
    """An n-entry funcref table filled with 4 functions in turn; f calls entry x indirectly."""
    helpers = "".join("  (func $h%d (type $t) local.get 0 i32.const %d i32.add)\n" % (k, k)
                      for k in range(4))
    elems = " ".join("$h%d" % (k % 4) for k in range(n))
    extra = ("  (type $t (func (param i32) (result i32)))\n%s"
             "  (table %d funcref)\n  (elem (i32.const 0) func %s)\n" % (helpers, n, elems))
    return _module("local.get 0 local.get 0 i32.const %d i32.rem_u call_indirect (type $t)" % n,
                   extra=extra)


def _distinct_params(k):
    """The k-th of an endless list of distinct parameter lists: k's binary digits as i32/i64."""
    bits = bin(k + 1)[3:]
    return " ".join("i64" if b == "1" else "i32" for b in bits)


def types(n):
    """n distinct function types (parameter lists of i32/i64), one small function of each."""
    decls = "".join("  (type $t%d (func (param %s) (result i32)))\n" % (k, _distinct_params(k))
                    for k in range(n))
    funcs = "".join("  (func $h%d (type $t%d) i32.const %d)\n" % (k, k, k) for k in range(n))
    return _module("local.get 0 i32.const %d i32.add" % n, extra=decls + funcs)


def imports(n):
    """n imported functions; f calls each one in turn on a running sum."""
    decls = "".join("  (import \"env\" \"h%d\" (func $h%d (param i32) (result i32)))\n" % (k, k)
                    for k in range(n))
    body = "local.get 0\n" + "\n".join("call $h%d" % k for k in range(n))
    return _module(body, extra=decls)


def exports(n):
    """n small functions, each exported under its own name."""
    funcs = "".join("  (func (export \"e%d\") (param i32) (result i32) local.get 0 i32.const %d i32.add)\n"
                    % (k, k) for k in range(n))
    return _module("local.get 0", extra=funcs)


def elem_segments(n):
    """n active element segments of one entry each filling an n-entry table; f calls entry x."""
    helpers = "".join("  (func $h%d (type $t) local.get 0 i32.const %d i32.add)\n" % (k, k)
                      for k in range(4))
    segs = "".join("  (elem (i32.const %d) func $h%d)\n" % (k, k % 4) for k in range(n))
    extra = ("  (type $t (func (param i32) (result i32)))\n%s  (table %d funcref)\n%s"
             % (helpers, n, segs))
    return _module("local.get 0 local.get 0 i32.const %d i32.rem_u call_indirect (type $t)" % n,
                   extra=extra)


def loop_exits(n):
    """n blocks around one loop; the loop's i-th statement updates a local and leaves to block i."""
    out = ["block"] * n + ["loop"]
    for i in range(n):
        out.append("local.get 1 i32.const %d i32.add local.set 1 "
                   "local.get 1 i32.const %d i32.eq br_if %d" % (i, i * 7, n - i))
    out.append("local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end")
    for i in range(n):
        out.append("end local.get 1 i32.const %d i32.add local.set 1" % i)
    out.append("local.get 1")
    return _module("\n".join(out), locals_="(local i32)")


def dispatch_loop(n):
    """A loop around an n-way br_table; case i updates a local and branches back to the loop."""
    out = ["loop"] + ["block"] * n
    out.append("local.get 0 i32.const %d i32.rem_u br_table %s" % (n, " ".join(str(i) for i in range(n + 1))))
    for i in range(n):
        out.append("end local.get 1 i32.const %d i32.add local.set 1 "
                   "local.get 0 i32.const 1 i32.sub local.tee 0 br_if %d" % (i * 3 + 1, n - 1 - i))
    out.append("end local.get 1")
    return _module("\n".join(out), locals_="(local i32)")


def indirect_calls(n):
    """n call_indirects (table index x & 7) over 6 locals, each result added into one of them."""
    helpers = "".join("  (func $h%d (type $t) local.get 0 i32.const %d i32.add)\n" % (k, k) for k in range(8))
    extra = ("  (type $t (func (param i32) (result i32)))\n%s  (table 8 funcref)\n"
             "  (elem (i32.const 0) func %s)\n" % (helpers, " ".join("$h%d" % k for k in range(8))))
    rnd = _rng(15)
    out = []
    for i in range(1, 7):
        out.append("local.get 0 i32.const %d i32.add local.set %d" % (i, i))
    for _ in range(n):
        a, b, c = (rnd(6) + 1 for _ in range(3))
        out.append("local.get %d local.get %d i32.const 7 i32.and call_indirect (type $t) "
                   "local.get %d i32.add local.set %d" % (a, b, c, a))
    out.append("local.get 1")
    return _module("\n".join(out), locals_="(local %s)" % " ".join(["i32"] * 6), extra=extra)


def memory_loop(n):
    """One loop of n statements `mem[p & 1020 + a] = mem[p + b] + y; p += 4`."""
    rnd = _rng(23)
    out = ["loop"]
    for _ in range(n):
        out.append("local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=%d local.get 2 i32.add "
                   "i32.store offset=%d local.get 1 i32.const 4 i32.add local.set 1" % (4 * rnd(64), 4 * rnd(64)))
    out.append("local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end local.get 1")
    return _module("\n".join(out), locals_="(local i32 i32)", extra="  (memory 1)\n")


def f64_straight(n, nlocals=16):
    """n statements `x = y op z` over 16 f64 locals, ops chosen pseudo-randomly."""
    ops = ["f64.add", "f64.sub", "f64.mul", "f64.min", "f64.max", "f64.div"]
    return _straight_line(n, nlocals, 5, "f64", ops,
                          lambda i: "local.get 0 f64.convert_i32_s f64.const %d.5 f64.mul local.set %d" % (i + 1, i + 1),
                          "f64.add", "i32.trunc_sat_f64_s")


#: `mixed`'s locals: index ranges per type (local 0 is the i32 parameter).
_MIXED_I32 = range(1, 13)
_MIXED_I64 = range(13, 19)
_MIXED_F32 = range(19, 23)
_MIXED_F64 = range(23, 29)
_MIXED_COUNTER = 29        # loop counters: one per nesting depth, from here on
_MIXED_DEPTH = 6


def mixed(n):
    """n random statements of every kind, nested up to 6 deep; the stack is empty between them."""
    rnd = _rng(6)
    pick = lambda r: r[rnd(len(r))]
    i32_ops = ["i32.add", "i32.sub", "i32.mul", "i32.xor", "i32.and", "i32.or", "i32.shl",
               "i32.shr_u", "i32.shr_s", "i32.rotl"]
    i64_ops = ["i64.add", "i64.sub", "i64.mul", "i64.xor", "i64.and", "i64.or", "i64.shl", "i64.shr_u"]
    f32_ops = ["f32.add", "f32.sub", "f32.mul", "f32.div", "f32.min"]
    f64_ops = ["f64.add", "f64.sub", "f64.mul", "f64.div", "f64.max"]
    out = []

    def arith(locals_, ops):
        return "local.get %d local.get %d %s local.set %d" % (pick(locals_), pick(locals_), pick(ops), pick(locals_))

    def simple():
        k = rnd(12)
        if k < 4:
            return arith(_MIXED_I32, i32_ops)
        if k < 7:
            return arith(*[(_MIXED_I64, i64_ops), (_MIXED_F32, f32_ops), (_MIXED_F64, f64_ops)][k - 4])
        if k == 7:
            return ("local.get %d i64.extend_i32_s local.get %d i64.add local.set %d "
                    "local.get %d f64.convert_i64_s local.set %d local.get %d i32.trunc_sat_f64_s local.set %d"
                    % (pick(_MIXED_I32), pick(_MIXED_I64), pick(_MIXED_I64), pick(_MIXED_I64),
                       pick(_MIXED_F64), pick(_MIXED_F64), pick(_MIXED_I32)))
        if k == 8:
            return "local.get %d i32.const 65532 i32.and i32.load offset=%d local.set %d" % (
                pick(_MIXED_I32), 4 * rnd(16), pick(_MIXED_I32))
        if k == 9:
            return "local.get %d i32.const 65528 i32.and local.get %d i64.store offset=%d" % (
                pick(_MIXED_I32), pick(_MIXED_I64), 8 * rnd(8))
        if k == 10:
            return "local.get %d local.get %d call $h local.set %d" % (
                pick(_MIXED_I32), pick(_MIXED_I32), pick(_MIXED_I32))
        return "local.get %d f32.demote_f64 local.get %d f32.add local.set %d" % (
            pick(_MIXED_F64), pick(_MIXED_F32), pick(_MIXED_F32))

    def block(budget, depth):
        """Statements using about `budget` of n; returns how many it used."""
        used = 0
        while used < budget:
            k = rnd(16) if depth < _MIXED_DEPTH and budget - used > 4 else 0
            if k < 11:
                out.append(simple())
                used += 1
                continue
            inner = 1 + rnd(min(budget - used - 1, 24))
            if k < 13:
                out.append("local.get %d local.get %d i32.lt_s if" % (pick(_MIXED_I32), pick(_MIXED_I32)))
                half = max(1, inner // 2)
                used += block(half, depth + 1)
                out.append("else")
                used += block(max(1, inner - half), depth + 1)
                out.append("end")
            elif k < 15:
                ctr = _MIXED_COUNTER + depth
                out.append("i32.const 3 local.set %d loop" % ctr)
                used += block(inner, depth + 1)
                out.append("local.get %d i32.const 1 i32.sub local.tee %d br_if 0 end" % (ctr, ctr))
            else:
                out.append("block")
                half = max(1, inner // 2)
                used += block(half, depth + 1)
                out.append("local.get %d i32.eqz br_if 0" % pick(_MIXED_I32))
                used += block(max(1, inner - half), depth + 1)
                out.append("end")
            used += 1
        return used

    for i in _MIXED_I32:
        out.append("local.get 0 i32.const %d i32.mul local.set %d" % (i * 7 + 1, i))
    for i in _MIXED_I64:
        out.append("local.get 0 i64.extend_i32_u i64.const %d i64.mul local.set %d" % (i * 11 + 1, i))
    for i in _MIXED_F32:
        out.append("local.get 0 f32.convert_i32_s f32.const %d.25 f32.mul local.set %d" % (i, i))
    for i in _MIXED_F64:
        out.append("local.get 0 f64.convert_i32_s f64.const %d.5 f64.mul local.set %d" % (i, i))
    block(n, 0)
    out.append("local.get 1")
    for i in list(_MIXED_I32)[1:]:
        out.append("local.get %d i32.xor" % i)
    for i in _MIXED_I64:
        out.append("local.get %d i32.wrap_i64 i32.add" % i)
    for i in _MIXED_F32:
        out.append("local.get %d i32.trunc_sat_f32_s i32.add" % i)
    for i in _MIXED_F64:
        out.append("local.get %d i32.trunc_sat_f64_s i32.add" % i)
    locals_ = ("(local %s %s %s %s %s)" % (" ".join(["i32"] * len(_MIXED_I32)), " ".join(["i64"] * len(_MIXED_I64)),
                                           " ".join(["f32"] * len(_MIXED_F32)), " ".join(["f64"] * len(_MIXED_F64)),
                                           " ".join(["i32"] * _MIXED_DEPTH)))
    extra = ("  (memory 1)\n"
             "  (func $h (param i32 i32) (result i32) local.get 0 local.get 1 i32.rotr i32.const 77 i32.xor)\n")
    return _module("\n".join(out), locals_=locals_, extra=extra)


#: shape name -> (generator, n the issue measured or a size of the same order)
SHAPES = {
    "nested_blocks": (nested_blocks, 3000),
    "diamonds": (diamonds, 1000),
    "locals_loop": (locals_loop, 2000),
    "straight": (straight, 16000),
    "br_table": (br_table, 5000),
    "call_chain": (call_chain, 3000),
    "loop_nest": (loop_nest, 500),
    "i64_straight": (i64_straight, 9000),
    "globals": (globals_, 3000),
    "data_segments": (data_segments, 3000),
    "table_entries": (table_entries, 3000),
    "types": (types, 3000),
    "imports": (imports, 3000),
    "exports": (exports, 3000),
    "elem_segments": (elem_segments, 3000),
    "loop_exits": (loop_exits, 1000),
    "dispatch_loop": (dispatch_loop, 1000),
    "indirect_calls": (indirect_calls, 4000),
    "memory_loop": (memory_loop, 2000),
    "f64_straight": (f64_straight, 9000),
    "mixed": (mixed, 4000),
}

ISSUE_SIZES = {name: n for name, (_, n) in SHAPES.items()}


def generate(shape, n):
    """The WAT text of `shape` at size n."""
    return SHAPES[shape][0](n)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shape", nargs="?", choices=sorted(SHAPES))
    ap.add_argument("n", nargs="?", type=int)
    ap.add_argument("-o", "--output", help="output .wat (default: stdout)")
    ap.add_argument("--list", action="store_true", help="list the shapes and their default n")
    args = ap.parse_args(argv)
    if args.list or not args.shape:
        for name in sorted(SHAPES):
            print("%-14s n=%d" % (name, SHAPES[name][1]))
        return 0
    text = generate(args.shape, args.n or SHAPES[args.shape][1])
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
