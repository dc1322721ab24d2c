#!/usr/bin/env python3
"""Benchmark synth against arm-none-eabi-gcc on the C kernels in bench/kernels.

For every target core (by default the Cortex-M4 and the Cortex-M0+) and every kernel:
clang -O2 and -Os -> wasm (results under wasmtime), synth compile of each (default and
--no-bounds-checks) -> object, arm-none-eabi-gcc -Os and -O2 -> object; each object is linked
and run under unicorn's model of that core (wasm_init first, uncounted, for synth). When wabt's
wasm2c is installed, also wasm2c of each module + arm-none-eabi-gcc with a bare-metal runtime
(benchlib/w2c.py: w2c-Os from the -Os module with gcc -Os, w2c-O2 from the -O2 one with gcc
-O2, each with bounds checks on and off, -nbc). Prints a table per target and the geometric
means (synth/gcc-Os .text bytes, from the clang -Os module and from the -O2 one; synth/gcc-O2
instructions executed, from the -O2 module; synth/wasm2c+gcc and wasm2c+gcc/gcc likewise),
then, for several targets, the ratios of all targets side by side; writes bench/results.json
and a chart of the per-kernel ratios, bench/results.png (when matplotlib is installed).

    python bench/run.py                 # full benchmark, cortex-m4 and cortex-m0plus
    python bench/run.py --smoke         # results only (fast, for CI); exit 1 on a mismatch
    python bench/run.py -k crc32 -k fir # some kernels
    python bench/run.py --target cortex-m0plus       # one target (= --targets cortex-m0plus)
    python bench/run.py --targets cortex-m4,cortex-m33,cortex-m0plus
    python bench/run.py --fpu fpv4-sp-d16 -k fir_f32   # both sides with the FPU, hard float ABI
    python bench/run.py --target cortex-m7 --fpu fpv5-d16 -k newton_f64   # f64 on the FPU
    python bench/run.py --no-w2c        # without the wasm2c + gcc variants

``--fpu FPU`` compiles gcc with ``-mfpu=FPU -mfloat-abi=hard`` and synth with ``--fpu FPU
--float-abi hard`` and links the hard-float libgcc (the default is no FPU: soft float on
both sides); it applies to every target, so it takes only cores with an FPU (default target
then: the Cortex-M4 alone). On an ARMv6-M core (cortex-m0, cortex-m0plus) gcc and the
linked libgcc are the ARMv6-M multilib (soft float), and every synth object is also proven
ARMv6-M code by reassembly (tests/harness/v6m_check.py): unicorn's Cortex-M0 model runs some
Thumb-2 instructions a real M0+ rejects, so a run there alone would prove nothing.

Objects of the soft-float Cortex-M4 go to bench/build/<kernel>/, those of another target to
bench/build/<target>[-<fpu>]/<kernel>/ (bench/breakdown.py --target reads them).

Exit status: 0 when every kernel's results agree (and, with --strict-synth, synth succeeded
on every kernel) on every target; 1 otherwise. A synth failure (compile error, trap, wrong
result) is a benchmark finding recorded in the table; it fails the run only with
--strict-synth (a wasm2c+gcc failure never does: it is printed and drops only the ratios
involving wasm2c), while a disagreement among wasmtime, gcc -Os and gcc -O2 (a kernel bug)
always fails it.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import build, chart, emulate, paths, reference, report, sizes, w2c  # noqa: E402
from harness import configs as harness_configs  # noqa: E402  (benchlib.paths puts tests/ on sys.path)
from harness import v6m_check  # noqa: E402

DEFAULT_TARGETS = ("cortex-m4", "cortex-m0plus")
#: The cores whose objects must be ARMv6-M code (checked by reassembly).
V6M_TARGETS = harness_configs.V6M_CPUS


def configure(target, fpu=None):
    """Switch every module-wide setting to ``target`` (and ``fpu``, hard float ABI): build
    flags, the emulated core, the libgcc multilib. Returns the build directory."""
    build.set_target(target, fpu)
    emulate.CPU[0] = target
    emulate.FLOAT_ABI = "hard" if fpu else "soft"
    return paths.build_dir(target, fpu)


def measure_variant(name, variant, obj, workdir, count, module_obj=None):
    """Size and run of one object variant; returns the variant dict. ``module_obj``: for a
    wasm2c variant, the object of the generated module (its functions are the kernel's)."""
    synthy = variant.startswith("synth")
    wasm2c = variant in w2c.VARIANTS
    out = {}
    if wasm2c:
        sz = w2c.size(obj, module_obj)
    else:
        sz = sizes.synth_size(obj) if synthy else sizes.gcc_size(obj)
    out.update(text=sz.text, kernel_bytes=sz.kernel, support_bytes=sz.support, rodata=sz.rodata)
    if synthy and emulate.CPU[0] in V6M_TARGETS:
        checked, bad = v6m_check.check(obj, os.path.join(workdir, "v6m"))
        out["v6m_checked_instructions"] = checked
        if bad:
            out["error"] = "not ARMv6-M code: %s" % bad[0]
            return out
    try:
        if wasm2c:
            r = w2c.run(obj, workdir, "%s.%s" % (name, variant), count=count)
        else:
            r = emulate.run_kernel(obj, workdir, "%s.%s" % (name, variant),
                                   "wasm_run" if synthy else "run",
                                   init="wasm_init" if synthy else None, count=count)
    except emulate.EmulationError as e:
        lines = [ln for ln in str(e).splitlines() if "undefined" in ln] or str(e).strip().splitlines()
        out["error"] = "link/load: %s" % lines[-1].strip()
        return out
    if r.kind != "ok":
        out["error"] = "%s: %s" % (r.kind, r.detail)
        return out
    out["result"] = r.value
    if count:
        out["instructions"] = r.instructions
        out["instructions_cond_passed"] = r.passed
    return out


def bench_kernel(name, smoke, build_root=None, with_w2c=None):
    """Build, run and compare one kernel for the configured target (:func:`configure`; the
    soft-float Cortex-M4 unless changed) in ``build_root/<name>`` (default bench/build);
    returns its result dict. ``with_w2c``: also the wasm2c + gcc variants (default: when
    wasm2c is installed)."""
    if with_w2c is None:
        with_w2c = not w2c.available()
    outdir = os.path.join(build_root or paths.BUILD, name)
    os.makedirs(outdir, exist_ok=True)
    k = {"name": name, "variants": {}, "commands": {}, "problems": []}
    wasms = {level: build.wasm(name, outdir, level) for level in build.CLANG_LEVELS}
    w = wasms["O2"]
    k["commands"]["wasm"] = " ".join(w.cmd)
    k["commands"]["wasm-Os"] = " ".join(wasms["Os"].cmd)
    k["wasm_result"] = None
    for level, step in wasms.items():
        if not step.ok:
            k["problems"].append("clang -%s: %s" % (level, step.error))
            continue
        result, err = reference.run_wasm(step.output)
        if err:
            k["problems"].append("wasmtime (-%s): %s" % (level, err))
        elif level == "O2":
            k["wasm_result"] = result
        elif result != k["wasm_result"]:
            # Both modules must agree (else the kernel has undefined behaviour).
            k["wasm_Os_result"] = result
    steps = {}
    for level in build.GCC_LEVELS:
        steps["gcc-" + level] = build.gcc(name, outdir, level)
    for level, step in wasms.items():
        if step.ok:
            stem = "synth" if level == "O2" else "synth-" + level
            steps[stem] = build.synth(name, outdir, step.output, suffix=stem)
            steps[stem + "-nbc"] = build.synth(name, outdir, step.output, extra=["--no-bounds-checks"],
                                               suffix=stem + "-nbc")
    if with_w2c:
        for variant, (level, _gcc_level, _checks) in w2c.VARIANTS.items():
            if wasms[level].ok:
                steps[variant] = w2c.compile(name, outdir, wasms[level].output, variant)
    for variant, step in steps.items():
        k["commands"][variant] = " ".join(step.cmd)
        v = {}
        if variant.startswith("synth"):
            v["compile_seconds"] = round(step.seconds, 4) if step.ok else None
        if not step.ok:
            v["error"] = "compile: " + step.error.splitlines()[0][:300] if step.error else "compile failed"
        else:
            v.update(measure_variant(name, variant, step.output, outdir, count=not smoke,
                                     module_obj=step.extra.get("module_obj")))
        k["variants"][variant] = v
    classify(k)
    return k


def classify(k):
    """Set ``all_equal``, ``reference_ok`` and a short ``status`` on kernel result ``k``."""
    ref = k.get("wasm_result")
    v = k["variants"]
    natives = [v.get("gcc-" + lv, {}).get("result") for lv in build.GCC_LEVELS]
    k["reference_ok"] = (ref is not None and all(r == ref for r in natives)
                         and k.get("wasm_Os_result", ref) == ref)
    bad, bad_w2c = [], []
    for name, var in v.items():
        into = bad_w2c if name in w2c.VARIANTS else bad
        if "error" in var:
            into.append("%s %s" % (name, var["error"][:60]))
        elif var.get("result") != ref:
            into.append("%s WRONG RESULT %08x" % (name, var["result"]))
    # synth's figures stand without wasm2c's and wasm2c's without synth's: a failure drops
    # only the ratios that involve the failed compiler (``w2c_equal``, see report._ratio).
    k["all_equal"] = k["reference_ok"] and not bad
    k["w2c_equal"] = k["reference_ok"] and not bad_w2c and any(n in v for n in w2c.VARIANTS)
    bad += bad_w2c
    if not k["reference_ok"]:
        k["status"] = "KERNEL MISMATCH: wasm/gcc disagree " + "; ".join(bad + k["problems"])
    else:
        k["status"] = "ok" if not bad else "; ".join(bad)


def parse_targets(ap, args):
    """The list of targets from --target / --targets (and the --fpu default)."""
    if args.target and args.targets:
        ap.error("give --target or --targets, not both")
    if args.targets:
        targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    elif args.target:
        targets = [args.target]
    else:
        targets = ["cortex-m4"] if args.fpu else list(DEFAULT_TARGETS)
    if len(set(targets)) != len(targets) or not targets:
        ap.error("--targets: a non-empty list of distinct cores")
    if args.fpu and any(t in V6M_TARGETS for t in targets):
        ap.error("--fpu: an ARMv6-M core (%s) has no FPU" % ", ".join(t for t in targets if t in V6M_TARGETS))
    return targets


def run_target(target, fpu, names, smoke, with_w2c=None):
    """Benchmark ``names`` on ``target`` (``with_w2c``: see :func:`bench_kernel`); returns
    the per-target results document."""
    root = configure(target, fpu)
    print("target: %s%s (synth --target, gcc -mcpu, unicorn model; objects in %s)" % (
        target, " --fpu " + fpu if fpu else "", os.path.relpath(root, paths.REPO)), file=sys.stderr)
    kernels = []
    for name in names:
        kernels.append(bench_kernel(name, smoke, build_root=root, with_w2c=with_w2c))
        print("  %-11s %s" % (name, kernels[-1]["status"]), file=sys.stderr, flush=True)
    return {"target": target, "fpu": fpu, "summary": report.summary(kernels),
            "flags": {"clang": list(build.CLANG_FLAGS), "clang_Os": ["-Os"] + build.CLANG_COMMON,
                      "gcc": list(build.GCC_FLAGS),
                      "synth": list(build.SYNTH_FLAGS)},
            "kernels": kernels}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="check results only, no counting")
    ap.add_argument("-k", "--kernel", action="append", help="run only this kernel (repeatable)")
    ap.add_argument("--json", default=None, help="results file (default bench/results.json; "
                                                  "--smoke writes none unless given)")
    ap.add_argument("--strict-synth", action="store_true",
                    help="also fail when synth fails or disagrees on any kernel")
    ap.add_argument("--fpu", default=None, choices=["fpv4-sp-d16", "fpv5-sp-d16", "fpv5-d16"],
                    help="both compilers target this FPU with the hard float ABI (unicorn's "
                         "Cortex-M4 has FPv4-SP; its Cortex-M7 FPv5 with double precision: "
                         "--target cortex-m7 --fpu fpv5-d16)")
    ap.add_argument("--target", default=None,
                    help="one core: synth --target, gcc -mcpu and unicorn's CPU model")
    ap.add_argument("--targets", default=None,
                    help="comma-separated cores, each benchmarked in turn (default "
                         "%s; with --fpu: cortex-m4)" % ",".join(DEFAULT_TARGETS))
    ap.add_argument("--no-w2c", action="store_true",
                    help="skip the wasm2c + gcc variants (built by default when wasm2c is installed)")
    args = ap.parse_args(argv)
    targets = parse_targets(ap, args)
    names = args.kernel or paths.kernel_names()
    unknown = [n for n in names if n not in paths.kernel_names()]
    if unknown:
        ap.error("unknown kernel(s): %s" % ", ".join(unknown))
    results = []
    for target in targets:
        results.append(run_target(target, args.fpu, names, args.smoke, with_w2c=False if args.no_w2c else None))
    for i, res in enumerate(results):
        if len(results) > 1:
            print("%s== %s ==" % ("\n" if i else "", res["target"]))
        print(report.table(res["kernels"], smoke=args.smoke))
        if not args.smoke:
            print()
            print(report.summary_text(res["summary"]))
    if len(results) > 1 and not args.smoke:
        print()
        print(report.side_by_side(results))
        if any(v in k["variants"] for r in results for k in r["kernels"] for v in report.W2C_VARIANTS):
            print()
            print(report.side_by_side(results, report.W2C_SIDE_COLUMNS, "vs wasm2c"))
    out_path = args.json or (None if args.smoke else paths.RESULTS)
    if out_path:
        first = results[0]
        doc = {"synth": paths.synth_bin(), "smoke": args.smoke,
               # The first target's results at the top level, as a single-target run writes them.
               "target": first["target"], "summary": first["summary"], "flags": first["flags"],
               "kernels": first["kernels"],
               "targets": results,
               "instructions_note": "instructions: all issued Thumb instructions incl. "
                                    "condition-failed ones in IT blocks (block hook); "
                                    "instructions_cond_passed: code hook, condition-passed only",
               }
        with open(out_path, "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")
        print("\nwrote %s" % out_path)
        if not args.smoke:
            png = chart.write_png(results, os.path.splitext(out_path)[0] + ".png")
            if png:
                print("wrote %s" % png)
    failed = False
    for res in results:
        kernels = res["kernels"]
        where = " (%s)" % res["target"] if len(results) > 1 else ""
        kernel_bugs = [k["name"] for k in kernels if not k["reference_ok"]]
        synth_bad = [k["name"] for k in kernels if k["reference_ok"] and not k["all_equal"]]
        w2c_bad = [k["name"] for k in kernels if k["reference_ok"] and not k.get("w2c_equal")
                   and any(n in k["variants"] for n in w2c.VARIANTS)]
        if w2c_bad:
            print("wasm2c+gcc failed or disagreed on%s: %s" % (where, ", ".join(w2c_bad)))
        if kernel_bugs:
            print("FAIL%s: wasm and gcc results disagree for: %s" % (where, ", ".join(kernel_bugs)))
        if synth_bad:
            print("synth failed or disagreed on%s: %s" % (where, ", ".join(synth_bad)))
        failed = failed or bool(kernel_bugs) or (args.strict_synth and bool(synth_bad))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
