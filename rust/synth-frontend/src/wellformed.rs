//! The decoding pass: does every byte of the module decode?
//!
//! Takes: the wasm binary and the wasmparser feature set that decides how
//! ambiguous encodings are read. Returns: the [`Facts`] the decoder records
//! about the operator streams (which operators that change sizes occur), or
//! the first decoding error (wasmparser's), which the caller reports as
//! [`crate::FrontendError::Malformed`].
//!
//! Unlike validation, this pass reads *everything* eagerly: every section
//! entry, every constant expression, every function's locals and operators,
//! so that a module whose bytes do not decode is told apart from one that
//! decodes but fails validation (the spec's `assert_malformed` versus
//! `assert_invalid`). Custom sections are not looked into (their contents
//! never make a module malformed), except the name that the parser checks.
//!
//! The feature set matters: under wasm 3.0 features wasmparser reads memory
//! limits as u64 LEBs (memory64) and the memory index of `memory.grow`,
//! `memory.size` and memory accesses as a LEB (multi-memory), so encodings
//! that wasm 2.0 calls malformed (a 6-byte LEB for a 32-bit limit, the
//! reserved byte `0x80 0x00`) decode. [`crate::decode::decode`] therefore
//! runs this pass twice: with wasm 3.0 features (failure: malformed under any
//! version) and with wasm 2.0 features (failure: malformed as wasm 2.0, the
//! version synth implements).

use wasmparser::{
    BinaryReaderError, ConstExpr, DataKind, ElementItems, ElementKind, GlobalType, MemoryType, Operator, Parser,
    Payload, TableInit, TableType, TypeRef, WasmFeatures,
};

/// What the operator streams contain (recorded while decoding).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Some function body contains `memory.grow`.
    pub memory_grow: bool,
    /// Some function body contains `table.grow`.
    pub table_grow: bool,
}

/// A decoding error: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset in the input.
    pub offset: usize,
    /// wasmparser's message, or the spec's for the checks made here.
    pub message: String,
}

impl From<BinaryReaderError> for DecodeError {
    fn from(e: BinaryReaderError) -> Self {
        DecodeError { offset: e.offset() as usize, message: e.message().to_string() }
    }
}

type R<T> = Result<T, DecodeError>;

fn error<T>(offset: usize, message: &str) -> R<T> {
    Err(DecodeError { offset, message: message.to_string() })
}

