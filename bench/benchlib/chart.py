"""PNG chart of the per-kernel ratios, written beside results.json.

Takes the per-target results documents of ``run.py`` (each with ``target``, ``kernels`` and
``summary``); draws one panel per target with, per kernel, four bars: synth .text / gcc -Os
.text from clang's -Os module with bounds checks on and off, and synth / gcc -O2 instructions
executed from the -O2 module, checks on and off; when the run has the wasm2c variants, two
hatched bars more: wasm2c+gcc -Os .text / gcc -Os .text and wasm2c+gcc -O2 / gcc -O2
instructions (checks on); a line at 1.0 (gcc) and the geometric means in the legend. Needs matplotlib (tests/requirements.txt); without it :func:`write_png` says
so and returns None.
"""

from . import report

#: (label, numerator variant, denominator variant, measurement, summary entry) per bar.
BARS = (
    ("size, checks on (clang -Os)", "synth-Os", "gcc-Os", "text", "size_synth_Os_text_vs_gcc_Os"),
    ("size, checks off (clang -Os)", "synth-Os-nbc", "gcc-Os", "text", "size_synth_Os_nbc_text_vs_gcc_Os"),
    ("instructions, checks on (clang -O2)", "synth", "gcc-O2", "instructions", "insns_synth_vs_gcc_O2"),
    ("instructions, checks off (clang -O2)", "synth-nbc", "gcc-O2", "instructions", "insns_synth_nbc_vs_gcc_O2"),
)
#: wasm2c + gcc against gcc alone, checks on (hatched), when the run has the wasm2c variants.
W2C_BARS = (
    ("wasm2c+gcc size, checks on (clang -Os, gcc -Os)", "w2c-Os", "gcc-Os", "text", "size_w2c_Os_text_vs_gcc_Os"),
    ("wasm2c+gcc instructions, checks on (clang -O2, gcc -O2)", "w2c-O2", "gcc-O2", "instructions",
     "insns_w2c_O2_vs_gcc_O2"),
)


def write_png(results, path):
    """Draws the chart of ``results`` into ``path``; returns ``path``, or None (and prints why)
    when matplotlib is not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("no chart: matplotlib is not installed (pip install -r tests/requirements.txt)")
        return None
    with_w2c = any(v in k["variants"] for res in results for k in res["kernels"] for v in report.W2C_VARIANTS)
    bars = BARS + (W2C_BARS if with_w2c else ())
    fig, axes = plt.subplots(len(results), 1, figsize=(14, 4.2 * len(results)), squeeze=False)
    width = 0.8 / len(bars)
    for ax, res in zip(axes[:, 0], results):
        names = [k["name"] for k in res["kernels"]]
        for i, (label, num, den, key, entry) in enumerate(bars):
            ratios = [report._ratio(k, num, den, key) or 0 for k in res["kernels"]]
            geo = res["summary"].get(entry, {}).get("geomean")
            xs = [j + (i - (len(bars) - 1) / 2) * width for j in range(len(names))]
            ax.bar(xs, ratios, width, hatch="//" if num.startswith("w2c") else None,
                   label="%s: geomean %s" % (label, "n/a" if geo is None else "%.2f" % geo))
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=45, ha="right")
        ax.set_ylabel("synth / gcc" + (" (hatched: wasm2c+gcc / gcc)" if with_w2c else ""))
        ax.set_title("%s%s: synth / arm-none-eabi-gcc (size vs -Os, instructions vs -O2; 0 = failed)"
                     % (res["target"], " --fpu " + res["fpu"] if res.get("fpu") else ""))
        ax.legend(fontsize=8, loc="upper left")
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    # No creation date or version in the file: the same results give the same bytes.
    fig.savefig(path, dpi=80, metadata={"Software": None})
    plt.close(fig)
    return path
