//! Places the unwind tables of [`super::debug_frame`] in the object.
//!
//! Takes: the object being written, its `.text` section, the compiled
//! functions and where the writer put them. Returns: `.debug_frame`
//! (`SHT_PROGBITS`, not loaded), `.ARM.exidx` (`SHT_ARM_EXIDX`,
//! `SHF_ALLOC | SHF_LINK_ORDER`, linked to `.text`) and, when an entry needs
//! it, `.ARM.extab`, with `R_ARM_ABS32` / `R_ARM_PREL31` relocations against
//! the section symbols (addends in the bytes).

use object::elf;
use object::write::{Object, Relocation as ObjReloc, SectionId};
use object::{RelocationFlags, SectionFlags, SectionKind};

use super::debug_frame::{debug_frame, exidx, Base, UnwindFunction, UnwindReloc};
use super::elf::{Layout, R_ARM_ABS32};
use synth_thumb2::CompiledFunction;
use crate::error::Error;

/// `R_ARM_PREL31`.
pub const R_ARM_PREL31: u32 = 42;

/// Adds the unwind sections for `funcs`, placed as `layout` says.
pub fn add(obj: &mut Object<'_>, text: SectionId, funcs: &[&CompiledFunction], layout: &Layout) -> Result<(), Error> {
    let unwind: Vec<UnwindFunction<'_>> = funcs
        .iter()
        .zip(&layout.functions)
        .map(|(f, (_, base, len))| UnwindFunction {
            text_offset: *base,
            len: *len,
            cfi: &f.cfi,
            push_mask: f.push_mask,
            vpush_count: f.vpush_count,
            frame_bytes: f.frame_bytes,
        })
        .collect();
    let internal = |e: String| Error::Internal(format!("unwind tables: {e}"));
    let (frame, frame_relocs) = debug_frame(&unwind).map_err(internal)?;
    let (idx, idx_relocs, tab) = exidx(&unwind, layout.trap_offset);

    let df = obj.add_section(vec![], b".debug_frame".to_vec(), SectionKind::Debug);
    obj.set_section_data(df, frame, 4);
    let ex = obj.add_section(vec![], b".ARM.exidx".to_vec(), SectionKind::ReadOnlyData);
    obj.section_mut(ex).flags = SectionFlags::Elf {
        sh_type: elf::SHT_ARM_EXIDX,
        sh_flags: elf::SectionFlags(elf::SHF_ALLOC.0 | elf::SHF_LINK_ORDER.0),
    };
    obj.set_section_data(ex, idx, 4);
    let tb = if tab.is_empty() {
        None
    } else {
        let tb = obj.add_section(vec![], b".ARM.extab".to_vec(), SectionKind::ReadOnlyData);
        obj.set_section_data(tb, tab, 4);
        Some(tb)
    };
    let relocate = |obj: &mut Object<'_>, section: SectionId, r: &UnwindReloc, r_type: u32| -> Result<(), Error> {
        let target = match r.base {
            Base::Text => text,
            Base::DebugFrame => df,
            Base::Extab => tb.ok_or_else(|| internal("index entry points at a missing .ARM.extab".into()))?,
        };
        let symbol = obj.section_symbol(target);
        obj.add_relocation(
            section,
            ObjReloc { offset: u64::from(r.offset), symbol, addend: 0, flags: RelocationFlags::Elf { r_type: elf::RelocationType(r_type) } },
        )?;
        Ok(())
    };
    for r in &frame_relocs {
        relocate(obj, df, r, R_ARM_ABS32)?;
    }
    for r in &idx_relocs {
        relocate(obj, ex, r, R_ARM_PREL31)?;
    }
    Ok(())
}

/// Points `.ARM.exidx`'s `sh_link` at `.text` in the written object (the
/// `object` crate writes 0 there; the linker needs the link to order the
/// index). Errors if either section is missing.
pub fn link_exidx(bytes: &mut [u8]) -> Result<(), Error> {
    let bad = || Error::Internal("unwind tables: cannot find .ARM.exidx and .text in the object".into());
    let u16_at = |b: &[u8], o: usize| b.get(o..o + 2).map(|s| u16::from_le_bytes([s[0], s[1]]) as usize);
    let u32_at = |b: &[u8], o: usize| b.get(o..o + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize);
    let shoff = u32_at(bytes, 0x20).ok_or_else(bad)?;
    let shentsize = u16_at(bytes, 0x2e).ok_or_else(bad)?;
    let shnum = u16_at(bytes, 0x30).ok_or_else(bad)?;
    let shstrndx = u16_at(bytes, 0x32).ok_or_else(bad)?;
    let header = |i: usize| shoff + i * shentsize;
    let strtab = u32_at(bytes, header(shstrndx) + 0x10).ok_or_else(bad)?;
    let name = |b: &[u8], i: usize| -> Option<Vec<u8>> {
        let at = strtab + u32_at(b, header(i))?;
        Some(b.get(at..)?.iter().take_while(|c| **c != 0).copied().collect())
    };
    let find = |b: &[u8], n: &[u8]| (0..shnum).find(|&i| name(b, i).as_deref() == Some(n));
    let text = find(bytes, b".text").ok_or_else(bad)?;
    let ex = find(bytes, b".ARM.exidx").ok_or_else(bad)?;
    let link = header(ex) + 0x18;
    bytes.get_mut(link..link + 4).ok_or_else(bad)?.copy_from_slice(&(text as u32).to_le_bytes());
    Ok(())
}
