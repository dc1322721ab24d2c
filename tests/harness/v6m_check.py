"""Proof that an object holds only ARMv6-M instructions, independent of any emulator.

unicorn's Cortex-M0 model executes some Thumb-2 instructions real ARMv6-M hardware rejects,
so running code there proves nothing about the instruction set. Here the object's ``.text``
is disassembled (``arm-none-eabi-objdump -d -z``), every line is written back as assembly
(branch targets as labels, ``bl`` as ``bl .``, literal-pool words as ``.word``), assembled
with ``arm-none-eabi-as -mcpu=cortex-m0plus`` -- which rejects every instruction ARMv6-M
lacks -- and the result must be the original bytes, byte for byte: the same instructions,
at the same places, in the encodings an ARMv6-M assembler chooses.
"""

import os
import re
import subprocess

from harness import paths

LINE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f ]+?)\s*\t(.*)$")
TARGET = re.compile(r"^([0-9a-f]+) <[^>]*>$")


def _bytes(hexfield):
    out = b""
    for part in hexfield.split():
        out += int(part, 16).to_bytes(len(part) // 2, "little")
    return out


def _bl_target(addr, raw):
    hw1, hw2 = int.from_bytes(raw[0:2], "little"), int.from_bytes(raw[2:4], "little")
    s = (hw1 >> 10) & 1
    i1 = 1 ^ (((hw2 >> 13) & 1) ^ s)
    i2 = 1 ^ (((hw2 >> 11) & 1) ^ s)
    imm = (s << 24) | (i1 << 23) | (i2 << 22) | ((hw1 & 0x3FF) << 12) | ((hw2 & 0x7FF) << 1)
    if s:
        imm -= 1 << 25
    return addr + 4 + imm


def text_lines(obj):
    """(address, bytes, assembly) of every line of ``.text``, assembly rewritten for GNU as."""
    dis = subprocess.run([paths.tool("arm-none-eabi-objdump"), "-d", "-z", "-j", ".text", obj],
                         check=True, capture_output=True, text=True).stdout
    out = []
    for line in dis.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        addr, raw, text = int(m.group(1), 16), _bytes(m.group(2)), m.group(3)
        text = text.split("\t@")[0].split(" @ ")[0].strip()
        parts = text.split("\t", 1)
        mnem, ops = parts[0], (parts[1].strip() if len(parts) > 1 else "")
        t = TARGET.match(ops)
        if mnem == "nop" and raw == b"\x00\xbf":
            # NOP T1 (0xbf00) is ARMv6-M (the hint space: GNU as takes `wfi`, `yield` for
            # cortex-m0plus) but GNU as writes `nop` as `mov r8, r8` for it; the object
            # writer pads between functions with it. Written as the hint's bytes.
            asm = ".inst.n 0xbf00"
        elif mnem == "bl":
            # A relocated call holds the REL addend (-4, `bl .`); a long branch inside the
            # function is written to its target, decoded from the bits themselves.
            asm = "bl ." if raw == b"\xff\xf7\xfe\xff" else "bl L_%x" % _bl_target(addr, raw)
        elif t and mnem.startswith("b"):
            asm = "%s L_%x" % (mnem, int(t.group(1), 16))
        elif mnem == ".word":
            asm = ".word %s" % ops
        elif mnem == ".short":
            asm = ".short %s" % ops
        else:
            asm = ("%s %s" % (mnem, ops)).strip()
        out.append((addr, raw, asm))
    return out


def check(obj, workdir):
    """Reassemble ``obj``'s ``.text`` for Cortex-M0+; returns (instructions checked, problems)."""
    lines = text_lines(obj)
    os.makedirs(workdir, exist_ok=True)
    base = os.path.join(workdir, os.path.basename(obj) + ".v6m")
    src = [".syntax unified", ".thumb", ".text"]
    expected = b""
    for addr, raw, asm in lines:
        if len(expected) != addr:
            return 0, ["gap in the disassembly at %#x" % addr]
        src.append("L_%x: %s" % (addr, asm))
        expected += raw
    with open(base + ".s", "w") as f:
        f.write("\n".join(src) + "\n")
    proc = subprocess.run([paths.tool("arm-none-eabi-as"), "-mcpu=cortex-m0plus", "-mthumb", "-o", base + ".o",
                           base + ".s"], capture_output=True, text=True)
    if proc.returncode != 0:
        return 0, [l for l in proc.stderr.splitlines() if "Error" in l][:20] or [proc.stderr[:2000]]
    subprocess.run([paths.tool("arm-none-eabi-objcopy"), "-O", "binary", "-j", ".text", base + ".o", base + ".bin"],
                   check=True)
    with open(base + ".bin", "rb") as f:
        got = f.read()
    problems = []
    if got != expected:
        for addr, raw, asm in lines:
            if got[addr:addr + len(raw)] != raw:
                problems.append("%#x: %s: ours %s, as %s" % (addr, asm, raw.hex(), got[addr:addr + len(raw)].hex()))
                if len(problems) >= 20:
                    break
        if not problems:
            problems.append("sizes differ: %d vs %d" % (len(got), len(expected)))
    insts = sum(1 for _, _, a in lines if not a.startswith(".word") and not a.startswith(".short"))
    return insts, problems
