"""Unicorn plumbing shared by the test harness and the benchmark: a Cortex-M engine with a
linked ELF image mapped into it, memory reset between calls, and an executed-instruction
counter.

Takes an image from :mod:`harness.elf`; returns a configured ``unicorn.Uc``. Callers add
their own stubs (return landing pad, ``synth_trap``, imports) and argument passing.
"""

import struct
from functools import lru_cache

import unicorn
import unicorn.arm_const as A

PAGE = 0x1000


def is_wide(halfword):
    """Whether a Thumb halfword starts a 32-bit instruction."""
    return (halfword >> 11) in (0b11101, 0b11110, 0b11111)


#: unicorn's CPU model for each synth target. unicorn has no Cortex-M55: its ARMv8-M
#: Mainline model (Cortex-M33) runs the M55 code (synth emits the same instructions for both).
MODELS = {
    "cortex-m0": A.UC_CPU_ARM_CORTEX_M0,
    "cortex-m0plus": A.UC_CPU_ARM_CORTEX_M0,
    "cortex-m3": A.UC_CPU_ARM_CORTEX_M3,
    "cortex-m4": A.UC_CPU_ARM_CORTEX_M4,
    "cortex-m7": A.UC_CPU_ARM_CORTEX_M7,
    "cortex-m33": A.UC_CPU_ARM_CORTEX_M33,
    "cortex-m55": A.UC_CPU_ARM_CORTEX_M33,
}


def cortex_m(cpu="cortex-m4"):
    """A fresh unicorn engine running Thumb code on the Cortex-M model of target ``cpu``.

    unicorn 2.1.4 ignores the CPU model of an engine opened with ``UC_MODE_MCLASS`` (the
    ``cpu=`` argument and ``ctl_set_cpu_model`` alike): every such engine is a Cortex-M33.
    Opened in plain Thumb mode, the M-profile model chosen here is the one that runs (its
    M-profile behaviour comes with the model); the model read back is checked, and
    tests/test_armv8m.py proves it by an ARMv8-M-only instruction faulting on the M4.
    """
    model = MODELS[cpu]
    uc = unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_THUMB)
    uc.ctl_set_cpu_model(model)
    if uc.ctl_get_cpu_model() != model:
        raise RuntimeError("unicorn runs CPU model %d, not %d (%s)" % (uc.ctl_get_cpu_model(), model, cpu))
    return uc


@lru_cache(maxsize=None)
def fpu_enabled(cpu):
    """Whether a fresh engine of ``cpu`` executes VFP code (its FPU enabled at reset, as
    after the CPACR write firmware does): runs vmov s0, r0; vadd.f32 s1, s0, s0; vmov r1, s1
    on 1.5 and expects 3.0."""
    uc = cortex_m(cpu)
    uc.mem_map(0x1000, 0x1000)
    code = struct.pack("<7H", 0xEE00, 0x0A10, 0xEE70, 0x0A00, 0xEE10, 0x1A90, 0xBF00)
    uc.mem_write(0x1000, code)
    uc.reg_write(A.UC_ARM_REG_R0, 0x3FC00000)
    try:
        uc.emu_start(0x1001, 0x1000 + len(code) - 2)
    except unicorn.UcError:
        return False
    return uc.reg_read(A.UC_ARM_REG_R1) == 0x40400000


def cortex_m4():
    """A fresh unicorn engine on unicorn's Cortex-M4 model (see :func:`cortex_m`)."""
    return cortex_m("cortex-m4")


def target_of(args, default="cortex-m4"):
    """The ``--target`` value in synth command-line ``args`` (last one wins), else ``default``."""
    cpu = default
    args = list(args)
    for i, a in enumerate(args):
        if a == "--target" and i + 1 < len(args):
            cpu = args[i + 1]
        elif a.startswith("--target="):
            cpu = a.split("=", 1)[1]
    return cpu


def map_segments(uc, image):
    """Map the page ranges of every loadable segment of ``image`` (overlaps merged)."""
    mapped = []
    for seg in image.segments:
        lo = seg.vaddr & ~(PAGE - 1)
        hi = (seg.vaddr + seg.memsz + PAGE - 1) & ~(PAGE - 1)
        for mlo, mhi in mapped:
            if lo < mhi and hi > mlo:
                lo = max(lo, mhi)
        if hi > lo:
            uc.mem_map(lo, hi - lo)
            mapped.append((lo, hi))


def reset_segments(uc, image):
    """Restore every loadable segment to the image's contents (zeroed bss)."""
    for seg in image.segments:
        uc.mem_write(seg.vaddr, bytes(seg.data) + b"\0" * (seg.memsz - len(seg.data)))


class InstructionCounter:
    """Counts issued Thumb instructions with a block hook: each translated block adds its
    instruction count when entered (decoded once per block, cached). Instructions whose
    condition failed inside an IT block are counted too: the core still issues them."""

    def __init__(self, uc):
        self.count = 0
        self._blocks = {}
        uc.hook_add(unicorn.UC_HOOK_BLOCK, self._on_block)

    def _on_block(self, uc, address, size, _data):
        n = self._blocks.get((address, size))
        if n is None:
            code = uc.mem_read(address, size)
            n = i = 0
            while i + 1 < size:
                i += 4 if is_wide(code[i] | (code[i + 1] << 8)) else 2
                n += 1
            self._blocks[(address, size)] = n
        self.count += n
