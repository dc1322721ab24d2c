"""One emulated Cortex-M4 address space shared by all module instances of a .wast script.

Takes linked images (from :mod:`spec.linking`) and loads each into its own code and data
slot of a single unicorn instance, so instances that import each other's functions,
globals and memory share state exactly as the spec requires, and state persists between
commands. Also holds the ``spectest`` host image (no-op ``print*`` functions, globals,
memory, the return landing pad, the ``synth_trap`` stub and libgcc's AEABI functions).
Calls follow docs/ABI.md via the harness's argument/struct layout (f32/f64 as i32/i64 bit
patterns); a call returns a harness :class:`Outcome`. On a core with an FPU, s16-s31
(callee-saved under AAPCS-VFP) hold sentinels at every call and must hold them after it,
as in :mod:`harness.emu`.
"""

import struct

import unicorn
import unicorn.arm_const as A

from harness import abi, elf as elfmod
from harness.emu import FPU_CPUS, SENTINEL
from harness.uc_image import cortex_m
from harness.outcome import Outcome, normalise, trap_name

PAGE = 0x1000
#: Code must stay within BL range (+-16 MiB) of the host stubs and of other modules.
HOST_CODE = 0x00010000
CODE_POOL = (0x00100000, 0x01000000)
HOST_DATA = 0x20000000
#: Normal (non-device) memory, so unaligned accesses are allowed.
DATA_POOLS = [(0x20100000, 0x3FC00000), (0x60000000, 0xA0000000)]
STACK_BASE = 0x3FC00000
STACK_SIZE = 0x00100000
STACK_TOP = STACK_BASE + STACK_SIZE
SCRATCH = 0x3FE00000
SCRATCH_SIZE = 0x1000
#: ``synth_stack_limit``: lowest sp allowed with --stack-check (a margin above the mapping).
STACK_LIMIT = STACK_BASE + 0x4000
DEFAULT_TIMEOUT_S = 10.0

_REGS = [A.UC_ARM_REG_R0, A.UC_ARM_REG_R1, A.UC_ARM_REG_R2, A.UC_ARM_REG_R3]
_SREGS = [getattr(A, "UC_ARM_REG_S%d" % i) for i in range(32)]
_DREGS = [getattr(A, "UC_ARM_REG_D%d" % i) for i in range(16)]


def _align(x, a=PAGE):
    return (x + a - 1) & ~(a - 1)


class Pool:
    """First-fit allocator of address ranges (page granular)."""

    def __init__(self, ranges):
        self.free = [list(r) for r in ranges]

    def alloc(self, size):
        """Base of a free range of ``size`` bytes; MemoryError when none is left."""
        size = _align(max(size, PAGE))
        for r in self.free:
            if r[1] - r[0] >= size:
                base = r[0]
                r[0] += size
                return base, size
        raise MemoryError("emulated address space exhausted (%d bytes wanted)" % size)

    def release(self, base, size):
        """Return a range obtained from :meth:`alloc`."""
        self.free.append([base, base + size])
        self.free.sort()
        merged = []
        for r in self.free:
            if merged and merged[-1][1] == r[0]:
                merged[-1][1] = r[1]
            else:
                merged.append(r)
        self.free = merged


