use super::*;
use synth_frontend::{ElemSegment, FuncInfo};
use synth_ir::interp::Machine;
use synth_ir::verify::verify_or_text;
use synth_ir::{BinaryOp, FunctionBuilder, LoadKind, Signature, Terminator, Value};

const MEM: u32 = 65536;

fn checks(f: &Function) -> usize {
    f.blocks.iter().flat_map(|b| &b.insts).filter(|i| matches!(i.kind, InstKind::BoundsCheck { .. })).count()
}

/// Wasm function 1: `(p) -> load32(p)` with its bounds check.
fn callee() -> Function {
    let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
    let mut b = FunctionBuilder::new("callee", sig);
    let p = b.block_params(b.current_block())[0];
    b.inst0(InstKind::BoundsCheck { addr: p, end: 4 });
    let mem = b.symbol_addr(SymbolRef::Memory, 0);
    let abs = b.binary(BinaryOp::Add, mem, p);
    let v = b.load(Type::I32, LoadKind::Full, abs, 0);
    b.terminate(Terminator::Return(vec![v]));
    let f = b.finish();
    verify_or_text(&f).unwrap();
    f
}

/// Builds one call argument from the caller's parameter.
type ArgFn = dyn Fn(&mut FunctionBuilder, Value) -> Value;

/// Wasm function 0: `(x) -> callee(a) + callee(b) + ...` where each
/// argument is made by one of `args` from the parameter `x`.
fn caller(args: &[&ArgFn]) -> Function {
    let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
    let mut b = FunctionBuilder::new("caller", sig);
    let x = b.block_params(b.current_block())[0];
    let mut acc = b.iconst(Type::I32, 0);
    let csig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
    for arg in args {
        let a = arg(&mut b, x);
        let r = b.inst1(InstKind::Call { callee: Callee::Func(1), sig: csig.clone(), args: vec![a] }, Type::I32);
        acc = b.binary(BinaryOp::Add, acc, r);
    }
    b.terminate(Terminator::Return(vec![acc]));
    let f = b.finish();
    verify_or_text(&f).unwrap();
    f
}

fn constant(c: i64) -> impl Fn(&mut FunctionBuilder, Value) -> Value {
    move |b: &mut FunctionBuilder, _| b.iconst(Type::I32, c)
}

fn ctx(callee_external: bool) -> ModuleOptContext {
    ModuleOptContext {
        opt: OptContext { static_memory_bytes: Some(MEM), min_memory_bytes: Some(MEM) },
        funcs: vec![
            FuncEntry { wasm_index: Some(0), external: true },
            FuncEntry { wasm_index: Some(1), external: callee_external },
        ],
    }
}

/// Optimises `[caller, callee]` under `ctx`; the callee's checks after.
fn callee_checks(funcs: &mut [Function], ctx: &ModuleOptContext) -> usize {
    optimize_module(funcs, ctx);
    for f in funcs.iter() {
        verify_or_text(f).unwrap();
    }
    checks(&funcs[1])
}

#[test]
fn constant_arguments_remove_the_callee_checks() {
    let mut funcs = vec![caller(&[&constant(100), &constant(MEM as i64 - 4)]), callee()];
    assert_eq!(checks(&funcs[1]), 1);
    assert_eq!(callee_checks(&mut funcs, &ctx(false)), 0);
    // Per function, nothing is known about the parameter.
    let mut alone = callee();
    crate::optimize_with(&mut alone, &ctx(false).opt);
    assert_eq!(checks(&alone), 1);
}

#[test]
fn a_constant_past_the_end_keeps_the_check() {
    let mut funcs = vec![caller(&[&constant(100), &constant(MEM as i64 - 3)]), callee()];
    assert_eq!(callee_checks(&mut funcs, &ctx(false)), 1);
}

