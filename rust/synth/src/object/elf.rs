//! The ELF object writer.
//!
//! Takes: the module's [`ModuleInfo`], its [`SymbolNames`] and the compiled
//! functions. Returns: a relocatable ELF32 little-endian ARM object
//! (EABI5), laid out as docs/ABI.md promises:
//!
//! - `.text`: every function 4-byte aligned (padding is `nop`), then the weak
//!   default `synth_trap` (`b .`). Thumb function symbols have bit 0 of
//!   `st_value` set and their code size as `st_size`. Mapping symbols: `$t`
//!   at the start and after each data range, `$d` at each data range.
//! - `.rel.text`: REL relocations (addends already in the instruction bits).
//! - `.data`: the memory-size word (the initial size; init writes it
//!   again only for a memory that may grow), globals (8 bytes each,
//!   constant initialisers baked in), defined tables' arrays (zeroed:
//!   null entries; init fills them) and `{size, capacity}` words (global
//!   when the table is exported; an imported table is undefined, its
//!   provider's), data and element segment length words.
//! - `.rodata`: data segment bytes; element segment arrays of
//!   `{sig_id + 1, func}` entries, the func word relocated by `R_ARM_ABS32`.
//! - `.bss`: linear memory, `reserved_pages * 64 KiB`, 8-aligned.
//! - `.ARM.attributes`: CPU architecture and profile, Thumb-2 only, 8-byte
//!   stack alignment, and how floats cross the interface ([`FloatInterface`]:
//!   not at all, which links with soft- and hard-float firmware; in core
//!   registers; or in VFP registers through float-ABI thunks, which are
//!   placed after the functions), and the FPU the code uses (`Tag_FP_arch`,
//!   an input of its own: with `softfp`, or with `hard` and a float-free
//!   interface, the functions may compute on the FPU while floats cross the
//!   interface in core registers or not at all).
//!
//! The output is deterministic: everything is visited in index order.

use std::collections::BTreeMap;

use object::elf;
use object::write::{Object, Relocation as ObjReloc, SectionId, StandardSection, Symbol, SymbolId, SymbolSection};
use object::{
    Architecture, BinaryFormat, Endianness, FileFlags, RelocationFlags, SectionFlags, SectionKind,
    SymbolFlags, SymbolKind, SymbolScope,
};
use synth_frontend::init::{memory_size_word, preset_elems, preset_table_entries, segment_length_after_init};
use synth_frontend::{FunctionKind, GlobalInit, ModuleInfo};
use synth_ir::SymbolRef;
use synth_thumb2::{CompiledFunction, RelocTarget};
use synth_thumb2_enc::RelocKind;

use super::symbols::{Binding, SymbolNames, STACK_LIMIT_SYMBOL, TRAP_SYMBOL};
use crate::error::Error;
use crate::options::{Fpu, Target};

/// `R_ARM_ABS32`.
pub const R_ARM_ABS32: u32 = 2;
/// `R_ARM_THM_CALL` (older name `R_ARM_THM_PC22`).
pub const R_ARM_THM_CALL: u32 = 10;
/// `R_ARM_THM_JUMP24`.
pub const R_ARM_THM_JUMP24: u32 = 30;
/// `R_ARM_THM_MOVW_ABS_NC`.
pub const R_ARM_THM_MOVW_ABS_NC: u32 = 47;
/// `R_ARM_THM_MOVT_ABS`.
pub const R_ARM_THM_MOVT_ABS: u32 = 48;

/// The Thumb `nop` (`0xbf00`) used to pad functions to 4 bytes.
const THUMB_NOP: [u8; 2] = [0x00, 0xbf];
/// The default trap entry: `b .` (spin forever).
const TRAP_STUB: [u8; 2] = [0xfe, 0xe7];

/// The ELF relocation type of a backend relocation kind.
pub fn reloc_type(k: RelocKind) -> u32 {
    match k {
        RelocKind::ThmCall => R_ARM_THM_CALL,
        RelocKind::ThmJump24 => R_ARM_THM_JUMP24,
        RelocKind::ThmMovwAbsNc => R_ARM_THM_MOVW_ABS_NC,
        RelocKind::ThmMovtAbs => R_ARM_THM_MOVT_ABS,
        RelocKind::Abs32 => R_ARM_ABS32,
    }
}

