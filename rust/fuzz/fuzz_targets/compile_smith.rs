//! Valid modules from wasm-smith with an arbitrary configuration (every feature it has:
//! SIMD, GC, threads, ...; only compact imports, a new binary encoding, left out)
//! through `synth_compile`: a valid module must compile or be refused as unsupported (or,
//! for what wasm 3.0 relaxed, invalid or malformed under wasm 2.0's rules: "(as wasm 2.0)"),
//! never malformed under every version and never an internal error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use synth_capi::*;

#[path = "capi.rs"]
mod capi;

fuzz_target!(|data: &[u8]| {
    let mut u = arbitrary::Unstructured::new(data);
    let Ok(opt) = u.arbitrary::<u8>() else { return };
    let Ok(mut config) = u.arbitrary::<wasm_smith::Config>() else { return };
    // Compact imports change the binary encoding of the import section: a module that
    // uses them does not decode without the proposal, so "malformed" is right for it.
    config.compact_imports_enabled = false;
    let Ok(module) = wasm_smith::Module::new(config, &mut u) else { return };
    let bytes = module.to_bytes();
    // Replaying a failure: `SYNTH_FUZZ_DUMP=m.wasm cargo +nightly fuzz run compile_smith INPUT`
    // writes the module (and the options byte to m.wasm.opt) for the corpus.
    if let Ok(path) = std::env::var("SYNTH_FUZZ_DUMP") {
        std::fs::write(&path, &bytes).expect("SYNTH_FUZZ_DUMP");
        std::fs::write(format!("{path}.opt"), [opt]).expect("SYNTH_FUZZ_DUMP");
    }
    let (status, message) = capi::compile(&bytes, &capi::options(opt));
    // "Malformed (as wasm 2.0)" is synth's documented answer for bytes that decode only
    // under a later version and that step 4 of decoding does not call unsupported
    // (synth-frontend decode.rs), e.g. a shared memory flag among several memories.
    if status == SYNTH_STATUS_MALFORMED && !message.contains("(as wasm 2.0)") {
        eprintln!("a valid module was reported malformed: {message}");
        std::process::abort();
    }
});
