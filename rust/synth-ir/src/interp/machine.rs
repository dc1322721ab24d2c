//! The interpreter's memory: a 32-bit byte-addressed map of regions, one per
//! [`SymbolRef`] (allocated on first use or defined by the test), plus fake
//! code addresses for functions so indirect calls can be resolved.

use super::{CallTarget, Exit};
use crate::{RuntimeFunc, SymbolRef};
use std::collections::HashMap;

/// First address handed out to data regions (address 0 stays unmapped).
const DATA_BASE: u32 = 0x0001_0000;
/// Data regions must end below this address (code addresses start here).
const DATA_LIMIT: u32 = 0xB000_0000;
/// Code addresses of runtime functions: `RUNTIME_CODE + 8 * index + 1`.
const RUNTIME_CODE: u32 = 0xB000_0000;
/// Code addresses of wasm functions: `FUNC_CODE + 8 * index + 1`.
const FUNC_CODE: u32 = 0xC000_0000;
/// Unmapped bytes left between two regions, so overruns are detected.
const GUARD: u32 = 64;

/// Runtime functions in code-address order.
const RUNTIME_FUNCS: [RuntimeFunc; 29] = RuntimeFunc::ALL;

/// One mapped range of addresses.
#[derive(Clone, Debug)]
struct Region {
    base: u32,
    bytes: Vec<u8>,
}

/// The state an IR function runs against: memory regions per symbol, a fuel
/// counter and the call depth. Create with [`Machine::new`], define the
/// symbols a test cares about ([`Machine::define_symbol`],
/// [`Machine::set_memory`]), then [`Machine::run`] functions.
#[derive(Clone, Debug)]
pub struct Machine {
    regions: Vec<Region>,
    symbols: HashMap<SymbolRef, usize>,
    next_base: u32,
    /// Instructions (and terminators) left before [`Exit::OutOfFuel`].
    pub fuel: u64,
    /// Deepest call nesting allowed (default 300); deeper calls trap with
    /// [`crate::TrapCode::StackOverflow`]. Each level costs a few KiB of
    /// host stack in debug builds: raise it only on a thread with a larger
    /// stack than the 2 MiB test default.
    pub max_depth: u32,
    pub(super) depth: u32,
    /// Size in bytes given to [`SymbolRef::Memory`] when it is first used
    /// without having been defined (default: one 64 KiB page).
    pub default_memory_bytes: u32,
    /// Entries given to a [`SymbolRef::Table`] first used without having
    /// been defined (default 16).
    pub default_table_entries: u32,
}

impl Default for Machine {
    fn default() -> Self {
        Machine::new()
    }
}

impl Machine {
    /// An empty machine with 10 million instructions of fuel and a call
    /// depth limit of 300.
    pub fn new() -> Machine {
        Machine {
            regions: Vec::new(),
            symbols: HashMap::new(),
            next_base: DATA_BASE,
            fuel: 10_000_000,
            max_depth: 300,
            depth: 0,
            default_memory_bytes: 65536,
            default_table_entries: 16,
        }
    }

    /// Defines `sym` as a fresh zeroed region of `size` bytes and returns its
    /// address. Redefining a symbol replaces its region (new address).
    pub fn define_symbol(&mut self, sym: SymbolRef, size: u32) -> Result<u32, Exit> {
        let base = self.next_base;
        let end = (base as u64) + (size as u64);
        if end + GUARD as u64 > DATA_LIMIT as u64 {
            return Err(Exit::Host(format!("interpreter address space exhausted defining {sym:?}")));
        }
        // Next region: after a guard gap, 16-byte aligned.
        self.next_base = ((end + GUARD as u64 + 15) & !15) as u32;
        self.regions.push(Region { base, bytes: vec![0; size as usize] });
        self.symbols.insert(sym, self.regions.len() - 1);
        Ok(base)
    }