/// Decodes all of `wasm` with `features`; returns the [`Facts`] or the first
/// decoding error.
///
/// Besides what wasmparser's readers check, three rules of the binary format
/// that wasmparser leaves to its validator are checked here, since the spec
/// calls their violation malformed: the function and code sections have the
/// same number of entries, so do the data count and data sections, and a
/// function using a data index (`memory.init`, `data.drop`) needs the data
/// count section.
pub fn check(wasm: &[u8], features: WasmFeatures) -> R<Facts> {
    let mut facts = Facts::default();
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut declared_funcs = 0u32;
    let mut bodies = 0u32;
    let mut data_count: Option<u32> = None;
    let mut saw_data = false;
    for payload in parser.parse_all(wasm) {
        match payload? {
            Payload::DataCountSection { count, .. } => data_count = Some(count),
            Payload::UnknownSection { id, range, .. } => {
                return error(range.start as usize, &format!("malformed section id: {id}"));
            }
            Payload::CodeSectionStart { count, unchecked_range, .. } => {
                if count != declared_funcs {
                    return error(unchecked_range.start as usize, "function and code section have inconsistent lengths");
                }
            }
            Payload::TypeSection(r) => {
                count_fits(r.count(), r.range().start as u64, r.range().end as u64)?;
                for g in r {
                    g?;
                }
            }
            Payload::ImportSection(r) => {
                count_fits(r.count(), r.range().start as u64, r.range().end as u64)?;
                for i in r.into_imports_with_offsets() {
                    let (offset, i) = i?;
                    match i.ty {
                        TypeRef::Memory(m) => memory_flags(&m, offset, features)?,
                        TypeRef::Table(t) => table_flags(&t, offset, features)?,
                        TypeRef::Global(g) => global_flags(&g, offset, features)?,
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(r) => {
                count_fits(r.count(), r.range().start as u64, r.range().end as u64)?;
                declared_funcs = r.count();
                for f in r {
                    f?;
                }
            }
            Payload::TableSection(r) => {
                count_fits(r.count(), r.range().start as u64, r.range().end as u64)?;
                for t in r.into_iter_with_offsets() {
                    let (offset, t) = t?;
                    table_flags(&t.ty, offset, features)?;
                    if let TableInit::Expr(e) = t.init {
                        const_expr(&e)?;
                    }
                }
            }
            Payload::MemorySection(r) => {
                count_fits(r.count(), r.range().start as u64, r.range().end as u64)?;
                for m in r.into_iter_with_offsets() {
                    let (offset, m) = m?;
                    memory_flags(&m, offset, features)?;
                }
            }
            Payload::TagSection(r) => {
                count_fits(r.count(), r.range().start as u64, r.range().end as u64)?;
                for t in r {
                    t?;
                }
            }
            Payload::GlobalSection(r) => {
                count_fits(r.count(), r.range().start as u64, r.range().end as u64)?;
                for g in r.into_iter_with_offsets() {
                    let (offset, g) = g?;
                    global_flags(&g.ty, offset, features)?;
                    const_expr(&g.init_expr)?;
                }
            }
            Payload::ExportSection(r) => {
                count_fits(r.count(), r.range().start as u64, r.range().end as u64)?;
                for e in r {
                    e?;
                }
            }
            Payload::ElementSection(r) => {
                count_fits(r.count(), r.range().start as u64, r.range().end as u64)?;
                for e in r {
                    let e = e?;
                    if let ElementKind::Active { offset_expr, .. } = &e.kind {
                        const_expr(offset_expr)?;
                    }
                    match e.items {
                        ElementItems::Functions(fs) => {
                            for f in fs {
                                f?;
                            }
                        }
                        ElementItems::Expressions(_, es) => {
                            for x in es {
                                const_expr(&x?)?;
                            }
                        }
                    }
                }
            }
            Payload::DataSection(r) => {
                count_fits(r.count(), r.range().start as u64, r.range().end as u64)?;
                saw_data = true;
                if data_count.is_some_and(|n| n != r.count()) {
                    return error(r.range().start as usize, "data count and data section have inconsistent lengths");
                }
                for d in r {
                    if let DataKind::Active { offset_expr, .. } = &d?.kind {
                        const_expr(offset_expr)?;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                bodies += 1;
                let mut locals = body.get_locals_reader()?;
                for _ in 0..locals.get_count() {
                    locals.read()?;
                }
                let mut ops = wasmparser::OperatorsReader::new(locals.get_binary_reader());
                while !ops.eof() {
                    let pos = ops.original_position() as usize;
                    match ops.read()? {
                        Operator::MemoryGrow { .. } => facts.memory_grow = true,
                        Operator::TableGrow { .. } => facts.table_grow = true,
                        Operator::MemoryInit { .. } | Operator::DataDrop { .. } if data_count.is_none() => {
                            return error(pos, "data count section required");
                        }
                        _ => {}
                    }
                }
                ops.finish()?;
            }
            Payload::End(offset) => {
                if bodies != declared_funcs {
                    return error(offset as usize, "function and code section have inconsistent lengths");
                }
                if data_count.is_some_and(|n| n > 0) && !saw_data {
                    return error(offset as usize, "data count and data section have inconsistent lengths");
                }
            }
            _ => {}
        }
    }
    Ok(facts)
}

/// Every entry of a section takes at least one byte: a count larger than
/// the section cannot be right (said before reading entries into the end).
fn count_fits(count: u32, start: u64, end: u64) -> R<()> {
    let len = end.saturating_sub(start);
    if u64::from(count) > len {
        return error(start as usize, &format!("section count {count} is larger than the section ({len} bytes)"));
    }
    Ok(())
}

/// Limits flags that `features` do not give a meaning: wasmparser reads
/// every flag bit and leaves them to validation, but in wasm 2.0 a limits
/// flag byte other than 0 or 1 does not decode.
fn memory_flags(m: &MemoryType, offset: u64, features: WasmFeatures) -> R<()> {
    let extra = (m.memory64 && !features.contains(WasmFeatures::MEMORY64))
        || (m.shared && !features.contains(WasmFeatures::THREADS))
        || (m.page_size_log2.is_some() && !features.contains(WasmFeatures::CUSTOM_PAGE_SIZES));
    if extra {
        return error(offset as usize, "malformed limits flags");
    }
    Ok(())
}

/// As [`memory_flags`] for a table type.
fn table_flags(t: &TableType, offset: u64, features: WasmFeatures) -> R<()> {
    let extra = (t.table64 && !features.contains(WasmFeatures::MEMORY64))
        || (t.shared && !features.contains(WasmFeatures::SHARED_EVERYTHING_THREADS));
    if extra {
        return error(offset as usize, "malformed limits flags");
    }
    Ok(())
}

/// A global type's flag byte: in wasm 2.0 only mutability (0 or 1).
fn global_flags(g: &GlobalType, offset: u64, features: WasmFeatures) -> R<()> {
    if g.shared && !features.contains(WasmFeatures::SHARED_EVERYTHING_THREADS) {
        return error(offset as usize, "malformed mutability");
    }
    Ok(())
}

/// Reads a constant expression to its end.
fn const_expr(e: &ConstExpr<'_>) -> R<()> {
    let mut ops = e.get_operators_reader();
    while !ops.eof() {
        ops.read()?;
    }
    Ok(ops.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(sections: &[u8]) -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend_from_slice(sections);
        m
    }

    #[test]
    fn overlong_memory_limit_decodes_only_as_wasm3() {
        // Memory section: 1 memory, no max, minimum 2 as a 6-byte LEB.
        let m = module(b"\x05\x08\x01\x00\x82\x80\x80\x80\x80\x00");
        assert!(check(&m, WasmFeatures::WASM3).is_ok());
        let e = check(&m, WasmFeatures::WASM2).unwrap_err();
        assert!(e.message.contains("too long"), "{}", e.message);
    }

    #[test]
    fn memory_grow_reserved_byte_must_be_a_single_zero_in_wasm2() {
        // (func (drop (memory.grow (i32.const 0)))) with memory index 0x80 0x00.
        let m = module(
            b"\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x05\x03\x01\x00\x00\
              \x0a\x0a\x01\x08\x00\x41\x00\x40\x80\x00\x1a\x0b",
        );
        assert_eq!(check(&m, WasmFeatures::WASM3).unwrap().memory_grow, true);
        assert!(check(&m, WasmFeatures::WASM2).unwrap_err().message.contains("zero byte expected"));
    }

    #[test]
    fn records_grow_operators() {
        let grow = wat::parse_str("(module (memory 1) (func (drop (memory.grow (i32.const 1)))))").unwrap();
        assert_eq!(check(&grow, WasmFeatures::WASM2).unwrap(), Facts { memory_grow: true, table_grow: false });
        let tgrow = wat::parse_str(
            "(module (table 1 funcref) (func (drop (table.grow (ref.null func) (i32.const 1)))))",
        )
        .unwrap();
        assert_eq!(check(&tgrow, WasmFeatures::WASM2).unwrap(), Facts { memory_grow: false, table_grow: true });
        let none = wat::parse_str("(module (memory 1) (func (drop (memory.size))))").unwrap();
        assert_eq!(check(&none, WasmFeatures::WASM2).unwrap(), Facts::default());
    }

    #[test]
    fn a_count_larger_than_its_section_is_reported_as_such() {
        // Type section of 5 bytes claiming 0xffffffff entries.
        let e = check(&module(b"\x01\x05\xff\xff\xff\xff\x0f"), WasmFeatures::WASM3).unwrap_err();
        assert!(e.message.contains("count 4294967295"), "{}", e.message);
    }

    #[test]
    fn truncated_body_is_an_error() {
        // Code body claims 4 bytes but the operators stop without `end`.
        let m = module(b"\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x0a\x05\x01\x03\x00\x41\x00");
        assert!(check(&m, WasmFeatures::WASM3).is_err());
    }
}
