"""Check qemu_float's output against wasmtime: every `NAME ARG... -> RESULT ...` line the
firmware printed (values as hex bits) is recomputed by running export NAME of floats.wat
under wasmtime (synth.differential.Reference: floats as bits through i32/i64 adapters, so
NaN payloads survive) and must give the same bits (a quiet NaN would match any quiet NaN).
The firmware's own verdicts ("ok", "fpu=same") must all be positive, and the number of lines
must be the count its last line announces.

    PYTHONPATH=python .venv/bin/python c_examples/qemu_float/check.py floats.wat qemu.out

Prints one summary line; exit 0 when all agree, 1 otherwise.
"""

from __future__ import annotations

import re
import sys

import wasmtime

from synth import floats
from synth.differential import Reference, comparable, signature_of

LINE = re.compile(r"^(\w+)((?: [0-9a-f]+)*) -> ([0-9a-f]+) (\S+)(?: (fpu=\S+))?$")
SUMMARY = re.compile(r"^qemu_float: (\d+) calls, (all ok|FAILED)$")


def main(wat_path: str, output_path: str) -> int:
    wasm = wasmtime.wat2wasm(open(wat_path).read())
    ref = Reference(wasm, {}, {}, fuel=1_000_000)
    module = wasmtime.Module(wasmtime.Engine(), wasm)
    sigs = {e.name: signature_of(e.type) for e in module.exports if isinstance(e.type, wasmtime.FuncType)}
    lines = open(output_path).read().splitlines()
    problems, checked, announced = [], 0, None
    for line in lines:
        summary = SUMMARY.match(line)
        if summary:
            announced = int(summary.group(1))
            continue
        m = LINE.match(line)
        if not m:
            continue
        name, args_text, result_text, verdict, fpu = m.groups()
        sig = sigs[name]
        args = tuple(int(a, 16) for a in args_text.split())
        args = tuple(a if floats.is_float(t) else a - (1 << 32) * (a >> 31) for a, t in zip(args, sig.params))
        result = int(result_text, 16)
        expected = ref.call(name, sig, args)
        got = comparable([result if floats.is_float(sig.results[0]) else result - (1 << 32) * (result >> 31)],
                         sig.results)
        checked += 1
        if expected is None or expected.kind != "ok" or expected.values != got:
            problems.append("%s: wasmtime %s, firmware %s" % (line, expected, got))
        if verdict != "ok" or (fpu and fpu != "fpu=same"):
            problems.append("%s: the firmware's own check failed" % line)
    if announced is None or announced != checked or checked == 0:
        problems.append("the firmware announced %s calls; %d lines were checked" % (announced, checked))
    for p in problems:
        print("MISMATCH " + p)
    print("qemu_float check: %d calls, %d agree with wasmtime%s"
          % (checked, checked - len([p for p in problems if "wasmtime" in p]), "" if not problems else "; FAILED"))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
