"""``python -m synth.check``: fail CI when compile statistics break the recovery policy.

Takes modules (``.wasm``/``.wat``, compiled here with the bindings) and/or stats JSON files
(``synth compile --stats-json``), and an optional policy file (see :mod:`synth.policy`).
Prints a table of violations and ``FAIL: ...`` and exits 1 when there is any; prints one
``OK: ...`` line and exits 0 otherwise. Exit 2: an input or the policy could not be read, or a
module failed to compile (nothing was checked for it).

    python -m synth.check bench/build/*/*.wasm --policy budgets.toml
    python -m synth.check m.stats.json -v
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from .errors import SynthError
from .policy import Policy, PolicyError, Violation, check, load_policy
from .stats import ModuleStats, StatsFormatError
from .table import format_table, stats_table

MODULE_SUFFIXES = (".wasm", ".wat")


def load_stats(path: str, target: str, bounds_checks: bool) -> ModuleStats:
    """Stats of one input: parsed JSON, or the stats of compiling the module."""
    if path.endswith(MODULE_SUFFIXES):
        from .compiler import compile as synth_compile
        return synth_compile(Path(path), target=target, bounds_checks=bounds_checks).stats
    return ModuleStats.from_json(Path(path).read_text())


def labels(paths: Sequence[str]) -> list[str]:
    """Short display names: file names, or the paths as given when two names clash."""
    names = [os.path.basename(p) for p in paths]
    return names if len(set(names)) == len(names) else list(paths)


def violation_table(violations: Sequence[Violation]) -> str:
    """The violations as a table (module, function, check, actual, limit)."""
    return format_table(["module", "function", "check", "actual", "limit"],
                        [[v.module, v.function, v.check, v.actual, v.limit] for v in violations])


def run(paths: Sequence[str], policy: Policy, target: str = "cortex-m4", bounds_checks: bool = True,
        verbose: bool = False, out=sys.stdout, err=sys.stderr) -> int:
    """Check ``paths`` against ``policy``, print the report; returns the exit status."""
    modules = []
    failed = 0
    for label, path in zip(labels(paths), paths):
        try:
            stats = load_stats(path, target, bounds_checks)
        except (OSError, StatsFormatError, SynthError) as e:
            print("error: %s: %s: %s" % (path, type(e).__name__, e), file=err)
            failed += 1
            continue
        modules.append((label, stats))
        if verbose:
            print("== %s" % label, file=out)
            print(stats_table(stats), file=out)
    violations = check(modules, policy)
    nfuncs = sum(len(s.functions) for _, s in modules)
    budgets = len(policy.default) + sum(len(b) for b in policy.functions.values())
    if violations:
        print(violation_table(violations), end="", file=out)
        unchecked = "; %d input%s could not be checked" % (failed, "" if failed == 1 else "s") if failed else ""
        print("FAIL: %d violation%s in %d module%s (%d functions checked)%s"
              % (len(violations), "" if len(violations) == 1 else "s", len(modules),
                 "" if len(modules) == 1 else "s", nfuncs, unchecked), file=out)
        return 1
    if failed:
        print("FAIL: %d of %d inputs could not be checked" % (failed, len(paths)), file=out)
        return 2
    met = ("%d budget%s met" % (budgets, "" if budgets == 1 else "s")) if budgets else "no budgets set"
    print("OK: %d module%s, %d functions: all on the base rung, no spurious spills, %s"
          % (len(modules), "" if len(modules) == 1 else "s", nfuncs, met),
          file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(prog="python -m synth.check", description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help=".wasm/.wat modules or stats JSON files")
    ap.add_argument("--policy", help="TOML or JSON policy file (budgets, allowances)")
    ap.add_argument("--target", default="cortex-m4", help="target for compiled modules")
    ap.add_argument("--no-bounds-checks", action="store_true", help="compile modules without bounds checks")
    ap.add_argument("--allow-fallback", action="store_true", help="accept functions on the fallback rung")
    ap.add_argument("--allow-spurious-spills", action="store_true", help="accept spurious spills")
    ap.add_argument("-v", "--verbose", action="store_true", help="also print every module's stats table")
    args = ap.parse_args(argv)
    try:
        policy = load_policy(args.policy) if args.policy else Policy()
    except PolicyError as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    if args.allow_fallback or args.allow_spurious_spills:
        policy = Policy(policy.allow_fallback or args.allow_fallback,
                        policy.allow_spurious_spills or args.allow_spurious_spills,
                        policy.default, policy.functions)
    return run(args.inputs, policy, args.target, not args.no_bounds_checks, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
