"""Run functions of a linked synth image under unicorn as a Cortex-M4 (needs ``unicorn``).

Takes the :class:`~synth.elf.Image` from :mod:`synth.link` and calls functions by symbol the
way C firmware would (AAPCS, docs/ABI.md): ``i32`` arguments in r0-r3, ``i64`` in even/odd
register pairs, the rest on the stack; one result in r0 (``i64``: r0:r1); two or more
results through a struct whose address goes in r0. ``f32``/``f64`` travel exactly as
``i32``/``i64`` (the base AAPCS of ``--float-abi soft``/``softfp``), as bit patterns:
arguments are given and results returned as unsigned bits (:mod:`synth.floats`). Execution stops at the stub functions of
the image: the return pad (a result), ``synth_trap`` (a trap, code in r0), or an imported
function, which is serviced by a Python callable and resumed. Returns :class:`Outcome`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import unicorn
import unicorn.arm_const as arm

from . import floats, link
from .elf import Image

STACK_TOP = 0x30040000
STACK_SIZE = 0x40000
RESULT_BUF = 0x30100000  # struct for multi-value results
PAGE = 0x1000
DEFAULT_LIMIT = 20_000_000

#: docs/ABI.md trap codes -> names (shared with the wasmtime side). Codes 5 (call_indirect
#: index outside the table) and 10 (table access out of bounds) share a name because wasmtime
#: reports both as one trap code.
TRAP_NAMES = {1: "unreachable", 2: "memory_oob", 3: "div_by_zero", 4: "int_overflow",
              5: "table_oob", 6: "uninitialized_element", 7: "indirect_type_mismatch",
              8: "stack_exhausted", 9: "bad_conversion", 10: "table_oob"}

_ARG_REGS = (arm.UC_ARM_REG_R0, arm.UC_ARM_REG_R1, arm.UC_ARM_REG_R2, arm.UC_ARM_REG_R3)

#: A host function: signed argument values in, None / one value / a sequence of values out.
HostFunction = Callable[..., object]


#: Types that take two words (a register pair, 8 bytes of stack or struct).
WIDE_TYPES = ("i64", "f64")


def signed(value: int, ty: str) -> int:
    """``value`` as a signed integer of wasm type ``ty`` (``i32``/``i64``)."""
    bits = 64 if ty in WIDE_TYPES else 32
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def normalise(value: int, ty: str) -> int:
    """The form values of type ``ty`` take here: integers signed, floats unsigned bits."""
    if floats.is_float(ty):
        return value & floats.mask(ty)
    return signed(value, ty)


@dataclass
class Outcome:
    """What a call did: ``ok`` with ``values``, ``trap`` with a name, or ``timeout`` /
    ``fault`` with a detail; ``host_calls`` lists the imported functions called. The
    differential check gives float values (results, host-call arguments) as
    :class:`~synth.floats.FloatBits`; the emulator gives their bits."""

    kind: str
    values: tuple[int, ...] = ()
    trap: str = ""
    detail: str = ""
    host_calls: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)

    def key(self) -> tuple:
        """What must agree between the emulator and wasmtime."""
        if self.kind == "ok":
            return ("ok", self.values, tuple(self.host_calls))
        if self.kind == "trap":
            return ("trap", self.trap, tuple(self.host_calls))
        return (self.kind,)

    def __str__(self) -> str:
        calls = " host calls %s" % self.host_calls if self.host_calls else ""
        if self.kind == "ok":
            return "ok %s%s" % (self.values, calls)
        if self.kind == "trap":
            return "trap %s%s" % (self.trap, calls)
        return "%s: %s" % (self.kind, self.detail)


def arg_slots(types: Sequence[str], first_reg: int = 0) -> tuple[list[tuple[str, int]], int]:
    """AAPCS placement: ``("reg", n)`` (lower register of a pair for i64) or
    ``("stack", offset)`` per parameter, and the stack bytes used (multiple of 8). Once one
    parameter goes to the stack, all later ones do."""
    reg, stack, on_stack, out = first_reg, 0, False, []
    for ty in types:
        if ty in WIDE_TYPES:
            reg += reg & 1
            if not on_stack and reg + 1 <= 3:
                out.append(("reg", reg))
                reg += 2
                continue
            on_stack = True
            stack = (stack + 7) & ~7
            out.append(("stack", stack))
            stack += 8
        else:
            if not on_stack and reg <= 3:
                out.append(("reg", reg))
                reg += 1
                continue
            on_stack = True
            out.append(("stack", stack))
            stack += 4
    return out, (stack + 7) & ~7


def struct_offsets(types: Sequence[str]) -> list[int]:
    """Field offsets of a multi-value result struct (naturally aligned fields)."""
    off, out = 0, []
    for ty in types:
        size = 8 if ty in WIDE_TYPES else 4
        off = (off + size - 1) & ~(size - 1)
        out.append(off)
        off += size
    return out


#: unicorn's CPU model for each target (no Cortex-M55 model: its ARMv8-M Mainline M33 runs it).
CPU_MODELS = {
    "cortex-m0": arm.UC_CPU_ARM_CORTEX_M0,
    "cortex-m0plus": arm.UC_CPU_ARM_CORTEX_M0,
    "cortex-m3": arm.UC_CPU_ARM_CORTEX_M3,
    "cortex-m4": arm.UC_CPU_ARM_CORTEX_M4,
    "cortex-m7": arm.UC_CPU_ARM_CORTEX_M7,
    "cortex-m33": arm.UC_CPU_ARM_CORTEX_M33,
    "cortex-m55": arm.UC_CPU_ARM_CORTEX_M33,
}


def open_cortex_m(cpu: str = "cortex-m4") -> unicorn.Uc:
    """A unicorn engine on the Cortex-M model of ``cpu``. unicorn 2.1.4 ignores the model of an
    engine opened with ``UC_MODE_MCLASS`` (it is always a Cortex-M33), so the engine is opened
    in Thumb mode with the M-profile model set explicitly, and the model read back is checked."""
    model = CPU_MODELS[cpu]
    uc = unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_THUMB)
    uc.ctl_set_cpu_model(model)
    if uc.ctl_get_cpu_model() != model:
        raise RuntimeError("unicorn runs CPU model %d, not %d (%s)" % (uc.ctl_get_cpu_model(), model, cpu))
    return uc


class Emulator:
    """One image loaded into a Cortex-M (unicorn's model of ``cpu``, default the Cortex-M4);
    call functions on it repeatedly."""

    def __init__(self, image: Image, host: Mapping[str, tuple[Sequence[str], Sequence[str], HostFunction]] | None = None,
                 cpu: str = "cortex-m4"):
        """``host`` maps an import symbol to (params, results, callable)."""
        self.image = image
        self.host = dict(host or {})
        self.uc = open_cortex_m(cpu)
        for lo, hi in self._page_ranges():
            self.uc.mem_map(lo, hi - lo)
        self.uc.mem_map(STACK_TOP - STACK_SIZE, STACK_SIZE)
        self.uc.mem_map(RESULT_BUF, PAGE)
        self.return_addr = image.address(link.RETURN_SYMBOL)
        self.trap_addr = image.address(link.TRAP_SYMBOL)
        self.import_at = {image.address(sym): sym for sym in self.host}
        self._stopped_at: int | None = None
        self.uc.hook_add(unicorn.UC_HOOK_CODE, self._on_stub, begin=image.address(link.STUBS_START),
                         end=image.address(link.STUBS_END) - 1)

    def _page_ranges(self) -> list[tuple[int, int]]:
        spans = sorted((s.vaddr & ~(PAGE - 1), (s.vaddr + s.memsz + PAGE - 1) & ~(PAGE - 1))
                       for s in self.image.segments)
        merged: list[list[int]] = []
        for lo, hi in spans:
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        return [(lo, hi) for lo, hi in merged]

    def _on_stub(self, uc: unicorn.Uc, address: int, _size: int, _data: object) -> None:
        self._stopped_at = address
        uc.emu_stop()

    def reset(self) -> None:
        """Restore every segment to the image (a fresh instance: run init again after)."""
        for s in self.image.segments:
            self.uc.mem_write(s.vaddr, s.data + bytes(s.memsz - len(s.data)))

    def _write_args(self, types: Sequence[str], args: Sequence[int], first_reg: int, sp: int) -> int:
        slots, stack_bytes = arg_slots(types, first_reg)
        sp -= stack_bytes
        for ty, value, (where, pos) in zip(types, args, slots):
            words = [value & 0xFFFFFFFF] + ([(value >> 32) & 0xFFFFFFFF] if ty in WIDE_TYPES else [])
            for i, w in enumerate(words):
                if where == "reg":
                    self.uc.reg_write(_ARG_REGS[pos + i], w)
                else:
                    self.uc.mem_write(sp + pos + 4 * i, struct.pack("<I", w))
        return sp

    def _read_args(self, types: Sequence[str], first_reg: int) -> list[int]:
        slots, _ = arg_slots(types, first_reg)
        sp = self.uc.reg_read(arm.UC_ARM_REG_SP)
        out = []
        for ty, (where, pos) in zip(types, slots):
            n = 2 if ty in WIDE_TYPES else 1
            if where == "reg":
                words = [self.uc.reg_read(_ARG_REGS[pos + i]) for i in range(n)]
            else:
                words = list(struct.unpack("<%dI" % n, self.uc.mem_read(sp + pos, 4 * n)))
            out.append(normalise(sum(w << (32 * i) for i, w in enumerate(words)), ty))
        return out

    def _read_results(self, types: Sequence[str]) -> tuple[int, ...]:
        if len(types) >= 2:
            return tuple(normalise(int.from_bytes(self.uc.mem_read(RESULT_BUF + off, 8 if ty in WIDE_TYPES else 4),
                                                  "little"), ty)
                         for ty, off in zip(types, struct_offsets(types)))
        if not types:
            return ()
        r0 = self.uc.reg_read(arm.UC_ARM_REG_R0)
        if types[0] in WIDE_TYPES:
            r0 |= self.uc.reg_read(arm.UC_ARM_REG_R1) << 32
        return (normalise(r0, types[0]),)

    def _service_import(self, symbol: str, calls: list) -> None:
        params, results, fn = self.host[symbol]
        sret = len(results) >= 2
        args = self._read_args(params, 1 if sret else 0)
        calls.append((symbol, tuple(args)))
        value = fn(*args)
        values = list(value) if sret else ([] if not results else [value])
        if sret:
            base = self.uc.reg_read(arm.UC_ARM_REG_R0)
            for ty, off, v in zip(results, struct_offsets(results), values):
                size = 8 if ty in WIDE_TYPES else 4
                self.uc.mem_write(base + off, (v & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))
        elif results:
            v = values[0] & (2**64 - 1)
            self.uc.reg_write(arm.UC_ARM_REG_R0, v & 0xFFFFFFFF)
            if results[0] in WIDE_TYPES:
                self.uc.reg_write(arm.UC_ARM_REG_R1, v >> 32)

    def call(self, symbol: str, params: Sequence[str] = (), results: Sequence[str] = (),
             args: Sequence[int] = (), limit: int = DEFAULT_LIMIT) -> Outcome:
        """Call function ``symbol`` with ``args`` (memory as left by earlier calls);
        ``limit`` bounds the instructions of each stretch between host calls."""
        for r in range(13):
            self.uc.reg_write(getattr(arm, "UC_ARM_REG_R%d" % r), 0)
        sret = len(results) >= 2
        if sret:
            self.uc.reg_write(arm.UC_ARM_REG_R0, RESULT_BUF)
        sp = self._write_args(params, args, 1 if sret else 0, STACK_TOP - 64)
        self.uc.reg_write(arm.UC_ARM_REG_SP, sp)
        self.uc.reg_write(arm.UC_ARM_REG_LR, self.return_addr | 1)
        pc = self.image.address(symbol) | 1
        calls: list[tuple[str, tuple[int, ...]]] = []
        while True:
            self._stopped_at = None
            try:
                self.uc.emu_start(pc, 0xFFFFFFFF, count=limit)
            except unicorn.UcError as e:
                return Outcome("fault", detail="%s at pc=0x%08x" % (e, self.uc.reg_read(arm.UC_ARM_REG_PC)),
                               host_calls=calls)
            at = self._stopped_at
            if at is None:
                return Outcome("timeout", detail="more than %d instructions" % limit, host_calls=calls)
            if at == self.return_addr:
                if self.uc.reg_read(arm.UC_ARM_REG_SP) != sp:
                    return Outcome("fault", detail="sp not restored on return", host_calls=calls)
                return Outcome("ok", values=self._read_results(results), host_calls=calls)
            if at == self.trap_addr:
                code = self.uc.reg_read(arm.UC_ARM_REG_R0)
                return Outcome("trap", trap=TRAP_NAMES.get(code, "code %d" % code), host_calls=calls)
            if at not in self.import_at:
                return Outcome("fault", detail="stopped in stub area at 0x%08x" % at, host_calls=calls)
            self._service_import(self.import_at[at], calls)
            pc = self.uc.reg_read(arm.UC_ARM_REG_LR)