    /// Defines `sym` with the given contents and returns its address.
    pub fn define_symbol_bytes(&mut self, sym: SymbolRef, bytes: &[u8]) -> Result<u32, Exit> {
        let base = self.define_symbol(sym, bytes.len() as u32)?;
        self.write(base, bytes)?;
        Ok(base)
    }

    /// Defines linear memory with `reserved_pages` pages (zeroed) and sets
    /// the [`SymbolRef::MemorySize`] word to `current_pages * 65536`.
    pub fn set_memory(&mut self, reserved_pages: u32, current_pages: u32) -> Result<u32, Exit> {
        let bytes = reserved_pages
            .checked_mul(65536)
            .ok_or_else(|| Exit::Host(format!("{reserved_pages} pages do not fit the address space")))?;
        let base = self.define_symbol(SymbolRef::Memory, bytes)?;
        let size_addr = self.symbol_addr(SymbolRef::MemorySize)?;
        self.write_u32(size_addr, current_pages.wrapping_mul(65536))?;
        Ok(base)
    }

    /// True when `sym` has a region (defined or already used).
    pub fn is_defined(&self, sym: SymbolRef) -> bool {
        self.symbols.contains_key(&sym)
    }

    /// The address of `sym`. Functions get fake code addresses (Thumb bit
    /// set) that indirect calls map back; data symbols not yet defined are
    /// allocated zeroed with a default size: `Memory` gets
    /// [`Machine::default_memory_bytes`], tables
    /// [`Machine::default_table_entries`] × 8 bytes, globals 8 bytes, table
    /// `{size, capacity}` words 8 bytes, other size and length words 4
    /// bytes, segments 0 bytes.
    pub fn symbol_addr(&mut self, sym: SymbolRef) -> Result<u32, Exit> {
        match sym {
            SymbolRef::Func(i) => return Ok(code_address(CallTarget::Func(i))),
            SymbolRef::Runtime(r) => return Ok(code_address(CallTarget::Runtime(r))),
            _ => {}
        }
        if let Some(&r) = self.symbols.get(&sym) {
            return Ok(self.regions[r].base);
        }
        let size = match sym {
            SymbolRef::Memory => self.default_memory_bytes,
            SymbolRef::Table(_) => self.default_table_entries.saturating_mul(8),
            SymbolRef::Global(_) => 8,
            // A table's size word is followed by its capacity word.
            SymbolRef::TableSize(_) => 8,
            SymbolRef::DataSegment(_) | SymbolRef::ElemSegment(_) => 0,
            _ => 4,
        };
        self.define_symbol(sym, size)
    }

    /// Finds the region holding `[addr, addr + len)`.
    fn locate(&self, addr: u32, len: u32) -> Result<(usize, usize), Exit> {
        let bad = Exit::BadAccess { addr, len };
        // Regions are allocated at increasing addresses, so `regions` is sorted.
        let idx = self.regions.partition_point(|r| r.base <= addr);
        if idx == 0 {
            return Err(bad);
        }
        let r = &self.regions[idx - 1];
        let off = (addr - r.base) as u64;
        if off + len as u64 > r.bytes.len() as u64 {
            return Err(bad);
        }
        Ok((idx - 1, off as usize))
    }

    /// Reads `len` bytes at the absolute address `addr`.
    pub fn read(&self, addr: u32, len: u32) -> Result<Vec<u8>, Exit> {
        let (r, off) = self.locate(addr, len)?;
        Ok(self.regions[r].bytes[off..off + len as usize].to_vec())
    }

    /// Writes `bytes` at the absolute address `addr`.
    pub fn write(&mut self, addr: u32, bytes: &[u8]) -> Result<(), Exit> {
        let (r, off) = self.locate(addr, bytes.len() as u32)?;
        self.regions[r].bytes[off..off + bytes.len()].copy_from_slice(bytes);
        Ok(())
    }

