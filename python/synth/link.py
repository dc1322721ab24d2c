"""Link a synth object into a small flat image an emulator can run.

Takes the object bytes and the module's imports; writes into a work directory a startup stub
(assembly) and a linker script, and links them with ``arm-none-eabi-as``/``arm-none-eabi-ld``.
The stub provides what firmware would:

* ``__stub_return``: where an export returns to (the caller's ``lr``);
* a strong ``synth_trap`` (overrides the object's weak spinning default);
* one function per imported function, named as docs/ABI.md names import symbols;
* storage for imported globals, initialised to the given values.

Each stub function is a ``bkpt`` the emulator stops at (it never executes it). Memory map:
code and read-only data from :data:`CODE_BASE`, ``.data``/``.bss`` from :data:`RAM_BASE`.
A float module calls the AEABI run-time functions (``__aeabi_fadd``, ``__aeabi_d2iz``, ...,
docs/ABI.md): they come from the soft-float Cortex-M4 libgcc of ``arm-none-eabi-gcc``
(:func:`libgcc_path`), linked after the object whatever ``--fpu``/``--float-abi`` the object
was compiled with (both pass floats in core registers; the soft-float library needs no FPU
in the emulator). Returns the linked ELF bytes.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from .naming import import_symbol  # noqa: F401 (synth.link.import_symbol, as before)

CODE_BASE = 0x00001000
RAM_BASE = 0x20000000
RETURN_SYMBOL = "__stub_return"
TRAP_SYMBOL = "synth_trap"
STUBS_START = "__stubs_start"
STUBS_END = "__stubs_end"

LINKER_SCRIPT = """\
MEMORY
{
  CODE (rx)  : ORIGIN = 0x%08x, LENGTH = 16M
  RAM  (rwx) : ORIGIN = 0x%08x, LENGTH = 64M
}
SECTIONS
{
  .text : { KEEP(*(.text.stubs)) *(.text .text.*) } > CODE
  .rodata : ALIGN(8) { *(.rodata .rodata.*) } > CODE
  .data : ALIGN(8) { *(.data .data.*) } > RAM
  .bss (NOLOAD) : ALIGN(8) { *(.bss .bss.*) *(COMMON) } > RAM
  /DISCARD/ : { *(.comment) *(.note*) *(.ARM.attributes) *(.ARM.exidx*) }
}
""" % (CODE_BASE, RAM_BASE)


class LinkError(RuntimeError):
    """A tool is missing, or assembling/linking failed (message has the tool output)."""


def startup_stub(functions: Sequence[str], globals_: Sequence[tuple[str, str, int]]) -> str:
    """Assembly of the stub: return pad, ``synth_trap``, one stub per imported function
    symbol in ``functions``, and ``(symbol, type, value)`` imported globals (``i32``/``i64``,
    or ``f32``/``f64`` with ``value`` the bit pattern)."""
    out = [".syntax unified", ".cpu cortex-m4", ".thumb",
           '.section .text.stubs,"ax",%progbits', ".global %s" % STUBS_START, "%s:" % STUBS_START]
    for sym in [RETURN_SYMBOL, TRAP_SYMBOL] + list(functions):
        out += [".balign 4", ".global %s" % sym, ".type %s, %%function" % sym, ".thumb_func",
                "%s:" % sym, "  bkpt #0", "  bx lr"]
    out += [".balign 4", ".global %s" % STUBS_END, "%s:" % STUBS_END]
    if globals_:
        out += [".data", ".balign 8"]
        for sym, ty, value in globals_:
            lo, hi = struct.unpack("<II", struct.pack("<Q", value & (2**64 - 1)))
            out += [".balign 8", ".global %s" % sym, "%s:" % sym, "  .word 0x%08x" % lo]
            if ty in ("i64", "f64"):
                out.append("  .word 0x%08x" % hi)
    return "\n".join(out) + "\n"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise LinkError("%s not found on PATH (install the GNU Arm Embedded toolchain)" % name)
    return path


#: The ``arm-none-eabi-gcc`` multilib whose libgcc provides the AEABI functions.
LIBGCC_FLAGS = ("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft")


@lru_cache(maxsize=1)
def libgcc_path() -> str | None:
    """The soft-float Cortex-M4 ``libgcc.a``, or None without ``arm-none-eabi-gcc`` (then a
    module that needs it fails to link, naming the missing ``__aeabi_*`` symbol)."""
    gcc = shutil.which("arm-none-eabi-gcc")
    if gcc is None:
        return None
    proc = subprocess.run([gcc, *LIBGCC_FLAGS, "-print-libgcc-file-name"], capture_output=True, text=True)
    path = proc.stdout.strip()
    if proc.returncode != 0 or not os.path.isabs(path) or not os.path.isfile(path):
        raise LinkError("arm-none-eabi-gcc -print-libgcc-file-name failed: %s%s" % (proc.stdout, proc.stderr))
    return path


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise LinkError("%s failed:\n%s%s" % (os.path.basename(cmd[0]), proc.stdout, proc.stderr))


def link(obj: bytes, workdir: str | os.PathLike[str], functions: Sequence[str] = (),
         globals_: Sequence[tuple[str, str, int]] = (), name: str = "module") -> bytes:
    """Link ``obj`` with the startup stub into ``workdir/<name>.elf``; returns its bytes."""
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    paths = {ext: work / (name + ext) for ext in (".o", "_stub.s", "_stub.o", ".ld", ".elf")}
    paths[".o"].write_bytes(obj)
    paths["_stub.s"].write_text(startup_stub(functions, globals_))
    paths[".ld"].write_text(LINKER_SCRIPT)
    _run([_tool("arm-none-eabi-as"), "-mcpu=cortex-m4", "-mthumb", "-o", str(paths["_stub.o"]),
          str(paths["_stub.s"])])
    libgcc = libgcc_path()
    try:
        _run([_tool("arm-none-eabi-ld"), "-T", str(paths[".ld"]), "-e", RETURN_SYMBOL, "--no-warn-rwx-segments",
              "-o", str(paths[".elf"]), str(paths["_stub.o"]), str(paths[".o"])] + ([libgcc] if libgcc else []))
    except LinkError as e:
        if libgcc is None and "__aeabi_" in str(e):
            raise LinkError("%s\n(the AEABI float functions come from libgcc: install arm-none-eabi-gcc)" % e) from None
        raise
    return paths[".elf"].read_bytes()
