"""Link a synth object into a flat ARM image for the emulator.

Takes the object, the import lists and host global values; generates an assembly stub
object (a strong ``synth_trap``, one stub per imported function, each a ``bkpt``/``bx lr``
at its own address the emulator hooks, a return landing pad, and storage for imported
globals) and links everything with ``arm-none-eabi-ld``, then the soft-float libgcc (for
the AEABI run-time functions float code calls), using a fixed memory map: code/rodata
from CODE_BASE, data/bss from RAM_BASE. Returns the ELF path.
"""

import os
import struct
import subprocess
from functools import lru_cache

from . import abi, configs, paths

CODE_BASE = 0x00001000
RAM_BASE = 0x20000000

LINKER_SCRIPT = """\
ENTRY(__harness_return)
MEMORY
{
  CODE (rx)  : ORIGIN = 0x%08x, LENGTH = 0x00F00000
  RAM  (rwx) : ORIGIN = 0x%08x, LENGTH = 0x04000000
}
SECTIONS
{
  .text : { KEEP(*(.text.harness_stubs)) *(.text .text.*) } > CODE
  .rodata : ALIGN(8) { *(.rodata .rodata.*) } > CODE
  .ARM.exidx : { *(.ARM.exidx*) } > CODE
  .data : ALIGN(8) { *(.data .data.*) } > RAM
  .bss (NOLOAD) : ALIGN(8) { *(.bss .bss.*) *(COMMON) } > RAM
  /DISCARD/ : { *(.comment) *(.note*) *(.ARM.attributes) }
}
""" % (CODE_BASE, RAM_BASE)


class LinkError(Exception):
    """Assembling the stubs or linking failed; message carries the tool output."""


def stub_assembly(func_imports, global_imports):
    """Assembly text of the stub object.

    func_imports: list of symbol names; global_imports: list of (symbol, type, value).
    """
    lines = [".syntax unified", ".cpu cortex-m4", ".thumb",
             '.section .text.harness_stubs,"ax",%progbits', ".balign 4",
             ".global __harness_stubs_start", "__harness_stubs_start:"]

    def stub(sym, n):
        lines.extend([".balign 4", ".global %s" % sym, ".type %s, %%function" % sym,
                      ".thumb_func", "%s:" % sym, "  bkpt #%d" % (n & 0xFF), "  bx lr", "  nop"])

    stub("__harness_return", 0xF0)
    stub("synth_trap", 0xF1)
    for i, sym in enumerate(func_imports):
        stub(sym, i)
    lines.extend([".balign 4", ".global __harness_stubs_end", "__harness_stubs_end:"])
    if global_imports:
        lines.extend([".data", ".balign 8"])
        for sym, ty, value in global_imports:
            lines.extend([".balign 8", ".global %s" % sym, "%s:" % sym])
            if abi.is_wide(ty):
                lo, hi = struct.unpack("<II", struct.pack("<Q", value & (2**64 - 1)))
                lines.extend(["  .word 0x%08x" % lo, "  .word 0x%08x" % hi])
            else:
                lines.append("  .word 0x%08x" % (value & 0xFFFFFFFF))
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=16)
def libgcc_for(flags):
    """Path of the libgcc.a arm-none-eabi-gcc picks for the multilib ``flags`` (a tuple,
    :attr:`harness.configs.Config.libgcc_flags`): the AEABI float and integer helpers."""
    try:
        out = subprocess.run([paths.tool("arm-none-eabi-gcc")] + list(flags) +
                             ["-print-libgcc-file-name"], capture_output=True, text=True,
                             check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        raise LinkError("cannot locate libgcc with arm-none-eabi-gcc: %s" % e)
    if not out or not os.path.isabs(out) or not os.path.exists(out):
        raise LinkError("arm-none-eabi-gcc -print-libgcc-file-name gave %r" % out)
    return out


def libgcc_path(float_abi="soft", cpu=None, config=None):
    """Path of the libgcc.a of ``config`` (a :class:`harness.configs.Config`), else of the
    configuration ``cpu`` (default cortex-m4) with ``float_abi`` gives: soft, or hard on
    the FPv4-SP-D16 FPU (the linker refuses to mix the float ABIs; the AEABI helpers of a
    hard-float libgcc still take floats in core registers, as the compiled code calls
    them), the ARMv6-M multilib for an ARMv6-M ``cpu``."""
    if config is None:
        args = ["--target", cpu or configs.DEFAULT.cpu]
        if float_abi == "hard":
            args += list(abi.HARD_FLOAT_ARGS)
        config = configs.from_args(args)
        if config.v6m:
            config = configs.Config("", config.cpu)
    return libgcc_for(config.libgcc_flags)


def libgcc_dir():
    """Directory of :func:`libgcc_path`."""
    return os.path.dirname(libgcc_path())


def _run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise LinkError("%s failed:\n%s%s" % (os.path.basename(cmd[0]), proc.stdout, proc.stderr))


def link(objects, workdir, func_imports=(), global_imports=(), name="image", float_abi="soft", cpu=None,
         config=None):
    """Link ``objects`` with generated stubs into ``workdir/name.elf``; returns its path.
    The libgcc is ``config``'s (:class:`harness.configs.Config`), else as
    :func:`libgcc_path` picks it from ``float_abi`` and ``cpu``."""
    os.makedirs(workdir, exist_ok=True)
    asm = os.path.join(workdir, name + "_stubs.s")
    stub_obj = os.path.join(workdir, name + "_stubs.o")
    script = os.path.join(workdir, name + ".ld")
    elf = os.path.join(workdir, name + ".elf")
    with open(asm, "w") as f:
        f.write(stub_assembly(list(func_imports), list(global_imports)))
    with open(script, "w") as f:
        f.write(LINKER_SCRIPT)
    _run([paths.tool("arm-none-eabi-as"), "-mcpu=cortex-m4", "-mthumb", "-o", stub_obj, asm])
    cmd = [paths.tool("arm-none-eabi-ld"), "-T", script, "-o", elf, "--no-warn-rwx-segments",
           stub_obj] + list(objects)
    cmd.append(libgcc_path(float_abi, cpu, config))
    _run(cmd)
    return elf


def imports_for(module_imports, host):
    """Split wasm imports into stub symbol lists using ``host`` for global values.

    module_imports: iterable of (module, name, kind, type) with kind 'func'/'global' and
    type the global's value type. Returns (func_symbols, global_triples).
    """
    funcs, globals_ = [], []
    for module, name, kind, ty in module_imports:
        sym = abi.import_symbol(module, name)
        if kind == "func":
            funcs.append(sym)
        elif kind == "global":
            globals_.append((sym, ty, host.global_value(module, name)))
    return funcs, globals_
