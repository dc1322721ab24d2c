"""Minimal ELF32 little-endian reader: loadable segments and symbols.

Takes the bytes of a linked ARM executable (or an object) and returns its PT_LOAD
segments and a name -> symbol map. Enough for the emulator; no dependencies.
"""

import struct
from dataclasses import dataclass


class ElfError(Exception):
    """The file is not an ELF32 little-endian image this reader understands."""


@dataclass
class Segment:
    """One PT_LOAD program header's contents."""

    vaddr: int
    data: bytes
    memsz: int


@dataclass
class Symbol:
    """One symbol table entry."""

    name: str
    value: int
    size: int
    kind: int  # STT_*
    bind: int  # STB_*
    shndx: int


STT_FUNC = 2
STB_GLOBAL = 1
STB_WEAK = 2


class Elf:
    """Parsed view of an ELF32 file."""

    def __init__(self, data):
        if len(data) < 52 or data[:4] != b"\x7fELF":
            raise ElfError("not an ELF file")
        if data[4] != 1 or data[5] != 1:
            raise ElfError("not ELF32 little-endian")
        self.data = data
        (self.e_type, self.e_machine, _, self.e_entry, e_phoff, e_shoff, _flags, _ehsize,
         e_phentsize, e_phnum, e_shentsize, e_shnum, self.e_shstrndx) = struct.unpack_from(
            "<HHIIIIIHHHHHH", data, 16)
        self.segments = []
        for i in range(e_phnum):
            p_type, p_off, p_vaddr, _paddr, p_filesz, p_memsz, _fl, _al = struct.unpack_from(
                "<8I", data, e_phoff + i * e_phentsize)
            if p_type == 1 and p_memsz:
                self.segments.append(Segment(p_vaddr, data[p_off:p_off + p_filesz], p_memsz))
        self.sections = []
        for i in range(e_shnum):
            self.sections.append(struct.unpack_from("<10I", data, e_shoff + i * e_shentsize))
        self.section_names = []
        if self.sections and self.e_shstrndx < len(self.sections):
            strtab = self.sections[self.e_shstrndx]
            for sh in self.sections:
                self.section_names.append(self._cstr(strtab[4] + sh[0]))
        self.symbols = {}
        self.symbol_list = []
        for sh in self.sections:
            if sh[1] != 2:  # SHT_SYMTAB
                continue
            strtab = self.sections[sh[6]]
            for off in range(sh[4], sh[4] + sh[5], 16):
                st_name, st_value, st_size, st_info, _other, st_shndx = struct.unpack_from(
                    "<IIIBBH", data, off)
                sym = Symbol(self._cstr(strtab[4] + st_name), st_value, st_size,
                             st_info & 0xF, st_info >> 4, st_shndx)
                self.symbol_list.append(sym)
                if sym.name and (sym.name not in self.symbols or sym.bind == STB_GLOBAL):
                    self.symbols[sym.name] = sym

    def _cstr(self, off):
        end = self.data.index(b"\0", off)
        return self.data[off:end].decode("utf-8", "replace")

    def section(self, name):
        """(addr, offset, size) of section ``name`` or None."""
        for sh, n in zip(self.sections, self.section_names):
            if n == name:
                return sh[3], sh[4], sh[5]
        return None

    def address(self, name):
        """Address of symbol ``name`` (Thumb bit cleared); KeyError if absent."""
        return self.symbols[name].value & ~1


def read(path):
    """Parse the ELF file at ``path``."""
    with open(path, "rb") as f:
        return Elf(f.read())
