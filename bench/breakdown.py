#!/usr/bin/env python3
"""Excess bytes by instruction kind: synth against gcc -Os, over the bench kernels.

Reads the objects `bench/run.py` left in bench/build/<kernel>/ (run it first), disassembles
each `.text` with `arm-none-eabi-objdump -d` and counts bytes per kind:

  spill     ldr/str (any width, VFP too) addressed off sp
  const     immediate moves (mov/movs/movw/movt/mvn #imm) and literal loads ([pc, #imm])
  move      register-to-register mov/movs
  branch    b/b<cc>/bl/bx/blx/cbz/cbnz/tbb/tbh
  pushpop   push/pop (and stmdb/ldmia on sp)
  wide      any other 32-bit instruction
  narrow    any other 16-bit instruction
  data      literal pools, jump tables, padding ($d: .word/.short/.byte)

It prints, per kind, the synth and gcc -Os bytes summed over the kernels, the excess (synth
minus gcc) and its share of the total excess. All of synth's `.text` is counted (its module
functions and its support code: wasm_init, runtime helpers, trap stub), as the bench's
`size_synth_text` ratio does.

    .venv/bin/python bench/breakdown.py                    # checks off (synth-nbc)
    .venv/bin/python bench/breakdown.py --variant synth    # checks on
    .venv/bin/python bench/breakdown.py -k aes -k crc32    # some kernels
    .venv/bin/python bench/breakdown.py --target cortex-m0plus   # the M0+ objects
    .venv/bin/python bench/breakdown.py --build DIR        # objects elsewhere (e.g. an older synth)
"""

import argparse
import collections
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import paths  # noqa: E402

KINDS = ("spill", "const", "move", "branch", "pushpop", "wide", "narrow", "data")
BRANCHES = re.compile(r"^(b|bl|bx|blx|cbz|cbnz|tbb|tbh)(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)?$")


def classify(mnem, ops, size):
    """The kind of one disassembled line."""
    if mnem.startswith("."):
        return "data"
    base = mnem.split(".")[0]
    if re.match(r"^(v?ldr|v?str)", base) and "[sp" in ops:
        return "spill"
    if re.match(r"^v?ldr", base) and "[pc" in ops:
        return "const"
    if re.match(r"^(movs?|movw|movt|mvns?)(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le)?$", base):
        return "const" if "#" in ops else "move"
    if BRANCHES.match(base):
        return "branch"
    if base in ("push", "pop", "vpush", "vpop") or (base in ("stmdb", "ldmia", "ldm") and ops.startswith("sp!")):
        return "pushpop"
    return "wide" if size == 4 else "narrow"


def count(obj):
    """{kind: bytes} over the .text of `obj`."""
    out = subprocess.run(["arm-none-eabi-objdump", "-d", "-j", ".text", obj], check=True,
                         capture_output=True, text=True).stdout
    got = collections.Counter()
    prev_addr = None
    for line in out.splitlines():
        m = re.match(r"^\s+([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(\S+)\s*(.*)$", line)
        if not m:
            continue
        size = len(m.group(2).replace(" ", "")) // 2
        got[classify(m.group(3), m.group(4).split("@")[0], size)] += size
        prev_addr = int(m.group(1), 16) + size
    # Runs of zero data objdump prints as `...`: the rest of .text.
    text = section_size(obj)
    if prev_addr is not None and text > sum(got.values()):
        got["data"] += text - sum(got.values())
    return got


def section_size(obj):
    out = subprocess.run(["arm-none-eabi-size", "-A", obj], check=True, capture_output=True, text=True).stdout
    return sum(int(p[1]) for p in (ln.split() for ln in out.splitlines())
               if len(p) >= 2 and (p[0] == ".text" or p[0].startswith(".text.")) and p[1].isdigit())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", default="synth-nbc", choices=("synth", "synth-nbc", "synth-Os", "synth-Os-nbc"))
    ap.add_argument("-k", "--kernel", action="append")
    ap.add_argument("--build", default=None,
                    help="directory of <kernel>/<kernel>.<variant>.o objects (default: the "
                         "--target's, bench/build for the Cortex-M4)")
    ap.add_argument("--target", default=paths.DEFAULT_TARGET,
                    help="read the objects bench/run.py built for this core (e.g. cortex-m0plus: "
                         "bench/build/cortex-m0plus)")
    args = ap.parse_args(argv)
    args.build = args.build or paths.build_dir(args.target)
    names = args.kernel or paths.kernel_names()
    ours, gcc = collections.Counter(), collections.Counter()
    missing = []
    for name in names:
        d = os.path.join(args.build, name)
        so = os.path.join(d, "%s.%s.o" % (name, args.variant))
        go = os.path.join(d, "%s.gcc-Os.o" % name)
        if not (os.path.exists(so) and os.path.exists(go)):
            missing.append(name)
            continue
        ours.update(count(so))
        gcc.update(count(go))
    if missing:
        print("no objects (run bench/run.py first) for: %s" % ", ".join(missing), file=sys.stderr)
    excess = {k: ours[k] - gcc[k] for k in KINDS}
    total = sum(excess.values())
    print("excess bytes by kind, %s vs gcc -Os, %d kernels (%s)" % (args.variant, len(names) - len(missing),
                                                                   os.path.relpath(args.build, paths.REPO)))
    print("%-8s %8s %8s %8s %7s" % ("kind", "synth", "gcc-Os", "excess", "share"))
    for k in KINDS:
        share = 100.0 * excess[k] / total if total else 0.0
        print("%-8s %8d %8d %8d %6.1f%%" % (k, ours[k], gcc[k], excess[k], share))
    print("%-8s %8d %8d %8d" % ("total", sum(ours.values()), sum(gcc.values()), total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
