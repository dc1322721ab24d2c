//! Shape tests of instruction selection on small IR functions.

use super::*;
use crate::inst::{AddSub, CallTarget};
use synth_ir::{BinaryOp, Callee, ConvertOp, FunctionBuilder, LoadKind, Signature, StoreKind, SymbolRef, TrapCode};
use synth_regalloc::Function as _;
use Type::{I32, I64};

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature { params: params.to_vec(), results: results.to_vec() }
}

fn lower_ok(f: &Function) -> VCode {
    match lower(f) {
        Ok(v) => v,
        Err(e) => panic!("lowering failed: {e}"),
    }
}

fn count(vc: &VCode, pred: impl Fn(&MachInst) -> bool) -> usize {
    vc.insts.iter().filter(|i| pred(i)).count()
}

#[test]
fn add_of_params_returns_in_r0() {
    let mut b = FunctionBuilder::new("add", sig(&[I32, I32], &[I32]));
    let p = b.block_params(Block0).to_vec();
    let s = b.binary(BinaryOp::Add, p[0], p[1]);
    b.terminate(Terminator::Return(vec![s]));
    let vc = lower_ok(&b.finish());
    assert_eq!(vc.insts[0], MachInst::Args { regs: vec![preg(0), preg(1)] });
    assert!(matches!(vc.insts[1], MachInst::Mov { rm, .. } if rm == preg(0)));
    assert!(matches!(vc.insts[2], MachInst::Mov { rm, .. } if rm == preg(1)));
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Alu { op: synth_thumb2_enc::AluOp::Add, .. })), 1);
    let n = vc.insts.len();
    assert_eq!(vc.insts[n - 1], MachInst::Ret { uses: vec![preg(0)] });
    assert!(matches!(vc.insts[n - 2], MachInst::Mov { rd, .. } if rd == preg(0)));
    assert_eq!(vc.num_blocks(), 2);
}

#[allow(non_upper_case_globals)]
const Block0: synth_ir::Block = synth_ir::Block(0);

#[test]
fn constant_operands_fold_into_immediates_and_dead_constants_vanish() {
    let mut b = FunctionBuilder::new("f", sig(&[I32], &[I32]));
    let x = b.block_params(Block0)[0];
    let c = b.iconst(I32, 5);
    let s = b.binary(BinaryOp::Add, x, c);
    let big = b.iconst(I32, 0x1234_5678);
    let t = b.binary(BinaryOp::Xor, s, big);
    let sh = b.iconst(I32, 35);
    let u = b.binary(BinaryOp::Shl, t, sh);
    b.terminate(Terminator::Return(vec![u]));
    let vc = lower_ok(&b.finish());
    assert!(vc.insts.contains(&MachInst::AluImm {
        op: synth_thumb2_enc::AluOp::Add,
        rd: Reg::virt(2),
        rn: Reg::virt(0),
        imm: 5
    }));
    // 5 and 35 are folded; the unencodable XOR constant stays in a register.
    assert_eq!(count(&vc, |i| matches!(i, MachInst::MovImm { .. })), 1);
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::ShiftImm { op: synth_thumb2_enc::ShiftOp::Lsl, amt: 3, .. })));
}

#[test]
fn compare_with_single_branch_use_is_fused() {
    let mut b = FunctionBuilder::new("f", sig(&[I32, I32], &[I32]));
    let p = b.block_params(Block0).to_vec();
    let c = b.compare(IntCC::LtS, p[0], p[1]);
    let t = b.create_block();
    let e = b.create_block();
    b.branch(c, BlockCall { block: t, args: vec![] }, BlockCall { block: e, args: vec![] });
    b.switch_to_block(t);
    b.terminate(Terminator::Return(vec![p[0]]));
    b.switch_to_block(e);
    b.terminate(Terminator::Return(vec![p[1]]));
    let vc = lower_ok(&b.finish());
    assert_eq!(count(&vc, |i| matches!(i, MachInst::CmpSet { .. })), 0);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::CmpBr { cc: Cond::Lt, rhs: Rhs::Reg(_), .. })), 1);
}

#[test]
fn compare_used_twice_is_materialised() {
    let mut b = FunctionBuilder::new("f", sig(&[I32, I32], &[I32]));
    let p = b.block_params(Block0).to_vec();
    let c = b.compare(IntCC::GeU, p[0], p[1]);
    let t = b.create_block();
    let e = b.create_block();
    b.branch(c, BlockCall { block: t, args: vec![] }, BlockCall { block: e, args: vec![] });
    b.switch_to_block(t);
    b.terminate(Terminator::Return(vec![c]));
    b.switch_to_block(e);
    b.terminate(Terminator::Return(vec![p[1]]));
    let vc = lower_ok(&b.finish());
    assert_eq!(count(&vc, |i| matches!(i, MachInst::CmpSet { cc: Cond::Hs, .. })), 1);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::CmpBr { cc: Cond::Ne, rhs: Rhs::Imm(0), .. })), 1);
}

