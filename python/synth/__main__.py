"""``python -m synth``: the ``synth`` command on the bindings, with the same flags.

    python -m synth compile <INPUT> -o <OUTPUT.o> [--emit-header H] [--stats] [--stats-json F|-]
        [--target CPU] [--fpu FPU] [--float-abi ABI] [--prefix P] [--module-name N] [--no-bounds-checks] [--stack-check]
        [--max-memory-pages N] [--verify-allocation] [--shadow-allocation] [--no-optimize]
        [--import-stack NAME=BYTES]... [--max-stack BYTES] [-g] [--max-function-bytes N]
    python -m synth stats <INPUT> [--json] [compiler options]

Options mean what they mean for ``synth compile`` (docs/OPTIONS.md lists every front door).
Exit status 0 on success; 1 when the input cannot be read or compiled or an output cannot be
written (one line ``error: <INPUT>: <what>: <detail>`` on stderr); 2 on usage errors. Data
(the ``--stats-json -`` JSON, the table unless the JSON takes stdout) goes to stdout.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Sequence, TextIO

from ._lib import FLOAT_ABIS, FPUS, TARGETS
from .compiler import compile as synth_compile
from .errors import InvalidArgumentError, SynthError
from .table import stats_table


def _page_count(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("`%s` is not a page count" % value) from None
    if n < 0:
        raise argparse.ArgumentTypeError("`%s` is not a page count" % value)
    return n


def _byte_count(value: str) -> int:
    """``--max-stack BYTES``, ``--max-function-bytes N``: 0 .. 2**32-1, as ``synth compile`` takes it."""
    if not re.fullmatch(r"\+?[0-9]+", value) or int(value) >= 2**32:
        raise argparse.ArgumentTypeError("`%s` is not a byte count" % value)
    return int(value)


def _import_stack(value: str) -> tuple[str, int]:
    """``--import-stack NAME=BYTES``: the import's symbol or ``module.field`` and its
    worst-case stack (the same rule as ``synth compile``: split at the last ``=``)."""
    name, eq, number = value.rpartition("=")
    name, number = name.strip(), number.strip()
    if not eq or not name or not re.fullmatch(r"\+?[0-9]+", number) or int(number) >= 2**32:
        raise argparse.ArgumentTypeError(
            "expects NAME=BYTES (an import and its worst-case stack in bytes), got `%s`" % value)
    return name, int(number)


def add_compiler_options(p: argparse.ArgumentParser) -> None:
    """The compiler options of ``synth compile`` (same flags, same meaning)."""
    p.add_argument("input", help="wasm binary (.wasm) or wasm text (.wat)")
    p.add_argument("--target", default="cortex-m4", choices=list(TARGETS),
                   help="the Cortex-M core (default cortex-m4)")
    p.add_argument("--fpu", default=None, choices=list(FPUS),
                   help="the core's FPU: none (default), fpv4-sp-d16 (M4), fpv5-sp-d16 or fpv5-d16 (M7)")
    p.add_argument("--float-abi", default=None, choices=list(FLOAT_ABIS),
                   help="how floats cross calls: soft (default) or softfp, in core registers "
                        "(hard is not supported yet)")
    p.add_argument("--prefix", default=None, help="prefix of every module symbol (default wasm_)")
    p.add_argument("--module-name", default=None,
                   help="module name in the header's comment (default: the INPUT file name)")
    p.add_argument("--no-bounds-checks", action="store_true",
                   help="omit the software bounds check on linear-memory accesses (trusted code only)")
    p.add_argument("--stack-check", action="store_true",
                   help="check the stack limit at every function entry (firmware defines synth_stack_limit)")
    p.add_argument("--max-memory-pages", type=_page_count, default=None, metavar="N",
                   help="reserve at most N 64 KiB pages of linear memory")
    p.add_argument("--verify-allocation", action="store_true",
                   help="run the register-allocation checker on every function (slower)")
    p.add_argument("--shadow-allocation", action="store_true",
                   help="also run regalloc2, measure only, and report its figures")
    p.add_argument("--import-stack", type=_import_stack, action="append", default=[], metavar="NAME=BYTES",
                   help="worst-case stack of an imported function (its symbol or module.field; "
                        "synth_trap: the trap handler), counted in the stack bounds; repeatable")
    p.add_argument("--max-stack", type=_byte_count, default=None, metavar="BYTES",
                   help="fail when an export's or init's worst-case stack exceeds BYTES or has no bound")
    p.add_argument("--max-function-bytes", type=_byte_count, default=None, metavar="N",
                   help="refuse (limit error) a function body over N bytes of wasm code "
                        "(default 7654321; 0: no limit)")
    p.add_argument("--no-optimize", action="store_true", help="skip the IR optimisations")
    p.add_argument("-g", "--debug", action="store_true",
                   help="add unwind tables (.debug_frame, .ARM.exidx/.ARM.extab) and name-section "
                        "names in the local symbols; the code is the same; with DWARF in the "
                        "module, source lines (.debug_line, .debug_info)")
    p.add_argument("--debug-wat", action="store_true",
                   help="-g, and for a wasm text input without DWARF a line table against the text")


def compile_kwargs(args: argparse.Namespace) -> dict[str, object]:
    """The keyword arguments of :func:`synth.compile` for parsed compiler options."""
    kwargs: dict[str, object] = {
        "bounds_checks": not args.no_bounds_checks,
        "stack_check": args.stack_check,
        "max_memory_pages": args.max_memory_pages,
        "verify_allocation": args.verify_allocation,
        "shadow_allocation": args.shadow_allocation,
        "optimize": not args.no_optimize,
        "max_stack": args.max_stack,
        "import_stack": dict(args.import_stack),
        "debug": args.debug,
        "max_function_bytes": args.max_function_bytes,
        "debug_wat": args.input if args.debug_wat else None,
        "module_name": args.module_name or os.path.basename(args.input),
    }
    if args.prefix is not None:
        kwargs["prefix"] = args.prefix
    if args.fpu is not None:
        kwargs["fpu"] = args.fpu
    if args.float_abi is not None:
        kwargs["float_abi"] = args.float_abi
    return kwargs


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m synth``."""
    ap = argparse.ArgumentParser(prog="python -m synth", allow_abbrev=False,
                                 description="synth: compile WebAssembly to ARM Cortex-M ELF objects")
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compile", allow_abbrev=False, help="compile a module to an ELF object (as `synth compile`)")
    add_compiler_options(c)
    c.add_argument("-o", "--output", help="object file to write (default: INPUT with extension .o)")
    c.add_argument("--emit-header", metavar="FILE", help="also write the C header here")
    c.add_argument("--stats", action="store_true",
                   help="print the statistics table (to stderr when --stats-json - uses stdout)")
    c.add_argument("--stats-json", metavar="FILE|-", help="write the statistics as JSON to FILE, or stdout for -")
    s = sub.add_parser("stats", allow_abbrev=False, help="print a module's compile statistics")
    add_compiler_options(s)
    s.add_argument("--json", action="store_true", help="print JSON (as --stats-json -) instead of a table")
    return ap


