//! End-to-end: `x & (2^w - 1)` and `(y >> k) & (2^w - 1)` selected as
//! `UBFX`/`UXTB`/`UXTH` (or an ordinary `AND` where that is as short),
//! executed in unicorn against Rust reference semantics over every shift
//! kind, field position and width edge.

mod harness;

use harness::{build, run, samples32, Call};
use synth_ir::*;
use Type::I32;

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature { params: params.to_vec(), results: results.to_vec() }
}

/// `(x sh k) & mask` (`sh` = `None`: `x & mask`), the mask on the left
/// when `mask_lhs`. When `shift_reused`, the shifted value is also added
/// to the result so it cannot be folded.
fn masked(sh: Option<(BinaryOp, i64)>, mask: u32, mask_lhs: bool, shift_reused: bool) -> Function {
    let mut b = FunctionBuilder::new("masked", sig(&[I32], &[I32]));
    let x = b.block_params(Block(0))[0];
    let v = match sh {
        Some((op, k)) => {
            let kc = b.iconst(I32, k);
            b.binary(op, x, kc)
        }
        None => x,
    };
    let m = b.iconst(I32, i64::from(mask));
    let r = if mask_lhs { b.binary(BinaryOp::And, m, v) } else { b.binary(BinaryOp::And, v, m) };
    let r = if shift_reused { b.binary(BinaryOp::Add, r, v) } else { r };
    b.terminate(Terminator::Return(vec![r]));
    b.finish()
}

fn eval(sh: Option<(BinaryOp, i64)>, mask: u32, shift_reused: bool, x: u32) -> u32 {
    let v = match sh {
        Some((BinaryOp::ShrU, k)) => x.wrapping_shr(k as u32),
        Some((BinaryOp::ShrS, k)) => (x as i32).wrapping_shr(k as u32) as u32,
        Some((_, k)) => x.wrapping_shl(k as u32),
        None => x,
    };
    let r = v & mask;
    if shift_reused {
        r.wrapping_add(v)
    } else {
        r
    }
}

#[test]
fn masked_shifts_and_low_masks() {
    let shifts = [
        None,
        Some((BinaryOp::ShrU, 1)),
        Some((BinaryOp::ShrU, 6)),
        Some((BinaryOp::ShrU, 24)),
        Some((BinaryOp::ShrU, 31)),
        Some((BinaryOp::ShrU, 36)),
        Some((BinaryOp::ShrS, 4)),
        Some((BinaryOp::ShrS, 28)),
        Some((BinaryOp::Shl, 3)),
    ];
    let masks = [1u32, 0x3F, 0xFF, 0x1FF, 0xFFF, 0xFFFF, 0x1_FFFF, 0x7FFF_FFFF, 0xF0, u32::MAX];
    let mut funcs = Vec::new();
    let mut meta = Vec::new();
    for sh in shifts {
        for mask in masks {
            for (mask_lhs, reused) in [(false, false), (true, false), (false, true)] {
                funcs.push(masked(sh, mask, mask_lhs, reused));
                meta.push((sh, mask, mask_lhs, reused));
            }
        }
    }
    let l = build(&funcs);
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (f, &(sh, mask, _, reused)) in meta.iter().enumerate() {
        for x in samples32() {
            want.push(eval(sh, mask, reused, x));
            calls.push(Call { func: f, args: vec![x], ..Default::default() });
        }
    }
    let out = run(&l, &calls);
    for ((c, w), o) in calls.iter().zip(&want).zip(&out) {
        assert_eq!(o.r0, *w, "{:?} x {:#x}", meta[c.func], c.args[0]);
    }
}

/// `n` counted down by `step` to exactly 0 while `acc += n`, branching
/// back on `n != 0`: the decrement sets the flags and the branch uses
/// them (no compare). Many live values force high registers too.
fn countdown(step: i64, live: usize) -> Function {
    let mut b = FunctionBuilder::new("countdown", sig(&[I32], &[I32]));
    let n0 = b.block_params(Block(0))[0];
    let body = b.create_block();
    let exit = b.create_block();
    let mut params = vec![n0];
    let zero = b.iconst(I32, 0);
    for _ in 0..live {
        params.push(zero);
    }
    b.terminate(Terminator::Jump(BlockCall { block: body, args: params.clone() }));
    b.switch_to_block(body);
    let mut ps = Vec::new();
    for _ in 0..=live {
        ps.push(b.append_block_param(body, I32));
    }
    let k = b.iconst(I32, step);
    let n = b.binary(BinaryOp::Sub, ps[0], k);
    let mut next = vec![n];
    for (j, &p) in ps[1..].iter().enumerate() {
        let c = b.iconst(I32, j as i64 + 1);
        let t = b.binary(BinaryOp::Mul, ps[0], c);
        next.push(b.binary(BinaryOp::Add, p, t));
    }
    let z = b.iconst(I32, 0);
    let nz = b.compare(IntCC::Ne, n, z);
    b.branch(nz, BlockCall { block: body, args: next.clone() }, BlockCall { block: exit, args: vec![] });
    b.switch_to_block(exit);
    let mut acc = next[1];
    for &v in &next[2..] {
        acc = b.binary(BinaryOp::Xor, acc, v);
    }
    b.terminate(Terminator::Return(vec![acc]));
    b.finish()
}

fn countdown_eval(step: u32, live: usize, n0: u32) -> u32 {
    let mut n = n0;
    let mut acc = vec![0u32; live];
    loop {
        for (j, a) in acc.iter_mut().enumerate() {
            *a = a.wrapping_add(n.wrapping_mul(j as u32 + 1));
        }
        n = n.wrapping_sub(step);
        if n == 0 {
            break;
        }
    }
    acc[1..].iter().fold(acc[0], |x, &y| x ^ y)
}

#[test]
fn countdown_loops_branch_on_the_decrement_flags() {
    let cases = [(1i64, 2usize), (4, 2), (16, 12), (1, 12), (256, 12)];
    let funcs: Vec<Function> = cases.iter().map(|&(s, l)| countdown(s, l)).collect();
    let l = build(&funcs);
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (f, &(step, live)) in cases.iter().enumerate() {
        for m in [1u32, 2, 7, 40] {
            let n0 = m * step as u32;
            want.push(countdown_eval(step as u32, live, n0));
            calls.push(Call { func: f, args: vec![n0], ..Default::default() });
        }
    }
    let out = run(&l, &calls);
    for ((c, w), o) in calls.iter().zip(&want).zip(&out) {
        assert_eq!(o.r0, *w, "{:?} n0 {}", cases[c.func], c.args[0]);
    }
}