#[test]
fn swapping_block_arguments_go_through_temporaries() {
    // loop(a, b): if a != 0 { loop(b, a) } else { return b }
    let mut b = FunctionBuilder::new("swap", sig(&[I32, I32], &[I32]));
    let p = b.block_params(Block0).to_vec();
    let lp = b.create_block();
    let x = b.append_block_param(lp, I32);
    let y = b.append_block_param(lp, I32);
    let exit = b.create_block();
    b.jump(lp, vec![p[0], p[1]]);
    b.switch_to_block(lp);
    b.branch(x, BlockCall { block: lp, args: vec![y, x] }, BlockCall { block: exit, args: vec![] });
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![y]));
    let f = b.finish();
    let vc = lower_ok(&f);
    // setup, entry, loop, edge block (loop -> loop), exit.
    assert_eq!(vc.num_blocks(), 5);
    let (rx, ry) = (Reg::virt(x.0), Reg::virt(y.0));
    let edge = vc
        .blocks
        .iter()
        .find(|bl| {
            let r = bl.range.clone();
            vc.insts[r].iter().any(|i| matches!(i, MachInst::Mov { rd, .. } if *rd == rx))
                && bl.preds.len() == 1
                && bl.preds == bl.succs
        })
        .expect("edge block with copies");
    let body: Vec<&MachInst> = vc.insts[edge.range.clone()].iter().collect();
    // t0 = y; t1 = x; x = t0; y = t1; jump
    assert_eq!(body.len(), 5);
    let (t0, t1) = match (body[0], body[1]) {
        (MachInst::Mov { rd: t0, rm: s0 }, MachInst::Mov { rd: t1, rm: s1 }) if *s0 == ry && *s1 == rx => (*t0, *t1),
        other => panic!("unexpected copies {other:?}"),
    };
    assert_eq!(*body[2], MachInst::Mov { rd: rx, rm: t0 });
    assert_eq!(*body[3], MachInst::Mov { rd: ry, rm: t1 });
    assert!(matches!(body[4], MachInst::Jump { .. }));
    // Every block's last instruction is a terminator and only there.
    for bl in &vc.blocks {
        let r = bl.range.clone();
        assert!(vc.insts[r.end - 1].is_term());
        assert!(vc.insts[r.start..r.end - 1].iter().all(|i| !i.is_term()));
    }
}

#[test]
fn critical_edges_are_split() {
    // b0 branches to b1 and b2; b1 jumps to b2: edge b0->b2 is critical.
    let mut b = FunctionBuilder::new("f", sig(&[I32], &[]));
    let x = b.block_params(Block0)[0];
    let b1 = b.create_block();
    let b2 = b.create_block();
    b.branch(x, BlockCall { block: b1, args: vec![] }, BlockCall { block: b2, args: vec![] });
    b.switch_to_block(b1);
    b.jump(b2, vec![]);
    b.switch_to_block(b2);
    b.terminate(Terminator::Return(vec![]));
    let vc = lower_ok(&b.finish());
    for (i, bl) in vc.blocks.iter().enumerate() {
        if bl.succs.len() > 1 {
            for &s in &bl.succs {
                assert_eq!(vc.blocks[s].preds.len(), 1, "critical edge {i} -> {s}");
            }
        }
    }
}

#[test]
fn i64_ops_use_pair_pseudos_and_runtime_calls() {
    let mut b = FunctionBuilder::new("f", sig(&[I64, I64], &[I64]));
    let p = b.block_params(Block0).to_vec();
    let s = b.binary(BinaryOp::Add, p[0], p[1]);
    let m = b.binary(BinaryOp::Mul, s, p[1]);
    let d = b.binary(BinaryOp::DivS, m, p[0]);
    b.terminate(Terminator::Return(vec![d]));
    let vc = lower_ok(&b.finish());
    assert_eq!(vc.insts[0], MachInst::Args { regs: vec![preg(0), preg(1), preg(2), preg(3)] });
    assert_eq!(count(&vc, |i| matches!(i, MachInst::AddSub64 { op: AddSub::Add, .. })), 1);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Mul64 { .. })), 1);
    let call = vc.insts.iter().find(|i| matches!(i, MachInst::Call { .. })).expect("call");
    assert_eq!(
        *call,
        MachInst::Call {
            target: CallTarget::Sym(SymbolRef::Libcall(synth_ir::float::Libcall::LDivMod)),
            uses: vec![preg(0), preg(1), preg(2), preg(3)],
            defs: vec![preg(0), preg(1), preg(2), preg(3)],
        }
    );
    assert!(vc.frame.has_calls);
}

