"""Checks an object's `.debug_frame` against its code.

For every function it rebuilds, independently of the compiler, how far sp is below the
caller's sp at each instruction: a walk of the control-flow graph of the disassembly
(`arm-none-eabi-objdump -dr`), following branches, `cbz`, `tbh`/`tbb` tables and
fall-through, counting pushes, pops, `vpush`/`vpop` (S or D registers) and `sub`/`add
sp`; returns (`pop {.., pc}`, `bx lr`),
tail calls (a relocated `b`) end a path (calls, `bl synth_trap` included, fall through, so
dead code after a trap is checked too). Two paths reaching an
instruction with different depths, or an sp write it cannot model, are errors. Then it
reads the rows of `readelf --debug-dump=frames-interp` and asserts, at every instruction
boundary of the FDE's range, that the CFA rule is `r13 + depth`, and that each saved
register's rule (lr as `ra`) points where the prologue's push stored it while the frame
holds it, and likewise each S register a `vpush` right after it stored (DWARF register
64+n for s_n, a D register d_n being s_2n and s_2n+1).

`check_object(path)` returns a :class:`Report` (functions, instructions checked, errors).
"""

import re
import subprocess
from dataclasses import dataclass, field

REGS = {"r%d" % i: i for i in range(13)}
REGS.update({"sp": 13, "lr": 14, "pc": 15, "fp": 11, "ip": 12, "sl": 10, "sb": 9})

#: Mnemonics whose first operand is not written (an `sp` there is no sp change).
NO_DEST = ("cmp", "cmn", "tst", "teq", "str", "push", "stm", "b", "cbz", "cbnz", "it", "tb",
           "nop", "bkpt", "udf", "bl", "bx", "blx", "pld", "vst", "vpush")

CONDS = ("eq", "ne", "cs", "cc", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt",
         "le")


@dataclass
class Inst:
    addr: int
    mnem: str
    ops: str
    reloc: str = None  # relocation target symbol at this instruction
    table: list = field(default_factory=list)  # tbb/tbh entries (halfword units)


@dataclass
class Report:
    functions: int = 0
    instructions: int = 0
    errors: list = field(default_factory=list)


def _reglist(ops):
    m = re.search(r"\{([^}]*)\}", ops)
    regs = set()
    for part in m.group(1).split(","):
        part = part.strip()
        if "-" in part:
            a, b = (REGS[x.strip()] for x in part.split("-"))
            regs.update(range(a, b + 1))
        elif part:
            regs.add(REGS[part])
    return regs


def _vfp_reglist(ops):
    """The S registers of a `vpush`/`vpop` list (`{d8-d9}`: s16-s19), ascending."""
    m = re.search(r"\{([^}]*)\}", ops)
    regs = []
    for part in m.group(1).split(","):
        part = part.strip()
        a, _, b = part.partition("-")
        b = b or a
        kind, lo, hi = a[0], int(a[1:]), int(b.strip()[1:])
        for n in range(lo, hi + 1):
            regs += [2 * n, 2 * n + 1] if kind == "d" else [n]
    return sorted(regs)


