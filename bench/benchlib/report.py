"""Table, geometric means and results.json from the per-kernel measurements.

Takes a list of kernel result dicts (as built by ``run.py``); returns the printed table text
and the summary dict (geometric means of synth/gcc ratios over the kernels where both sides
succeeded and the results agreed).
"""

import math

VARIANTS = ("gcc-Os", "gcc-O2", "synth", "synth-nbc")


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
        head = "%-11s %-10s %-10s %-10s %-10s %-10s %s" % (
            "kernel", "wasm", "gcc-Os", "gcc-O2", "synth", "synth-nbc", "status")
        rows = [head, "-" * len(head)]
        for k in kernels:
            v = k["variants"]
            rows.append("%-11s %-10s %-10s %-10s %-10s %-10s %s" % (
                k["name"], _hex(k.get("wasm_result")),
                *(_hex(v.get(n, {}).get("result")) for n in VARIANTS), k["status"]))
        return "\n".join(rows)
    head = ("%-11s %6s %6s %6s %6s %6s %5s | %8s %8s %8s %8s %6s | %7s | %s" % (
        "kernel", "Os.txt", "O2.txt", "syn.tx", "(kern", "supp)", "ratio", "O2.ins", "Os.ins",
        "syn.ins", "nbc.ins", "ratio", "comp.s", "status"))
    rows = [head, "-" * len(head)]
    for k in kernels:
        v = k["variants"]
        os_, o2, sy, nb = (v.get(n, {}) for n in VARIANTS)
        rs = _ratio(k, "synth", "gcc-Os", "text")
        ri = _ratio(k, "synth", "gcc-O2", "instructions")
        rows.append("%-11s %6s %6s %6s %6s %6s %5s | %8s %8s %8s %8s %6s | %7s | %s" % (
            k["name"], _fmt(os_.get("text")), _fmt(o2.get("text")), _fmt(sy.get("text")), _fmt(sy.get("kernel_bytes")),
            _fmt(sy.get("support_bytes")), "-" if rs is None else "%.2f" % rs,
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
