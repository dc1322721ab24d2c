"""Run exports of a linked synth image under unicorn as a Cortex-M4.

Takes the ELF from :mod:`link`, the module's signatures and a :class:`HostEnv`; for each
call it resets memory to the image, calls ``P init`` then the export following
docs/ABI.md (register/pair/stack arguments, f32/f64 as i32/i64 bit patterns, sret buffer
for multi-value), and runs until
the return landing pad, the ``synth_trap`` stub or the instruction limit. Import stubs
are serviced by calling the Python host function. Returns an :class:`Outcome`.

With ``float_abi="hard"`` (objects compiled with ``--fpu fpv4-sp-d16 --float-abi hard``)
exports and imports follow AAPCS-VFP instead: f32/f64 arguments and results in s/d
registers (:func:`abi.layout_args_vfp`), homogeneous float results in s0-s3/d0-d3. Every
core and VFP register an argument does not use is poisoned first, so a value that does
not travel where AAPCS-VFP says cannot match by accident.

On a core with an FPU (the M4, M7 and M33 models), whatever the float ABI, s16-s31 are
filled with sentinels before every call and must hold them when it returns: AAPCS-VFP
makes them callee-saved (d8-d15), so a function that uses one without saving it is a
fault ("s16 not preserved across call") even when its results are right.
"""

import struct

import unicorn
import unicorn.arm_const as A

from . import abi, elf as elfmod
from .outcome import Outcome, normalise, trap_name
from .uc_image import InstructionCounter, cortex_m, fpu_enabled, map_segments, reset_segments

STACK_TOP = 0x30100000
STACK_SIZE = 0x00100000
SCRATCH = 0x30200000  # sret buffers
SCRATCH_SIZE = 0x1000
DEFAULT_LIMIT = 20_000_000

_REGS = [A.UC_ARM_REG_R0, A.UC_ARM_REG_R1, A.UC_ARM_REG_R2, A.UC_ARM_REG_R3]
_SREGS = [getattr(A, "UC_ARM_REG_S%d" % i) for i in range(32)]
_DREGS = [getattr(A, "UC_ARM_REG_D%d" % i) for i in range(16)]
#: Written into every register no argument uses (hard-float mode).
POISON = 0xDEADBEEF
#: s16-s31 hold SENTINEL + n (n = 16..31) at every call on a core with an FPU (none is a
#: value a float computation makes by accident: a NaN with a distinctive payload).
SENTINEL = 0x7FE5A500
#: The targets whose unicorn model has an FPU (s0-s31).
FPU_CPUS = ("cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55")


