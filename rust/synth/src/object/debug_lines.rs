//! The object's own source-line information: DWARF 4 `.debug_line`,
//! `.debug_info`, `.debug_abbrev` and `.debug_str`.
//!
//! Takes: the input module's [`SourceMap`] (its line table, see
//! [`super::source_lines`]) and, per function placed in `.text`, its
//! offset, size, name and line rows (machine code offset → wasm operator,
//! [`synth_thumb2::LineRow`]). Returns: the four sections and their
//! relocations, written with `gimli`, placed in the object by [`add`].
//!
//! One compile unit per object (`DW_TAG_compile_unit`: name, comp_dir,
//! producer, `low_pc`/`high_pc` over `.text`, `stmt_list`) with one
//! `DW_TAG_subprogram` per function (name, `low_pc`/`high_pc`), so that
//! gdb names frames and `addr2line`/`objdump -dS`/`break file.c:N` work on
//! the original source. The line table has one sequence per function;
//! addresses are even (the Thumb bit is not part of a line-table address).
//! Every address is an `R_ARM_ABS32` relocation against `.text` and every
//! offset into another debug section one against that section (addends in
//! the bytes, REL-style), so the information survives linking beside other
//! objects' DWARF.

use gimli::write::{
    Address, AttributeValue, DwarfUnit, EndianVec, LineProgram, LineString, RelocateWriter, Relocation,
    RelocationTarget, Sections,
};
use gimli::{Encoding, Format, LittleEndian};
use object::elf;
use object::write::{Object, Relocation as ObjReloc, SectionId};
use object::{RelocationFlags, SectionKind};

use super::elf::R_ARM_ABS32;
use super::source_lines::SourceMap;
use crate::error::Error;
use synth_thumb2::LineRow;

/// One function as placed in `.text`.
#[derive(Clone, Copy, Debug)]
pub struct LineFunction<'a> {
    /// The name gdb shows for its frames.
    pub name: &'a str,
    /// Offset in `.text`.
    pub text_offset: u32,
    /// Code size in bytes.
    pub len: u32,
    /// Its line rows (code offset → wasm operator).
    pub rows: &'a [LineRow],
}

/// What a relocation of a debug section points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DebugBase {
    /// `.text` (the addend is the code offset).
    Text,
    /// Another debug section (the addend is the offset in it).
    Section(&'static str),
}

/// One written debug section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DebugSection {
    /// Section name (`.debug_line`, ...).
    pub name: &'static str,
    /// Bytes, addends in place.
    pub data: Vec<u8>,
    /// `R_ARM_ABS32` relocations: (offset, target).
    pub relocs: Vec<(u32, DebugBase)>,
}

/// A section being written and the relocations recorded in it.
#[derive(Clone, Debug)]
struct RelocSection {
    writer: EndianVec<LittleEndian>,
    relocs: Vec<Relocation>,
}

impl RelocateWriter for RelocSection {
    type Writer = EndianVec<LittleEndian>;
    fn writer(&self) -> &Self::Writer {
        &self.writer
    }
    fn writer_mut(&mut self) -> &mut Self::Writer {
        &mut self.writer
    }
    fn relocate(&mut self, r: Relocation) {
        self.relocs.push(r);
    }
}

/// A non-empty DWARF string (gimli rejects empty directory and file names).
fn nonempty(s: &str, default: &str) -> Vec<u8> {
    let s = if s.is_empty() { default } else { s };
    s.bytes().filter(|b| *b != 0).collect()
}

