//! The ARMv6-M backend of synth (Cortex-M0, Cortex-M0+), an ISA module of its own beside
//! `synth-thumb2` over the shared framework `synth-mach`.

#![warn(missing_docs)]

pub mod enc;
