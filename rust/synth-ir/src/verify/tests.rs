use super::*;
use crate::FunctionBuilder;

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature { params: params.to_vec(), results: results.to_vec() }
}

fn bc(block: Block, args: Vec<Value>) -> BlockCall {
    BlockCall { block, args }
}

/// Asserts `f` fails with exactly one error containing every `needle`.
fn expect_error(f: &Function, needles: &[&str]) {
    let errs = verify(f).expect_err("verifier accepted broken IR");
    assert_eq!(errs.len(), 1, "expected one error, got {errs:#?}");
    for n in needles {
        assert!(errs[0].message.contains(n), "error `{}` does not mention `{n}`", errs[0].message);
    }
}

/// A diamond: block0 branches to block1/block2, both jump to block3(x).
fn diamond() -> Function {
    let mut b = FunctionBuilder::new("diamond", sig(&[Type::I32], &[Type::I32]));
    let p = b.block_params(Function::ENTRY)[0];
    let b1 = b.create_block();
    let b2 = b.create_block();
    let b3 = b.create_block();
    let x = b.append_block_param(b3, Type::I32);
    b.branch(p, bc(b1, vec![]), bc(b2, vec![]));
    b.switch_to_block(b1);
    let one = b.iconst(Type::I32, 1);
    b.jump(b3, vec![one]);
    b.switch_to_block(b2);
    let two = b.binary(BinaryOp::Shl, p, p);
    b.jump(b3, vec![two]);
    b.switch_to_block(b3);
    let s = b.binary(BinaryOp::Add, x, p);
    b.terminate(Terminator::Return(vec![s]));
    b.finish()
}

/// A loop whose header is entered from the entry and the latch.
fn looping() -> Function {
    let mut b = FunctionBuilder::new("loop", sig(&[Type::I64], &[Type::I64]));
    let n = b.block_params(Function::ENTRY)[0];
    let head = b.create_block();
    let i = b.append_block_param(head, Type::I64);
    let body = b.create_block();
    let exit = b.create_block();
    b.jump(head, vec![n]);
    b.switch_to_block(head);
    let z = b.inst1(InstKind::Eqz { ty: Type::I64, arg: i }, Type::I32);
    b.branch(z, bc(exit, vec![]), bc(body, vec![]));
    b.switch_to_block(body);
    let one = b.iconst(Type::I64, 1);
    let i2 = b.binary(BinaryOp::Sub, i, one);
    b.jump(head, vec![i2]);
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![i]));
    b.finish()
}

#[test]
fn correct_functions_pass() {
    assert_eq!(verify(&diamond()), Ok(()));
    assert_eq!(verify(&looping()), Ok(()));
    // An unreachable block using an entry value is accepted.
    let mut f = diamond();
    f.blocks.push(BlockData { params: vec![], insts: vec![], term: Terminator::Return(vec![Value(0)]), term_loc: SrcLoc::NONE });
    assert_eq!(verify(&f), Ok(()));
}

#[test]
fn dominators_of_diamond_and_loop() {
    assert_eq!(dominators(&diamond()), vec![Some(0), Some(0), Some(0), Some(0)]);
    assert_eq!(dominators(&looping()), vec![Some(0), Some(0), Some(1), Some(1)]);
    assert_eq!(reverse_postorder(&looping())[0], 0);
}

#[test]
fn use_not_dominated_by_definition() {
    let mut f = diamond();
    // block3 returns v(one), defined only in block1.
    let one = f.blocks[1].insts[0].results[0];
    f.blocks[3].term = Terminator::Return(vec![one]);
    expect_error(&f, &["block3 terminator", "does not dominate", &format!("v{}", one.0)]);
}

#[test]
fn use_before_definition_in_same_block() {
    let mut f = diamond();
    // Swap so that the add in block3 comes... move block2's shl operand to its own result.
    let r = f.blocks[2].insts[0].results[0];
    if let InstKind::Binary { rhs, .. } = &mut f.blocks[2].insts[0].kind {
        *rhs = r;
    }
    expect_error(&f, &["block2 inst 0", "does not dominate"]);
}

#[test]
fn double_definition() {
    let mut f = diamond();
    let p = f.blocks[0].params[0];
    f.blocks[1].insts[0].results[0] = p;
    let errs = verify(&f).unwrap_err();
    assert!(errs.iter().any(|e| e.message.contains("redefines v0")), "{errs:#?}");
}

