"""Table, geometric means and results.json from the per-kernel measurements.

Takes a list of kernel result dicts (as built by ``run.py``); returns the printed table text
and the summary dict (geometric means of synth/gcc ratios over the kernels where both sides
succeeded and the results agreed).
"""

import math

#: gcc at both levels; synth from the clang -O2 module and from the -Os one, each with and
#: without bounds checks (``-nbc``).
VARIANTS = ("gcc-Os", "gcc-O2", "synth", "synth-nbc", "synth-Os", "synth-Os-nbc")
#: wasm2c + gcc (benchlib/w2c.py): the -Os module with gcc -Os, the -O2 module with gcc -O2,
#: explicit bounds checks on and off.
W2C_VARIANTS = ("w2c-Os", "w2c-Os-nbc", "w2c-O2", "w2c-O2-nbc")


def geomean(values):
    """Geometric mean of positive numbers; None for an empty list."""
    values = [v for v in values if v and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _agrees(k, variant):
    """Whether ``variant``'s figures count: gcc's when wasm and gcc agree, synth's when every
    synth variant gave wasm's result too (``all_equal``), wasm2c's when every wasm2c one did
    (``w2c_equal``)."""
    if variant.startswith("w2c"):
        return bool(k.get("w2c_equal"))
    if variant.startswith("synth"):
        return bool(k.get("all_equal"))
    return bool(k.get("reference_ok", k.get("all_equal")))


def _ratio(k, num, den, key):
    a, b = k["variants"].get(num, {}), k["variants"].get(den, {})
    if not (_agrees(k, num) and _agrees(k, den) and a.get(key) and b.get(key)):
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
        # wasm2c + gcc (issue 13's "ahead of wasm2c+gcc"): its size from the -Os module
        # with gcc -Os, its instructions from the -O2 module with gcc -O2.
        "size_synth_Os_text_vs_w2c_Os": ("synth-Os", "w2c-Os", "text"),
        "size_synth_Os_nbc_text_vs_w2c_Os_nbc": ("synth-Os-nbc", "w2c-Os-nbc", "text"),
        "insns_synth_vs_w2c_O2": ("synth", "w2c-O2", "instructions"),
        "insns_synth_nbc_vs_w2c_O2_nbc": ("synth-nbc", "w2c-O2-nbc", "instructions"),
        "size_w2c_Os_text_vs_gcc_Os": ("w2c-Os", "gcc-Os", "text"),
        # the module's functions only (no init, runtime, helpers or libc on either side)
        "size_synth_Os_kernel_vs_w2c_Os_kernel": ("synth-Os", "w2c-Os", "kernel_bytes"),
        "size_w2c_Os_kernel_vs_gcc_Os": ("w2c-Os", "gcc-Os", "kernel_bytes"),
        "size_w2c_Os_nbc_text_vs_gcc_Os": ("w2c-Os-nbc", "gcc-Os", "text"),
        "insns_w2c_O2_vs_gcc_O2": ("w2c-O2", "gcc-O2", "instructions"),
        "insns_w2c_O2_nbc_vs_gcc_O2": ("w2c-O2-nbc", "gcc-O2", "instructions"),
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
        shown = VARIANTS + tuple(n for n in W2C_VARIANTS if any(n in k["variants"] for k in kernels))
        fmt = "%-11s %-10s" + " %-10s" * len(shown) + "  %s"
        head = fmt % ("kernel", "wasm", *shown, "status")
        rows = [head, "-" * len(head)]
        for k in kernels:
            v = k["variants"]
            rows.append(fmt % (k["name"], _hex(k.get("wasm_result")),
                               *(_hex(v.get(n, {}).get("result")) for n in shown), k["status"]))
        return "\n".join(rows)
    head = ("%-11s %6s %6s %6s %6s %6s %5s %6s %5s | %8s %8s %8s %8s %6s | %6s %5s %5s %8s %5s %5s | %7s | %s" % (
        "kernel", "Os.txt", "O2.txt", "syn.tx", "(kern", "supp)", "ratio", "sOs.tx", "ratio",
        "O2.ins", "Os.ins", "syn.ins", "nbc.ins", "ratio",
        "w2c.tx", "w/gcc", "s/w2c", "w2c.ins", "w/gcc", "s/w2c", "comp.s", "status"))
    rows = [head, "-" * len(head)]
    for k in kernels:
        v = k["variants"]
        os_, o2, sy, nb, sos = (v.get(n, {}) for n in VARIANTS[:5])
        rs = _ratio(k, "synth", "gcc-Os", "text")
        rso = _ratio(k, "synth-Os", "gcc-Os", "text")
        ri = _ratio(k, "synth", "gcc-O2", "instructions")
        wos, wo2 = v.get("w2c-Os", {}), v.get("w2c-O2", {})
        w2c_cells = (_fmt(wos.get("text")), _r2(_ratio(k, "w2c-Os", "gcc-Os", "text")),
                     _r2(_ratio(k, "synth-Os", "w2c-Os", "text")), _fmt(wo2.get("instructions")),
                     _r2(_ratio(k, "w2c-O2", "gcc-O2", "instructions")),
                     _r2(_ratio(k, "synth", "w2c-O2", "instructions")))
        rows.append("%-11s %6s %6s %6s %6s %6s %5s %6s %5s | %8s %8s %8s %8s %6s | %6s %5s %5s %8s %5s %5s | %7s | %s" % (
            k["name"], _fmt(os_.get("text")), _fmt(o2.get("text")), _fmt(sy.get("text")), _fmt(sy.get("kernel_bytes")),
            _fmt(sy.get("support_bytes")), "-" if rs is None else "%.2f" % rs,
            _fmt(sos.get("text")), "-" if rso is None else "%.2f" % rso,
            _fmt(o2.get("instructions")), _fmt(os_.get("instructions")),
            _fmt(sy.get("instructions")), _fmt(nb.get("instructions")),
            "-" if ri is None else "%.2f" % ri, *w2c_cells,
            "-" if sy.get("compile_seconds") is None else "%.3f" % sy["compile_seconds"],
            k["status"]))
    return "\n".join(rows)


def _r2(v):
    return "-" if v is None else "%.2f" % v


def _hex(v):
    return "-" if v is None else "%08x" % v


def summary_text(s):
    """Human-readable lines for the geometric means."""
    lines = []
    for name, e in s.items():
        g = e["geomean"]
        lines.append("geomean %-37s %s  (over %d kernels)" % (name, "n/a" if g is None else "%.3f" % g,
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


#: The wasm2c ratios side by side: synth / wasm2c+gcc (size: -Os modules, checks on and off;
#: instructions: -O2 modules, on and off) and wasm2c+gcc / gcc (checks on).
W2C_SIDE_COLUMNS = (
    ("s/w.sz", "synth-Os", "w2c-Os", "text", "size_synth_Os_text_vs_w2c_Os"),
    ("s/w.sn", "synth-Os-nbc", "w2c-Os-nbc", "text", "size_synth_Os_nbc_text_vs_w2c_Os_nbc"),
    ("s/w.in", "synth", "w2c-O2", "instructions", "insns_synth_vs_w2c_O2"),
    ("s/w.nn", "synth-nbc", "w2c-O2-nbc", "instructions", "insns_synth_nbc_vs_w2c_O2_nbc"),
    ("w/g.sz", "w2c-Os", "gcc-Os", "text", "size_w2c_Os_text_vs_gcc_Os"),
    ("w/g.in", "w2c-O2", "gcc-O2", "instructions", "insns_w2c_O2_vs_gcc_O2"),
)


def side_by_side(results, columns=SIDE_COLUMNS, title="synth/gcc"):
    """The ratios of several targets next to each other, one row per kernel and a geomean row.

    ``results``: per-target dicts with ``target``, ``kernels`` and ``summary`` (bench/run.py).
    Per target: synth .text / gcc -Os .text with checks on (size) and off (sz.nbc), the same
    from clang's -Os module (sOs, sOs.nb), synth /
    gcc -O2 instructions executed, checks on (insns) and off (in.nbc); ``-`` where that
    target's results did not all agree. ``columns``/``title``: another set of ratios, such as
    :data:`W2C_SIDE_COLUMNS` ("vs wasm2c").
    """
    width = 7 * len(columns) - 1
    top = "%-11s" % "" + "".join(" | %-*s" % (width, r["target"][:width]) for r in results)
    head = "%-11s" % title + "".join(
        " | " + " ".join("%6s" % c[0] for c in columns) for _ in results)
    rows = [top, head, "-" * len(head)]
    by_target = [{k["name"]: k for k in r["kernels"]} for r in results]
    names = [k["name"] for k in results[0]["kernels"]]
    for name in names:
        cells = []
        for kernels in by_target:
            k = kernels.get(name)
            vals = [None if k is None else _ratio(k, num, den, key) for _, num, den, key, _ in columns]
            cells.append(" ".join("%6s" % ("-" if v is None else "%.2f" % v) for v in vals))
        rows.append("%-11s" % name + "".join(" | " + c for c in cells))
    rows.append("-" * len(head))
    cells = []
    for r in results:
        gs = [r["summary"][s]["geomean"] for *_, s in columns]
        cells.append(" ".join("%6s" % ("n/a" if g is None else "%.3f" % g) for g in gs))
    rows.append("%-11s" % "geomean" + "".join(" | " + c for c in cells))
    over = ["%s %d" % (r["target"], min(r["summary"][s]["kernels"] for *_, s in columns)) for r in results]
    rows.append("(geomeans over the kernels whose results all agree: %s)" % ", ".join(over))
    return "\n".join(rows)
