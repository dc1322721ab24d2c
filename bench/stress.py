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


def straight(n, nlocals=32):
    """n statements `x = y op z` over 32 i32 locals, ops chosen pseudo-randomly."""
    rnd = _rng(3)
    ops = ["i32.add", "i32.sub", "i32.mul", "i32.xor", "i32.and", "i32.or", "i32.shl", "i32.shr_u"]
    out = []
    for i in range(nlocals):
        out.append("local.get 0 i32.const %d i32.add local.set %d" % (i * 5 + 3, i + 1))
    for _ in range(n):
        a, b, c = (rnd(nlocals) + 1 for _ in range(3))
        out.append("local.get %d local.get %d %s local.set %d" % (a, b, ops[rnd(len(ops))], c))
    out.append("local.get 1")
    for i in range(2, nlocals + 1):
        out.append("local.get %d i32.xor" % i)
    return _module("\n".join(out), locals_="(local %s)" % " ".join(["i32"] * nlocals))


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
    rnd = _rng(4)
    ops = ["i64.add", "i64.sub", "i64.xor", "i64.and", "i64.or", "i64.mul"]
    out = []
    for i in range(nlocals):
        out.append("local.get 0 i64.extend_i32_u i64.const %d i64.mul local.set %d" % (i * 7 + 1, i + 1))
    for _ in range(n):
        a, b, c = (rnd(nlocals) + 1 for _ in range(3))
        out.append("local.get %d local.get %d %s local.set %d" % (a, b, ops[rnd(len(ops))], c))
    out.append("local.get 1")
    for i in range(2, nlocals + 1):
        out.append("local.get %d i64.xor" % i)
    out.append("i32.wrap_i64")
    return _module("\n".join(out), locals_="(local %s)" % " ".join(["i64"] * nlocals))


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
