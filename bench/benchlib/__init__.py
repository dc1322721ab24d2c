"""Benchmark of synth (wasm -> Cortex-M4 Thumb-2) against arm-none-eabi-gcc.

Modules: :mod:`build` (compile each kernel four ways), :mod:`emulate` (run an object under
unicorn and count instructions), :mod:`sizes` (code size from ELF symbols and sections),
:mod:`reference` (the wasm result under wasmtime), :mod:`w2c` (the same module through wabt's
wasm2c and gcc, on the bare-metal runtime in bench/w2c/), :mod:`report` (table, geometric
means, results.json). ``bench/run.py`` drives them.
"""
