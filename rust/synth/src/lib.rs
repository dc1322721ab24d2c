//! synth: an ahead-of-time compiler from WebAssembly to ARM Cortex-M
//! (Thumb-2) relocatable ELF objects that link into C firmware.
//!
//! Takes: a wasm module (binary, or text parsed with `wat`) and [`Options`].
//! Returns: a [`Compiled`]: the ELF object, a C header declaring its
//! interface, and per-function [`CompileStats`]. The object's contract
//! (symbols, calling convention, traps, init) is docs/ABI.md.
//!
//! Modules: [`options`] (target, prefix, checks), [`error`] (the one
//! [`Error`] type), [`driver`] (front end → backend → object), [`object`]
//! (symbol naming, ELF writer, header generator), [`stack`] (worst-case
//! stack use over the call graph), [`stats`].

#![warn(missing_docs)]

pub mod driver;
pub mod error;
pub mod limits;
pub mod object;
pub mod options;
pub mod stack;
pub mod stats;

pub use error::Error;
pub use options::{FloatAbi, Fpu, Options, Target};
pub use stats::{CompileStats, FunctionStats};

/// The result of a compilation.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The relocatable ELF object.
    pub object: Vec<u8>,
    /// The C header declaring the object's interface.
    pub header: String,
    /// Per-function statistics.
    pub stats: CompileStats,
}

/// Compiles `input` (binary wasm, detected by its `\0asm` magic, or wasm
/// text) with `opts`.
pub fn compile(input: &[u8], opts: &Options) -> Result<Compiled, Error> {
    driver::compile(input, opts)
}

/// The version of synth (`0.1.0`).
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