#[test]
fn stack_arguments_in_and_out() {
    let params = [I32, I32, I32, I32, I32, I64];
    let mut b = FunctionBuilder::new("f", sig(&params, &[]));
    let p = b.block_params(Block0).to_vec();
    b.inst(InstKind::Call { callee: Callee::Func(3), sig: sig(&params, &[]), args: p.clone() }, &[]);
    b.terminate(Terminator::Return(vec![]));
    let vc = lower_ok(&b.finish());
    let lo = Reg::virt(p[5].0);
    assert!(vc.insts.contains(&MachInst::LoadStack { rd: Reg::virt(p[4].0), addr: StackAddr::Incoming(0) }));
    assert!(vc.insts.contains(&MachInst::LoadStack { rd: lo, addr: StackAddr::Incoming(8) }));
    assert!(vc.insts.contains(&MachInst::StoreStack { rt: Reg::virt(p[4].0), addr: StackAddr::Outgoing(0) }));
    assert!(vc.insts.contains(&MachInst::StoreStack { rt: lo, addr: StackAddr::Outgoing(8) }));
    assert_eq!(vc.frame.outgoing_bytes, 16);
}

#[test]
fn multi_value_function_and_call_use_sret() {
    let two = sig(&[I32], &[I32, I64]);
    let mut b = FunctionBuilder::new("f", two.clone());
    let x = b.block_params(Block0)[0];
    let r = b.inst(InstKind::Call { callee: Callee::Func(0), sig: two.clone(), args: vec![x] }, &[I32, I64]);
    b.terminate(Terminator::Return(r));
    let vc = lower_ok(&b.finish());
    // Incoming: r0 = sret pointer, r1 = x.
    assert_eq!(vc.insts[0], MachInst::Args { regs: vec![preg(0), preg(1)] });
    // Outgoing: sret buffer in the local area, results loaded back.
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::LeaStack { addr: StackAddr::Local(0), .. })));
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::LoadStack { addr: StackAddr::Local(8), .. })));
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::LoadStack { addr: StackAddr::Local(12), .. })));
    assert_eq!(vc.frame.local_bytes, 16);
    // Results stored through the incoming pointer at 0, 8, 12.
    let offs: Vec<u32> = vc
        .insts
        .iter()
        .filter_map(|i| match i {
            MachInst::Store { off, .. } => Some(*off),
            _ => None,
        })
        .collect();
    assert_eq!(offs, vec![0, 8, 12]);
    assert_eq!(*vc.insts.last().unwrap(), MachInst::Ret { uses: vec![] });
}

#[test]
fn memory_offsets_bounds_checks_and_traps() {
    let mut b = FunctionBuilder::new("f", sig(&[I32], &[I64]));
    let a = b.block_params(Block0)[0];
    b.inst0(InstKind::BoundsCheck { addr: a, end: 8 });
    b.inst0(InstKind::BoundsCheck { addr: a, end: 70001 });
    let v = b.load(I64, LoadKind::Full, a, 5000);
    b.store(StoreKind::B8, a, a, 4095);
    b.inst0(InstKind::BoundsCheck { addr: a, end: 1 << 32 | 4 });
    b.terminate(Terminator::Return(vec![v]));
    let vc = lower_ok(&b.finish());
    let bcs: Vec<&MachInst> = vc.insts.iter().filter(|i| matches!(i, MachInst::BoundsCheck { .. })).collect();
    assert!(matches!(bcs[0], MachInst::BoundsCheck { end: 8, t2: None, .. }));
    assert!(matches!(bcs[1], MachInst::BoundsCheck { end: 70001, t2: Some(_), .. }));
    assert_eq!(count(&vc, |i| *i == MachInst::Trap { code: TrapCode::MemoryOutOfBounds }), 1);
    let loads: Vec<u32> = vc
        .insts
        .iter()
        .filter_map(|i| match i {
            MachInst::Load { off, .. } => Some(*off),
            _ => None,
        })
        .collect();
    assert_eq!(loads, vec![0, 4]);
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::AluImm { imm: 5000, .. }) || matches!(i, MachInst::MovImm { imm: 5000, .. })));
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::Store { off: 4095, .. })));
}