#[test]
fn known_ranges_of_computed_arguments_count() {
    // callee(x & 0xfffc): in [0, 65532].
    let masked = |b: &mut FunctionBuilder, x: Value| {
        let m = b.iconst(Type::I32, 0xfffc);
        b.binary(BinaryOp::And, x, m)
    };
    let mut funcs = vec![caller(&[&masked, &constant(8)]), callee()];
    assert_eq!(callee_checks(&mut funcs, &ctx(false)), 0);
}

#[test]
fn an_unknown_argument_keeps_the_check() {
    // The caller is exported: its parameter may be anything.
    let passthrough = |_: &mut FunctionBuilder, x: Value| x;
    let mut funcs = vec![caller(&[&constant(100), &passthrough]), callee()];
    assert_eq!(callee_checks(&mut funcs, &ctx(false)), 1);
}

#[test]
fn an_exported_callee_keeps_the_check() {
    let mut funcs = vec![caller(&[&constant(100)]), callee()];
    assert_eq!(callee_checks(&mut funcs, &ctx(true)), 1);
}

fn info(exported: bool, in_table: bool, start: Option<u32>) -> ModuleInfo {
    let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
    let func = |exports: Vec<String>| FuncInfo {
        type_index: 0,
        sig_id: 0,
        sig: sig.clone(),
        import: None,
        name: None,
        exports,
    };
    let mut info = ModuleInfo::default();
    info.types.push(sig.clone());
    info.funcs.push(func(vec!["caller".into()]));
    info.funcs.push(func(if exported { vec!["callee".into()] } else { vec![] }));
    if in_table {
        info.elems.push(ElemSegment { active: None, declared: true, items: vec![None, Some(1)] });
    }
    info.start = start;
    info
}

#[test]
fn the_context_marks_exports_table_elements_and_start() {
    let kinds = [FunctionKind::Wasm(0), FunctionKind::Wasm(1), FunctionKind::Init];
    let external = |i: &ModuleInfo| ModuleOptContext::new(i, &kinds).funcs.iter().map(|f| f.external).collect::<Vec<_>>();
    assert_eq!(external(&info(false, false, None)), [true, false, true]);
    assert_eq!(external(&info(true, false, None)), [true, true, true]);
    assert_eq!(external(&info(false, true, None)), [true, true, true]);
    assert_eq!(external(&info(false, false, Some(1))), [true, true, true]);
    let mut global = info(false, false, None);
    global.globals.push(synth_frontend::GlobalInfo {
        ty: Type::I64,
        mutable: false,
        import: None,
        init: GlobalInit::RefFunc(Some(1)),
        exports: vec![],
    });
    assert_eq!(external(&global), [true, true, true]);
}

#[test]
fn a_table_referenced_callee_keeps_the_check() {
    let kinds = [FunctionKind::Wasm(0), FunctionKind::Wasm(1)];
    let mut i = info(false, true, None);
    i.memory = Some(synth_frontend::MemoryInfo {
        initial_pages: 1,
        declared_max_pages: Some(1),
        reserved_pages: 1,
        grows: false,
        import: None,
        exports: vec![],
    });
    let c = ModuleOptContext::new(&i, &kinds);
    assert_eq!(c.opt.static_memory_bytes, Some(MEM));
    let mut funcs = vec![caller(&[&constant(100)]), callee()];
    assert_eq!(callee_checks(&mut funcs, &c), 1);
    // The same module without the table element: removed.
    let c = ModuleOptContext { funcs: vec![c.funcs[0], FuncEntry { wasm_index: Some(1), external: false }], ..c };
    let mut funcs = vec![caller(&[&constant(100)]), callee()];
    assert_eq!(callee_checks(&mut funcs, &c), 0);
}

