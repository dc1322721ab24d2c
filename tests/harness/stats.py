"""Counters the test modules fill and conftest prints at the end of a run."""

_COUNTS = {}
_NOTES = []


def add(suite, modules=0, exports=0, calls=0, mismatches=0):
    """Accumulate counts for ``suite``."""
    c = _COUNTS.setdefault(suite, [0, 0, 0, 0])
    for i, v in enumerate((modules, exports, calls, mismatches)):
        c[i] += v


def note(line):
    """A free-form summary line (printed after the counts)."""
    _NOTES.append(line)


def lines():
    """Summary lines, one per suite, then the notes."""
    return ["differential[%s]: %d modules, %d exports, %d inputs compared, %d mismatches"
            % (s, *c) for s, c in sorted(_COUNTS.items())] + list(_NOTES)