    /// Reads a little-endian integer of `len` (1..=8) bytes.
    pub fn read_le(&self, addr: u32, len: u32) -> Result<u64, Exit> {
        let bytes = self.read(addr, len)?;
        Ok(bytes.iter().rev().fold(0u64, |acc, b| (acc << 8) | *b as u64))
    }

    /// Writes the low `len` (1..=8) bytes of `value`, little-endian.
    pub fn write_le(&mut self, addr: u32, len: u32, value: u64) -> Result<(), Exit> {
        let bytes = value.to_le_bytes();
        self.write(addr, &bytes[..len.min(8) as usize])
    }

    /// Reads a little-endian u32.
    pub fn read_u32(&self, addr: u32) -> Result<u32, Exit> {
        self.read_le(addr, 4).map(|v| v as u32)
    }

    /// Writes a little-endian u32.
    pub fn write_u32(&mut self, addr: u32, value: u32) -> Result<(), Exit> {
        self.write_le(addr, 4, value as u64)
    }

    /// Reads a little-endian u64.
    pub fn read_u64(&self, addr: u32) -> Result<u64, Exit> {
        self.read_le(addr, 8)
    }

    /// Writes a little-endian u64.
    pub fn write_u64(&mut self, addr: u32, value: u64) -> Result<(), Exit> {
        self.write_le(addr, 8, value)
    }

    /// Reads `len` bytes at byte `offset` inside symbol `sym`'s region
    /// (allocating the symbol on demand like [`Machine::symbol_addr`]).
    pub fn read_symbol(&mut self, sym: SymbolRef, offset: u32, len: u32) -> Result<Vec<u8>, Exit> {
        let base = self.symbol_addr(sym)?;
        self.read(base.wrapping_add(offset), len)
    }

    /// Writes `bytes` at byte `offset` inside symbol `sym`'s region.
    pub fn write_symbol(&mut self, sym: SymbolRef, offset: u32, bytes: &[u8]) -> Result<(), Exit> {
        let base = self.symbol_addr(sym)?;
        self.write(base.wrapping_add(offset), bytes)
    }

    /// Reads the u32 word at the start of `sym` (size and length words).
    pub fn symbol_u32(&mut self, sym: SymbolRef) -> Result<u32, Exit> {
        let base = self.symbol_addr(sym)?;
        self.read_u32(base)
    }

    /// Writes the u32 word at the start of `sym`.
    pub fn set_symbol_u32(&mut self, sym: SymbolRef, value: u32) -> Result<(), Exit> {
        let base = self.symbol_addr(sym)?;
        self.write_u32(base, value)
    }

    /// The size of `sym`'s region in bytes, if defined.
    pub fn symbol_size(&self, sym: SymbolRef) -> Option<u32> {
        self.symbols.get(&sym).map(|&r| self.regions[r].bytes.len() as u32)
    }
}

/// The fake code address (Thumb bit set) the interpreter gives a function.
/// [`CallTarget::Address`] maps to itself.
pub fn code_address(target: CallTarget) -> u32 {
    match target {
        CallTarget::Func(i) => FUNC_CODE.wrapping_add(i.wrapping_mul(8)) | 1,
        CallTarget::Runtime(r) => {
            let idx = RUNTIME_FUNCS.iter().position(|x| *x == r).unwrap_or(0) as u32;
            RUNTIME_CODE + idx * 8 + 1
        }
        CallTarget::Address(a) => a,
    }
}

/// Maps an address back to the function [`code_address`] gave it;
/// any other address becomes [`CallTarget::Address`].
pub fn decode_code_address(addr: u32) -> CallTarget {
    if addr & 7 == 1 && addr >= FUNC_CODE {
        return CallTarget::Func((addr - FUNC_CODE) / 8);
    }
    if addr & 7 == 1 && addr >= RUNTIME_CODE {
        let idx = ((addr - RUNTIME_CODE) / 8) as usize;
        if let Some(r) = RUNTIME_FUNCS.get(idx) {
            return CallTarget::Runtime(*r);
        }
    }
    CallTarget::Address(addr)
}