#[test]
fn br_table_with_backward_target_gets_forward_trampoline() {
    let mut b = FunctionBuilder::new("f", sig(&[I32], &[]));
    let x = b.block_params(Block0)[0];
    let head = b.create_block();
    let exit = b.create_block();
    b.jump(head, vec![]);
    b.switch_to_block(head);
    b.terminate(Terminator::BrTable {
        index: x,
        targets: vec![BlockCall { block: head, args: vec![] }, BlockCall { block: exit, args: vec![] }],
        default: BlockCall { block: exit, args: vec![] },
    });
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![]));
    let vc = lower_ok(&b.finish());
    let (pos, (targets, default)) = vc
        .insts
        .iter()
        .enumerate()
        .find_map(|(k, i)| match i {
            MachInst::BrTable { targets, default, limit: None, .. } => Some((k, (targets.clone(), *default))),
            _ => None,
        })
        .expect("br_table");
    let me = vc.blocks.iter().position(|bl| bl.range.contains(&pos)).unwrap();
    for t in targets.iter().chain(std::iter::once(&default)) {
        assert!(*t > me, "table target {t} not after block {me}");
    }
}

#[test]
fn unsupported_constructs_are_errors_naming_the_function() {
    let mut b = FunctionBuilder::new("bad_fn", sig(&[I32], &[I32]));
    let x = b.block_params(Block0)[0];
    let y = b.inst1(InstKind::Unary { op: synth_ir::UnaryOp::Extend32S, ty: I32, arg: x }, I32);
    b.terminate(Terminator::Return(vec![y]));
    let e = lower(&b.finish()).unwrap_err();
    assert_eq!(e.func, "bad_fn");
    assert!(e.what.contains("extend32"));
    // Returning the wrong number of values is an error, not a panic.
    let mut b = FunctionBuilder::new("bad_ret", sig(&[I32], &[I32, I32]));
    b.terminate(Terminator::Return(vec![]));
    assert!(lower(&b.finish()).is_err());
}

#[test]
fn select_and_trap_fuse_their_comparison() {
    let mut b = FunctionBuilder::new("f", sig(&[I32, I32], &[I32]));
    let p = b.block_params(Block0).to_vec();
    let z = b.inst1(InstKind::Eqz { ty: I32, arg: p[1] }, I32);
    b.trap_if(z, TrapCode::IntegerDivideByZero);
    let c = b.compare(IntCC::GtU, p[0], p[1]);
    let s = b.inst1(InstKind::Select { ty: I32, cond: c, if_true: p[0], if_false: p[1] }, I32);
    b.terminate(Terminator::Return(vec![s]));
    let vc = lower_ok(&b.finish());
    assert_eq!(
        count(&vc, |i| matches!(
            i,
            MachInst::TrapIf { cc: Cond::Eq, rhs: Rhs::Imm(0), code: TrapCode::IntegerDivideByZero, .. }
        )),
        1
    );
    assert_eq!(count(&vc, |i| matches!(i, MachInst::CmpSelect { cc: Cond::Hi, .. })), 1);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::CmpSet { .. })), 0);
}

#[test]
fn i64_compare_branch_needs_no_scratch() {
    let mut b = FunctionBuilder::new("f", sig(&[I64, I64], &[I32]));
    let p = b.block_params(Block0).to_vec();
    let c = b.compare(IntCC::LeS, p[0], p[1]);
    let t = b.create_block();
    let e = b.create_block();
    b.branch(c, BlockCall { block: t, args: vec![] }, BlockCall { block: e, args: vec![] });
    b.switch_to_block(t);
    let one = b.iconst(I32, 1);
    b.terminate(Terminator::Return(vec![one]));
    b.switch_to_block(e);
    let zero = b.iconst(I32, 0);
    b.terminate(Terminator::Return(vec![zero]));
    let vc = lower_ok(&b.finish());
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Cmp64Br { cc: IntCC::LeS, .. })), 1);
}

