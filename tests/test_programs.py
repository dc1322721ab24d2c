"""Differential test of every WAT program in tests/programs/.

Each program is compiled with synth, linked, and every export is run under the Cortex-M4
emulator and under wasmtime on the same (generated or ``;; @args``) inputs; results,
trap categories and host-call logs must agree. One test per program; the terminal
summary reports how many programs and inputs were compared.
"""

import glob
import os

import pytest

from harness import differential, stats

PROGRAMS = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs", "*.wat")))


def test_program_count():
    assert len(PROGRAMS) >= 80


@pytest.mark.parametrize("path", PROGRAMS, ids=[os.path.basename(p)[:-4] for p in PROGRAMS])
def test_program(path, tmp_path):
    name = os.path.basename(path)
    report = differential.run_module(path, str(tmp_path), seed_name=name)
    stats.add("programs", 1, report.exports, report.calls, len(report.mismatches))
    assert report.exports > 0 and report.calls > 0
    shown = "\n".join("  " + str(m) for m in report.mismatches[:25])
    more = len(report.mismatches) - 25
    assert not report.mismatches, "%s: %d of %d calls differ from wasmtime:\n%s%s" % (
        name, len(report.mismatches), report.calls, shown, "\n  ... %d more" % more if more > 0 else "")


@pytest.mark.parametrize("path", [p for p in PROGRAMS if os.path.basename(p) in
                                  ("mem_oob_edge.wat", "bulk_copy.wat", "crc32.wat")],
                         ids=lambda p: os.path.basename(p)[:-4])
def test_program_without_bounds_checks_in_bounds(path, tmp_path):
    """--no-bounds-checks must not change results of in-bounds accesses."""
    target = differential.Target(path, str(tmp_path), extra_args=["--no-bounds-checks"])
    cases = {"mem_oob_edge.wat": ("load32", (65532,)), "bulk_copy.wat": ("overlap_fwd", ()),
             "crc32.wat": ("crc_check", ())}
    export, args = cases[os.path.basename(path)]
    expected, actual = target.compare(export, args)
    assert expected.key() == actual.key(), "%s vs %s" % (expected.describe(), actual.describe())
