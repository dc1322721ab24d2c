"""Link synth objects for the shared spec machine.

Takes a module's object, the slot addresses the machine reserved and the addresses its
imports resolve to; links it with ``arm-none-eabi-ld`` at those addresses, every import
(and ``synth_trap``, ``synth_stack_limit``) given as an absolute ``--defsym``, so one
module's calls and accesses go straight to another instance or to the host image.
Also builds the ``spectest`` host image, which carries one copy of libgcc's AEABI
run-time functions (soft-float arithmetic, comparisons, conversions) that every module's
``__aeabi_*`` references are bound to, so module slots hold only synth's code.
Returns ELF paths; raises :class:`harness.link.LinkError` with the linker output on failure.
"""

import os
import subprocess
from functools import lru_cache

from harness import abi, paths
from harness.link import LinkError
from harness.link import libgcc_path as _libgcc_path


def libgcc_path():
    """The libgcc of the spec run's target ($SYNTH_SPEC_TARGET): the ARMv6-M multilib for
    Cortex-M0/M0+, else the Cortex-M4 one."""
    return _libgcc_path(cpu=os.environ.get("SYNTH_SPEC_TARGET"))

from . import machine as M

#: spectest functions: no-op host stubs (their symbols per docs/ABI.md import naming).
SPECTEST_FUNCS = ["print", "print_i32", "print_i64", "print_f32", "print_f64",
                  "print_i32_f32", "print_f64_f64"]
#: spectest globals: name -> (type, value).
SPECTEST_GLOBALS = {"global_i32": ("i32", 666), "global_i64": ("i64", 666),
                    "global_f32": ("f32", 0x44268000), "global_f64": ("f64", 0x4084D00000000000)}
#: spectest memory: 1 page, maximum 2; the host provides the maximum.
SPECTEST_MEMORY_PAGES = 2
SPECTEST_MEMORY_INITIAL = 1

#: What the spectest host exports, with types (the spec interpreter's spectest module):
#: name -> (kind, desc): func (params, results); global (valtype, mutable); memory and
#: table (min, max).
SPECTEST_EXPORTS = {
    "print": ("func", ([], [])),
    "print_i32": ("func", (["i32"], [])),
    "print_i64": ("func", (["i64"], [])),
    "print_f32": ("func", (["f32"], [])),
    "print_f64": ("func", (["f64"], [])),
    "print_i32_f32": ("func", (["i32", "f32"], [])),
    "print_f64_f64": ("func", (["f64", "f64"], [])),
    "global_i32": ("global", ("i32", False)),
    "global_i64": ("global", ("i64", False)),
    "global_f32": ("global", ("f32", False)),
    "global_f64": ("global", ("f64", False)),
    "memory": ("memory", (SPECTEST_MEMORY_INITIAL, SPECTEST_MEMORY_PAGES)),
    "table": ("table", ((10, 20), "funcref")),
}
#: spectest table: 10 entries, maximum 20; the host provides the maximum as its capacity.
SPECTEST_TABLE_INITIAL = 10
SPECTEST_TABLE_MAX = 20

MODULE_SCRIPT = """\
SECTIONS
{
  . = 0x%08x;
  .text : { *(.text .text.*) }
  .rodata : ALIGN(8) { *(.rodata .rodata.*) }
  .ARM.exidx : { *(.ARM.exidx*) }
  . = 0x%08x;
  .data : ALIGN(8) { *(.data .data.*) }
  .bss (NOLOAD) : ALIGN(8) { *(.bss .bss.*) *(COMMON) }
  /DISCARD/ : { *(.comment) *(.note*) *(.ARM.attributes) }
}
"""


def _run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise LinkError("%s failed:\n%s%s" % (os.path.basename(cmd[0]), proc.stdout, proc.stderr))


