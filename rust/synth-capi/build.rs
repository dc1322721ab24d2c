//! Build script of synth-capi: gives the shared library (cdylib) the soname
//! `libsynth.so.0` on Linux (the name scripts/build_libsynth.sh installs it
//! under; the 0 is the ABI generation, bumped with SYNTH_ABI_VERSION only on
//! incompatible changes). Affects only the cdylib link, not the rlib/staticlib.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libsynth.so.0");
    }
}
