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
    """A fresh unicorn engine in Thumb / M-class mode as a Cortex-M4."""
    return unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_THUMB | unicorn.UC_MODE_MCLASS,
                      cpu=A.UC_CPU_ARM_CORTEX_M4)


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