#[test]
fn single_use_operands_fold_into_their_consumer() {
    use synth_thumb2_enc::{AluOp, Shift};
    // r = c + a*b; s = r - (a << 3); t = load8u(mem + (s << 2)); (t & 0x10) != 0 ? a : b
    let mut b = FunctionBuilder::new("f", sig(&[I32, I32, I32], &[I32]));
    let p = b.block_params(Block0).to_vec();
    let m = b.binary(BinaryOp::Mul, p[0], p[1]);
    let r = b.binary(BinaryOp::Add, p[2], m);
    let three = b.iconst(I32, 3);
    let sh = b.binary(BinaryOp::Shl, p[0], three);
    let s = b.binary(BinaryOp::Sub, r, sh);
    let base = b.symbol_addr(SymbolRef::Memory, 0);
    let two = b.iconst(I32, 2);
    let idx = b.binary(BinaryOp::Shl, s, two);
    let ea = b.binary(BinaryOp::Add, base, idx);
    let t = b.load(I32, LoadKind::U8, ea, 0);
    let mask = b.iconst(I32, 0x10);
    let bit = b.binary(BinaryOp::And, t, mask);
    let sel = b.inst(InstKind::Select { ty: I32, cond: bit, if_true: p[0], if_false: p[1] }, &[I32])[0];
    b.terminate(Terminator::Return(vec![sel]));
    let vc = lower_ok(&b.finish());
    assert_eq!(count(&vc, |i| matches!(i, MachInst::MulAcc { sub: false, .. })), 1);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Mul { .. })), 0);
    assert_eq!(
        count(&vc, |i| matches!(i, MachInst::AluShift { op: AluOp::Sub, shift: Shift::Lsl(3), .. })),
        1
    );
    assert_eq!(count(&vc, |i| matches!(i, MachInst::LoadIdx { shift: 2, .. })), 1);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::CmpSelect { rhs: Rhs::TstImm(0x10), .. })), 1);
    // Nothing left of the folded values: no shifts, ANDs or plain loads.
    assert_eq!(count(&vc, |i| matches!(i, MachInst::ShiftImm { .. } | MachInst::Load { .. })), 0);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::AluImm { op: AluOp::And, .. } | MachInst::Alu { .. })), 0);
}

#[test]
fn multi_use_values_are_not_folded() {
    // m = a*b is used twice: MUL stays, no MLA; the address is used twice.
    let mut b = FunctionBuilder::new("f", sig(&[I32, I32], &[I32]));
    let p = b.block_params(Block0).to_vec();
    let m = b.binary(BinaryOp::Mul, p[0], p[1]);
    let r = b.binary(BinaryOp::Add, m, p[1]);
    let base = b.symbol_addr(SymbolRef::Memory, 0);
    let ea = b.binary(BinaryOp::Add, base, m);
    b.store(StoreKind::Full, ea, r, 0);
    let v = b.load(I32, LoadKind::Full, ea, 0);
    b.terminate(Terminator::Return(vec![v]));
    let vc = lower_ok(&b.finish());
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Mul { .. })), 1);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::MulAcc { .. } | MachInst::LoadIdx { .. })), 0);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Load { .. } | MachInst::Store { .. })), 2);
}

#[test]
fn static_bounds_checks_compare_against_the_limit() {
    let mut b = FunctionBuilder::new("f", sig(&[I32], &[]));
    let a = b.block_params(Block0)[0];
    b.inst0(InstKind::BoundsCheck { addr: a, end: 1 }); // a >= 0x20000: immediate
    b.inst0(InstKind::BoundsCheck { addr: a, end: 4 }); // a > 0x1fffc: register
    b.inst0(InstKind::BoundsCheck { addr: a, end: 0x20001 }); // always traps
    b.terminate(Terminator::Return(vec![]));
    let vc = lower_with(&b.finish(), Some(0x2_0000)).expect("lowers");
    let oob = TrapCode::MemoryOutOfBounds;
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::TrapIf { cc: Cond::Hs, rhs: Rhs::Imm(0x2_0000), code, .. } if *code == oob)));
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::TrapIf { cc: Cond::Hi, rhs: Rhs::Reg(_), .. })));
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::MovImm { imm: 0x1_FFFC, .. })));
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::Trap { code } if *code == oob)));
    assert_eq!(count(&vc, |i| matches!(i, MachInst::BoundsCheck { .. })), 0);
}

