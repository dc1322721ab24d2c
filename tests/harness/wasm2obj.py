"""Compile a .wat/.wasm module to an ARM object with the synth CLI.

Takes WAT text, a .wat/.wasm path or wasm bytes; writes ``module.wasm`` into a work
directory and runs ``synth compile module.wasm -o module.o --emit-header module.h``.
Returns the paths; raises :class:`CompileError` with the CLI's stderr on failure.
"""

import os
import subprocess
from dataclasses import dataclass

import wasmtime

from . import paths


class CompileError(Exception):
    """synth exited non-zero (or is missing); the message carries its stderr."""


@dataclass
class Compiled:
    """Outputs of one compile."""

    wasm: bytes
    wasm_path: str
    obj: str
    header: str
    stderr: str


def to_wasm(source):
    """wasm bytes from WAT text, a .wat/.wasm path, or bytes."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if os.path.exists(source):
        with open(source, "rb") as f:
            data = f.read()
        if data[:4] == b"\0asm":
            return data
        return wasmtime.wat2wasm(data.decode("utf-8"))
    return wasmtime.wat2wasm(source)


def run_synth(args, timeout=120):
    """Run the synth CLI with ``args``; returns the CompletedProcess (text mode)."""
    exe = paths.synth_bin()
    if not os.path.exists(exe):
        raise CompileError("synth CLI not found at %s (build with cargo, or set SYNTH_BIN)" % exe)
    return subprocess.run([exe] + list(args), capture_output=True, text=True, timeout=timeout)


def compile_module(source, workdir, name="module", extra_args=(), prefix=None):
    """Compile ``source`` into ``workdir``; returns :class:`Compiled`."""
    os.makedirs(workdir, exist_ok=True)
    wasm = to_wasm(source)
    wasm_path = os.path.join(workdir, name + ".wasm")
    with open(wasm_path, "wb") as f:
        f.write(wasm)
    obj = os.path.join(workdir, name + ".o")
    header = os.path.join(workdir, name + ".h")
    args = ["compile", wasm_path, "-o", obj, "--emit-header", header, "--target", "cortex-m4"]
    if prefix is not None:
        args += ["--prefix", prefix]
    args += list(extra_args)
    proc = run_synth(args)
    if proc.returncode != 0:
        raise CompileError("synth compile failed (exit %d): %s" % (proc.returncode, proc.stderr.strip()))
    if not os.path.exists(obj):
        raise CompileError("synth compile exited 0 but wrote no object %s" % obj)
    return Compiled(wasm, wasm_path, obj, header, proc.stderr)
