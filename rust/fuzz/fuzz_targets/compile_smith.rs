//! Valid modules from wasm-smith with every feature it has (SIMD, GC, threads, ... too)
//! through `synth_compile`: a valid module must compile or be refused as unsupported (or,
//! for what wasm 3.0 relaxed, invalid under wasm 2.0's rules), never malformed and never
//! an internal error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use synth_capi::*;

#[path = "capi.rs"]
mod capi;

fuzz_target!(|input: (u8, wasm_smith::Module)| {
    let (opt, module) = input;
    let bytes = module.to_bytes();
    let status = capi::compile(&bytes, &capi::options(opt));
    if status == SYNTH_STATUS_MALFORMED {
        eprintln!("a valid module was reported malformed");
        std::process::abort();
    }
});