#[test]
fn widening_multiply_selects_smull_umull_and_folds_the_extends() {
    for (op, signed) in [(ConvertOp::ExtendS, true), (ConvertOp::ExtendU, false)] {
        let mut b = FunctionBuilder::new("f", sig(&[I32, I32], &[I64]));
        let p = b.block_params(Block0).to_vec();
        let x = b.inst1(InstKind::Convert { op, arg: p[0] }, I64);
        let y = b.inst1(InstKind::Convert { op, arg: p[1] }, I64);
        let m = b.binary(BinaryOp::Mul, x, y);
        b.terminate(Terminator::Return(vec![m]));
        let vc = lower_ok(&b.finish());
        assert_eq!(count(&vc, |i| matches!(i, MachInst::MulLong { signed: s, .. } if *s == signed)), 1);
        assert_eq!(count(&vc, |i| matches!(i, MachInst::Mul64 { .. })), 0);
        // The extends are folded: no ASR #31 / MOV #0 high halves.
        assert_eq!(count(&vc, |i| matches!(i, MachInst::ShiftImm { amt: 31, .. } | MachInst::MovImm { imm: 0, .. })), 0);
    }
    // Mixed extensions keep the general multiply.
    let mut b = FunctionBuilder::new("f", sig(&[I32, I32], &[I64]));
    let p = b.block_params(Block0).to_vec();
    let x = b.inst1(InstKind::Convert { op: ConvertOp::ExtendS, arg: p[0] }, I64);
    let y = b.inst1(InstKind::Convert { op: ConvertOp::ExtendU, arg: p[1] }, I64);
    let m = b.binary(BinaryOp::Mul, x, y);
    b.terminate(Terminator::Return(vec![m]));
    let vc = lower_ok(&b.finish());
    assert_eq!(count(&vc, |i| matches!(i, MachInst::MulLong { .. })), 0);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Mul64 { .. })), 1);
}

#[test]
fn widening_multiply_of_extending_loads_skips_their_high_words() {
    for (lk, signed) in [(LoadKind::S32, true), (LoadKind::U16, false)] {
        let mut b = FunctionBuilder::new("f", sig(&[I32, I32], &[I64]));
        let p = b.block_params(Block0).to_vec();
        let x = b.load(I64, lk, p[0], 0);
        let y = b.load(I64, lk, p[1], 4);
        let m = b.binary(BinaryOp::Mul, x, y);
        b.terminate(Terminator::Return(vec![m]));
        let vc = lower_ok(&b.finish());
        assert_eq!(count(&vc, |i| matches!(i, MachInst::MulLong { signed: s, .. } if *s == signed)), 1);
        assert_eq!(count(&vc, |i| matches!(i, MachInst::ShiftImm { amt: 31, .. } | MachInst::MovImm { imm: 0, .. })), 0);
    }
    // A load used twice keeps its high word.
    let mut b = FunctionBuilder::new("f", sig(&[I32], &[I64]));
    let p = b.block_params(Block0).to_vec();
    let x = b.load(I64, LoadKind::S32, p[0], 0);
    let m = b.binary(BinaryOp::Mul, x, x);
    let s = b.binary(BinaryOp::Add, m, x);
    b.terminate(Terminator::Return(vec![s]));
    let vc = lower_ok(&b.finish());
    assert_eq!(count(&vc, |i| matches!(i, MachInst::MulLong { signed: true, .. })), 1);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::ShiftImm { amt: 31, .. })), 1);
}

/// `(x op k) & mask` returned from a one-parameter function.
fn masked_shift(op: BinaryOp, k: i64, mask: i64) -> VCode {
    let mut b = FunctionBuilder::new("f", sig(&[I32], &[I32]));
    let x = b.block_params(Block0)[0];
    let kc = b.iconst(I32, k);
    let s = b.binary(op, x, kc);
    let m = b.iconst(I32, mask);
    let r = b.binary(BinaryOp::And, m, s);
    b.terminate(Terminator::Return(vec![r]));
    lower_ok(&b.finish())
}

#[test]
fn masked_right_shifts_become_one_ubfx() {
    let vc = masked_shift(BinaryOp::ShrU, 6, 0x3F);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Bfx { signed: false, lsb: 6, width: 6, .. })), 1);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::ShiftImm { .. } | MachInst::AluImm { .. })), 0);
    let vc = masked_shift(BinaryOp::ShrS, 20, 0xFFF);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Bfx { signed: false, lsb: 20, width: 12, .. })), 1);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::MovImm { .. })), 0);
    // The field would run past bit 31: shift, then an ordinary AND.
    let vc = masked_shift(BinaryOp::ShrU, 28, 0xFF);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Bfx { lsb: 28, .. })), 0);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::ShiftImm { amt: 28, .. })), 1);
    // A left shift is no field extraction (the mask of 0xFF is UXTB).
    let vc = masked_shift(BinaryOp::Shl, 3, 0xFF);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::ShiftImm { amt: 3, .. })), 1);
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Extend { op: synth_thumb2_enc::ExtendOp::Uxtb, .. })), 1);
}