#[test]
fn binary_operand_types() {
    let mut b = FunctionBuilder::new("bad", sig(&[Type::I32, Type::I64], &[Type::I32]));
    let p = b.block_params(Function::ENTRY).to_vec();
    // Shift count of the wrong type.
    let r = b.inst1(InstKind::Binary { op: BinaryOp::Shl, ty: Type::I32, lhs: p[0], rhs: p[1] }, Type::I32);
    b.terminate(Terminator::Return(vec![r]));
    expect_error(&b.finish(), &["block0 inst 0", "ishl.i32 v0, v1", "v1 is i64 but i32 is required"]);
}

#[test]
fn result_type_mismatch() {
    let mut b = FunctionBuilder::new("bad", sig(&[Type::I32], &[Type::I64]));
    let p = b.block_params(Function::ENTRY)[0];
    // Compare result declared i64.
    let r = b.inst1(InstKind::Compare { cc: IntCC::Eq, ty: Type::I32, lhs: p, rhs: p }, Type::I64);
    b.terminate(Terminator::Return(vec![r]));
    expect_error(&b.finish(), &["block0 inst 0", "results are (i64)"]);
}

#[test]
fn convert_direction() {
    let mut b = FunctionBuilder::new("bad", sig(&[Type::I32], &[Type::I32]));
    let p = b.block_params(Function::ENTRY)[0];
    let r = b.inst1(InstKind::Convert { op: ConvertOp::Wrap, arg: p }, Type::I32);
    b.terminate(Terminator::Return(vec![r]));
    expect_error(&b.finish(), &["wrap v0", "v0 is i32 but i64 is required"]);
}

#[test]
fn load_store_kinds() {
    let mut b = FunctionBuilder::new("bad", sig(&[Type::I32], &[]));
    let p = b.block_params(Function::ENTRY)[0];
    b.load(Type::I32, LoadKind::U32, p, 0);
    b.terminate(Terminator::Return(vec![]));
    expect_error(&b.finish(), &["block0 inst 0", "requires an i64 result"]);

    let mut b = FunctionBuilder::new("bad", sig(&[Type::I32], &[]));
    let p = b.block_params(Function::ENTRY)[0];
    b.store(StoreKind::B32, p, p, 0);
    b.terminate(Terminator::Return(vec![]));
    expect_error(&b.finish(), &["store.b32", "requires an i64 value"]);
}

#[test]
fn conditions_must_be_i32() {
    let mut b = FunctionBuilder::new("bad", sig(&[Type::I64], &[]));
    let p = b.block_params(Function::ENTRY)[0];
    let t = b.create_block();
    b.branch(p, bc(t, vec![]), bc(t, vec![]));
    b.switch_to_block(t);
    b.terminate(Terminator::Return(vec![]));
    expect_error(&b.finish(), &["block0 terminator", "brif v0", "v0 is i64 but i32 is required"]);
}

#[test]
fn block_call_arguments() {
    let mut f = diamond();
    f.blocks[1].term = Terminator::Jump(bc(Block(3), vec![]));
    expect_error(&f, &["block1 terminator", "block3 takes 1 arguments, given 0"]);

    let mut f = looping();
    // Pass the i32 eqz result to the i64 header parameter.
    let z = f.blocks[1].insts[0].results[0];
    f.blocks[2].term = Terminator::Jump(bc(Block(1), vec![z]));
    let errs = verify(&f).unwrap_err();
    assert!(
        errs.iter().any(|e| e.message.contains("block2 terminator") && e.message.contains("is i32 but i64")),
        "{errs:#?}"
    );
}

#[test]
fn missing_target() {
    let mut f = diamond();
    f.blocks[1].term = Terminator::Jump(bc(Block(9), vec![]));
    expect_error(&f, &["block1 terminator", "block9 does not exist"]);
}

#[test]
fn return_values_and_entry_params() {
    let mut f = diamond();
    f.blocks[3].term = Terminator::Return(vec![]);
    expect_error(&f, &["block3 terminator", "returns 0 values, the signature has 1"]);

    let mut f = diamond();
    f.sig.params = vec![Type::I64];
    let errs = verify(&f).unwrap_err();
    assert!(errs[0].message.contains("entry block `block0(v0: i32):`"), "{errs:#?}");
}

