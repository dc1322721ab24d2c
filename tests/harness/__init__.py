"""Execution-based test harness for synth.

Compiles wasm modules with the synth CLI (:mod:`wasm2obj`), links the object into a
flat ARM image together with generated host stubs (:mod:`link`), runs exports under
unicorn as a Cortex-M4 following docs/ABI.md (:mod:`emu`), runs the same exports under
wasmtime (:mod:`reference`) and compares the two (:mod:`differential`).
"""

from .outcome import Outcome, TRAP_NAMES  # noqa: F401
from .hostenv import HostEnv, standard_env  # noqa: F401
