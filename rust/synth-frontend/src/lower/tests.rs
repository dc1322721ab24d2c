//! Tests of the lowering: wat modules are lowered, every function is
//! verified with `synth_ir::verify`, and exported functions are run with the
//! IR interpreter against the values the wasm spec defines.

use crate::{lower_module, FrontendError, FrontendOptions, GlobalInit, ModuleInfo};
use synth_ir::interp::{code_address, CallTarget, Env, Exit, Machine, ModuleEnv};
use synth_ir::{Function, RuntimeFunc, Signature, SymbolRef, TrapCode};

/// Entries beyond its initial size the harness's provider of an imported
/// table has room for (its capacity word).
pub(crate) const IMPORTED_TABLE_ROOM: u32 = 3;

/// A lowered module ready to run in the interpreter.
pub(crate) struct Harness {
    pub info: ModuleInfo,
    pub funcs: Vec<Function>,
    pub m: Machine,
    pub env: TestEnv,
}

/// The environment: lowered wasm functions, the generated runtime helpers
/// (`crate::runtime`) and host closures for imports.
pub(crate) struct TestEnv {
    pub inner: ModuleEnv,
}

impl Env for TestEnv {
    fn call(&mut self, m: &mut Machine, target: CallTarget, sig: &Signature, args: &[u64]) -> Result<Vec<u64>, Exit> {
        self.inner.call(m, target, sig, args)
    }
}

/// Lowers `wat` with `opts`, verifying every function.
pub(crate) fn lower_with(wat: &str, opts: &FrontendOptions) -> Result<(ModuleInfo, Vec<Function>), FrontendError> {
    let wasm = wat::parse_str(wat).expect("test wat parses");
    let (info, lowered) = lower_module(&wasm, opts)?;
    let funcs: Vec<Function> = lowered.into_iter().map(|l| l.ir).collect();
    for f in &funcs {
        if let Err(e) = synth_ir::verify::verify_or_text(f) {
            panic!("{e}");
        }
    }
    Ok((info, funcs))
}

impl Harness {
    /// Lowers `wat` and sets up memory, tables, segments and globals the
    /// way the init function will.
    pub fn new(wat: &str) -> Harness {
        Harness::with_opts(wat, &FrontendOptions::default())
    }

    pub fn with_opts(wat: &str, opts: &FrontendOptions) -> Harness {
        let (info, funcs) = lower_with(wat, opts).unwrap_or_else(|e| panic!("lowering failed: {e}"));
        let mut m = Machine::new();
        m.fuel = 5_000_000;
        let mut inner = ModuleEnv::new();
        for (i, f) in funcs.iter().enumerate() {
            inner.add_func(info.num_imported_funcs + i as u32, f.clone());
        }
        for rf in [
            RuntimeFunc::I64DivS,
            RuntimeFunc::I64DivU,
            RuntimeFunc::I64RemS,
            RuntimeFunc::I64RemU,
            RuntimeFunc::MemoryCopy,
            RuntimeFunc::MemoryFill,
            RuntimeFunc::MemoryGrow,
        ] {
            inner.add_runtime(rf, crate::runtime::build(rf, &info));
        }
        if let Some(mem) = &info.memory {
            m.set_memory(mem.reserved_pages, mem.initial_pages).unwrap();
        }
        for (i, d) in info.data.iter().enumerate() {
            m.define_symbol_bytes(SymbolRef::DataSegment(i as u32), &d.bytes).unwrap();
            let len = if d.active_offset.is_some() { 0 } else { d.bytes.len() as u32 };
            m.define_symbol(SymbolRef::DataSegmentLen(i as u32), 4).unwrap();
            m.set_symbol_u32(SymbolRef::DataSegmentLen(i as u32), len).unwrap();
            if let Some(crate::ConstExpr::I32(off)) = d.active_offset {
                m.write_symbol(SymbolRef::Memory, off as u32, &d.bytes).unwrap();
            }
        }
        for (i, g) in info.globals.iter().enumerate() {
            if let GlobalInit::Const(v) = g.init {
                m.define_symbol_bytes(SymbolRef::Global(i as u32), &v.to_le_bytes()).unwrap();
            }
        }
        let entry = |info: &ModuleInfo, f: Option<u32>| -> [u8; 8] {
            let mut e = [0u8; 8];
            if let Some(f) = f {
                e[..4].copy_from_slice(&(info.funcs[f as usize].sig_id + 1).to_le_bytes());
                e[4..].copy_from_slice(&code_address(CallTarget::Func(f)).to_le_bytes());
            }
            e
        };
        for (t, table) in info.tables.iter().enumerate() {
            // An imported table's provider here has room for IMPORTED_TABLE_ROOM more.
            let capacity = match table.import {
                Some(_) => table.initial + IMPORTED_TABLE_ROOM,
                None => table.reserved.max(table.initial),
            };
            m.define_symbol(SymbolRef::Table(t as u32), capacity * 8).unwrap();
            m.define_symbol(SymbolRef::TableSize(t as u32), 8).unwrap();
            m.set_symbol_u32(SymbolRef::TableSize(t as u32), table.initial).unwrap();
            m.write_symbol(SymbolRef::TableSize(t as u32), 4, &capacity.to_le_bytes()).unwrap();
        }
        for (i, seg) in info.elems.iter().enumerate() {
            let bytes: Vec<u8> = seg.items.iter().flat_map(|f| entry(&info, *f)).collect();
            m.define_symbol_bytes(SymbolRef::ElemSegment(i as u32), &bytes).unwrap();
            let len = if seg.active.is_some() || seg.declared { 0 } else { seg.items.len() as u32 };
            m.define_symbol(SymbolRef::ElemSegmentLen(i as u32), 4).unwrap();
            m.set_symbol_u32(SymbolRef::ElemSegmentLen(i as u32), len).unwrap();
            if let Some((t, crate::ConstExpr::I32(off))) = seg.active {
                m.write_symbol(SymbolRef::Table(t), off as u32 * 8, &bytes).unwrap();
            }
        }
        Harness { info, funcs, m, env: TestEnv { inner } }
    }

    /// The function exported as `name`.
    pub fn func(&self, name: &str) -> (u32, Function) {
        let i = self.info.funcs.iter().position(|f| f.exports.iter().any(|e| e == name)).expect("export exists");
        (i as u32, self.funcs[i - self.info.num_imported_funcs as usize].clone())
    }

    /// Calls export `name` with `args`.
    pub fn call(&mut self, name: &str, args: &[u64]) -> Result<Vec<u64>, Exit> {
        let (_, f) = self.func(name);
        self.m.run(&f, args, &mut self.env)
    }

    /// Calls export `name`, expecting a single result.
    pub fn call1(&mut self, name: &str, args: &[u64]) -> u64 {
        match self.call(name, args) {
            Ok(v) if v.len() == 1 => v[0],
            other => panic!("{name}({args:?}) gave {other:?}"),
        }
    }

    /// Calls export `name`, expecting a trap.
    pub fn trap(&mut self, name: &str, args: &[u64]) -> TrapCode {
        match self.call(name, args) {
            Err(Exit::Trap(c)) => c,
            other => panic!("{name}({args:?}) should trap, gave {other:?}"),
        }
    }
}

/// `n` as an i32 argument/result (low 32 bits).
pub(crate) fn u(n: i32) -> u64 {
    n as u32 as u64
}

mod control_tests;
mod errors_tests;
mod int_tests;
mod memory_tests;
mod call_tests;
mod translate_tests;
mod ref_tests;