#[test]
fn low_masks_avoid_materialising_the_constant() {
    for (mask, want) in [(0xFFi64, "uxtb"), (0xFFFF, "uxth"), (0xFFF, "ubfx12"), (0x3F, "and")] {
        let mut b = FunctionBuilder::new("f", sig(&[I32], &[I32]));
        let x = b.block_params(Block0)[0];
        let m = b.iconst(I32, mask);
        let r = b.binary(BinaryOp::And, x, m);
        b.terminate(Terminator::Return(vec![r]));
        let vc = lower_ok(&b.finish());
        use synth_thumb2_enc::{AluOp, ExtendOp};
        let got = count(&vc, |i| match want {
            "uxtb" => matches!(i, MachInst::Extend { op: ExtendOp::Uxtb, .. }),
            "uxth" => matches!(i, MachInst::Extend { op: ExtendOp::Uxth, .. }),
            "ubfx12" => matches!(i, MachInst::Bfx { signed: false, lsb: 0, width: 12, .. }),
            _ => matches!(i, MachInst::AluImm { op: AluOp::And, imm: 0x3F, .. }),
        });
        assert_eq!(got, 1, "mask {mask:#x}");
        assert_eq!(count(&vc, |i| matches!(i, MachInst::MovImm { .. })), 0, "mask {mask:#x}");
    }
}

#[test]
fn br_table_entries_with_the_same_call_share_one_edge_block() {
    // Entries 0, 1 and the default pass `a` to `join`; entry 2 passes `b`.
    let mut b = FunctionBuilder::new("f", sig(&[I32, I32, I32], &[I32]));
    let p = b.block_params(Block0).to_vec();
    let join = b.create_block();
    let r = b.append_block_param(join, I32);
    let to = |v| BlockCall { block: join, args: vec![v] };
    let targets = vec![to(p[1]), to(p[1]), to(p[2])];
    b.terminate(Terminator::BrTable { index: p[0], targets, default: to(p[1]) });
    b.switch_to_block(join);
    b.terminate(Terminator::Return(vec![r]));
    let vc = lower_ok(&b.finish());
    let (targets, default) = vc
        .insts
        .iter()
        .find_map(|i| match i {
            MachInst::BrTable { targets, default, .. } => Some((targets.clone(), *default)),
            _ => None,
        })
        .expect("br_table");
    assert_eq!(targets[0], targets[1]);
    assert_eq!(targets[0], default);
    assert_ne!(targets[0], targets[2]);
    // Each edge block holds its copy and a jump, once.
    for &eb in &[targets[0], targets[2]] {
        let insts = &vc.insts[vc.blocks[eb].range.clone()];
        assert_eq!(insts.iter().filter(|i| matches!(i, MachInst::Jump { .. })).count(), 1, "{insts:?}");
        assert_eq!(insts.len(), 2, "{insts:?}");
    }
}

#[test]
fn a_symbol_address_with_an_addend_beyond_imm16_adds_it_after() {
    // REL MOVW/MOVT carry the addend in imm16: 32767 fits, 40000 does not.
    let mut b = FunctionBuilder::new("f", sig(&[], &[I32, I32]));
    let near = b.symbol_addr(SymbolRef::Table(0), 32767);
    let far = b.symbol_addr(SymbolRef::Table(0), 40000);
    b.terminate(Terminator::Return(vec![near, far]));
    let vc = lower_ok(&b.finish());
    let syms: Vec<i32> =
        vc.insts.iter().filter_map(|i| if let MachInst::MovSym { addend, .. } = i { Some(*addend) } else { None }).collect();
    assert_eq!(syms, vec![32767, 0]);
    assert!(vc.insts.iter().any(|i| matches!(i, MachInst::MovImm { imm: 40000, .. })));
    assert_eq!(count(&vc, |i| matches!(i, MachInst::Alu { op: synth_thumb2_enc::AluOp::Add, .. })), 1);
}

