//! Object output: the rule turning wasm names into symbols ([`naming`]), the
//! symbol naming scheme ([`symbols`]), the ELF writer ([`elf`]) and the C
//! header generator ([`header`]).
//!
//! Takes: module information from the front end and compiled functions from
//! the backend. Returns: ELF bytes and header text.

pub mod debug_frame;
pub mod debug_lines;
pub mod elf;
pub mod header;
pub mod naming;
pub mod source_lines;
pub mod symbols;
pub mod unwind_sections;

#[cfg(test)]
mod elf_tests;
#[cfg(test)]
mod link_tests;

#[cfg(test)]
pub(crate) mod testutil;
