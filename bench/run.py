#!/usr/bin/env python3
"""Benchmark synth against arm-none-eabi-gcc on the C kernels in bench/kernels.

For every kernel: clang -> wasm (result under wasmtime), synth compile (default and
--no-bounds-checks) -> object, arm-none-eabi-gcc -Os and -O2 -> object; each object is linked
and run under unicorn as a Cortex-M4 (wasm_init first, uncounted, for synth). Prints a table
and the geometric means (synth/gcc-Os .text bytes, synth/gcc-O2 instructions executed) and
writes bench/results.json.

    python bench/run.py                 # full benchmark
    python bench/run.py --smoke         # results only (fast, for CI); exit 1 on a mismatch
    python bench/run.py -k crc32 -k fir # some kernels
    python bench/run.py --fpu fpv4-sp-d16 -k fir_f32   # both sides with the FPU, hard float ABI
    python bench/run.py --target cortex-m7 --fpu fpv5-d16 -k newton_f64   # f64 on the FPU

``--fpu FPU`` compiles gcc with ``-mfpu=FPU -mfloat-abi=hard`` and synth with ``--fpu FPU
--float-abi hard`` and links the hard-float libgcc (the default is no FPU: soft float on
both sides).

Exit status: 0 when every kernel's results agree (and, with --strict-synth, synth succeeded
on every kernel); 1 otherwise. A synth failure (compile error, trap, wrong result) is a
benchmark finding recorded in the table; it fails the run only with --strict-synth, while a
disagreement among wasmtime, gcc -Os and gcc -O2 (a kernel bug) always fails it.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from benchlib import build, emulate, paths, reference, report, sizes  # noqa: E402


def measure_variant(name, variant, obj, workdir, count):
    """Size and run of one object variant; returns the variant dict."""
    synthy = variant.startswith("synth")
    out = {}
    sz = sizes.synth_size(obj) if synthy else sizes.gcc_size(obj)
    out.update(text=sz.text, kernel_bytes=sz.kernel, support_bytes=sz.support, rodata=sz.rodata)
    try:
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


def bench_kernel(name, smoke):
    """Build, run and compare one kernel; returns its result dict."""
    outdir = os.path.join(paths.BUILD, name)
    os.makedirs(outdir, exist_ok=True)
    k = {"name": name, "variants": {}, "commands": {}, "problems": []}
    w = build.wasm(name, outdir)
    k["commands"]["wasm"] = " ".join(w.cmd)
    if w.ok:
        k["wasm_result"], err = reference.run_wasm(w.output)
        if err:
            k["problems"].append("wasmtime: " + err)
    else:
        k["wasm_result"] = None
        k["problems"].append("clang: " + w.error)
    steps = {}
    for level in build.GCC_LEVELS:
        steps["gcc-" + level] = build.gcc(name, outdir, level)
    if w.ok:
        steps["synth"] = build.synth(name, outdir, w.output)
        steps["synth-nbc"] = build.synth(name, outdir, w.output, extra=["--no-bounds-checks"],
                                         suffix="synth-nbc")
    for variant, step in steps.items():
        k["commands"][variant] = " ".join(step.cmd)
        v = {}
        if variant.startswith("synth"):
            v["compile_seconds"] = round(step.seconds, 4) if step.ok else None
        if not step.ok:
            v["error"] = "compile: " + step.error.splitlines()[0][:300] if step.error else "compile failed"
        else:
            v.update(measure_variant(name, variant, step.output, outdir, count=not smoke))
        k["variants"][variant] = v
    classify(k)
    return k


def classify(k):
    """Set ``all_equal``, ``reference_ok`` and a short ``status`` on kernel result ``k``."""
    ref = k.get("wasm_result")
    v = k["variants"]
    natives = [v.get("gcc-" + lv, {}).get("result") for lv in build.GCC_LEVELS]
    k["reference_ok"] = ref is not None and all(r == ref for r in natives)
    bad = []
    for name, var in v.items():
        if "error" in var:
            bad.append("%s %s" % (name, var["error"][:60]))
        elif var.get("result") != ref:
            bad.append("%s WRONG RESULT %08x" % (name, var["result"]))
    k["all_equal"] = k["reference_ok"] and not bad
    if not k["reference_ok"]:
        k["status"] = "KERNEL MISMATCH: wasm/gcc disagree " + "; ".join(bad + k["problems"])
    else:
        k["status"] = "ok" if not bad else "; ".join(bad)


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
    ap.add_argument("--target", default="cortex-m4",
                    help="core: synth --target, gcc -mcpu and unicorn's CPU model (default cortex-m4)")
    args = ap.parse_args(argv)
    build.set_target(args.target)
    emulate.CPU[0] = args.target
    print("target: %s (synth --target, gcc -mcpu, unicorn model)" % args.target, file=sys.stderr)
    if args.fpu:
        build.GCC_FLAGS += ["-mfpu=" + args.fpu, "-mfloat-abi=hard"]
        build.SYNTH_FLAGS += ["--fpu", args.fpu, "--float-abi", "hard"]
        emulate.FLOAT_ABI = "hard"
    names = args.kernel or paths.kernel_names()
    unknown = [n for n in names if n not in paths.kernel_names()]
    if unknown:
        ap.error("unknown kernel(s): %s" % ", ".join(unknown))
    kernels = []
    for name in names:
        kernels.append(bench_kernel(name, args.smoke))
        print("  %-11s %s" % (name, kernels[-1]["status"]), file=sys.stderr, flush=True)
    print(report.table(kernels, smoke=args.smoke))
    summ = report.summary(kernels)
    if not args.smoke:
        print()
        print(report.summary_text(summ))
    out_path = args.json or (None if args.smoke else paths.RESULTS)
    if out_path:
        doc = {"synth": paths.synth_bin(), "smoke": args.smoke, "summary": summ, "target": args.target,
               "flags": {"clang": build.CLANG_FLAGS, "gcc": build.GCC_FLAGS,
                         "synth": build.SYNTH_FLAGS},
               "instructions_note": "instructions: all issued Thumb instructions incl. "
                                    "condition-failed ones in IT blocks (block hook); "
                                    "instructions_cond_passed: code hook, condition-passed only",
               "kernels": kernels}
        with open(out_path, "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")
        print("\nwrote %s" % out_path)
    kernel_bugs = [k["name"] for k in kernels if not k["reference_ok"]]
    synth_bad = [k["name"] for k in kernels if k["reference_ok"] and not k["all_equal"]]
    if kernel_bugs:
        print("FAIL: wasm and gcc results disagree for: %s" % ", ".join(kernel_bugs))
    if synth_bad:
        print("synth failed or disagreed on: %s" % ", ".join(synth_bad))
    return 1 if kernel_bugs or (args.strict_synth and synth_bad) else 0


if __name__ == "__main__":
    sys.exit(main())