def _emit(text: str, stream: TextIO) -> None:
    stream.write(text)
    stream.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    args = parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:
        # The reader went away (`... | head`): nothing left to tell anyone.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0


#: How the library words an invalid option value or combination (Options::validate).
_BAD_OPTION = "synth_compile: bad option: "


def _run(args: argparse.Namespace) -> int:
    try:
        result = synth_compile(Path(args.input), target=args.target, **compile_kwargs(args))
    except InvalidArgumentError as e:
        if str(e).startswith(_BAD_OPTION):
            # A combination of options the compiler rejects (e.g. --float-abi softfp without
            # --fpu): a usage error, reported as `synth compile` reports it.
            print("error: %s" % " ".join(str(e)[len("synth_compile: "):].split()), file=sys.stderr)
            return 2
        print("error: %s: %s" % (args.input, " ".join(str(e).split())), file=sys.stderr)
        return 1
    except SynthError as e:
        print("error: %s: %s" % (args.input, " ".join(str(e).split())), file=sys.stderr)
        return 1
    except OSError as e:
        print("error: %s: cannot read: %s" % (args.input, e.strerror or e), file=sys.stderr)
        return 1
    if args.command == "stats":
        _emit(result.stats_json + "\n" if args.json else stats_table(result.stats), sys.stdout)
        return 0
    output = args.output or str(Path(args.input).with_suffix(".o"))
    if Path(output) == Path(args.input):
        print("error: the output `%s` would overwrite the input" % output, file=sys.stderr)
        return 2
    try:
        result.write(output, header=args.emit_header)
        if args.stats_json and args.stats_json != "-":
            Path(args.stats_json).write_text(result.stats_json)
    except OSError as e:
        print("error: %s: cannot write: %s" % (e.filename or output, e.strerror or e), file=sys.stderr)
        return 1
    json_to_stdout = args.stats_json == "-"
    if args.stats:
        _emit(stats_table(result.stats), sys.stderr if json_to_stdout else sys.stdout)
    if json_to_stdout:
        _emit(result.stats_json + "\n", sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
