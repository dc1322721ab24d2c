"""Unicorn plumbing shared by the test harness and the benchmark: a Cortex-M4 engine with a
linked ELF image mapped into it, memory reset between calls, and an executed-instruction
counter.

Takes an image from :mod:`harness.elf`; returns a configured ``unicorn.Uc``. Callers add
their own stubs (return landing pad, ``synth_trap``, imports) and argument passing.
"""

import unicorn
import unicorn.arm_const as A

PAGE = 0x1000


def is_wide(halfword):
    """Whether a Thumb halfword starts a 32-bit instruction."""
    return (halfword >> 11) in (0b11101, 0b11110, 0b11111)


def cortex_m4():
    """A fresh unicorn engine emulating a Cortex-M4 (ARMv7E-M with FPv4-SP-D16, its FPU
    enabled as after the firmware's CPACR write).

    unicorn 2.1.4 runs every ``UC_MODE_MCLASS`` engine as a Cortex-M33 whatever model is
    asked for (``ctl_get_cpu_model()`` answers 11, and FPv5's VMAXNM executes). The engine
    is therefore opened in plain Thumb mode with the model set to Cortex-M4, whose M
    profile comes from the model itself (MRS MSP works, VMAXNM is undefined); the model is
    checked so a unicorn that changes this fails here rather than silently emulating
    another core."""
    uc = unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_THUMB)
    uc.ctl_set_cpu_model(A.UC_CPU_ARM_CORTEX_M4)
    model = uc.ctl_get_cpu_model()
    if model != A.UC_CPU_ARM_CORTEX_M4:
        raise RuntimeError("unicorn emulates CPU model %d, not the Cortex-M4 (%d)" % (model, A.UC_CPU_ARM_CORTEX_M4))
    return uc


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
