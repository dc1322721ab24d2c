"""WebAssembly spec testsuite runner: .wast -> synth objects -> unicorn (Cortex-M)."""
