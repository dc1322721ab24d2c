"""Shared fixtures of the binding tests: repository paths, the synth CLI, sample modules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parent.parent
REPO = PYTHON_DIR.parent
PROGRAMS = REPO / "tests" / "programs"
CONTROLLER = REPO / "examples" / "controller.wat"

if str(PYTHON_DIR) not in sys.path:  # also runnable without installing the package
    sys.path.insert(0, str(PYTHON_DIR))

#: A small module with one export per integer shape.
SAMPLE_WAT = """
(module
  (memory (export "memory") 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mul64") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))
"""


def synth_cli() -> Path:
    """The synth CLI ($SYNTH_BIN or rust/target/debug/synth); skips nothing: it must exist."""
    return Path(os.environ.get("SYNTH_BIN") or REPO / "rust" / "target" / "debug" / "synth")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """Run the synth CLI."""
    exe = synth_cli()
    assert exe.exists(), "synth CLI missing at %s (cargo build -p synth-cli)" % exe
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300)


def run_module(module: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m <module> args`` with this package importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PYTHON_DIR), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


@pytest.fixture
def sample_wat() -> str:
    """WAT text of :data:`SAMPLE_WAT`."""
    return SAMPLE_WAT
