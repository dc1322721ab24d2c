"""The wasm result of a kernel under wasmtime (the reference semantics)."""

import wasmtime


def run_wasm(wasm_path, export="run"):
    """Instantiate the module (no imports) and call ``export``; returns (u32 result, error)."""
    try:
        store = wasmtime.Store()
        module = wasmtime.Module.from_file(store.engine, wasm_path)
        inst = wasmtime.Instance(store, module, [])
        value = inst.exports(store)[export](store)
    except (wasmtime.WasmtimeError, wasmtime.Trap, KeyError) as e:
        return None, "%s: %s" % (type(e).__name__, e)
    return value & 0xFFFFFFFF, ""