def disassemble(obj):
    """{function name: [Inst]} from objdump, tables attached to their tbb/tbh."""
    out = subprocess.run(["arm-none-eabi-objdump", "-dr", "--no-show-raw-insn", obj], check=True,
                         capture_output=True, text=True).stdout
    funcs, cur = {}, None
    # What the previous line was: "inst", "table" (tb instruction or its
    # entries) or "data" (a literal pool under `$d`: not instructions, and
    # its relocations belong to no instruction).
    prev = None
    for line in out.splitlines():
        m = re.match(r"^([0-9a-f]+) <(.+)>:$", line)
        if m:
            cur = funcs.setdefault(m.group(2), [])
            prev = None
            continue
        if cur is None:
            continue
        m = re.match(r"^\s+([0-9a-f]+): (R_ARM_\w+)\s+(\S+)", line)
        if m:
            # objdump prints runs of zero data as `...`: also check the
            # relocation lies within the instruction.
            if prev == "inst" and 0 <= int(m.group(1), 16) - cur[-1].addr < 4:
                cur[-1].reloc = m.group(3)
            continue
        if line.strip() == "...":
            prev = "data"
            continue
        m = re.match(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
        if not m:
            continue
        addr, mnem, ops = int(m.group(1), 16), m.group(2), m.group(3).split("@")[0].strip()
        if mnem in (".word", ".short", ".byte"):
            v = int(ops, 16)
            tb = cur[-1] if cur and prev == "table" else None
            if tb is None:
                prev = "data"
                continue
            if mnem == ".word":
                half = tb.mnem.startswith("tbh")
                tb.table += [v & 0xFFFF, v >> 16] if half else [(v >> (8 * k)) & 0xFF for k in range(4)]
            elif mnem == ".short":
                tb.table += [v] if tb.mnem.startswith("tbh") else [v & 0xFF, v >> 8]
            else:
                tb.table.append(v)
            continue
        cur.append(Inst(addr, mnem, ops))
        prev = "table" if mnem.startswith("tb") else "inst"
    return funcs


def _base(mnem):
    """Mnemonic without its width suffix (`.n`, `.w`)."""
    return mnem.split(".")[0]


def _target(ops):
    m = re.match(r"^(?:r\d+, )?([0-9a-f]+) <", ops)
    return int(m.group(1), 16) if m else None


def sp_depths(insts, start, end):
    """{addr: depth} over the instructions in [start, end), and errors."""
    by_addr = {i.addr: k for k, i in enumerate(insts)}
    errors, depth = [], {start: 0}
    in_it = {}  # addr -> True when the instruction is conditional (inside an IT block)
    for k, i in enumerate(insts):
        if re.match(r"^it[te]{0,3}$", _base(i.mnem)):
            n = len(_base(i.mnem)) - 1
            for j in insts[k + 1:k + 1 + n]:
                in_it[j.addr] = True
    work = [start]
    while work:
        a = work.pop()
        if a not in by_addr or not start <= a < end:
            continue
        i = insts[by_addr[a]]
        d = depth[a]
        k = by_addr[a]
        nxt = insts[k + 1].addr if k + 1 < len(insts) else end
        base = _base(i.mnem)
        cond = in_it.get(a, False)
        if cond and base[-2:] in CONDS and not base.startswith("b"):
            base = base[:-2]  # `popeq` -> `pop`
        elif cond and base in ["bx" + c for c in CONDS]:
            base = "bx"
        succ, fall = [], True
        if base in ("push", "stmdb") or (base == "stmdb" and i.ops.startswith("sp!")):
            d += 4 * len(_reglist(i.ops))
        elif base in ("pop", "ldmia", "ldm") and (base == "pop" or i.ops.startswith("sp!")):
            regs = _reglist(i.ops)
            d -= 4 * len(regs)
            if 15 in regs and not cond:
                fall = False
        elif base == "vpush":
            d += 4 * len(_vfp_reglist(i.ops))
        elif base == "vpop":
            d -= 4 * len(_vfp_reglist(i.ops))
        elif base.startswith("str") and re.match(r"^\w+, \[sp, #-4\]!$", i.ops):
            d += 4
        elif base.startswith("ldr") and re.match(r"^\w+, \[sp\], #4$", i.ops):
            d -= 4
            if i.ops.startswith("pc") and not cond:
                fall = False
        elif re.match(r"^(sub|subw|add|addw)$", base) and re.match(r"^sp, (sp, )?#\d+$", i.ops):
            n = int(i.ops.split("#")[1])
            d += n if base.startswith("sub") else -n
        elif base == "bx" and not cond:
            fall = False
        elif re.match(r"^b(%s)?$" % "|".join(CONDS), base) or base in ("cbz", "cbnz"):
            t = _target(i.ops)
            uncond = base == "b" and not cond
            if i.reloc is not None:  # tail call: leaves the function
                if uncond:
                    fall = False
            else:
                succ.append(t)
                if uncond:
                    fall = False
        # `bl synth_trap` never returns, but code the compiler left after
        # it is still described by the FDE: walk on as for any call.
        elif base in ("tbb", "tbh"):
            table = i.addr + 4
            succ += [table + 2 * e for e in i.table]
            fall = False
            nxt = None
        elif i.ops.split(",")[0].strip() == "sp" and not base.startswith(NO_DEST):
            errors.append("%#x: `%s %s` writes sp in a way the checker does not model" % (a, i.mnem, i.ops))
        if fall and nxt is not None:
            succ.append(nxt)
        if d < 0:
            errors.append("%#x: sp above the canonical frame address" % a)
            continue
        for s in succ:
            if not start <= s < end:
                continue
            if s in depth:
                if depth[s] != d:
                    errors.append("%#x: reached with sp depths %d and %d" % (s, depth[s], d))
            else:
                depth[s] = d
                work.append(s)
    return depth, errors


def frame_rows(obj):
    """[(lo, hi, [(loc, {column: rule})])] per FDE from readelf's interpreted frames."""
    out = subprocess.run(["readelf", "--debug-dump=frames-interp", obj], check=True, capture_output=True,
                         text=True).stdout
    fdes, cols, cur = [], None, None
    for line in out.splitlines():
        m = re.search(r"FDE cie=\w+ pc=([0-9a-f]+)\.\.([0-9a-f]+)", line)
        if m:
            cur = (int(m.group(1), 16), int(m.group(2), 16), [])
            fdes.append(cur)
            cols = None
            continue
        if cur is None:
            continue
        if line.strip().startswith("LOC"):
            cols = line.split()[1:]
            continue
        parts = line.split()
        if cols and parts and re.match(r"^[0-9a-f]{8}$", parts[0]):
            cur[2].append((int(parts[0], 16), dict(zip(cols, parts[1:]))))
    return fdes


def symbol_ranges(obj):
    """{function name: (start, size)} of the Thumb function symbols in .text."""
    out = subprocess.run(["readelf", "-sW", obj], check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        p = line.split()
        if len(p) >= 8 and p[3] == "FUNC" and p[6] != "UND":
            syms[p[7]] = (int(p[1], 16) & ~1, int(p[2], 0))  # readelf prints sizes from 100000 up in hex
    return syms


def check_object(obj):
    """Checks every function of `obj` (see the module doc); returns a Report."""
    rep = Report()
    funcs = disassemble(obj)
    fdes = {lo: (hi, rows) for lo, hi, rows in frame_rows(obj)}
    for name, (start, size) in sorted(symbol_ranges(obj).items(), key=lambda kv: kv[1]):
        if name == "synth_trap":
            continue
        rep.functions += 1
        if start not in fdes:
            rep.errors.append("%s: no FDE" % name)
            continue
        hi, rows = fdes[start]
        if hi != start + size:
            rep.errors.append("%s: FDE covers %#x..%#x, the function %#x..%#x" % (name, start, hi, start, start + size))
        insts = [i for i in funcs.get(name, []) if start <= i.addr < start + size]
        depth, errs = sp_depths(insts, start, start + size)
        rep.errors += ["%s: %s" % (name, e) for e in errs]
        push = next((i for i in insts[:1] if _base(i.mnem) in ("push", "stmdb")), None)
        pushed = sorted(_reglist(push.ops)) if push else []
        slot = {r: 4 * len(pushed) - 4 * k for k, r in enumerate(pushed)}
        # A `vpush` right after the push (or first) saves callee-saved S registers below it.
        vpush = next((i for i in insts[len(pushed) and 1:][:1] if _base(i.mnem) == "vpush"), None)
        vpushed = _vfp_reglist(vpush.ops) if vpush else []
        vbytes = 4 * len(pushed) + 4 * len(vpushed)
        vslot = {n: vbytes - 4 * k for k, n in enumerate(vpushed)}
        for i in insts:
            if i.addr not in depth:
                rep.errors.append("%s: %#x `%s %s` not reached by the checker's walk" % (name, i.addr, i.mnem, i.ops))
                continue
            rep.instructions += 1
            # An FDE without instructions has the CIE's row: CFA = sp.
            row = None if rows else {"CFA": "r13+0"}
            for loc, r in rows:
                if loc <= i.addr:
                    row = r
            want = "r13+%d" % depth[i.addr]
            if row is None or row.get("CFA") != want:
                rep.errors.append("%s: %#x `%s %s`: CFA %s, sp is %s" % (
                    name, i.addr, i.mnem, i.ops, row and row.get("CFA"), want))
                continue
            saving = push is not None and i.addr > start and depth[i.addr] >= 4 * len(pushed)
            for r, off in slot.items():
                col = "ra" if r == 14 else "r%d" % r
                if r < 4 or r == 12:
                    continue
                rule = row.get(col, "u")
                if saving and rule != "c-%d" % off:
                    rep.errors.append("%s: %#x: %s rule %s, saved at c-%d" % (name, i.addr, col, rule, off))
                if not saving and rule not in ("u", "s"):
                    rep.errors.append("%s: %#x: %s rule %s with the register not on the stack" % (
                        name, i.addr, col, rule))
            vsaving = vpush is not None and i.addr > vpush.addr and depth[i.addr] >= vbytes
            for n, off in vslot.items():
                col = "r%d" % (64 + n)
                rule = row.get(col, "u")
                if vsaving and rule != "c-%d" % off:
                    rep.errors.append("%s: %#x: s%d (%s) rule %s, saved at c-%d" % (name, i.addr, n, col, rule, off))
                if not vsaving and rule not in ("u", "s"):
                    rep.errors.append("%s: %#x: s%d (%s) rule %s with the register not on the stack" % (
                        name, i.addr, n, col, rule))
    return rep
