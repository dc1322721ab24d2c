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
from harness.uc_image import InstructionCounter, cortex_m, map_segments, reset_segments  # noqa: E402

STACK_TOP = 0x30100000
STACK_SIZE = 0x00100000
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


#: ``soft`` or ``hard``: which libgcc multilib the images link (bench/run.py ``--fpu``).
FLOAT_ABI = "soft"
#: The emulated core (unicorn's model of this target); bench/run.py --target sets it.
CPU = ["cortex-m4"]


def link(objects, workdir, name):
    """Link ``objects`` into ``workdir/<name>.elf`` with the harness stubs; returns the path."""
    try:
        return linkmod.link(list(objects), workdir, name=name, float_abi=FLOAT_ABI, cpu=CPU[0])
    except (linkmod.LinkError, FileNotFoundError) as e:
        raise EmulationError(str(e)) from e


class Machine:
    """One linked image, reusable for several calls (memory is reset before each call)."""

    def __init__(self, elf_path, count=True):
        self.image = elfmod.read(elf_path)
        self.uc = cortex_m(CPU[0])
        map_segments(self.uc, self.image)
        self.uc.mem_map(STACK_TOP - STACK_SIZE, STACK_SIZE)
        self.ret_addr = self.image.address("__harness_return")
        self.trap_addr = self.image.address("synth_trap")
        if self.image.symbols["synth_trap"].bind != elfmod.STB_GLOBAL:
            raise EmulationError("stub synth_trap did not override the weak default")
        self.trapped = False
        self.passed = 0
        self._counter = None
        self.uc.hook_add(unicorn.UC_HOOK_CODE, self._on_trap, begin=self.trap_addr,
                         end=self.trap_addr + 1)
        if count:
            self.uc.hook_add(unicorn.UC_HOOK_CODE, self._on_insn)
            self._counter = InstructionCounter(self.uc)

    def _on_trap(self, uc, address, size, _data):
        self.trapped = True
        uc.emu_stop()

    def _on_insn(self, uc, address, size, _data):
        self.passed += 1

    @property
    def count(self):
        """Instructions issued since the current call started (0 when not counting)."""
        return self._counter.count if self._counter else 0

    def reset(self):
        """Restore every loaded segment (data, zeroed bss) to the image's contents."""
        reset_segments(self.uc, self.image)

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
        self.passed = 0
        if self._counter:
            self._counter.count = 0
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
