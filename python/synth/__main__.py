"""``python -m synth``: compile a module or print its statistics with the bindings.

    python -m synth compile in.wasm -o out.o [--header out.h] [--target cortex-m4] [--stats]
    python -m synth stats in.wasm [--json]

Exit status 0 on success, 1 when the compile fails (the library's message on stderr),
2 on usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .compiler import compile as synth_compile
from .errors import SynthError
from .table import stats_table


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="wasm binary (.wasm) or wasm text (.wat)")
    p.add_argument("--target", default="cortex-m4", choices=["cortex-m3", "cortex-m4", "cortex-m7"])
    p.add_argument("--prefix", default=None, help="symbol prefix (default wasm_)")
    p.add_argument("--no-bounds-checks", action="store_true", help="omit memory bounds checks")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(prog="python -m synth", description="synth: wasm to Cortex-M objects")
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compile", help="compile a module to an ELF object")
    _common(c)
    c.add_argument("-o", "--output", required=True, help="object file to write")
    c.add_argument("--header", help="also write the C header here")
    c.add_argument("--stats", action="store_true", help="print the statistics table")
    s = sub.add_parser("stats", help="print a module's compile statistics")
    _common(s)
    s.add_argument("--json", action="store_true", help="print JSON (as --stats-json) instead of a table")
    args = ap.parse_args(argv)
    options: dict[str, object] = {"bounds_checks": not args.no_bounds_checks}
    if args.prefix is not None:
        options["prefix"] = args.prefix
    try:
        result = synth_compile(Path(args.input), target=args.target, **options)
    except (SynthError, OSError) as e:
        print("synth: %s: %s" % (args.input, e), file=sys.stderr)
        return 1
    if args.command == "compile":
        result.write(args.output, header=args.header)
        if args.stats:
            print(stats_table(result.stats), end="")
    elif args.json:
        print(result.stats_json)
    else:
        print(stats_table(result.stats), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
