//! The input module's own line table: wasm code offset → source line.
//!
//! Takes: the wasm binary. Returns: a [`SourceMap`] read with `gimli` from
//! its `.debug_line`, `.debug_info`, `.debug_abbrev`, `.debug_str` (and the
//! DWARF 5 `.debug_line_str`/`.debug_str_offsets`) custom sections, as
//! `clang -g`/`rustc -g` write them for wasm32, or `None` when the module
//! carries no line table.
//!
//! DWARF for WebAssembly addresses code by its offset from the start of
//! the Code section's payload; [`SourceMap::lookup`] takes the module byte
//! offset an IR instruction carries ([`synth_ir::SrcLoc`]) and converts.
//! Sequences a linker discarded (address 0 or the `-1`/`-2` tombstones) are
//! skipped.

use std::collections::BTreeMap;

use gimli::{EndianSlice, LittleEndian, SectionId};

/// One source file of the line table: its path as the producer wrote it
/// (directory joined, relative paths left relative to `comp_dir`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The path.
    pub path: String,
}

/// A source position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourcePos {
    /// Index into [`SourceMap::files`].
    pub file: u32,
    /// 1-based line; 0 for code the producer attributes to no line.
    pub line: u32,
    /// 1-based column; 0 when unknown.
    pub column: u32,
}

/// The module's line table, flattened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// Source files, deduplicated by path.
    pub files: Vec<SourceFile>,
    /// The compilation directory of the first unit (relative paths are
    /// relative to it).
    pub comp_dir: String,
    /// The name of the first unit (its main source file).
    pub name: String,
    /// Module byte offset of the Code section's payload.
    code_start: u32,
    /// Code-section-relative address → position from there on (`None`:
    /// the end of a sequence, no position).
    rows: BTreeMap<u32, Option<SourcePos>>,
}

impl SourceMap {
    /// The position of the operator at module byte offset `module_offset`.
    pub fn lookup(&self, module_offset: u32) -> Option<SourcePos> {
        let addr = module_offset.checked_sub(self.code_start)?;
        self.rows.range(..=addr).next_back().and_then(|(_, p)| *p)
    }

