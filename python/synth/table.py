"""Plain-text tables for terminals and CI logs.

:func:`format_table` lays out rows under headers with columns padded to their widest cell
(numbers right-aligned, text left-aligned); :func:`stats_table` renders
:class:`~synth.stats.ModuleStats` like ``synth compile --stats``.
"""

from __future__ import annotations

from typing import Sequence

from .stats import ModuleStats


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Rows of cells under ``headers``, one line each, columns separated by two spaces.

    A column whose cells are all ints (or empty) is right-aligned; others left-aligned.
    Returns the text with a trailing newline (just the header line for no rows).
    """
    cells = [[str(c) for c in row] for row in rows]
    for row in cells:
        if len(row) != len(headers):
            raise ValueError("row has %d cells, table has %d columns" % (len(row), len(headers)))
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [bool(rows) and all(isinstance(r[i], int) or r[i] in ("", None) for r in rows)
               for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric)]
        return "  ".join(parts).rstrip()

    return "\n".join([line(list(headers))] + [line(r) for r in cells]) + "\n"


#: Columns of the stats table (as ``synth compile --stats``), text columns left-aligned.
STATS_COLUMNS = ("symbol", "name", "kind", "bytes", "insts", "frame", "vregs", "peak", "spills",
                 "reloads", "remats", "moves", "slots", "saved", "verdict", "rung", "stack")
#: Extra columns when the shadow allocator's figures are present.
SHADOW_COLUMNS = ("sh.spills", "sh.reloads", "sh.moves", "sh.slots", "sh.saved")
_TEXT_COLUMNS = {"symbol", "name", "kind", "verdict", "rung"}


def stats_table(stats: ModuleStats) -> str:
    """Per-function table then a totals line: the same text as ``synth compile --stats``
    (columns explained in its ``--help``; ``sh.*`` columns when shadow figures exist)."""
    shadow = any(f.shadow is not None for f in stats.functions)
    headers = list(STATS_COLUMNS) + (list(SHADOW_COLUMNS) if shadow else [])
    rows = []
    for f in stats.functions:
        row = [f.symbol, f.name, f.kind.value, f.code_bytes, f.instructions, f.frame_bytes, f.vregs,
               "%d/%d" % (f.peak_pressure, f.regs_available), f.spill_stores, f.reloads, f.remats,
               f.moves, f.spill_slots, f.callee_saved_pushed, f.verdict.value, f.rung.value,
               "unbounded" if f.max_stack_bytes is None else f.max_stack_bytes]
        if shadow:
            sh = f.shadow
            row += ([sh.spill_stores, sh.reloads, sh.moves, sh.spill_slots, sh.callee_saved_used]
                    if sh is not None else ["-"] * len(SHADOW_COLUMNS))
        rows.append([str(c) for c in row])
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return " ".join(c.ljust(w) if h in _TEXT_COLUMNS else c.rjust(w)
                        for c, w, h in zip(cells, widths, headers)).rstrip()

    t = stats.totals
    total = ("total: %d functions, %d code bytes (%d in .text), %d instructions, %d spills, "
             "%d reloads, %d remats, %d moves; .data %d B, .rodata %d B, .bss %d B; "
             "%d with spurious spills, %d on the fallback allocator\n"
             % (t.functions, t.code_bytes, t.text_bytes, t.instructions, t.spill_stores, t.reloads,
                t.remats, t.moves, t.data_bytes, t.rodata_bytes, t.bss_bytes,
                t.spurious_spill_functions, t.fallback_functions))
    # Why stacks are unbounded, once per reason, in first-seen order.
    reasons: dict[str, int] = {}
    for f in stats.functions:
        if f.stack_unbounded:
            reasons[f.stack_unbounded] = reasons.get(f.stack_unbounded, 0) + 1
    why = "".join("stack unbounded (%d function%s): %s\n" % (n, "" if n == 1 else "s", r)
                  for r, n in reasons.items())
    return "\n".join([line(headers)] + [line(r) for r in rows]) + "\n" + total + why