/// `x * (2^k ± 1)` is one shifted-register ADD/RSB, other constants a MUL.
#[test]
fn mul_by_two_power_plus_minus_one_is_a_shifted_alu() {
    use synth_thumb2_enc::{AluOp, Shift};
    let cases: &[(i64, Option<(AluOp, u8)>)] = &[
        (3, Some((AluOp::Add, 1))),
        (9, Some((AluOp::Add, 3))),
        (0x8000_0001, Some((AluOp::Add, 31))),
        (7, Some((AluOp::Rsb, 3))),
        (31, Some((AluOp::Rsb, 5))),
        (0x7fff_ffff, Some((AluOp::Rsb, 31))),
        (-1, None),
        (5 * 4, None),
        (131, None),
    ];
    for &(c, want) in cases {
        let mut b = FunctionBuilder::new("f", sig(&[I32], &[I32]));
        let p = b.block_params(Block0).to_vec();
        let k = b.iconst(I32, c);
        let m = b.binary(BinaryOp::Mul, k, p[0]);
        b.terminate(Terminator::Return(vec![m]));
        let vc = lower_ok(&b.finish());
        let shifted = |op: AluOp, amt: u8| {
            count(&vc, |i| matches!(i, MachInst::AluShift { op: o, shift: Shift::Lsl(s), rn, rm, .. } if *o == op && *s == amt && rn == rm))
        };
        match want {
            Some((op, amt)) => {
                assert_eq!(shifted(op, amt), 1, "x * {c:#x}");
                assert_eq!(count(&vc, |i| matches!(i, MachInst::Mul { .. })), 0, "x * {c:#x}");
            }
            None => assert_eq!(count(&vc, |i| matches!(i, MachInst::Mul { .. })), 1, "x * {c:#x}"),
        }
    }
}

/// i64 division and remainder call libgcc's AEABI functions: the quotient
/// comes back in r0:r1, the remainder in r2:r3.
#[test]
fn i64_division_calls_aeabi_divmod() {
    use synth_ir::float::Libcall;
    use synth_ir::RuntimeFunc;
    for (rf, l, rem) in [
        (RuntimeFunc::I64DivU, Libcall::ULDivMod, false),
        (RuntimeFunc::I64RemU, Libcall::ULDivMod, true),
        (RuntimeFunc::I64DivS, Libcall::LDivMod, false),
        (RuntimeFunc::I64RemS, Libcall::LDivMod, true),
    ] {
        let mut b = FunctionBuilder::new("f", sig(&[I64, I64], &[I64]));
        let p = b.block_params(Block0).to_vec();
        let s = sig(&[I64, I64], &[I64]);
        let q = b.inst(InstKind::Call { callee: Callee::Runtime(rf), sig: s, args: vec![p[0], p[1]] }, &[I64])[0];
        let one = b.iconst(I64, 1);
        let r = b.binary(BinaryOp::Add, q, one);
        b.terminate(Terminator::Return(vec![r]));
        let vc = lower_ok(&b.finish());
        let target = CallTarget::Sym(SymbolRef::Libcall(l));
        assert_eq!(count(&vc, |i| matches!(i, MachInst::Call { target: t, defs, .. } if *t == target && defs.len() == 4)), 1, "{rf:?}");
        let from = if rem { 2 } else { 0 };
        let at = vc.insts.iter().position(|i| matches!(i, MachInst::Call { .. })).unwrap();
        let after: Vec<&MachInst> = vc.insts[at + 1..at + 3].iter().collect();
        assert!(
            matches!(after[..], [MachInst::Mov { rm: a, .. }, MachInst::Mov { rm: b, .. }] if *a == preg(from) && *b == preg(from + 1)),
            "{rf:?}: {after:?}"
        );
        assert_eq!(count(&vc, |i| matches!(i, MachInst::Call { target: CallTarget::Sym(SymbolRef::Runtime(_)), .. })), 0);
    }
}

/// A block returning an i64 quotient tail-calls `__aeabi_(u)ldivmod` (the
/// quotient is where the caller expects its result); one returning a
/// remainder calls it and moves r2:r3.
#[test]
fn returned_i64_quotient_tail_calls_aeabi_divmod() {
    use synth_ir::float::Libcall;
    use synth_ir::RuntimeFunc;
    for (rf, tail) in [(RuntimeFunc::I64DivU, true), (RuntimeFunc::I64DivS, true), (RuntimeFunc::I64RemU, false)] {
        let mut b = FunctionBuilder::new("f", sig(&[I64, I64], &[I64]));
        let p = b.block_params(Block0).to_vec();
        let q = b.inst(InstKind::Call { callee: Callee::Runtime(rf), sig: sig(&[I64, I64], &[I64]), args: vec![p[0], p[1]] }, &[I64])[0];
        b.terminate(Terminator::Return(vec![q]));
        let vc = lower_ok(&b.finish());
        let tails = count(&vc, |i| {
            matches!(i, MachInst::TailCall { sym: SymbolRef::Libcall(Libcall::ULDivMod | Libcall::LDivMod), .. })
        });
        assert_eq!((tails, count(&vc, |i| matches!(i, MachInst::Call { .. }))), if tail { (1, 0) } else { (0, 1) }, "{rf:?}");
    }
}
