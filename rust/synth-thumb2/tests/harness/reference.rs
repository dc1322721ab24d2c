//! Expected values for end-to-end calls, taken from the project's reference
//! interpreter (`synth_ir::interp`) so the e2e tests do not re-derive wasm
//! integer semantics: each test runs the same IR function in the interpreter
//! and in unicorn and compares.
//!
//! Takes: an IR [`Function`] and IR argument values. Returns: the [`Call`]
//! that passes them in r0-r3 as AAPCS does, with the interpreter's results.

use super::{Call, Outcome};
use synth_ir::interp::{Exit, Machine};
use synth_ir::{Block, Function, FunctionBuilder, InstKind, IntCC, Signature, Terminator, Type, UnaryOp};

/// Every integer condition code.
pub const CCS: [IntCC; 10] = [
    IntCC::Eq,
    IntCC::Ne,
    IntCC::LtS,
    IntCC::LtU,
    IntCC::GtS,
    IntCC::GtU,
    IntCC::LeS,
    IntCC::LeU,
    IntCC::GeS,
    IntCC::GeU,
];

/// A signature from parameter and result types.
pub fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature { params: params.to_vec(), results: results.to_vec() }
}

/// f(x) = op x, on values of type `ty`.
pub fn unary_func(op: UnaryOp, ty: Type) -> Function {
    let mut b = FunctionBuilder::new(format!("{op:?}"), sig(&[ty], &[ty]));
    let x = b.block_params(Block(0))[0];
    let v = b.inst1(InstKind::Unary { op, ty, arg: x }, ty);
    b.terminate(Terminator::Return(vec![v]));
    b.finish()
}

/// Every function index below `n` with every argument list of `args`.
pub fn every(n: usize, args: &[Vec<u64>]) -> Vec<(usize, Vec<u64>)> {
    (0..n).flat_map(|k| args.iter().map(move |a| (k, a.clone()))).collect()
}

/// Every argument list `[a, b]` with `a` from `xs` and `b` from `ys`.
pub fn pairs(xs: &[u64], ys: &[u64]) -> Vec<Vec<u64>> {
    xs.iter().flat_map(|&a| ys.iter().map(move |&b| vec![a, b])).collect()
}

/// i32 values as IR values.
pub fn u64s(xs: impl IntoIterator<Item = u32>) -> Vec<u64> {
    xs.into_iter().map(|x| x as u64).collect()
}

/// Splits an i64 into its (low, high) words.
pub fn split(x: u64) -> [u32; 2] {
    [x as u32, (x >> 32) as u32]
}

/// Joins (low, high) words into an i64.
pub fn join(lo: u32, hi: u32) -> u64 {
    lo as u64 | (hi as u64) << 32
}

/// The call of `funcs[func]` (= `f`) with IR argument values `args` (an
/// i32 in the low 32 bits), laid out in r0-r3 as AAPCS does (an i64 in an
/// even-aligned register pair, low word first), and the interpreter's
/// results. `None` when the IR leaves the result undefined (division by
/// zero or signed overflow reaching a `Binary` op): such inputs are not
/// run. Panics on any other interpreter exit, so no case is dropped silently.
pub fn expect(f: &Function, func: usize, args: &[u64]) -> Option<(Call, Vec<u64>)> {
    let results = match Machine::new().run_simple(f, args) {
        Ok(r) => r,
        Err(Exit::Undefined(_)) => return None,
        Err(e) => panic!("reference interpreter stopped on {}{args:x?}: {e:?}", f.name),
    };
    let mut regs = Vec::new();
    for (&ty, &v) in f.sig.params.iter().zip(args) {
        match ty.bits_type() {
            Type::I32 | Type::F32 => regs.push(v as u32),
            Type::I64 | Type::F64 => {
                if regs.len() % 2 == 1 {
                    regs.push(0);
                }
                regs.extend(split(v));
            }
        }
    }
    assert!(regs.len() <= 4, "{}: arguments beyond r0-r3 are not laid out here", f.name);
    Some((Call { func, args: regs, ..Default::default() }, results))
}

/// The single result of type `ty` a call returned (an i64 in r0:r1).
pub fn returned(o: &Outcome, ty: Type) -> u64 {
    if ty.bytes() == 4 {
        o.r0 as u64
    } else {
        join(o.r0, o.r1)
    }
}

/// Runs every `(function index, IR arguments)` case of `funcs` (each
/// returning one value) in the interpreter and in unicorn, asserts they
/// agree, and returns (and prints) how many cases ran (undefined ones are
/// skipped).
pub fn check_against_interpreter(funcs: &[Function], cases: impl IntoIterator<Item = (usize, Vec<u64>)>) -> usize {
    let l = super::build(funcs);
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (k, args) in cases {
        if let Some((call, results)) = expect(&funcs[k], k, &args) {
            calls.push(call);
            want.push((k, args, results));
        }
    }
    let out = super::run(&l, &calls);
    assert_eq!(out.len(), calls.len());
    for ((k, args, results), o) in want.iter().zip(&out) {
        let f = &funcs[*k];
        assert_eq!(f.sig.results.len(), 1, "{}: one result expected", f.name);
        assert_eq!(returned(o, f.sig.results[0]), results[0], "{}{args:x?}", f.name);
    }
    println!("{} cases", calls.len());
    calls.len()
}

/// Literal spot checks, independent of the interpreter: case `k` calls
/// `funcs[k]` with IR arguments and must return the literal value, both in
/// the interpreter and on the backend, so a bug the two share still fails.
pub fn spot_check(funcs: &[Function], cases: impl IntoIterator<Item = (Vec<u64>, u64)>) {
    let mut calls = Vec::new();
    let mut want = Vec::new();
    for (k, (args, lit)) in cases.into_iter().enumerate() {
        let f = &funcs[k];
        let (call, results) = expect(f, k, &args).unwrap_or_else(|| panic!("{}{args:x?}: undefined", f.name));
        assert_eq!(results, [lit], "interpreter {}{args:x?}", f.name);
        calls.push(call);
        want.push((k, args, lit));
    }
    assert_eq!(calls.len(), funcs.len(), "one spot check per function");
    let out = super::run(&super::build(funcs), &calls);
    for ((k, args, lit), o) in want.iter().zip(&out) {
        assert_eq!(returned(o, funcs[*k].sig.results[0]), *lit, "backend {}{args:x?}", funcs[*k].name);
    }
}
