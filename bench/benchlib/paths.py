"""Where the kernels, build directory, repository harness and tools are."""

import os
import shutil
import sys

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(BENCH)
KERNELS = os.path.join(BENCH, "kernels")
BUILD = os.path.join(BENCH, "build")
RESULTS = os.path.join(BENCH, "results.json")

# tests/harness (link + ELF reader) is reused read-only.
TESTS = os.path.join(REPO, "tests")
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)


#: The target whose objects live directly under BUILD (bench/build/<kernel>/).
DEFAULT_TARGET = "cortex-m4"


def build_dir(target=DEFAULT_TARGET, fpu=None):
    """Where the objects of ``target`` (with ``fpu``) go: bench/build for the soft-float
    Cortex-M4, bench/build/<target>[-<fpu>] otherwise; kernel ``k`` in ``<dir>/<k>/``."""
    if target == DEFAULT_TARGET and not fpu:
        return BUILD
    return os.path.join(BUILD, target + ("-" + fpu if fpu else ""))


def synth_bin():
    """The synth CLI: $SYNTH_BIN or rust/target/debug/synth."""
    return os.environ.get("SYNTH_BIN") or os.path.join(REPO, "rust", "target", "debug", "synth")


def tool(name):
    """Absolute path of an external tool; FileNotFoundError if it is not installed."""
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError("%s not found on PATH" % name)
    return path


def kernel_names():
    """Names (file stems) of all kernels, sorted."""
    return sorted(f[:-2] for f in os.listdir(KERNELS) if f.endswith(".c"))
