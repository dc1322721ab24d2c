#!/usr/bin/env python3
"""Worst-case stack use of the AEABI float functions synth calls, read from libgcc.

Takes: the installed arm-none-eabi toolchain (``arm-none-eabi-gcc`` picks each multilib's
``libgcc.a``; ``arm-none-eabi-objdump -dr`` disassembles it). Returns: for every target and
every ``__aeabi_*`` function in ``rust/synth/src/stack/libcalls.txt``, the deepest sp
excursion (bytes below the sp at the call) over every path through the function and its
callees, the largest over the multilibs a firmware for that core may link (no FPU, and each
FPU with ``-mfloat-abi=softfp`` and ``hard``).

How: each archive member is disassembled with its relocations; from a function's entry the
walker follows every path with the sp depth it has there (``push``/``stmdb sp!``/
``str rX, [sp, #-n]!``/``strd .., [sp, #-n]!``/``sub sp`` deepen it; ``pop``/``ldmia sp!``/
``ldr rX, [sp], #n``/``add sp`` raise it), branches (conditional ones both ways, IT blocks
included) within the member, ``bl`` and tail branches into other functions (their own
worst case added at the current depth), and ends a path at a return (``bx lr``, a pop or
load of pc). Anything it cannot follow (an indirect branch or call, another write to sp, a
loop that deepens the stack) is an error, never a guess.

    python3 scripts/libgcc_stack.py            # print the table in libcalls.txt's format
    python3 scripts/libgcc_stack.py --check    # compare with the checked-in table; exit 1 on a difference
"""

import argparse
import os
import re
import subprocess
import sys
from functools import lru_cache

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, "rust", "synth", "src", "stack", "libcalls.txt")

# The gcc options of every multilib a firmware for the core may link with synth's objects
# (synth's float code is soft-float and links into firmware of any float ABI).
TARGETS = {
    "cortex-m3": [["-mcpu=cortex-m3"]],
    "cortex-m4": [
        ["-mcpu=cortex-m4"],
        ["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", "-mfloat-abi=softfp"],
        ["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"],
    ],
    "cortex-m7": [
        ["-mcpu=cortex-m7"],
        ["-mcpu=cortex-m7", "-mfpu=fpv5-sp-d16", "-mfloat-abi=softfp"],
        ["-mcpu=cortex-m7", "-mfpu=fpv5-sp-d16", "-mfloat-abi=hard"],
        ["-mcpu=cortex-m7", "-mfpu=fpv5-d16", "-mfloat-abi=softfp"],
        ["-mcpu=cortex-m7", "-mfpu=fpv5-d16", "-mfloat-abi=hard"],
    ],
    "cortex-m33": [
        ["-mcpu=cortex-m33"],
        ["-mcpu=cortex-m33", "-mfpu=fpv5-sp-d16", "-mfloat-abi=softfp"],
        ["-mcpu=cortex-m33", "-mfpu=fpv5-sp-d16", "-mfloat-abi=hard"],
    ],
    "cortex-m55": [
        ["-mcpu=cortex-m55"],
        ["-mcpu=cortex-m55", "-mfpu=fpv5-sp-d16", "-mfloat-abi=softfp"],
        ["-mcpu=cortex-m55", "-mfpu=fpv5-sp-d16", "-mfloat-abi=hard"],
        ["-mcpu=cortex-m55", "-mfpu=fpv5-d16", "-mfloat-abi=softfp"],
        ["-mcpu=cortex-m55", "-mfpu=fpv5-d16", "-mfloat-abi=hard"],
    ],
}

COND = "eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al"


class Unfollowable(Exception):
    """An instruction the walker cannot bound."""