#[test]
fn call_signature() {
    let mut b = FunctionBuilder::new("bad", sig(&[Type::I32], &[]));
    let p = b.block_params(Function::ENTRY)[0];
    let s = sig(&[Type::I64], &[Type::I32]);
    b.inst(InstKind::Call { callee: Callee::Func(0), sig: s, args: vec![p] }, &[Type::I32]);
    b.terminate(Terminator::Return(vec![]));
    expect_error(&b.finish(), &["call func0(v0)", "v0 is i32 but i64 is required"]);

    let mut b = FunctionBuilder::new("bad", sig(&[Type::I32], &[]));
    let p = b.block_params(Function::ENTRY)[0];
    let s = sig(&[Type::I32], &[Type::I32]);
    b.inst(InstKind::Call { callee: Callee::Runtime(RuntimeFunc::MemoryGrow), sig: s, args: vec![p] }, &[]);
    b.terminate(Terminator::Return(vec![]));
    expect_error(&b.finish(), &["runtime.memory_grow", "results are () but the instruction defines (i32)"]);
}

#[test]
fn undefined_value() {
    let mut f = diamond();
    f.value_types.push(Type::I32);
    let v = Value(f.value_types.len() as u32 - 1);
    f.blocks[3].term = Terminator::Return(vec![v]);
    expect_error(&f, &["block3 terminator", "is never defined"]);
}

#[test]
fn verify_or_text_includes_listing() {
    let mut f = diamond();
    f.blocks[3].term = Terminator::Return(vec![]);
    let text = verify_or_text(&f).unwrap_err();
    assert!(text.contains("function diamond(i32) -> i32 {"), "{text}");
    assert!(verify_or_text(&diamond()).is_ok());
}

/// Random CFGs (jumps, branches, tables, returns, self loops, unreachable
/// blocks, a target outside the function) and deep loop nests:
/// Lengauer-Tarjan agrees with the iterative reference.
#[test]
fn dominators_agree_with_the_iterative_reference() {
    let mut state = 0x2545_f491u32;
    let mut rnd = |bound: usize| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state as usize % bound
    };
    let call = |b: usize| bc(Block(b as u32), vec![]);
    for case in 0..400 {
        let n = 1 + rnd(if case < 300 { 12 } else { 60 });
        let mut b = FunctionBuilder::new("r", sig(&[Type::I32], &[]));
        for _ in 1..n {
            b.create_block();
        }
        b.terminate(Terminator::Return(vec![]));
        let mut f = b.finish();
        f.blocks.truncate(n);
        while f.blocks.len() < n {
            f.blocks.push(BlockData { params: vec![], insts: vec![], term: Terminator::Return(vec![]), term_loc: SrcLoc::NONE });
        }
        let p = Value(0);
        for k in 0..n {
            // Mostly forward edges (reachable blocks), some back edges.
            let (kind, count) = (rnd(5), rnd(4));
            let mut t = || if rnd(4) == 0 { rnd(n + 1) } else { (k + 1 + rnd(3)).min(n) };
            f.blocks[k].term = match kind {
                0 => Terminator::Return(vec![]),
                1 => Terminator::Jump(call(t())),
                2 => Terminator::BrTable { index: p, targets: (0..count).map(|_| call(t())).collect(), default: call(t()) },
                _ => Terminator::Branch { cond: p, then_dest: call(t()), else_dest: call(t()) },
            };
        }
        assert_eq!(dominators(&f), super::dom::dominators_iterative(&f), "case {case}: {:?}", f.blocks.iter().map(|b| &b.term).collect::<Vec<_>>());
    }
    // A nest of 300 loops, each header -> next header or its exit; latches
    // jump back: the shape that made the iterative algorithm quadratic.
    let depth = 300;
    let mut b = FunctionBuilder::new("nest", sig(&[Type::I32], &[]));
    let heads: Vec<Block> = (0..depth).map(|_| b.create_block()).collect();
    let latches: Vec<Block> = (0..depth).map(|_| b.create_block()).collect();
    let exit = b.create_block();
    b.jump(heads[0], vec![]);
    for k in 0..depth {
        b.switch_to_block(heads[k]);
        let inner = if k + 1 < depth { heads[k + 1] } else { latches[k] };
        b.jump(inner, vec![]);
        b.switch_to_block(latches[k]);
        let out = if k > 0 { latches[k - 1] } else { exit };
        b.branch(Value(0), bc(heads[k], vec![]), bc(out, vec![]));
    }
    b.switch_to_block(exit);
    b.terminate(Terminator::Return(vec![]));
    let f = b.finish();
    let d = dominators(&f);
    assert_eq!(d, super::dom::dominators_iterative(&f));
    assert_eq!(d[latches[0].0 as usize], Some(latches[1].0 as usize));
}