    /// Number of rows (sequence ends included).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Reads the line table of `wasm`; `Ok(None)` when there is none. Errors
/// name what is malformed.
pub fn read(wasm: &[u8]) -> Result<Option<SourceMap>, String> {
    let mut sections: BTreeMap<&str, &[u8]> = BTreeMap::new();
    let mut code_start = None;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            wasmparser::Payload::CodeSectionStart { unchecked_range, .. } => code_start = Some(unchecked_range.start as u32),
            wasmparser::Payload::CustomSection(c) if c.name().starts_with(".debug_") => {
                sections.insert(c.name(), c.data());
            }
            _ => {}
        }
    }
    let (Some(code_start), true) = (code_start, sections.contains_key(".debug_line")) else {
        return Ok(None);
    };
    let load = |id: SectionId| -> Result<EndianSlice<'_, LittleEndian>, gimli::Error> {
        Ok(EndianSlice::new(sections.get(id.name()).copied().unwrap_or(&[]), LittleEndian))
    };
    let dwarf = gimli::Dwarf::load(load).map_err(|e| format!("DWARF: {e}"))?;
    let mut map = SourceMap { code_start, ..SourceMap::default() };
    // `wast` (the text encoder of --debug-wat) counts addresses from after
    // the function count that starts the Code section payload; LLVM from
    // the payload's first byte.
    let mut after_count = |producer: &str| {
        if producer.starts_with("wast ") {
            let count_len = wasm[code_start as usize..].iter().take_while(|b| **b & 0x80 != 0).count() as u32 + 1;
            map.code_start = code_start + count_len;
        }
    };
    let mut file_ids: BTreeMap<String, u32> = BTreeMap::new();
    let mut units = dwarf.units();
    let err = |e: gimli::Error| format!("DWARF: {e}");
    while let Some(header) = units.next().map_err(err)? {
        let unit = dwarf.unit(header).map_err(err)?;
        let text = |a: Option<gimli::AttributeValue<EndianSlice<'_, LittleEndian>>>| -> String {
            a.and_then(|a| dwarf.attr_string(&unit, a).ok()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
        };
        if map.name.is_empty() {
            let mut entries = unit.entries();
            let producer = entries.next_dfs().ok().flatten().and_then(|e| e.attr_value(gimli::DW_AT_producer));
            after_count(&text(producer));
            map.name = unit.name.map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            map.comp_dir = unit.comp_dir.map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        }
        let Some(program) = unit.line_program.clone() else { continue };
        let mut rows = program.rows();
        let mut seq: Vec<(u32, Option<SourcePos>)> = Vec::new();
        while let Some((header, row)) = rows.next_row().map_err(err)? {
            let addr = row.address();
            if row.end_sequence() {
                seq.push((addr as u32, None));
                // Discarded functions: address 0 or a tombstone.
                let start = seq.first().map_or(0, |r| r.0);
                if start != 0 && start < 0xffff_fff0 && addr <= u64::from(u32::MAX) {
                    for (a, p) in seq.drain(..) {
                        // A sequence's end does not hide a row another one put there.
                        if p.is_some() || !map.rows.contains_key(&a) {
                            map.rows.insert(a, p);
                        }
                    }
                }
                seq.clear();
                continue;
            }
            // A DWARF 5 table with 1-based file indices (as `wast` writes
            // it: one file, index 1) means the entry before.
            let entry = row.file(header).or_else(|| {
                (header.version() >= 5 && row.file_index() as usize == header.file_names().len())
                    .then(|| header.file(row.file_index() - 1))
                    .flatten()
            });
            let file = match entry {
                Some(f) => {
                    let mut path = text(Some(f.path_name()));
                    if let Some(dir) = f.directory(header) {
                        let dir = text(Some(dir));
                        if !dir.is_empty() && !path.starts_with('/') {
                            path = format!("{}/{}", dir.trim_end_matches('/'), path);
                        }
                    }
                    let next = file_ids.len() as u32;
                    *file_ids.entry(path.clone()).or_insert_with(|| {
                        map.files.push(SourceFile { path });
                        next
                    })
                }
                None => continue,
            };
            let line = row.line().map_or(0, |l| l.get() as u32);
            let column = match row.column() {
                gimli::ColumnType::LeftEdge => 0,
                gimli::ColumnType::Column(c) => c.get() as u32,
            };
            if addr <= u64::from(u32::MAX) {
                seq.push((addr as u32, Some(SourcePos { file, line, column })));
            }
        }
    }
    Ok((!map.rows.is_empty()).then_some(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module from wasm text with the line table `wast` generates for it.
    fn wat_with_lines(text: &str) -> Vec<u8> {
        let mut buf = wast::parser::ParseBuffer::new(text).unwrap();
        buf.track_instr_spans(true);
        let mut wat = wast::parser::parse::<wast::Wat>(&buf).unwrap();
        wast::core::EncodeOptions::new()
            .dwarf(std::path::Path::new("m.wat"), text, wast::core::GenerateDwarf::Lines)
            .encode_wat(&mut wat)
            .unwrap()
    }

    #[test]
    fn operators_map_to_their_wat_lines() {
        let text = "(module\n  (func (export \"f\") (param i32) (result i32)\n    local.get 0\n    i32.const 7\n    i32.add))\n";
        let wasm = wat_with_lines(text);
        let map = read(&wasm).unwrap().expect("a line table");
        assert_eq!(map.files.len(), 1);
        assert!(map.files[0].path.ends_with("m.wat"), "{:?}", map.files);
        // Find the operators' module offsets with wasmparser.
        let mut lines = Vec::new();
        for p in wasmparser::Parser::new(0).parse_all(&wasm) {
            if let wasmparser::Payload::CodeSectionEntry(body) = p.unwrap() {
                let mut ops = body.get_operators_reader().unwrap();
                while !ops.eof() {
                    let (op, off) = ops.read_with_offset().unwrap();
                    if !matches!(op, wasmparser::Operator::End) {
                        lines.push(map.lookup(off as u32).map(|p| p.line));
                    }
                }
            }
        }
        assert_eq!(lines, vec![Some(3), Some(4), Some(5)]);
    }

    #[test]
    fn no_line_table_is_none() {
        let wasm = wat::parse_str("(module (func))").unwrap();
        assert_eq!(read(&wasm).unwrap(), None);
    }
}
