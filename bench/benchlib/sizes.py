"""Code size of an object, from its section headers and symbol table.

For a gcc object: the total size of its ``.text*`` sections. For a synth object: the
``.text`` total split into kernel code (the module's own functions: exports and
``wasm_func<i>``) and support code (everything else in ``.text``: ``wasm_init``, the
``__synth_*`` runtime helpers, the default ``synth_trap`` and alignment padding).
"""

from dataclasses import dataclass

from . import paths  # noqa: F401  (puts tests/ on sys.path)
from harness import elf as elfmod  # noqa: E402

SH_SIZE = 5


@dataclass
class Size:
    """Bytes of code: total .text, the kernel's functions, and the rest (support)."""

    text: int
    kernel: int
    support: int
    rodata: int


def _section_sizes(e, prefix):
    return sum(sh[SH_SIZE] for sh, n in zip(e.sections, e.section_names)
               if n == prefix or n.startswith(prefix + "."))


def gcc_size(obj_path):
    """Size of a gcc object: all of .text is kernel code."""
    e = elfmod.read(obj_path)
    text = _section_sizes(e, ".text")
    return Size(text=text, kernel=text, support=0, rodata=_section_sizes(e, ".rodata"))


def is_support_symbol(name, prefix="wasm_"):
    """Whether a synth .text function symbol is support code rather than a kernel function."""
    return name == prefix + "init" or name.startswith("__synth_") or name == "synth_trap"


def synth_size(obj_path, prefix="wasm_"):
    """Size of a synth object split into kernel and support code."""
    e = elfmod.read(obj_path)
    text_idx = [i for i, n in enumerate(e.section_names) if n == ".text"]
    text = _section_sizes(e, ".text")
    kernel = sum(s.size for s in e.symbol_list
                 if s.kind == elfmod.STT_FUNC and s.shndx in text_idx
                 and not is_support_symbol(s.name, prefix))
    return Size(text=text, kernel=kernel, support=text - kernel, rodata=_section_sizes(e, ".rodata"))