#[test]
fn an_address_taken_in_code_keeps_the_check() {
    let mut funcs = vec![caller(&[&constant(100)]), callee()];
    // `ref.func 1` in the caller's code, stored to a global (it escapes).
    let entry = &mut funcs[0];
    let (v, g) = (Value(entry.value_types.len() as u32), Value(entry.value_types.len() as u32 + 1));
    entry.value_types.extend([Type::I32, Type::I32]);
    let insts = [
        InstKind::SymbolAddr { sym: SymbolRef::Func(1), addend: 0 },
        InstKind::SymbolAddr { sym: SymbolRef::Global(0), addend: 0 },
    ];
    for (i, (r, kind)) in [v, g].into_iter().zip(insts).enumerate() {
        entry.blocks[0].insts.insert(i, synth_ir::Inst { results: vec![r], kind, loc: synth_ir::SrcLoc::NONE });
    }
    let store = InstKind::Store { kind: synth_ir::StoreKind::Full, addr: g, value: v, offset: 0 };
    entry.blocks[0].insts.insert(2, synth_ir::Inst { results: vec![], kind: store, loc: synth_ir::SrcLoc::NONE });
    verify_or_text(entry).unwrap();
    assert_eq!(callee_checks(&mut funcs, &ctx(false)), 1);
}

#[test]
fn a_context_of_the_wrong_length_optimises_each_alone() {
    let mut funcs = vec![caller(&[&constant(100)]), callee()];
    let mut c = ctx(false);
    c.funcs.pop();
    assert_eq!(callee_checks(&mut funcs, &c), 1);
}

/// Wasm function 1 calling itself: `f(p) = p == 0 ? 0 : load(p) + f(p - 4)`.
fn recursive() -> Function {
    let sig = Signature { params: vec![Type::I32], results: vec![Type::I32] };
    let mut b = FunctionBuilder::new("rec", sig.clone());
    let p = b.block_params(b.current_block())[0];
    let zero = b.iconst(Type::I32, 0);
    let done = b.create_block();
    let body = b.create_block();
    b.branch(p, synth_ir::BlockCall { block: body, args: vec![] }, synth_ir::BlockCall { block: done, args: vec![] });
    b.switch_to_block(done);
    b.terminate(Terminator::Return(vec![zero]));
    b.switch_to_block(body);
    b.inst0(InstKind::BoundsCheck { addr: p, end: 4 });
    let mem = b.symbol_addr(SymbolRef::Memory, 0);
    let abs = b.binary(BinaryOp::Add, mem, p);
    let v = b.load(Type::I32, LoadKind::Full, abs, 0);
    let four = b.iconst(Type::I32, 4);
    let q = b.binary(BinaryOp::Sub, p, four);
    let r = b.inst1(InstKind::Call { callee: Callee::Func(1), sig, args: vec![q] }, Type::I32);
    let s = b.binary(BinaryOp::Add, v, r);
    b.terminate(Terminator::Return(vec![s]));
    let f = b.finish();
    verify_or_text(&f).unwrap();
    f
}

#[test]
fn recursion_terminates_and_stays_sound() {
    // rec(64) from the caller; rec(3) would reach p = 0xffffffff and trap,
    // so with an odd start the check must stay.
    for (start, kept) in [(64, None), (3, Some(1))] {
        let mut funcs = vec![caller(&[&constant(start)]), recursive()];
        let n = callee_checks(&mut funcs, &ctx(false));
        if let Some(k) = kept {
            assert_eq!(n, k, "start {start}");
        }
        // Run the caller: same result as unoptimised.
        let run = |fs: &[Function]| {
            let mut env = synth_ir::interp::ModuleEnv::default();
            env.add_func(0, fs[0].clone());
            env.add_func(1, fs[1].clone());
            let mut m = Machine::new();
            m.set_memory(1, 0).unwrap();
            let size = m.symbol_addr(SymbolRef::MemorySize).unwrap();
            m.write_u32(size, MEM).unwrap();
            m.run(&fs[0], &[0], &mut env)
        };
        let orig = vec![caller(&[&constant(start)]), recursive()];
        assert_eq!(format!("{:?}", run(&funcs)), format!("{:?}", run(&orig)), "start {start}");
    }
}
