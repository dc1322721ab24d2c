"""The symbol names docs/ABI.md gives wasm exports and imports ("Symbols").

A *plain* name (a C identifier that does not begin with ``X_`` and has no ``__`` after its
leading underscores) is written as it is; any other name is escaped: ``X_``, then its UTF-8
bytes, ASCII letters and digits as they are and every other byte as ``_XX`` (upper-case
hex). Exports are ``prefix + name``, with the ABI's own names (``init``, ``memory``,
``func3``, ...) escaped too; import ``env.f`` is the name of ``f``; import ``m.f`` is the
module part, ``__`` and the name of ``f``. Distinct names never share a symbol.
"""

from __future__ import annotations

import re

#: Begins every escaped name.
ESCAPE_MARKER = "X_"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ABI_STEM = re.compile(r"init|memory|memory_size|(func|global|table|data|elem)[0-9]+(_size|_len)?")


def is_plain(name: str) -> bool:
    """Whether ``name`` is its own symbol."""
    return (_IDENTIFIER.fullmatch(name) is not None and not name.startswith(ESCAPE_MARKER)
            and "__" not in name.lstrip("_"))


def escape(name: str) -> str:
    """``X_`` + the UTF-8 bytes of ``name``: letters and digits as they are, others ``_XX``."""
    return ESCAPE_MARKER + "".join(chr(b) if bytes([b]).isalnum() else "_%02X" % b
                                   for b in name.encode("utf-8"))


def name_symbol(name: str) -> str:
    """A plain name as it is, any other escaped."""
    return name if is_plain(name) else escape(name)


def export_symbol(name: str, prefix: str = "wasm_") -> str:
    """The symbol of exported function or global ``name``."""
    return prefix + (escape(name) if _ABI_STEM.fullmatch(name) else name_symbol(name))


def import_symbol(module: str, name: str) -> str:
    """The symbol of imported function or global ``module.name`` (not prefixed)."""
    if module == "env":
        return name_symbol(name)
    plain_module = (is_plain(module) and module[:1].isalpha() and not module.endswith("_")
                    and module != "X")
    return (module if plain_module else escape(module)) + "__" + name_symbol(name)
