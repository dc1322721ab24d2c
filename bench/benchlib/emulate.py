"""Run a kernel object under unicorn as a Cortex-M4 and count executed instructions.

Takes an ARM object; links it with ``tests/harness/link.py`` (a strong ``synth_trap`` stub,
a return landing pad, libgcc, fixed memory map) and loads the image into unicorn in
Thumb/M-class mode. :meth:`Machine.call` runs one function with AAPCS register arguments
until it returns to the landing pad, traps into ``synth_trap`` or hits the instruction limit,
and returns a :class:`Run` with the r0 result and the number of instructions executed in that
call only (so ``wasm_init`` can be called first without being counted).

Counting, two numbers per call:
- ``instructions``: a block hook adds the number of Thumb instructions of each translated
  block as it is entered (decoded once per block and cached). This counts instructions whose
  condition failed inside an IT block too: the core still issues them (as NOPs, each taking a
  cycle on a Cortex-M4), so this is the closer proxy for time and the headline number.
- ``passed``: a per-instruction code hook; unicorn does not call it for IT-block instructions
  whose condition failed, so this counts only condition-passing instructions.
Both are equal for code without IT blocks.
"""

import os
from dataclasses import dataclass

import unicorn
import unicorn.arm_const as A

from . import paths  # noqa: F401  (puts tests/ on sys.path)
from harness import elf as elfmod  # noqa: E402
from harness import link as linkmod  # noqa: E402

STACK_TOP = 0x30100000
STACK_SIZE = 0x00100000
PAGE = 0x1000
DEFAULT_LIMIT = 50_000_000


class EmulationError(Exception):
    """The image could not be linked or loaded."""


@dataclass
class Run:
    """Outcome of one call: kind is 'ok', 'trap', 'fault' or 'timeout'."""

    kind: str
    value: int = 0
    instructions: int = 0
    passed: int = 0
    detail: str = ""


def _is_wide(halfword):
    return (halfword >> 11) in (0b11101, 0b11110, 0b11111)


def link(objects, workdir, name):
    """Link ``objects`` into ``workdir/<name>.elf`` with the harness stubs; returns the path."""
    try:
        return linkmod.link(list(objects), workdir, name=name)
    except (linkmod.LinkError, FileNotFoundError) as e:
        raise EmulationError(str(e)) from e


class Machine:
    """One linked image, reusable for several calls (memory is reset before each call)."""

    def __init__(self, elf_path, count=True):
        self.image = elfmod.read(elf_path)
        self.uc = unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_THUMB | unicorn.UC_MODE_MCLASS,
                             cpu=A.UC_CPU_ARM_CORTEX_M4)
        mapped = []
        for seg in self.image.segments:
            lo = seg.vaddr & ~(PAGE - 1)
            hi = (seg.vaddr + seg.memsz + PAGE - 1) & ~(PAGE - 1)
            for mlo, mhi in mapped:
                if lo < mhi and hi > mlo:
                    lo = max(lo, mhi)
            if hi > lo:
                self.uc.mem_map(lo, hi - lo)
                mapped.append((lo, hi))
        self.uc.mem_map(STACK_TOP - STACK_SIZE, STACK_SIZE)
        self.ret_addr = self.image.address("__harness_return")
        self.trap_addr = self.image.address("synth_trap")
        if self.image.symbols["synth_trap"].bind != elfmod.STB_GLOBAL:
            raise EmulationError("stub synth_trap did not override the weak default")
        self.trapped = False
        self.count = 0
        self.passed = 0
        self._blocks = {}
        self.uc.hook_add(unicorn.UC_HOOK_CODE, self._on_trap, begin=self.trap_addr,
                         end=self.trap_addr + 1)
        if count:
            self.uc.hook_add(unicorn.UC_HOOK_CODE, self._on_insn)
            self.uc.hook_add(unicorn.UC_HOOK_BLOCK, self._on_block)

    def _on_trap(self, uc, address, size, _data):
        self.trapped = True
        uc.emu_stop()

    def _on_insn(self, uc, address, size, _data):
        self.passed += 1

    def _on_block(self, uc, address, size, _data):
        n = self._blocks.get((address, size))
        if n is None:
            code = uc.mem_read(address, size)
            n = i = 0
            while i + 1 < size:
                i += 4 if _is_wide(code[i] | (code[i + 1] << 8)) else 2
                n += 1
            self._blocks[(address, size)] = n
        self.count += n

    def reset(self):
        """Restore every loaded segment (data, zeroed bss) to the image's contents."""
        for seg in self.image.segments:
            self.uc.mem_write(seg.vaddr, bytes(seg.data) + b"\0" * (seg.memsz - len(seg.data)))

    def has(self, symbol):
        """Whether the image defines ``symbol``."""
        return symbol in self.image.symbols

    def call(self, symbol, args=(), limit=DEFAULT_LIMIT):
        """Call function ``symbol`` with up to four i32 ``args``; returns a :class:`Run`."""
        if len(args) > 4:
            raise ValueError("only register arguments are supported")
        for r in range(13):
            self.uc.reg_write(getattr(A, "UC_ARM_REG_R%d" % r), 0)
        for r, v in zip((A.UC_ARM_REG_R0, A.UC_ARM_REG_R1, A.UC_ARM_REG_R2, A.UC_ARM_REG_R3), args):
            self.uc.reg_write(r, v & 0xFFFFFFFF)
        sp = STACK_TOP - 64
        self.uc.reg_write(A.UC_ARM_REG_SP, sp)
        self.uc.reg_write(A.UC_ARM_REG_LR, self.ret_addr | 1)
        self.trapped = False
        self.count = self.passed = 0
        try:
            self.uc.emu_start(self.image.address(symbol) | 1, self.ret_addr, count=limit)
        except unicorn.UcError as e:
            pc = self.uc.reg_read(A.UC_ARM_REG_PC)
            return Run("fault", instructions=self.count, passed=self.passed, detail="%s at pc=0x%08x" % (e, pc))
        pc = self.uc.reg_read(A.UC_ARM_REG_PC)
        if self.trapped:
            code = self.uc.reg_read(A.UC_ARM_REG_R0)
            return Run("trap", instructions=self.count, passed=self.passed, detail="synth_trap(%d)" % code)
        if pc & ~1 != self.ret_addr:
            return Run("timeout", instructions=self.count, passed=self.passed,
                       detail="stopped at pc=0x%08x after the %d-instruction limit" % (pc, limit))
        if self.uc.reg_read(A.UC_ARM_REG_SP) != sp:
            return Run("fault", instructions=self.count, passed=self.passed, detail="sp not preserved")
        return Run("ok", value=self.uc.reg_read(A.UC_ARM_REG_R0), instructions=self.count, passed=self.passed)


def run_kernel(obj, workdir, name, entry, init=None, count=True):
    """Link ``obj``, reset memory, call ``init`` (uncounted) if given, then ``entry``."""
    elf = link([obj], workdir, name)
    m = Machine(elf, count=count)
    m.reset()
    if init is not None:
        r = m.call(init)
        if r.kind != "ok":
            r.detail = "during %s: %s" % (init, r.detail)
            return r
    return m.call(entry)
