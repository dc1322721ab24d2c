"""Where the repository, the synth binary and the ARM tools are."""

import os
import shutil

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = os.path.join(REPO, "tests")
PROGRAMS = os.path.join(TESTS, "programs")


def synth_bin():
    """Path of the synth CLI: $SYNTH_BIN or rust/target/debug/synth."""
    return os.environ.get("SYNTH_BIN") or os.path.join(REPO, "rust", "target", "debug", "synth")


def tool(name):
    """Absolute path of an external tool; raises FileNotFoundError if not installed."""
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError("%s not found on PATH (run scripts/setup.sh)" % name)
    return path
