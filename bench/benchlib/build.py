"""Compile one kernel every way the benchmark compares.

Takes a kernel name (``kernels/<name>.c``) and a build directory; produces
- ``<name>.wasm`` / ``<name>.Os.wasm``: clang --target=wasm32 -O2 / -Os, exporting ``run``;
- ``<name>.synth.o`` (from the -O2 module) and ``<name>.synth-Os.o`` (from the -Os one), each
  also with ``--no-bounds-checks`` (``-nbc``): compiled by ``synth compile --target cortex-m4``
  (or the core :func:`set_target` chose; plus its ``--stats-json`` file and the wall-clock
  compile time);
- ``<name>.gcc-Os.o`` / ``<name>.gcc-O2.o``: arm-none-eabi-gcc -mcpu=cortex-m4 (idem) -mthumb.
Each step returns a :class:`Step` with the command, output path and error text (never raises
on a compiler failure: the failure is a benchmark result).
"""

import os
import subprocess
import time
from dataclasses import dataclass, field

from . import paths

# -ffp-contract=off on both sides: wasm has no fused multiply-add, so neither may gcc.
CLANG_COMMON = ["--target=wasm32", "-ffp-contract=off", "-ffreestanding", "-nostdlib", "-Wl,--no-entry",
                "-Wl,--export=run", "-Wl,--initial-memory=131072", "-Wl,-z,stack-size=16384"]
#: clang's levels: -O2 gives the module whose instructions are compared with gcc -O2 (and the
#: ``synth``/``synth-nbc`` variants), -Os the one whose size is compared with gcc -Os, like
#: against like (``synth-Os``/``synth-Os-nbc``).
CLANG_LEVELS = ("O2", "Os")
CLANG_FLAGS = ["-O2"] + CLANG_COMMON
GCC_COMMON = ["-mthumb", "-ffp-contract=off", "-ffreestanding", "-c"]
GCC_FLAGS = ["-mcpu=cortex-m4"] + GCC_COMMON
GCC_LEVELS = ("Os", "O2")
SYNTH_FLAGS = ["--target", "cortex-m4"]


def set_target(cpu, fpu=None):
    """Build for ``cpu`` (``cortex-m4`` by default): synth ``--target`` and gcc ``-mcpu`` alike;
    with ``fpu``, both with that FPU and the hard float ABI (else soft float on both sides).
    Rewrites :data:`GCC_FLAGS` and :data:`SYNTH_FLAGS` in place, so it can switch targets."""
    hard_gcc = ["-mfpu=" + fpu, "-mfloat-abi=hard"] if fpu else []
    hard_synth = ["--fpu", fpu, "--float-abi", "hard"] if fpu else []
    GCC_FLAGS[:] = ["-mcpu=" + cpu] + GCC_COMMON + hard_gcc
    SYNTH_FLAGS[:] = ["--target", cpu] + hard_synth


@dataclass
class Step:
    """One compiler invocation."""

    cmd: list
    output: str
    ok: bool = False
    error: str = ""
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def _run(cmd, output, timeout=300):
    step = Step(cmd=list(cmd), output=output)
    if os.path.exists(output):
        os.remove(output)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        step.error = "timed out after %ds" % timeout
        return step
    except OSError as e:
        step.error = str(e)
        return step
    step.seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        step.error = "exit %d: %s" % (proc.returncode, (proc.stderr or proc.stdout).strip())
    elif not os.path.exists(output):
        step.error = "exit 0 but no output %s" % output
    else:
        step.ok = True
    return step


def source(name):
    """Path of kernel ``name``'s C file."""
    return os.path.join(paths.KERNELS, name + ".c")


def wasm(name, outdir, level="O2"):
    """clang -``level`` -> ``outdir/<name>.wasm`` (-O2) or ``outdir/<name>.<level>.wasm``."""
    out = os.path.join(outdir, name + (".wasm" if level == "O2" else ".%s.wasm" % level))
    return _run([paths.tool("clang"), "-" + level] + CLANG_COMMON + ["-o", out, source(name)], out)


def synth(name, outdir, wasm_path, extra=(), suffix="synth"):
    """synth compile (plus ``extra`` flags) -> ``outdir/<name>.<suffix>.o``.

    ``extra['stats']`` of the returned step is the ``--stats-json`` file.
    """
    out = os.path.join(outdir, "%s.%s.o" % (name, suffix))
    stats = os.path.join(outdir, "%s.%s.stats.json" % (name, suffix))
    exe = paths.synth_bin()
    if not os.path.exists(exe):
        return Step(cmd=[exe], output=out, error="synth CLI not built at %s" % exe)
    step = _run([exe, "compile", wasm_path, "-o", out] + SYNTH_FLAGS + list(extra)
                + ["--stats-json", stats], out)
    step.extra["stats"] = stats
    return step


def gcc(name, outdir, level):
    """arm-none-eabi-gcc -``level`` -> ``outdir/<name>.gcc-<level>.o``."""
    out = os.path.join(outdir, "%s.gcc-%s.o" % (name, level))
    return _run([paths.tool("arm-none-eabi-gcc"), "-" + level] + GCC_FLAGS + ["-o", out, source(name)], out)
