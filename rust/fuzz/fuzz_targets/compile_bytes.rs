//! Any bytes through `synth_compile`: the first byte picks the options (capi::options),
//! the rest is the module (binary or text). Every status but an internal error is fine.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "capi.rs"]
mod capi;

fuzz_target!(|data: &[u8]| {
    let (opt, wasm) = match data.split_first() {
        Some((b, rest)) => (*b, rest),
        None => return,
    };
    let _ = capi::compile(wasm, &capi::options(opt));
});