def libgcc_path(opts):
    out = subprocess.run(["arm-none-eabi-gcc", "-mthumb", *opts, "-print-libgcc-file-name"],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


class Member:
    """One archive member: its instructions by address, symbols and relocations."""

    def __init__(self, name):
        self.name = name
        self.insts = {}  # addr -> (mnemonic, operands, next addr)
        self.order = []
        self.symbols = {}  # name -> addr (.text only)
        self.relocs = {}  # addr -> symbol


def parse_archive(path):
    """Every member of the archive, disassembled (.text only)."""
    text = subprocess.run(["arm-none-eabi-objdump", "-t", "-dr", "--no-show-raw-insn", path],
                          check=True, capture_output=True, text=True).stdout
    members, cur, section = [], None, None
    for line in text.splitlines():
        m = re.match(r"^(\S+\.o):\s+file format", line)
        if m:
            cur = Member(m.group(1))
            members.append(cur)
            section = None
            continue
        m = re.match(r"^Disassembly of section (\S+):", line)
        if m:
            section = m.group(1)
            continue
        if cur is None:
            continue
        # Symbol table lines come before the disassembly: every name, aliases included.
        m = re.match(r"^([0-9a-f]{8}) (?:[gl]| ) ?w?\s+F? ?\.text\t[0-9a-f]+ (?:\.hidden )?(\S+)$", line)
        if m and section is None:
            cur.symbols[m.group(2)] = int(m.group(1), 16)
            continue
        if section != ".text":
            continue
        m = re.match(r"^([0-9a-f]+) <([^>]+)>:$", line)
        if m:
            cur.symbols[m.group(2)] = int(m.group(1), 16)
            continue
        m = re.match(r"^\s+([0-9a-f]+): (R_ARM_\w+)\s+(\S+)", line)
        if m:
            cur.relocs[int(m.group(1), 16)] = m.group(3)
            continue
        m = re.match(r"^\s+([0-9a-f]+):\t(\S+)(?:\t(.*))?$", line)
        if m:
            addr = int(m.group(1), 16)
            ops = (m.group(3) or "").split("\t@")[0].strip()
            cur.insts[addr] = [m.group(2), ops, None]
            cur.order.append(addr)
    for mem in members:
        for a, b in zip(mem.order, mem.order[1:]):
            mem.insts[a][2] = b
    return members


def reglist(ops):
    m = re.search(r"\{([^}]*)\}", ops)
    if not m:
        raise Unfollowable(f"no register list in `{ops}`")
    regs = []
    for part in m.group(1).split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = (int(x.strip()[1:]) for x in part.split("-"))
            regs += [f"r{i}" for i in range(lo, hi + 1)]
        else:
            regs.append(part)
    return regs


def base(mn):
    """Mnemonic without width suffix."""
    return mn.split(".")[0]


class Libgcc:
    """Worst-case stack of functions defined in one libgcc."""

    def __init__(self, path):
        self.members = parse_archive(path)
        self.defs = {}
        for mem in self.members:
            for s in mem.symbols:
                self.defs.setdefault(s, []).append(mem)

    @lru_cache(maxsize=None)
    def worst(self, sym, stack=()):
        """Deepest sp excursion of `sym` (largest over all its definitions)."""
        if sym in stack:
            raise Unfollowable(f"recursion through {sym}")
        if sym not in self.defs:
            raise Unfollowable(f"{sym} is not defined in libgcc")
        return max(self._walk(mem, mem.symbols[sym], stack + (sym,)) for mem in self.defs[sym])

    def _callee(self, mem, addr, target_ops, stack):
        sym = mem.relocs.get(addr)
        if sym is None:
            # A call to a local label of the member (a shared subroutine).
            m = re.match(r"^([0-9a-f]+) <", target_ops)
            if not m:
                raise Unfollowable(f"{mem.name}+{addr:#x}: call without a target")
            return self._walk(mem, int(m.group(1), 16), stack)
        if sym in mem.symbols:
            return self._walk(mem, mem.symbols[sym], stack + (sym,))
        return self.worst(sym, stack)

    def _walk(self, mem, entry, stack):
        worst = 0
        seen = set()
        todo = [(entry, 0, 0)]  # addr, depth, instructions left in the IT block
        while todo:
            addr, depth, it_left = todo.pop()
            if (addr, depth, it_left) in seen:
                continue
            seen.add((addr, depth, it_left))
            if depth > 4096:
                raise Unfollowable(f"{mem.name}+{addr:#x}: stack keeps growing")
            if addr not in mem.insts:
                raise Unfollowable(f"{mem.name}+{addr:#x}: path leaves the code")
            mn, ops, nxt = mem.insts[addr]
            conditional = it_left > 0
            left = max(it_left - 1, 0)
            b = base(mn)
            if re.fullmatch(r"it[te]{0,3}", b):
                todo.append((nxt, depth, len(b) - 1))
                continue
            if conditional:
                # Not taken: the instruction does nothing.
                todo.append((nxt, depth, left))
            stem = re.sub(rf"({COND})$", "", b) if conditional else b
            writes_sp = bool(re.match(r"^sp\b", ops)) or "sp!" in ops or re.search(r"\[sp\], #", ops)
            if stem in ("push", "stmdb") and (stem == "push" or ops.startswith("sp!")):
                depth += 4 * len(reglist(ops))
                worst = max(worst, depth)
                todo.append((nxt, depth, left))
            elif stem in ("pop", "ldmia", "ldm") and (stem == "pop" or ops.startswith("sp!")):
                regs = reglist(ops)
                depth -= 4 * len(regs)
                if "pc" not in regs:
                    todo.append((nxt, depth, left))
            elif stem in ("str", "strd") and re.search(r"\[sp, #-(\d+)\]!", ops):
                depth += int(re.search(r"\[sp, #-(\d+)\]!", ops).group(1))
                worst = max(worst, depth)
                todo.append((nxt, depth, left))
            elif stem in ("ldr", "ldrd") and re.search(r"\[sp\], #(\d+)", ops):
                depth -= int(re.search(r"\[sp\], #(\d+)", ops).group(1))
                if not ops.startswith("pc,"):
                    todo.append((nxt, depth, left))
            elif stem in ("sub", "subw", "add", "addw") and re.match(r"^sp, (?:sp, )?#(\d+)$", ops):
                n = int(re.match(r"^sp, (?:sp, )?#(\d+)$", ops).group(1))
                depth += n if stem.startswith("sub") else -n
                worst = max(worst, depth)
                todo.append((nxt, depth, left))
            elif stem == "bx" and ops == "lr":
                pass  # return
            elif stem == "bl":
                worst = max(worst, depth + self._callee(mem, addr, ops, stack))
                todo.append((nxt, depth, left))
            elif stem in ("b", "cbz", "cbnz") or re.fullmatch(rf"b({COND})", stem):
                cond = stem != "b"
                sym = mem.relocs.get(addr)
                target = re.search(r"^(?:\w+, )?([0-9a-f]+) <", ops)
                if sym is not None and sym not in mem.symbols:
                    worst = max(worst, depth + self.worst(sym, stack))  # tail call
                elif target:
                    todo.append((int(target.group(1), 16), depth, 0))
                else:
                    raise Unfollowable(f"{mem.name}+{addr:#x}: branch `{mn} {ops}`")
                if cond:
                    todo.append((nxt, depth, left))
            elif stem in ("blx", "tbb", "tbh", "bxj") or stem == "bx" or writes_sp or re.match(r"^pc\b", ops) or "pc}" in ops:
                raise Unfollowable(f"{mem.name}+{addr:#x}: cannot follow `{mn} {ops}`")
            elif nxt is None:
                raise Unfollowable(f"{mem.name}+{addr:#x}: runs off the end")
            else:
                todo.append((nxt, depth, left))
        return worst


def read_table(path=TABLE):
    """The checked-in table: {target: {symbol: bytes}} and the symbols in file order."""
    table, symbols = {}, []
    with open(path) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if not line:
                continue
            target, sym, n = line.split()
            table.setdefault(target, {})[sym] = int(n)
            if sym not in symbols:
                symbols.append(sym)
    return table, symbols


def derive(symbols):
    """{target: {symbol: bytes}} from the installed libgcc multilibs."""
    out = {}
    cache = {}
    for target, variants in TARGETS.items():
        row = {}
        for opts in variants:
            path = libgcc_path(opts)
            if path not in cache:
                cache[path] = Libgcc(path)
            lib = cache[path]
            for s in symbols:
                row[s] = max(row.get(s, 0), lib.worst(s))
        out[target] = row
    return out


def format_table(table, symbols):
    lines = []
    for target in TARGETS:
        for s in symbols:
            lines.append(f"{target} {s} {table[target][s]}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the checked-in table")
    args = ap.parse_args()
    checked, symbols = read_table()
    derived = derive(symbols)
    if args.check:
        bad = [(t, s, checked.get(t, {}).get(s), derived[t][s]) for t in TARGETS for s in symbols
               if checked.get(t, {}).get(s) != derived[t][s]]
        for t, s, c, d in bad:
            print(f"{t} {s}: table says {c}, installed libgcc needs {d}")
        print(f"{len(TARGETS) * len(symbols) - len(bad)} of {len(TARGETS) * len(symbols)} entries match the installed libgcc")
        return 1 if bad else 0
    sys.stdout.write(format_table(derived, symbols))
    return 0


if __name__ == "__main__":
    sys.exit(main())