@lru_cache(maxsize=1)
def aeabi_functions():
    """Names of the ``__aeabi_*`` functions libgcc defines (sorted; unwinding excluded)."""
    proc = subprocess.run([paths.tool("arm-none-eabi-nm"), "-g", "--defined-only", libgcc_path()],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise LinkError("arm-none-eabi-nm failed:\n" + proc.stderr)
    names = set()
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "T" and parts[2].startswith("__aeabi_") \
                and "unwind" not in parts[2]:
            names.add(parts[2])
    return tuple(sorted(names))


def runtime_defsyms(obj_path, host):
    """{symbol: address} binding each ``__aeabi_*`` the object references to the host
    image's copy (docs/ABI.md: the AEABI run-time functions the firmware links)."""
    obj = M.elfmod.read(obj_path)
    out = {}
    for sym in obj.symbol_list:
        if sym.shndx == 0 and sym.name.startswith("__aeabi_") and sym.name in host.symbols:
            out[sym.name] = host.symbols[sym.name].value
    return out


def host_assembly():
    """Assembly of the spectest host image."""
    L = [".syntax unified", ".cpu cortex-m4", ".thumb", ".text", ".balign 4",
         ".global __harness_stubs_start", "__harness_stubs_start:"]
    for sym, bkpt in (("__harness_return", 0xF0), ("synth_trap", 0xF1)):
        L += [".balign 4", ".global %s" % sym, ".type %s, %%function" % sym, ".thumb_func",
              "%s:" % sym, "  bkpt #%d" % bkpt, "  b %s" % sym]
    L += [".balign 4", ".global __harness_stubs_end", "__harness_stubs_end:"]
    for name in SPECTEST_FUNCS:
        sym = abi.import_symbol("spectest", name)
        L += [".balign 4", ".global %s" % sym, ".type %s, %%function" % sym, ".thumb_func",
              "%s:" % sym, "  bx lr"]
    L += [".data", ".balign 8"]
    for name, (ty, value) in SPECTEST_GLOBALS.items():
        lo, hi = value & 0xFFFFFFFF, value >> 32
        L += [".balign 8", ".global %s" % abi.import_symbol("spectest", name),
              "%s:" % abi.import_symbol("spectest", name),
              "  .word 0x%08x" % lo, "  .word 0x%08x" % hi]
    L += [".balign 8", ".global synth_stack_limit", "synth_stack_limit:",
          "  .word 0x%08x" % M.STACK_LIMIT,
          # The memory's size word (docs/ABI.md: an imported memory's size word is the
          # exporter's); importers' `<import symbol>_size` is bound to it by address.
          ".balign 8", ".global spectest_memory_size", "spectest_memory_size:",
          "  .word 0x%08x" % (SPECTEST_MEMORY_INITIAL * 65536),
          # The table's {size, capacity} words and its null entries (docs/ABI.md: an
          # imported table is its provider's); importers bind `<symbol>` and `<symbol>_size`.
          ".balign 8", ".global spectest_table_size", "spectest_table_size:",
          "  .word %d" % SPECTEST_TABLE_INITIAL, "  .word %d" % SPECTEST_TABLE_MAX,
          ".balign 8", ".global spectest_table", "spectest_table:",
          "  .space %d" % (SPECTEST_TABLE_MAX * 8),
          ".bss", ".balign 8", ".global spectest_memory", "spectest_memory:",
          "  .space %d" % (SPECTEST_MEMORY_PAGES * 65536)]
    return "\n".join(L) + "\n"


def build_host(workdir):
    """Assemble and link the host image; returns its ELF path."""
    os.makedirs(workdir, exist_ok=True)
    asm, obj, elf = (os.path.join(workdir, "host" + ext) for ext in (".s", ".o", ".elf"))
    with open(asm, "w") as f:
        f.write(host_assembly())
    _run([paths.tool("arm-none-eabi-as"), "-mcpu=cortex-m4", "-mthumb", "-o", obj, asm])
    script = os.path.join(workdir, "host.ld")
    with open(script, "w") as f:
        f.write(MODULE_SCRIPT % (M.HOST_CODE, M.HOST_DATA))
    undefined = []
    for name in aeabi_functions():
        undefined += ["-u", name]
    _run([paths.tool("arm-none-eabi-ld"), "-T", script, "-o", elf, "--no-warn-rwx-segments",
          "-e", "__harness_return"] + undefined + [obj, libgcc_path()])
    return elf


def slot_sizes(obj_path):
    """(code bytes, data bytes) a linked object needs, from its section headers, with slack."""
    image = M.elfmod.read(obj_path)
    code = data = 0
    for sh in image.sections:
        flags, size, align = sh[2], sh[5], max(sh[8], 1)
        if not flags & 0x2:  # SHF_ALLOC
            continue
        if flags & 0x1:  # SHF_WRITE
            data += size + align
        else:
            code += size + align
    return code + 0x1000, data + 0x1000


def link_module(obj, workdir, name, code_base, data_base, defsyms):
    """Link ``obj`` at the given bases with absolute ``defsyms`` {symbol: address}."""
    script = os.path.join(workdir, name + ".ld")
    elf = os.path.join(workdir, name + ".elf")
    with open(script, "w") as f:
        f.write(MODULE_SCRIPT % (code_base, data_base))
    cmd = [paths.tool("arm-none-eabi-ld"), "-T", script, "-o", elf, "--no-warn-rwx-segments",
           "-e", "0"]
    for sym, addr in sorted(defsyms.items()):
        cmd += ["--defsym", "%s=0x%x" % (sym, addr)]
    cmd += [obj, libgcc_path()]  # only for a helper the host image lacks (none expected)
    _run(cmd)
    return elf
