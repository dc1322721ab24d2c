"""Benchmark of synth (wasm -> Cortex-M4 Thumb-2) against arm-none-eabi-gcc.

Modules: :mod:`build` (compile each kernel four ways), :mod:`emulate` (run an object under
unicorn and count instructions), :mod:`sizes` (code size from ELF symbols and sections),
:mod:`reference` (the wasm result under wasmtime), :mod:`report` (table, geometric means,
results.json). ``bench/run.py`` drives them.
"""
