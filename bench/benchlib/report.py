"""Table, geometric means and results.json from the per-kernel measurements.

Takes a list of kernel result dicts (as built by ``run.py``); returns the printed table text
and the summary dict (geometric means of synth/gcc ratios over the kernels where both sides
succeeded and the results agreed).
"""

import math

#: gcc at both levels; synth from the clang -O2 module and from the -Os one, each with and
#: without bounds checks (``-nbc``).
VARIANTS = ("gcc-Os", "gcc-O2", "synth", "synth-nbc", "synth-Os", "synth-Os-nbc")


def geomean(values):
    """Geometric mean of positive numbers; None for an empty list."""
    values = [v for v in values if v and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _ratio(k, num, den, key):
    a, b = k["variants"].get(num, {}), k["variants"].get(den, {})
    if not (k.get("all_equal") and a.get(key) and b.get(key)):
        return None
    return a[key] / b[key]


def summary(kernels):
    """Geometric means of the ratios; each entry also says over how many kernels."""
    out = {}
    specs = {
        "size_synth_text_vs_gcc_Os": ("synth", "gcc-Os", "text"),
        "size_synth_kernel_vs_gcc_Os": ("synth", "gcc-Os", "kernel_bytes"),
        "size_synth_nbc_text_vs_gcc_Os": ("synth-nbc", "gcc-Os", "text"),
        # Like against like: the module clang built for size against gcc -Os.
        "size_synth_Os_text_vs_gcc_Os": ("synth-Os", "gcc-Os", "text"),
        "size_synth_Os_nbc_text_vs_gcc_Os": ("synth-Os-nbc", "gcc-Os", "text"),
        "insns_synth_vs_gcc_O2": ("synth", "gcc-O2", "instructions"),
        "insns_synth_nbc_vs_gcc_O2": ("synth-nbc", "gcc-O2", "instructions"),
        "insns_synth_vs_gcc_Os": ("synth", "gcc-Os", "instructions"),
    }
    for name, (num, den, key) in specs.items():
        ratios = [r for r in (_ratio(k, num, den, key) for k in kernels) if r is not None]
        g = geomean(ratios)
        out[name] = {"geomean": None if g is None else round(g, 3), "kernels": len(ratios)}
    return out


def _fmt(v):
    return "-" if v is None else str(v)


def table(kernels, smoke=False):
    """Fixed-width text table, one row per kernel."""
    if smoke:
        head = "%-11s %-10s %-10s %-10s %-10s %-10s %-10s %-12s %s" % (
            "kernel", "wasm", *VARIANTS, "status")
        rows = [head, "-" * len(head)]
        for k in kernels:
            v = k["variants"]
            rows.append("%-11s %-10s %-10s %-10s %-10s %-10s %-10s %-12s %s" % (
                k["name"], _hex(k.get("wasm_result")),
                *(_hex(v.get(n, {}).get("result")) for n in VARIANTS), k["status"]))
        return "\n".join(rows)
    head = ("%-11s %6s %6s %6s %6s %6s %5s %6s %5s | %8s %8s %8s %8s %6s | %7s | %s" % (
        "kernel", "Os.txt", "O2.txt", "syn.tx", "(kern", "supp)", "ratio", "sOs.tx", "ratio",
        "O2.ins", "Os.ins", "syn.ins", "nbc.ins", "ratio", "comp.s", "status"))
    rows = [head, "-" * len(head)]
    for k in kernels:
        v = k["variants"]
        os_, o2, sy, nb, sos = (v.get(n, {}) for n in VARIANTS[:5])
        rs = _ratio(k, "synth", "gcc-Os", "text")
        rso = _ratio(k, "synth-Os", "gcc-Os", "text")
        ri = _ratio(k, "synth", "gcc-O2", "instructions")
        rows.append("%-11s %6s %6s %6s %6s %6s %5s %6s %5s | %8s %8s %8s %8s %6s | %7s | %s" % (
            k["name"], _fmt(os_.get("text")), _fmt(o2.get("text")), _fmt(sy.get("text")), _fmt(sy.get("kernel_bytes")),
            _fmt(sy.get("support_bytes")), "-" if rs is None else "%.2f" % rs,
            _fmt(sos.get("text")), "-" if rso is None else "%.2f" % rso,
            _fmt(o2.get("instructions")), _fmt(os_.get("instructions")),
            _fmt(sy.get("instructions")), _fmt(nb.get("instructions")),
            "-" if ri is None else "%.2f" % ri,
            "-" if sy.get("compile_seconds") is None else "%.3f" % sy["compile_seconds"],
            k["status"]))
    return "\n".join(rows)


def _hex(v):
    return "-" if v is None else "%08x" % v


def summary_text(s):
    """Human-readable lines for the geometric means."""
    lines = []
    for name, e in s.items():
        g = e["geomean"]
        lines.append("geomean %-32s %s  (over %d kernels)" % (name, "n/a" if g is None else "%.3f" % g,
                                                               e["kernels"]))
    return "\n".join(lines)


#: The ratios :func:`side_by_side` shows per target: (column, numerator, denominator, key, summary entry).
SIDE_COLUMNS = (
    ("size", "synth", "gcc-Os", "text", "size_synth_text_vs_gcc_Os"),
    ("sz.nbc", "synth-nbc", "gcc-Os", "text", "size_synth_nbc_text_vs_gcc_Os"),
    ("sOs", "synth-Os", "gcc-Os", "text", "size_synth_Os_text_vs_gcc_Os"),
    ("sOs.nb", "synth-Os-nbc", "gcc-Os", "text", "size_synth_Os_nbc_text_vs_gcc_Os"),
    ("insns", "synth", "gcc-O2", "instructions", "insns_synth_vs_gcc_O2"),
    ("in.nbc", "synth-nbc", "gcc-O2", "instructions", "insns_synth_nbc_vs_gcc_O2"),
)


def side_by_side(results):
    """The ratios of several targets next to each other, one row per kernel and a geomean row.

    ``results``: per-target dicts with ``target``, ``kernels`` and ``summary`` (bench/run.py).
    Per target: synth .text / gcc -Os .text with checks on (size) and off (sz.nbc), the same
    from clang's -Os module (sOs, sOs.nb), synth /
    gcc -O2 instructions executed, checks on (insns) and off (in.nbc); ``-`` where that
    target's results did not all agree.
    """
    width = 7 * len(SIDE_COLUMNS) - 1
    top = "%-11s" % "" + "".join(" | %-*s" % (width, r["target"][:width]) for r in results)
    head = "%-11s" % "synth/gcc" + "".join(
        " | " + " ".join("%6s" % c[0] for c in SIDE_COLUMNS) for _ in results)
    rows = [top, head, "-" * len(head)]
    by_target = [{k["name"]: k for k in r["kernels"]} for r in results]
    names = [k["name"] for k in results[0]["kernels"]]
    for name in names:
        cells = []
        for kernels in by_target:
            k = kernels.get(name)
            vals = [None if k is None else _ratio(k, num, den, key) for _, num, den, key, _ in SIDE_COLUMNS]
            cells.append(" ".join("%6s" % ("-" if v is None else "%.2f" % v) for v in vals))
        rows.append("%-11s" % name + "".join(" | " + c for c in cells))
    rows.append("-" * len(head))
    cells = []
    for r in results:
        gs = [r["summary"][s]["geomean"] for *_, s in SIDE_COLUMNS]
        cells.append(" ".join("%6s" % ("n/a" if g is None else "%.3f" % g) for g in gs))
    rows.append("%-11s" % "geomean" + "".join(" | " + c for c in cells))
    over = ["%s %d" % (r["target"], min(r["summary"][s]["kernels"] for *_, s in SIDE_COLUMNS)) for r in results]
    rows.append("(geomeans over the kernels whose results all agree: %s)" % ", ".join(over))
    return "\n".join(rows)