class Machine:
    """The shared emulator."""

    def __init__(self, host_elf, cpu="cortex-m4", hard=False):
        #: Modules compiled with ``--float-abi hard``: exports take and return floats in
        #: s/d registers (AAPCS-VFP, docs/ABI.md).
        self.hard = hard
        self.cpu = cpu
        self.uc = cortex_m(cpu)
        self.code_pool = Pool([CODE_POOL])
        self.data_pool = Pool(DATA_POOLS)
        self.uc.mem_map(STACK_BASE, STACK_SIZE)
        self.uc.mem_map(SCRATCH, SCRATCH_SIZE)
        self.host = elfmod.read(host_elf)
        self.uc.mem_map(HOST_CODE, CODE_POOL[0] - HOST_CODE)
        self.uc.mem_map(HOST_DATA, DATA_POOLS[0][0] - HOST_DATA)
        self._load_segments(self.host)
        self.ret_addr = self.host.address("__harness_return")
        self.trap_addr = self.host.address("synth_trap")
        lo = self.host.address("__harness_stubs_start")
        hi = self.host.address("__harness_stubs_end")
        self._hit = None
        self.uc.hook_add(unicorn.UC_HOOK_CODE, self._on_stub, begin=lo, end=hi - 1)

    def _on_stub(self, uc, address, _size, _data):
        if address in (self.ret_addr, self.trap_addr):
            self._hit = address
            uc.emu_stop()

    def _load_segments(self, image):
        for seg in image.segments:
            if seg.data:
                self.uc.mem_write(seg.vaddr, bytes(seg.data))

    # --- slots -----------------------------------------------------------------------
    def reserve(self, code_size, data_size):
        """Allocate and map a code slot and a data slot; returns ((base, size), (base, size))."""
        code = self.code_pool.alloc(code_size)
        try:
            data = self.data_pool.alloc(data_size)
        except MemoryError:
            self.code_pool.release(*code)
            raise
        self.uc.mem_map(code[0], code[1])
        self.uc.mem_map(data[0], data[1])
        return code, data

    def release(self, code, data):
        """Unmap and free slots from :meth:`reserve`."""
        for (base, size), pool in ((code, self.code_pool), (data, self.data_pool)):
            self.uc.mem_unmap(base, size)
            pool.release(base, size)
        self.uc.ctl_remove_cache(code[0], code[0] + code[1])

    def load(self, image):
        """Write a linked image's initialised bytes (its slots are already mapped and zero)."""
        self._load_segments(image)

    # --- memory ----------------------------------------------------------------------
    def read(self, addr, size):
        """Bytes of emulated memory."""
        return bytes(self.uc.mem_read(addr, size))

    def read_value(self, addr, ty):
        """A stored i32/i64/f32/f64 value at ``addr``, normalised like harness outcomes
        (floats as their bit patterns)."""
        if abi.is_wide(ty):
            return normalise(struct.unpack("<Q", self.read(addr, 8))[0], ty)
        return normalise(struct.unpack("<I", self.read(addr, 4))[0], ty)

    # --- calls -----------------------------------------------------------------------
    def call(self, func_addr, params, args, results, timeout_s=DEFAULT_TIMEOUT_S):
        """Call a function per the ABI; returns an Outcome (memory state is kept)."""
        uc = self.uc
        for r in range(13):
            uc.reg_write(getattr(A, "UC_ARM_REG_R%d" % r), 0)
        sret = len(results) >= 2 and not (self.hard and abi.hfa_type(results))
        if sret:
            uc.mem_write(SCRATCH, b"\0" * SCRATCH_SIZE)
            uc.reg_write(A.UC_ARM_REG_R0, SCRATCH)
        layout = abi.layout_args_vfp if self.hard else abi.layout_args
        slots, stack_bytes = layout(params, 1 if sret else 0)
        sp = STACK_TOP - 64 - stack_bytes
        for ty, val, (where, pos) in zip(params, args, slots):
            wide = abi.is_wide(ty)
            v = val & ((1 << 64) - 1 if wide else 0xFFFFFFFF)
            if where in ("s", "d"):
                uc.reg_write((_SREGS if where == "s" else _DREGS)[pos], v)
            elif where == "reg":
                uc.reg_write(_REGS[pos], v & 0xFFFFFFFF)
                if wide:
                    uc.reg_write(_REGS[pos + 1], v >> 32)
            else:
                uc.mem_write(sp + pos, struct.pack("<Q" if wide else "<I", v))
        vfp_check = self.cpu in FPU_CPUS
        for n in range(16, 32) if vfp_check else ():
            uc.reg_write(_SREGS[n], SENTINEL + n)
        uc.reg_write(A.UC_ARM_REG_SP, sp)
        uc.reg_write(A.UC_ARM_REG_LR, self.ret_addr | 1)
        self._hit = None
        try:
            uc.emu_start(func_addr | 1, 0xFFFFFFFF, timeout=int(timeout_s * 1e6))
        except unicorn.UcError as e:
            return Outcome("fault", detail="%s at pc=0x%08x" % (e, uc.reg_read(A.UC_ARM_REG_PC)))
        if self._hit is None:
            return Outcome("timeout", detail="no return within %.0f s (pc=0x%08x)"
                           % (timeout_s, uc.reg_read(A.UC_ARM_REG_PC)))
        if self._hit == self.trap_addr:
            code = uc.reg_read(A.UC_ARM_REG_R0)
            out = Outcome("trap", trap=trap_name(code), detail="synth_trap(%d)" % code)
            out.trap_code = code
            return out
        if uc.reg_read(A.UC_ARM_REG_SP) != sp:
            return Outcome("fault", detail="sp not preserved across call")
        for n in range(16, 32) if vfp_check else ():
            if uc.reg_read(_SREGS[n]) != SENTINEL + n:
                return Outcome("fault", detail="s%d not preserved across call (callee-saved): %#010x"
                               % (n, uc.reg_read(_SREGS[n])))
        return Outcome("ok", values=tuple(self._results(results, sret)), types=tuple(results))

    def _results(self, results, sret):
        if not results:
            return []
        if self.hard and not sret and results[0] in ("f32", "f64"):
            regs = _DREGS if results[0] == "f64" else _SREGS
            return [normalise(self.uc.reg_read(regs[k]), ty) for k, ty in enumerate(results)]
        if sret:
            offsets, _ = abi.layout_struct(results)
            return [self.read_value(SCRATCH + o, ty) for ty, o in zip(results, offsets)]
        r0 = self.uc.reg_read(A.UC_ARM_REG_R0)
        if abi.is_wide(results[0]):
            return [normalise(r0 | (self.uc.reg_read(A.UC_ARM_REG_R1) << 32), results[0])]
        return [normalise(r0, results[0])]