/// One function to place in `.text`.
#[derive(Clone, Copy, Debug)]
pub struct TextFunction<'a> {
    /// What it is (decides its symbol).
    pub kind: FunctionKind,
    /// Its code.
    pub compiled: &'a CompiledFunction,
}

/// A float-ABI thunk to place in `.text` (`--float-abi hard`): the export
/// thunk of function `func` takes its export names, an import thunk its
/// soft-side local symbol (see [`SymbolNames::soft_side`]).
#[derive(Clone, Copy, Debug)]
pub struct ThunkFunction<'a> {
    /// The wasm function index.
    pub func: u32,
    /// Its code.
    pub compiled: &'a CompiledFunction,
}

/// Where things ended up, for stats and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// `(symbol, offset in .text, code size)` per function, in order, then
    /// per thunk.
    pub functions: Vec<(String, u32, u32)>,
    /// Offset of the default trap stub in `.text`.
    pub trap_offset: u32,
    /// Size of `.text`.
    pub text_bytes: u32,
    /// Size of `.data`.
    pub data_bytes: u32,
    /// Size of `.rodata`.
    pub rodata_bytes: u32,
    /// Size of `.bss`.
    pub bss_bytes: u32,
}

/// Builds the object. Errors: inconsistent backend output (internal),
/// memory too large for a 32-bit target.
pub fn write_elf(
    info: &ModuleInfo,
    names: &SymbolNames,
    funcs: &[TextFunction<'_>],
    target: Target,
) -> Result<(Vec<u8>, Layout), Error> {
    write_elf_with(info, names, funcs, &[], target, float_interface(info), false)
}

/// The FPU the object's code needs, for `Tag_FP_arch`: `code_fpu` (the FPU
/// the compiled functions compute on, [`Fpu::None`] when none of them has a
/// VFP instruction), or the FPU of the float-ABI thunks of
/// [`FloatInterface::VfpRegisters`], which always use it.
pub fn fpu_used(floats: FloatInterface, code_fpu: Fpu) -> Fpu {
    match floats {
        FloatInterface::VfpRegisters(fpu) => fpu,
        _ => code_fpu,
    }
}

/// [`write_elf`] with float-ABI thunks and the float interface given, and
/// the unwind tables of `-g` when `debug` is set (`.debug_frame`,
/// `.ARM.exidx`, `.ARM.extab`; see [`super::unwind_sections`]). The other
/// sections are the same either way.
pub fn write_elf_with(
    info: &ModuleInfo,
    names: &SymbolNames,
    funcs: &[TextFunction<'_>],
    thunks: &[ThunkFunction<'_>],
    target: Target,
    floats: FloatInterface,
    debug: bool,
) -> Result<(Vec<u8>, Layout), Error> {
    write_elf_full(info, names, funcs, thunks, target, floats, Fpu::None, debug, None)
}

/// [`write_elf_with`] with, when `debug` is set and `lines` is given (the
/// input module's line table), the source-line sections of `-g`
/// (`.debug_line`, `.debug_info`, `.debug_abbrev`, `.debug_str`; see
/// [`super::debug_lines`]), and `code_fpu` the FPU the compiled functions
/// compute on (see [`fpu_used`]).
#[allow(clippy::too_many_arguments)]
pub fn write_elf_full(
    info: &ModuleInfo,
    names: &SymbolNames,
    funcs: &[TextFunction<'_>],
    thunks: &[ThunkFunction<'_>],
    target: Target,
    floats: FloatInterface,
    code_fpu: Fpu,
    debug: bool,
    lines: Option<&super::source_lines::SourceMap>,
) -> Result<(Vec<u8>, Layout), Error> {
    let mut w = Writer::new(target, floats, fpu_used(floats, code_fpu));
    let mut layout = Layout::default();
    w.text(names, funcs, thunks, &mut layout)?;
    w.data(info, names, &mut layout)?;
    w.rodata(info, names, &mut layout)?;
    w.bss(info, names, &mut layout)?;
    let code: Vec<&CompiledFunction> = funcs.iter().map(|f| f.compiled).chain(thunks.iter().map(|t| t.compiled)).collect();
    w.code_relocations(names, &code, &layout)?;
    if debug {
        super::unwind_sections::add(&mut w.obj, w.text, &code, &layout)?;
        if let Some(map) = lines {
            let fnames: Vec<String> = funcs
                .iter()
                .map(|f| crate::driver::display_name(info, f.kind))
                .chain(layout.functions[funcs.len()..].iter().map(|(s, _, _)| s.clone()))
                .collect();
            let placed: Vec<super::debug_lines::LineFunction<'_>> = code
                .iter()
                .zip(&layout.functions)
                .zip(&fnames)
                .map(|((c, (_, base, len)), name)| super::debug_lines::LineFunction {
                    name,
                    text_offset: *base,
                    len: *len,
                    rows: &c.lines,
                })
                .collect();
            let sections = super::debug_lines::debug_lines(map, &placed, layout.text_bytes)
                .map_err(|e| Error::Internal(format!("debug lines: {e}")))?;
            super::debug_lines::add(&mut w.obj, w.text, &sections)?;
        }
    }
    let mut bytes = w.obj.write()?;
    if debug {
        super::unwind_sections::link_exidx(&mut bytes)?;
    }
    Ok((bytes, layout))
}

struct Writer<'a> {
    obj: Object<'a>,
    /// Every symbol created so far, by name.
    syms: BTreeMap<String, SymbolId>,
    text: SectionId,
}

fn sym(name: &str, value: u64, size: u64, kind: SymbolKind, binding: Binding, section: SectionId) -> Symbol {
    Symbol {
        name: name.as_bytes().to_vec(),
        value,
        size,
        kind,
        scope: if binding == Binding::Local { SymbolScope::Compilation } else { SymbolScope::Dynamic },
        weak: false,
        section: SymbolSection::Section(section),
        flags: SymbolFlags::None,
    }
}

impl<'a> Writer<'a> {
    fn new(target: Target, floats: FloatInterface, fpu: Fpu) -> Self {
        let mut obj = Object::new(BinaryFormat::Elf, Architecture::Arm, Endianness::Little);
        let float_flag = match floats {
            FloatInterface::None => 0,
            FloatInterface::CoreRegisters => elf::EF_ARM_ABI_FLOAT_SOFT,
            FloatInterface::VfpRegisters(_) => elf::EF_ARM_ABI_FLOAT_HARD,
        };
        obj.flags =
            FileFlags::Elf { os_abi: elf::ELFOSABI_NONE, abi_version: 0, e_flags: elf::FileFlags(elf::EF_ARM_EABI_VER5.0 | float_flag) };
        let text = obj.section_id(StandardSection::Text);
        let attrs = obj.add_section(vec![], b".ARM.attributes".to_vec(), SectionKind::Other);
        obj.section_mut(attrs).flags =
            SectionFlags::Elf { sh_type: elf::SHT_ARM_ATTRIBUTES, sh_flags: elf::SectionFlags(0) };
        obj.set_section_data(attrs, arm_attributes(target, floats, fpu), 1);
        Writer { obj, syms: BTreeMap::new(), text }
    }

    fn define(&mut self, s: Symbol) -> Result<SymbolId, Error> {
        let name = String::from_utf8_lossy(&s.name).into_owned();
        if self.syms.contains_key(&name) {
            return Err(Error::Internal(format!("symbol `{name}` defined twice")));
        }
        let id = self.obj.add_symbol(s);
        self.syms.insert(name, id);
        Ok(id)
    }

    fn mapping(&mut self, name: &str, offset: u32) {
        self.obj.add_symbol(Symbol {
            name: name.as_bytes().to_vec(),
            value: u64::from(offset),
            size: 0,
            kind: SymbolKind::Label,
            scope: SymbolScope::Compilation,
            weak: false,
            section: SymbolSection::Section(self.text),
            flags: SymbolFlags::None,
        });
    }

    fn text(
        &mut self,
        names: &SymbolNames,
        funcs: &[TextFunction<'_>],
        thunks: &[ThunkFunction<'_>],
        layout: &mut Layout,
    ) -> Result<(), Error> {
        let mut buf: Vec<u8> = Vec::new();
        // Mapping symbol events: (offset, is_data).
        let mut map: Vec<(u32, bool)> = vec![(0, false)];
        let mut placed = Vec::new();
        let items = funcs.iter().map(|f| (Placed::Func(f.kind), f.compiled)).chain(thunks.iter().map(|t| (Placed::Thunk(t.func), t.compiled)));
        for (kind, compiled) in items {
            let name = match kind {
                Placed::Func(k) => names.function(k),
                Placed::Thunk(i) => thunk_symbol(names, i),
            }
            .ok_or_else(|| Error::Internal(format!("compiled function {kind:?} has no symbol")))?;
            let code = &compiled.code;
            if code.len() % 2 != 0 || code.is_empty() {
                return Err(Error::Internal(format!("function `{name}` has {} code bytes", code.len())));
            }
            let base = u32::try_from(buf.len()).map_err(|_| Error::Internal(".text exceeds 4 GiB".into()))?;
            let len = code.len() as u32;
            let mut prev_end = 0;
            for r in &compiled.data_ranges {
                if r.start < prev_end || r.start >= r.end || r.end > len {
                    return Err(Error::Internal(format!("function `{name}`: bad data range {r:?}")));
                }
                prev_end = r.end;
                map.push((base + r.start, true));
                map.push((base + r.end, false));
            }
            buf.extend_from_slice(code);
            while buf.len() % 4 != 0 {
                buf.extend_from_slice(&THUMB_NOP);
            }
            placed.push((kind, name, base, len));
        }
        let trap_offset = buf.len() as u32;
        buf.extend_from_slice(&TRAP_STUB);
        while buf.len() % 4 != 0 {
            buf.extend_from_slice(&THUMB_NOP);
        }
        let text_len = buf.len() as u32;
        self.obj.append_section_data(self.text, &buf, 4);

        // Mapping symbols: at one offset the last event wins; repeated
        // states are dropped; nothing at the very end of the section.
        let mut collapsed: Vec<(u32, bool)> = Vec::new();
        for (off, data) in map {
            if off >= text_len {
                continue;
            }
            match collapsed.last_mut() {
                Some(last) if last.0 == off => last.1 = data,
                _ => collapsed.push((off, data)),
            }
        }
        let mut state = None;
        for (off, data) in collapsed {
            if state != Some(data) {
                self.mapping(if data { "$d" } else { "$t" }, off);
                state = Some(data);
            }
        }

        for (kind, name, base, len) in placed {
            let value = u64::from(base | 1);
            let (binding, aliases) = match kind {
                Placed::Func(FunctionKind::Wasm(i)) => {
                    let s = &names.funcs[i as usize];
                    if s.binding == Binding::Undefined {
                        return Err(Error::Internal(format!("imported function {i} was compiled")));
                    }
                    if names.is_thunked(i) {
                        // The soft side of an export thunk.
                        (Binding::Local, vec![])
                    } else {
                        (s.binding, s.aliases.clone())
                    }
                }
                Placed::Func(FunctionKind::Runtime(_)) => (Binding::Local, vec![]),
                Placed::Func(FunctionKind::Init) => (Binding::Global, vec![]),
                Placed::Thunk(i) => {
                    let s = &names.funcs[i as usize];
                    if s.binding == Binding::Undefined {
                        (Binding::Local, vec![])
                    } else {
                        (s.binding, s.aliases.clone())
                    }
                }
            };
            self.define(sym(&name, value, u64::from(len), SymbolKind::Text, binding, self.text))?;
            for a in aliases {
                self.define(sym(&a, value, u64::from(len), SymbolKind::Text, Binding::Global, self.text))?;
            }
            layout.functions.push((name, base, len));
        }
        let mut trap = sym(TRAP_SYMBOL, u64::from(trap_offset | 1), TRAP_STUB.len() as u64, SymbolKind::Text, Binding::Global, self.text);
        trap.weak = true;
        self.define(trap)?;
        layout.trap_offset = trap_offset;
        layout.text_bytes = text_len;
        Ok(())
    }

    fn data(&mut self, info: &ModuleInfo, names: &SymbolNames, layout: &mut Layout) -> Result<(), Error> {
        let data = self.obj.section_id(StandardSection::Data);
        // An imported memory's size word is the exporter's (undefined here).
        if names.memory.binding != Binding::Undefined {
            let size = memory_size_word(info).unwrap_or(0);
            let off = self.obj.append_section_data(data, &size.to_le_bytes(), 8);
            self.define(sym(&names.memory_size, off, 4, SymbolKind::Data, Binding::Global, data))?;
        }

        for (i, g) in info.globals.iter().enumerate() {
            let s = &names.globals[i];
            if s.binding == Binding::Undefined {
                continue;
            }
            let v = match g.init {
                GlobalInit::Const(v) => v,
                // Filled in by the init function.
                GlobalInit::GlobalGet(_) | GlobalInit::RefFunc(_) | GlobalInit::Imported => 0,
            };
            let bytes = if g.ty.bytes() == 4 { u64::from(v as u32) } else { v as u64 };
            let off = self.obj.append_section_data(data, &bytes.to_le_bytes(), 8);
            let size = u64::from(g.ty.bytes());
            self.define(sym(&s.primary, off, size, SymbolKind::Data, s.binding, data))?;
            for a in &s.aliases {
                self.define(sym(a, off, size, SymbolKind::Data, Binding::Global, data))?;
            }
        }
        // An imported table is its provider's (undefined here, like an
        // imported memory).
        for (i, t) in info.tables.iter().enumerate().filter(|(_, t)| t.import.is_none()) {
            // Sized for the reservation (`table.grow` grows into it).
            let size = u64::from(t.reserved.max(t.initial)) * 8;
            let entries = preset_table_entries(info, i as u32);
            let off = if entries.is_empty() {
                self.obj.append_section_bss_like_zeroes(data, size, 8)
            } else {
                let mut bytes = vec![0u8; size as usize];
                for (&at, &(type_word, _)) in &entries {
                    bytes[at as usize * 8..at as usize * 8 + 4].copy_from_slice(&type_word.to_le_bytes());
                }
                self.obj.append_section_data(data, &bytes, 8)
            };
            self.define(sym(&names.tables[i], off, size, SymbolKind::Data, names.table_bindings[i], data))?;
            for (&at, &(_, f)) in &entries {
                let Some(f) = f else { continue };
                let target = self.resolve(names, SymbolRef::Func(f))?;
                self.obj.add_relocation(
                    data,
                    ObjReloc {
                        offset: off + u64::from(at) * 8 + 4,
                        symbol: target,
                        addend: 0,
                        flags: RelocationFlags::Elf { r_type: elf::RelocationType(R_ARM_ABS32) },
                    },
                )?;
            }
        }
        for (i, t) in info.tables.iter().enumerate().filter(|(_, t)| t.import.is_none()) {
            // The size word, then the capacity word (entries the array has
            // room for), which an importer's `table.grow` reads.
            let mut words = t.initial.to_le_bytes().to_vec();
            words.extend_from_slice(&t.reserved.max(t.initial).to_le_bytes());
            let off = self.obj.append_section_data(data, &words, 4);
            self.define(sym(&names.table_sizes[i], off, 8, SymbolKind::Data, names.table_bindings[i], data))?;
        }
        // Length words hold their values after instantiation (init does not
        // write them).
        for (i, d) in info.data.iter().enumerate() {
            u32::try_from(d.bytes.len()).map_err(|_| Error::Internal("data segment over 4 GiB".into()))?;
            let len = segment_length_after_init(d.active_offset.is_some(), false, d.bytes.len());
            let off = self.obj.append_section_data(data, &len.to_le_bytes(), 4);
            self.define(sym(&names.data_lens[i], off, 4, SymbolKind::Data, Binding::Local, data))?;
        }
        for (i, e) in info.elems.iter().enumerate() {
            let len = segment_length_after_init(e.active.is_some(), e.declared, e.items.len());
            let off = self.obj.append_section_data(data, &len.to_le_bytes(), 4);
            self.define(sym(&names.elem_lens[i], off, 4, SymbolKind::Data, Binding::Local, data))?;
        }
        layout.data_bytes = self.obj.section(data).data().len() as u32;
        Ok(())
    }

    fn rodata(&mut self, info: &ModuleInfo, names: &SymbolNames, layout: &mut Layout) -> Result<(), Error> {
        if info.data.is_empty() && info.elems.is_empty() {
            return Ok(());
        }
        let ro = self.obj.section_id(StandardSection::ReadOnlyData);
        for (i, d) in info.data.iter().enumerate() {
            let off = self.obj.append_section_data(ro, &d.bytes, 4);
            self.define(sym(&names.data[i], off, d.bytes.len() as u64, SymbolKind::Data, Binding::Local, ro))?;
        }
        if let (Some(entries), Some(name)) = (synth_frontend::init::data_table(info), &names.data_table) {
            // {offset, length, bytes, length word} per active segment.
            let mut bytes = Vec::with_capacity(entries.len() * 16);
            for e in &entries {
                let len = info.data[e.segment as usize].bytes.len() as u32;
                bytes.extend_from_slice(&e.offset.to_le_bytes());
                bytes.extend_from_slice(&len.to_le_bytes());
                bytes.extend_from_slice(&[0; 8]);
            }
            let off = self.obj.append_section_data(ro, &bytes, 4);
            self.define(sym(name, off, bytes.len() as u64, SymbolKind::Data, Binding::Local, ro))?;
            for (k, e) in entries.iter().enumerate() {
                let at = off + k as u64 * 16;
                for (field, r) in [(8, SymbolRef::DataSegment(e.segment)), (12, SymbolRef::DataSegmentLen(e.segment))] {
                    let target = self.resolve(names, r)?;
                    self.obj.add_relocation(
                        ro,
                        ObjReloc {
                            offset: at + field,
                            symbol: target,
                            addend: 0,
                            flags: RelocationFlags::Elf { r_type: elf::RelocationType(R_ARM_ABS32) },
                        },
                    )?;
                }
            }
        }
        let preset = preset_elems(info);
        for (i, e) in info.elems.iter().enumerate() {
            let mut bytes = Vec::with_capacity(e.items.len() * 8);
            let mut targets = Vec::new();
            // A preset segment is in its table's `.data` image already and
            // dropped: nothing reads its entries (its length word is 0).
            let items = if preset[i] { &[][..] } else { &e.items[..] };
            for (k, item) in items.iter().enumerate() {
                match item {
                    Some(f) => {
                        let fi = info.funcs.get(*f as usize).ok_or_else(|| {
                            Error::Internal(format!("element segment {i} names function {f}, which does not exist"))
                        })?;
                        bytes.extend_from_slice(&(fi.sig_id + 1).to_le_bytes());
                        bytes.extend_from_slice(&0u32.to_le_bytes());
                        targets.push((k as u64 * 8 + 4, *f));
                    }
                    None => bytes.extend_from_slice(&[0; 8]),
                }
            }
            let off = self.obj.append_section_data(ro, &bytes, 4);
            self.define(sym(&names.elems[i], off, bytes.len() as u64, SymbolKind::Data, Binding::Local, ro))?;
            for (at, f) in targets {
                let target = self.resolve(names, SymbolRef::Func(f))?;
                self.obj.add_relocation(
                    ro,
                    ObjReloc {
                        offset: off + at,
                        symbol: target,
                        addend: 0,
                        flags: RelocationFlags::Elf { r_type: elf::RelocationType(R_ARM_ABS32) },
                    },
                )?;
            }
        }
        layout.rodata_bytes = self.obj.section(ro).data().len() as u32;
        Ok(())
    }

    fn bss(&mut self, info: &ModuleInfo, names: &SymbolNames, layout: &mut Layout) -> Result<(), Error> {
        if names.memory.binding == Binding::Undefined {
            return Ok(());
        }
        let pages = info.memory.as_ref().map_or(0, |m| m.reserved_pages);
        let size = u64::from(pages) * 65536;
        if size > u64::from(u32::MAX) {
            return Err(Error::Unsupported {
                func: None,
                what: format!("{pages} pages of linear memory (more than a 32-bit address space); use --max-memory-pages"),
                offset: None,
            });
        }
        let bss = self.obj.section_id(StandardSection::UninitializedData);
        let off = self.obj.append_section_bss(bss, size, 8);
        self.define(sym(&names.memory.primary, off, size, SymbolKind::Data, Binding::Global, bss))?;
        layout.bss_bytes = size as u32;
        Ok(())
    }

    /// The undefined symbol `name`, created on first use.
    fn undefined(&mut self, name: String) -> SymbolId {
        if let Some(id) = self.syms.get(&name) {
            return *id;
        }
        let id = self.obj.add_symbol(Symbol {
            name: name.as_bytes().to_vec(),
            value: 0,
            size: 0,
            kind: SymbolKind::Unknown,
            scope: SymbolScope::Dynamic,
            weak: false,
            section: SymbolSection::Undefined,
            flags: SymbolFlags::None,
        });
        self.syms.insert(name, id);
        id
    }

    /// The symbol of `r`: a defined one, or a new undefined symbol for
    /// imports and firmware-provided words.
    fn resolve(&mut self, names: &SymbolNames, r: SymbolRef) -> Result<SymbolId, Error> {
        let name = names
            .symbol_ref(r)
            .ok_or_else(|| Error::Internal(format!("relocation against {r:?}, which the module does not have")))?;
        if let Some(id) = self.syms.get(&name) {
            return Ok(*id);
        }
        let undefined = match r {
            SymbolRef::Func(i) => names.funcs[i as usize].binding == Binding::Undefined,
            SymbolRef::Global(i) => names.globals[i as usize].binding == Binding::Undefined,
            SymbolRef::Memory | SymbolRef::MemorySize => names.memory.binding == Binding::Undefined,
            SymbolRef::Table(i) | SymbolRef::TableSize(i) => names.table_bindings[i as usize] == Binding::Undefined,
            SymbolRef::StackLimit => name == STACK_LIMIT_SYMBOL,
            SymbolRef::Libcall(_) => true,
            _ => false,
        };
        if !undefined {
            return Err(Error::Internal(format!(
                "relocation against `{name}` ({r:?}), which is not defined in this object"
            )));
        }
        Ok(self.undefined(name))
    }

    fn code_relocations(&mut self, names: &SymbolNames, code: &[&CompiledFunction], layout: &Layout) -> Result<(), Error> {
        for (f, (name, base, len)) in code.iter().zip(&layout.functions) {
            for r in &f.relocs {
                if u64::from(r.offset) + 4 > u64::from(*len) {
                    return Err(Error::Internal(format!("function `{name}`: relocation at {:#x} beyond its code", r.offset)));
                }
                let target = match r.target {
                    RelocTarget::Trap => self.syms[TRAP_SYMBOL],
                    RelocTarget::Symbol(s) => self.resolve(names, s)?,
                    RelocTarget::ImportedFunc(i) => match names.funcs.get(i as usize) {
                        Some(s) if s.binding == Binding::Undefined => self.undefined(s.primary.clone()),
                        _ => return Err(Error::Internal(format!("function `{name}` calls function {i} as an import"))),
                    },
                };
                self.obj.add_relocation(
                    self.text,
                    ObjReloc {
                        offset: u64::from(base + r.offset),
                        symbol: target,
                        // REL: the assembler already put the addend in the bits.
                        addend: 0,
                        flags: RelocationFlags::Elf { r_type: elf::RelocationType(reloc_type(r.kind)) },
                    },
                )?;
            }
        }
        Ok(())
    }
}

/// What a piece of `.text` is.
#[derive(Clone, Copy, Debug)]
enum Placed {
    Func(FunctionKind),
    Thunk(u32),
}

/// The symbol a thunk of function `i` is defined under: the export's
/// primary name, or the import thunk's local soft-side symbol.
fn thunk_symbol(names: &SymbolNames, i: u32) -> Option<String> {
    let s = names.funcs.get(i as usize)?;
    if s.binding == Binding::Undefined {
        names.soft_side.get(i as usize)?.clone()
    } else {
        Some(s.primary.clone())
    }
}

/// Zero-filled data appended to a PROGBITS section.
trait AppendZeroes {
    fn append_section_bss_like_zeroes(&mut self, section: SectionId, size: u64, align: u64) -> u64;
}

impl AppendZeroes for Object<'_> {
    fn append_section_bss_like_zeroes(&mut self, section: SectionId, size: u64, align: u64) -> u64 {
        self.append_section_data(section, &vec![0u8; size as usize], align)
    }
}

/// How the object's interface uses floats, for `Tag_ABI_VFP_args`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloatInterface {
    /// No exported or imported function or global has a float type: the
    /// object links with soft- and hard-float code alike.
    None,
    /// Floats cross the interface in core registers (`soft`/`softfp`).
    CoreRegisters,
    /// Floats cross the interface in VFP registers (`hard`, AAPCS-VFP),
    /// through float-ABI thunks that use this FPU's instructions.
    VfpRegisters(Fpu),
}

/// Whether any function or global the object exports or imports has a
/// float in its type.
pub fn float_interface(info: &ModuleInfo) -> FloatInterface {
    let funcs = info.funcs.iter().filter(|f| f.import.is_some() || !f.exports.is_empty());
    let func_floats = funcs.flat_map(|f| f.sig.params.iter().chain(&f.sig.results)).any(|t| t.is_float());
    let global_floats =
        info.globals.iter().any(|g| (g.import.is_some() || !g.exports.is_empty()) && g.ty.is_float());
    if func_floats || global_floats {
        FloatInterface::CoreRegisters
    } else {
        FloatInterface::None
    }
}

/// The `.ARM.attributes` contents ("aeabi" build attributes) for `target`,
/// with floats crossing the object's interface as `floats` says
/// (`Tag_ABI_VFP_args`) and the code using the FPU `fpu` (see [`fpu_used`]:
/// `Tag_FP_arch` and `Tag_ABI_HardFP_use`, absent for [`Fpu::None`]), as
/// arm-none-eabi-gcc writes them for `-mfloat-abi=softfp` and `hard`.
pub fn arm_attributes(target: Target, floats: FloatInterface, fpu: Fpu) -> Vec<u8> {
    fn uleb(out: &mut Vec<u8>, mut v: u32) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
    }
    let mut attrs = Vec::new();
    // Tag_CPU_name (5)
    uleb(&mut attrs, 5);
    attrs.extend_from_slice(target.name().as_bytes());
    attrs.push(0);
    // Tag_CPU_arch (6): v7 = 10, v7E-M = 13, v8-M.mainline = 17,
    // v8.1-M.mainline = 21; Tag_THUMB_ISA_use (9): 2 = Thumb-2 (v7-M),
    // 3 = inferred from the architecture (v8-M), as gcc writes them.
    let arch = target.features().arch;
    let mut tags = vec![
        (6u32, u32::from(arch.eabi_cpu_arch())),
        (7, u32::from(b'M')), // Tag_CPU_arch_profile: microcontroller
        (8, 0),               // Tag_ARM_ISA_use: no ARM code
        (9, u32::from(arch.eabi_thumb_isa_use())),
        (24, 1),              // Tag_ABI_align_needed: 8-byte
        (25, 1),              // Tag_ABI_align_preserved: 8-byte
        // Tag_ABI_VFP_args: 3 = no FP arguments (compatible with both),
        // 0 = base AAPCS (core registers), which the linker refuses to mix
        // with hard-float (1) objects.
        // 1 = VFP registers (AAPCS-VFP).
        (
            28,
            match floats {
                FloatInterface::None => 3,
                FloatInterface::CoreRegisters => 0,
                FloatInterface::VfpRegisters(_) => 1,
            },
        ),
    ];
    if fpu != Fpu::None {
        // Tag_FP_arch (10): 6 = VFPv4-D16, 8 = ARMv8-FP-D16 (FPv5), as
        // arm-none-eabi-gcc writes them for -mfpu=fpv4-sp-d16 / fpv5-*.
        let fp_arch = match fpu {
            Fpu::None => 0,
            Fpu::Fpv4SpD16 => 6,
            Fpu::Fpv5SpD16 | Fpu::Fpv5D16 => 8,
        };
        tags.push((10, fp_arch));
        if matches!(fpu, Fpu::Fpv4SpD16 | Fpu::Fpv5SpD16) {
            tags.push((27, 1)); // Tag_ABI_HardFP_use: single precision only
        }
    }
    if floats != FloatInterface::None || fpu != Fpu::None {
        // The linker compares Tag_ABI_VFP_args only between objects that
        // declare a float number model.
        tags.push((20, 1)); // Tag_ABI_FP_denormal: subnormals handled exactly
        tags.push((23, 3)); // Tag_ABI_FP_number_model: IEEE 754
    }
    tags.sort_unstable();
    for (tag, value) in tags {
        uleb(&mut attrs, tag);
        uleb(&mut attrs, value);
    }
    let mut file = vec![1u8]; // Tag_File
    file.extend_from_slice(&(attrs.len() as u32 + 5).to_le_bytes());
    file.extend_from_slice(&attrs);
    let mut vendor = Vec::new();
    vendor.extend_from_slice(&(file.len() as u32 + 4 + 6).to_le_bytes());
    vendor.extend_from_slice(b"aeabi\0");
    vendor.extend_from_slice(&file);
    let mut out = vec![b'A'];
    out.extend_from_slice(&vendor);
    out
}
