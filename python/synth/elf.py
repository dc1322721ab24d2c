"""A minimal reader of linked ELF32 little-endian images: loadable segments and symbols.

Takes the bytes of an executable from :mod:`synth.link`; returns :class:`Image` with the
``PT_LOAD`` segments (address, file bytes, memory size) and a symbol-name -> address map
(Thumb bit cleared). Enough to load the image into an emulator; no dependencies.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

SHT_SYMTAB = 2
PT_LOAD = 1
STB_LOCAL = 0


class ElfError(ValueError):
    """Not an ELF32 little-endian file, or a truncated one."""


@dataclass(frozen=True)
class Segment:
    """One loadable segment: copy ``data`` to ``vaddr`` and zero the rest up to ``memsz``."""

    vaddr: int
    data: bytes
    memsz: int


@dataclass(frozen=True)
class Image:
    """Segments and global/weak symbol addresses of a linked image."""

    segments: tuple[Segment, ...]
    symbols: dict[str, int]

    def address(self, name: str) -> int:
        """Address of symbol ``name`` (Thumb bit cleared); KeyError if absent."""
        return self.symbols[name] & ~1


def read_image(data: bytes) -> Image:
    """Parse a linked ELF32 little-endian image."""
    if len(data) < 52 or data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise ElfError("not an ELF32 little-endian file")
    try:
        (_type, _machine, _version, _entry, phoff, shoff, _flags, _ehsize, phentsize, phnum,
         shentsize, shnum, _shstrndx) = struct.unpack_from("<HHIIIIIHHHHHH", data, 16)
        segments = []
        for i in range(phnum):
            p_type, off, vaddr, _paddr, filesz, memsz, _fl, _al = struct.unpack_from(
                "<8I", data, phoff + i * phentsize)
            if p_type == PT_LOAD and memsz:
                segments.append(Segment(vaddr, bytes(data[off:off + filesz]), memsz))
        sections = [struct.unpack_from("<10I", data, shoff + i * shentsize) for i in range(shnum)]
        symbols: dict[str, int] = {}
        for sh in sections:
            if sh[1] != SHT_SYMTAB:
                continue
            str_off = sections[sh[6]][4]
            for off in range(sh[4], sh[4] + sh[5], 16):
                st_name, value, _size, info, _other, _shndx = struct.unpack_from("<IIIBBH", data, off)
                end = data.index(b"\0", str_off + st_name)
                name = data[str_off + st_name:end].decode("utf-8", "replace")
                if name and info >> 4 != STB_LOCAL:
                    symbols[name] = value
    except (struct.error, IndexError, ValueError) as e:
        raise ElfError("truncated or corrupt ELF: %s" % e) from e
    return Image(tuple(segments), symbols)
