//! libsynth: the C API of the synth compiler (ABI version 1).
//!
//! Takes: wasm bytes (binary, or wasm text) and a [`synth_options`] struct
//! through C pointers. Returns: a status code and an opaque [`synth_result`]
//! holding the ELF object, the C header, the statistics (as JSON and as C
//! structs, see [`synth_stats`]) or an error message.
//!
//! Guarantees at the boundary: every pointer is checked for NULL before it
//! is used; every call runs inside `catch_unwind` ([`guard`]), so no Rust
//! panic crosses into C (a panic becomes [`SYNTH_STATUS_INTERNAL_ERROR`]);
//! there is no global mutable state, so any number of threads may compile at
//! once (a result may be read from several threads; it must be freed once).
//!
//! Modules: [`status`] (status codes and the `synth::Error` mapping),
//! [`options`] (`synth_options`), [`result`] (`synth_compile` and the result
//! accessors), [`stats`] (`synth_stats`), [`guard`] (panic guard, C strings).
//! `include/synth.h` is generated from this source by cbindgen (see
//! `tests/header.rs`); docs/C_API.md is the user's guide.
//!
//! ```c
//! synth_options o; synth_options_init(&o);
//! synth_result *r = NULL;
//! int32_t s = synth_compile(wasm, wasm_len, &o, &r);
//! if (s == SYNTH_STATUS_OK) { size_t n; const uint8_t *obj = synth_result_object(r, &n); ... }
//! else fprintf(stderr, "%s: %s\n", synth_status_name(s), synth_result_message(r));
//! synth_result_free(r);
//! ```

#![allow(non_camel_case_types)]
#![warn(missing_docs)]

pub mod status;
pub mod options;
pub mod result;
pub mod stats;
pub mod guard;

pub use options::*;
pub use result::*;
pub use stats::*;
pub use status::*;

use std::ffi::c_char;

/// The version of the C ABI this header describes. Compare it with
/// synth_abi_version() at run time to detect a library of another ABI.
pub const SYNTH_ABI_VERSION: u32 = 1;

/// The ABI version of the library (SYNTH_ABI_VERSION as the library was
/// built); differs from the header's SYNTH_ABI_VERSION when a program runs
/// against a library of another ABI.
#[no_mangle]
pub extern "C" fn synth_abi_version() -> u32 {
    SYNTH_ABI_VERSION
}

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The synth version as a static NUL-terminated string (e.g. "0.1.0");
/// never freed.
#[no_mangle]
pub extern "C" fn synth_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn version_and_abi_version() {
        let v = unsafe { CStr::from_ptr(synth_version()) };
        assert_eq!(v.to_str().unwrap(), synth::version());
        assert_eq!(synth_abi_version(), 1);
    }
}