class Emulator:
    """One linked image, reusable for many calls."""

    def __init__(self, elf_path, info, host, prefix=abi.DEFAULT_PREFIX, float_abi="soft", cpu="cortex-m4",
                 config=None):
        """``config`` (:class:`harness.configs.Config`), when given, sets ``cpu`` and
        ``float_abi`` and, for an FPU configuration, requires the model's FPU enabled."""
        if config is not None:
            cpu, float_abi = config.cpu, config.call_abi
            if config.needs_fpu and not fpu_enabled(cpu):
                raise RuntimeError("%s: unicorn's %s model does not run VFP code" % (config.name, cpu))
        if float_abi not in ("soft", "hard"):
            raise ValueError("float_abi is soft or hard, not %r" % float_abi)
        self.hard = float_abi == "hard"
        self.image = elfmod.read(elf_path)
        self.info = info
        self.host = host
        self.prefix = prefix
        self.cpu = cpu
        self.check_vfp = cpu in FPU_CPUS
        self.uc = cortex_m(cpu)
        map_segments(self.uc, self.image)
        self.uc.mem_map(STACK_TOP - STACK_SIZE, STACK_SIZE)
        self.uc.mem_map(SCRATCH, SCRATCH_SIZE)
        sym = self.image.symbols
        self.ret_addr = self.image.address("__harness_return")
        self.trap_addr = self.image.address("synth_trap")
        if sym["synth_trap"].bind != elfmod.STB_GLOBAL:
            raise RuntimeError("stub synth_trap did not win over the weak default")
        self.stub_by_addr = {self.ret_addr: ("return", None), self.trap_addr: ("trap", None)}
        for f in info.func_imports:
            addr = self.image.address(abi.import_symbol(f.module, f.name))
            self.stub_by_addr[addr] = ("import", f)
        lo = self.image.address("__harness_stubs_start")
        hi = self.image.address("__harness_stubs_end")
        self._hit = None
        self.uc.hook_add(unicorn.UC_HOOK_CODE, self._on_stub, begin=lo, end=hi - 1)
        self._counter = InstructionCounter(self.uc)

    # --- hooks -----------------------------------------------------------------------
    def _on_stub(self, uc, address, size, _data):
        if address in self.stub_by_addr:
            self._hit = address
            uc.emu_stop()

    # --- memory helpers --------------------------------------------------------------
    def _reset_memory(self):
        reset_segments(self.uc, self.image)
        self.uc.mem_write(SCRATCH, b"\0" * SCRATCH_SIZE)

    def read_u32(self, addr):
        """Read a little-endian word of emulated memory."""
        return struct.unpack("<I", self.uc.mem_read(addr, 4))[0]

    def read_u64(self, addr):
        """Read a little-endian doubleword of emulated memory."""
        return struct.unpack("<Q", self.uc.mem_read(addr, 8))[0]

    def read_symbol(self, name, size):
        """Bytes at symbol ``name`` (after the last call)."""
        return bytes(self.uc.mem_read(self.image.address(name), size))

    # --- calling ---------------------------------------------------------------------
    def _layout(self, types, first_reg):
        return (abi.layout_args_vfp if self.hard else abi.layout_args)(types, first_reg)

    def _place_args(self, types, args, first_reg, sp):
        """Write args per ABI; returns the new sp (stack args below the old sp)."""
        slots, stack_bytes = self._layout(types, first_reg)
        sp -= stack_bytes
        for ty, val, (where, pos) in zip(types, args, slots):
            if where == "s":
                self.uc.reg_write(_SREGS[pos], val & 0xFFFFFFFF)
            elif where == "d":
                self.uc.reg_write(_DREGS[pos], val & (2**64 - 1))
            elif abi.is_wide(ty):
                v = val & (2**64 - 1)
                if where == "reg":
                    self.uc.reg_write(_REGS[pos], v & 0xFFFFFFFF)
                    self.uc.reg_write(_REGS[pos + 1], v >> 32)
                else:
                    self.uc.mem_write(sp + pos, struct.pack("<Q", v))
            else:
                v = val & 0xFFFFFFFF
                if where == "reg":
                    self.uc.reg_write(_REGS[pos], v)
                else:
                    self.uc.mem_write(sp + pos, struct.pack("<I", v))
        return sp

    def _read_args(self, types, first_reg):
        slots, _ = self._layout(types, first_reg)
        sp = self.uc.reg_read(A.UC_ARM_REG_SP)
        out = []
        for ty, (where, pos) in zip(types, slots):
            if where in ("s", "d"):
                v = self.uc.reg_read((_SREGS if where == "s" else _DREGS)[pos])
            elif abi.is_wide(ty):
                if where == "reg":
                    v = self.uc.reg_read(_REGS[pos]) | (self.uc.reg_read(_REGS[pos + 1]) << 32)
                else:
                    v = self.read_u64(sp + pos)
            else:
                v = self.uc.reg_read(_REGS[pos]) if where == "reg" else self.read_u32(sp + pos)
            out.append(normalise(v, ty))
        return out

    def _run(self, func_addr, types, args, results, limit):
        """Call one function; returns Outcome (values raw normalised)."""
        for r in range(13):
            self.uc.reg_write(getattr(A, "UC_ARM_REG_R%d" % r), 0)
        if self.hard:
            for r in _REGS + [A.UC_ARM_REG_R12]:
                self.uc.reg_write(r, POISON)
            for k, s in enumerate(_SREGS):
                self.uc.reg_write(s, POISON ^ k)
        if self.check_vfp:
            for n in range(16, 32):
                self.uc.reg_write(_SREGS[n], SENTINEL + n)
        sret = self._sret(results)
        if sret:
            self.uc.reg_write(A.UC_ARM_REG_R0, SCRATCH)
        sp = self._place_args(types, args, 1 if sret else 0, STACK_TOP - 64)
        if sp & 7:
            raise RuntimeError("misaligned stack")
        self.uc.reg_write(A.UC_ARM_REG_SP, sp)
        self.uc.reg_write(A.UC_ARM_REG_LR, self.ret_addr | 1)
        pc = func_addr | 1
        while True:
            self._hit = None
            remaining = limit - self._counter.count
            if remaining <= 0:
                return Outcome("timeout", detail="instruction limit %d reached" % limit)
            try:
                self.uc.emu_start(pc, 0xFFFFFFFF, count=remaining)
            except unicorn.UcError as e:
                at = self.uc.reg_read(A.UC_ARM_REG_PC)
                return Outcome("fault", detail="%s at pc=0x%08x" % (e, at))
            if self._hit is None:
                return Outcome("timeout", detail="instruction limit %d reached" % limit)
            kind, sig = self.stub_by_addr[self._hit]
            if kind == "return":
                if self.uc.reg_read(A.UC_ARM_REG_SP) != sp:
                    return Outcome("fault", detail="sp not preserved across call")
                for n in range(16, 32) if self.check_vfp else ():
                    got = self.uc.reg_read(_SREGS[n])
                    if got != SENTINEL + n:
                        return Outcome("fault", detail="s%d not preserved across call (callee-saved): %#010x, was %#010x"
                                       % (n, got, SENTINEL + n))
                return Outcome("ok", values=tuple(self._read_results(results, sret)),
                               types=tuple(results))
            if kind == "trap":
                code = self.uc.reg_read(A.UC_ARM_REG_R0)
                return Outcome("trap", trap=trap_name(code), detail="synth_trap(%d)" % code)
            self._service_import(sig)
            pc = self.uc.reg_read(A.UC_ARM_REG_LR)

    def _sret(self, results):
        """Whether ``results`` come back in memory through r0."""
        return len(results) >= 2 and not (self.hard and abi.hfa_type(results))

    def _write_float_results(self, results, values):
        """Hard float: one float in s0/d0, or an HFA in s0../d0..."""
        regs = _DREGS if results[0] == "f64" else _SREGS
        for k, (ty, v) in enumerate(zip(results, values)):
            self.uc.reg_write(regs[k], v & (2**64 - 1 if ty == "f64" else 0xFFFFFFFF))

    def _service_import(self, sig):
        sret = self._sret(sig.results)
        args = self._read_args(sig.params, 1 if sret else 0)
        value = self.host.call(sig.module, sig.name, args, sig.params)
        if not sig.results:
            return
        values = list(value) if len(sig.results) >= 2 else [value]
        if self.hard and not sret and sig.results[0] in ("f32", "f64"):
            self._write_float_results(sig.results, values)
        elif sret:
            base = self.uc.reg_read(A.UC_ARM_REG_R0)
            offsets, _ = abi.layout_struct(sig.results)
            for ty, off, v in zip(sig.results, offsets, values):
                wide = abi.is_wide(ty)
                self.uc.mem_write(base + off, struct.pack("<Q" if wide else "<I",
                                                          v & (2**64 - 1 if wide else 0xFFFFFFFF)))
        elif abi.is_wide(sig.results[0]):
            v = values[0] & (2**64 - 1)
            self.uc.reg_write(A.UC_ARM_REG_R0, v & 0xFFFFFFFF)
            self.uc.reg_write(A.UC_ARM_REG_R1, v >> 32)
        else:
            self.uc.reg_write(A.UC_ARM_REG_R0, values[0] & 0xFFFFFFFF)

    def _read_results(self, results, sret):
        if not results:
            return []
        if self.hard and not sret and results[0] in ("f32", "f64"):
            regs = _DREGS if results[0] == "f64" else _SREGS
            return [normalise(self.uc.reg_read(regs[k]), ty) for k, ty in enumerate(results)]
        if sret:
            offsets, _ = abi.layout_struct(results)
            return [normalise(self.read_u64(SCRATCH + o) if abi.is_wide(ty) else self.read_u32(SCRATCH + o), ty)
                    for ty, o in zip(results, offsets)]
        r0 = self.uc.reg_read(A.UC_ARM_REG_R0)
        if abi.is_wide(results[0]):
            return [normalise(r0 | (self.uc.reg_read(A.UC_ARM_REG_R1) << 32), results[0])]
        return [normalise(r0, results[0])]

    def call_symbol(self, symbol, params, results, args, limit=DEFAULT_LIMIT):
        """Call any function of the image by symbol with this emulator's float ABI (no
        init, memory reset); returns an :class:`Outcome`."""
        self._counter.count = 0
        self._reset_memory()
        out = self._run(self.image.address(symbol), list(params), list(args), list(results), limit)
        out.instructions = self._counter.count
        return out

    def call(self, export, args, limit=DEFAULT_LIMIT):
        """Fresh instance: reset memory, run init, then call ``export`` with ``args``."""
        sig = self.info.export(export)
        self.host.log = []
        self._counter.count = 0
        self._reset_memory()
        init = self.image.address(abi.init_symbol(self.prefix))
        out = self._run(init, [], [], [], limit)
        if out.kind != "ok":
            out.detail = "during init: " + out.detail
            out.instructions = self._counter.count
            out.host_calls = list(self.host.log)
            return out
        start = self._counter.count
        addr = self.image.address(abi.export_symbol(export, self.prefix))
        out = self._run(addr, sig.params, list(args), sig.results, limit)
        out.instructions = self._counter.count - start
        out.host_calls = list(self.host.log)
        return out