/// Writes the sections for `funcs` (in `.text` order); `text_len` is the
/// size of `.text`.
pub fn debug_lines(map: &SourceMap, funcs: &[LineFunction<'_>], text_len: u32) -> Result<Vec<DebugSection>, String> {
    let encoding = Encoding { format: Format::Dwarf32, version: 4, address_size: 4 };
    let mut dwarf = DwarfUnit::new(encoding);
    let comp_dir = nonempty(&map.comp_dir, ".");
    let cu_name = nonempty(&map.name, map.files.first().map_or("module.wasm", |f| f.path.as_str()));
    let mut program = LineProgram::new(
        encoding,
        gimli::LineEncoding::default(),
        LineString::new(comp_dir.clone(), encoding, &mut dwarf.line_strings),
        None,
        LineString::new(cu_name.clone(), encoding, &mut dwarf.line_strings),
        None,
    );
    let dir = program.default_directory();
    let files: Vec<_> = map
        .files
        .iter()
        .map(|f| program.add_file(LineString::new(nonempty(&f.path, "unknown"), encoding, &mut dwarf.line_strings), dir, None))
        .collect();
    for f in funcs {
        // The first known position covers the prologue.
        let pos_of = |r: &LineRow| r.loc.offset().and_then(|o| map.lookup(o));
        let Some(first) = f.rows.iter().find_map(pos_of) else { continue };
        program.begin_sequence(Some(Address::Symbol { symbol: 0, addend: i64::from(f.text_offset) }));
        let mut file = first.file;
        let mut started = false;
        for r in f.rows.iter().filter(|r| r.offset < f.len) {
            let pos = pos_of(r);
            if !started && r.offset > 0 {
                emit_row(&mut program, &files, 0, first.file, first.line, first.column);
            }
            started = true;
            let (line, column) = match pos {
                Some(p) => {
                    file = p.file;
                    (p.line, p.column)
                }
                None => (0, 0),
            };
            emit_row(&mut program, &files, r.offset, file, line, column);
        }
        program.end_sequence(u64::from(f.len));
    }
    dwarf.unit.line_program = program;

    let root = dwarf.unit.root();
    let name = dwarf.strings.add(cu_name);
    let dir = dwarf.strings.add(comp_dir);
    let producer = dwarf.strings.add(format!("synth {}", env!("CARGO_PKG_VERSION")));
    let e = dwarf.unit.get_mut(root);
    e.set(gimli::DW_AT_producer, AttributeValue::StringRef(producer));
    e.set(gimli::DW_AT_name, AttributeValue::StringRef(name));
    e.set(gimli::DW_AT_comp_dir, AttributeValue::StringRef(dir));
    e.set(gimli::DW_AT_low_pc, AttributeValue::Address(Address::Symbol { symbol: 0, addend: 0 }));
    e.set(gimli::DW_AT_high_pc, AttributeValue::Udata(u64::from(text_len)));
    for f in funcs {
        let id = dwarf.unit.add(root, gimli::DW_TAG_subprogram);
        let name = dwarf.strings.add(nonempty(f.name, "?"));
        let e = dwarf.unit.get_mut(id);
        e.set(gimli::DW_AT_name, AttributeValue::StringRef(name));
        e.set(gimli::DW_AT_low_pc, AttributeValue::Address(Address::Symbol { symbol: 0, addend: i64::from(f.text_offset) }));
        e.set(gimli::DW_AT_high_pc, AttributeValue::Udata(u64::from(f.len)));
    }

    let mut sections = Sections::new(RelocSection { writer: EndianVec::new(LittleEndian), relocs: Vec::new() });
    dwarf.write(&mut sections).map_err(|e| format!("writing DWARF: {e}"))?;
    let mut out = Vec::new();
    sections
        .for_each(|id, s: &RelocSection| -> Result<(), String> {
            let mut data = s.writer.slice().to_vec();
            if data.is_empty() {
                return Ok(());
            }
            let mut relocs = Vec::new();
            for r in &s.relocs {
                if r.size != 4 {
                    return Err(format!("a {}-byte relocation in {}", r.size, id.name()));
                }
                let base = match r.target {
                    RelocationTarget::Symbol(0) => DebugBase::Text,
                    RelocationTarget::Section(t) => DebugBase::Section(t.name()),
                    RelocationTarget::Symbol(s) => return Err(format!("relocation against unknown symbol {s}")),
                };
                let addend = u32::try_from(r.addend).map_err(|_| "negative addend".to_string())?;
                data[r.offset..r.offset + 4].copy_from_slice(&addend.to_le_bytes());
                relocs.push((r.offset as u32, base));
            }
            out.push(DebugSection { name: id.name(), data, relocs });
            Ok(())
        })?;
    Ok(out)
}

fn emit_row(program: &mut LineProgram, files: &[gimli::write::FileId], offset: u32, file: u32, line: u32, column: u32) {
    let row = program.row();
    row.address_offset = u64::from(offset);
    row.file = files[file as usize];
    row.line = u64::from(line);
    row.column = u64::from(column);
    row.is_statement = true;
    program.generate_row();
}

/// Adds `sections` to the object, relocated against `text` and each other.
pub fn add(obj: &mut Object<'_>, text: SectionId, sections: &[DebugSection]) -> Result<(), Error> {
    let ids: Vec<SectionId> = sections
        .iter()
        .map(|s| {
            let id = obj.add_section(vec![], s.name.as_bytes().to_vec(), SectionKind::Debug);
            obj.set_section_data(id, s.data.clone(), 1);
            id
        })
        .collect();
    for (s, &id) in sections.iter().zip(&ids) {
        for &(offset, base) in &s.relocs {
            let target = match base {
                DebugBase::Text => text,
                DebugBase::Section(name) => {
                    let k = sections.iter().position(|t| t.name == name).ok_or_else(|| {
                        Error::Internal(format!("debug lines: {} refers to a missing {name}", s.name))
                    })?;
                    ids[k]
                }
            };
            let symbol = obj.section_symbol(target);
            obj.add_relocation(
                id,
                ObjReloc {
                    offset: u64::from(offset),
                    symbol,
                    addend: 0,
                    flags: RelocationFlags::Elf { r_type: elf::RelocationType(R_ARM_ABS32) },
                },
            )?;
        }
    }
    Ok(())
}
