//! Every VFP instruction form the assembler emits, checked against GNU
//! binutils: `arm-none-eabi-objdump` must disassemble each to the expected
//! text and `arm-none-eabi-as` must produce the same bytes, under
//! `-mcpu=cortex-m7 -mfpu=fpv5-d16` for all rows and under
//! `-mcpu=cortex-m4 -mfpu=fpv4-sp-d16` for the FPv4 rows.
//!
//! Each row is also assembled under every [`Fpu`]: the assembler must accept
//! it exactly when the FPU provides the instruction (with the same bytes
//! each time), and GNU as given the matching `-mfpu` must agree, except for
//! rows marked lenient: GNU as 2.40 accepts `VMAXNM`/`VMINNM.F32` and
//! `VCVTA/N/P/M .F32` for any M-profile FPU although they are FPv5 only, and
//! `VNMUL`/`VNMLA`/`VNMLS`/`VFMA`/`VFMS`/`VFNMA`/`VFNMS.F64` and
//! `VCMP(E).F64 #0.0` on single-precision FPUs although those have no `.F64`
//! data processing (ARMv7-M ARM A2.5: FPv4-SP is single-precision only).
//! Set `SYNTH_SKIP_ARM_TOOLS=1` to skip the GNU parts when the tools are
//! absent.

mod common;

use common::Cases;
use synth_thumb2_enc::{
    AsmError, Assembler, BlockMode, Code, Cond, DReg as D, FpReg, Fpu, Reg as R, Round, SReg as S, VfpOp2, VfpOp3,
};

type Build = Box<dyn Fn(&mut Assembler)>;

/// What an instruction needs from the FPU.
#[derive(Clone, Copy, Debug)]
struct Need {
    f64: bool,
    v5: bool,
}

fn accepts(fpu: Fpu, n: Need) -> bool {
    fpu != Fpu::None && (!n.f64 || fpu.has_f64()) && (!n.v5 || fpu.is_v5())
}

/// Each FPU with the GNU as options that select it.
const FPUS: [(Fpu, &[&str]); 4] = [
    (Fpu::None, &["-mcpu=cortex-m4", "-mfpu=softvfp"]),
    (Fpu::Fpv4SpD16, &["-mcpu=cortex-m4", "-mfpu=fpv4-sp-d16"]),
    (Fpu::Fpv5SpD16, &["-mcpu=cortex-m7", "-mfpu=fpv5-sp-d16"]),
    (Fpu::Fpv5D16, &["-mcpu=cortex-m7", "-mfpu=fpv5-d16"]),
];

struct Row {
    /// objdump lines.
    expect: Vec<String>,
    /// GNU as source.
    gas: String,
    need: Need,
    /// GNU as accepts it on FPUs that lack it (see the module doc).
    gas_lenient: bool,
    build: Build,
}

#[derive(Default)]
struct Table {
    rows: Vec<Row>,
    need: Option<Need>,
}

impl Table {
    /// Rows added next need `need`.
    fn needs(&mut self, f64: bool, v5: bool) {
        self.need = Some(Need { f64, v5 });
    }
    /// Expected text (`/`-separated lines) is also the GNU as source.
    fn same(&mut self, expect: &str, f: impl Fn(&mut Assembler) + 'static) {
        self.src(expect, &expect.replace(" / ", "\n"), f);
    }
    /// Expected text and a different GNU as source.
    fn src(&mut self, expect: &str, gas: &str, f: impl Fn(&mut Assembler) + 'static) {
        let expect = expect.split(" / ").map(str::to_string).collect();
        let need = self.need.expect("needs() first");
        self.rows.push(Row { expect, gas: gas.to_string(), need, gas_lenient: false, build: Box::new(f) });
    }
    fn lenient(&mut self) {
        self.rows.last_mut().expect("row").gas_lenient = true;
    }
}

const S0: S = S(0);
const S1: S = S(1);
const S2: S = S(2);
const S15: S = S(15);
const S16: S = S(16);
const S30: S = S(30);
const S31: S = S(31);
const D0: D = D(0);
const D1: D = D(1);
const D2: D = D(2);
const D7: D = D(7);
const D8: D = D(8);
const D15: D = D(15);

const OP3: [(VfpOp3, &str, bool); 15] = [
    (VfpOp3::Add, "vadd", false),
    (VfpOp3::Sub, "vsub", false),
    (VfpOp3::Mul, "vmul", false),
    (VfpOp3::Nmul, "vnmul", false),
    (VfpOp3::Div, "vdiv", false),
    (VfpOp3::Mla, "vmla", false),
    (VfpOp3::Mls, "vmls", false),
    (VfpOp3::Nmla, "vnmla", false),
    (VfpOp3::Nmls, "vnmls", false),
    (VfpOp3::Fma, "vfma", false),
    (VfpOp3::Fms, "vfms", false),
    (VfpOp3::Fnma, "vfnma", false),
    (VfpOp3::Fnms, "vfnms", false),
    (VfpOp3::MaxNm, "vmaxnm", true),
    (VfpOp3::MinNm, "vminnm", true),
];

const OP2: [(VfpOp2, &str); 4] =
    [(VfpOp2::Mov, "vmov"), (VfpOp2::Abs, "vabs"), (VfpOp2::Neg, "vneg"), (VfpOp2::Sqrt, "vsqrt")];

const ROUNDS: [(Round, &str); 4] =
    [(Round::NearestAway, "a"), (Round::NearestEven, "n"), (Round::Plus, "p"), (Round::Minus, "m")];

fn n<Q: FpReg>(r: Q) -> String {
    r.name()
}

/// Three-operand rows over register triples, so that every operand field
/// sees low and high numbers in both halves of its split.
fn op3_rows<Q: FpReg + 'static>(t: &mut Table, triples: &[(Q, Q, Q)], sfx: &str) {
    use VfpOp3::*;
    for &(op, name, v5) in &OP3 {
        let list: &[(Q, Q, Q)] = if op == VfpOp3::Add { triples } else { &triples[..1] };
        for &(d, a, b) in list {
            t.needs(Q::DOUBLE, v5);
            t.same(&format!("{name}.{sfx} {}, {}, {}", n(d), n(a), n(b)), move |x| x.vfp_op3(op, d, a, b));
            let gas_lax_f64 = matches!(op, Nmul | Nmla | Nmls | Fma | Fms | Fnma | Fnms);
            if (v5 && !Q::DOUBLE) || (Q::DOUBLE && gas_lax_f64) {
                t.lenient();
            }
        }
    }
}

fn op2_rows<Q: FpReg + 'static>(t: &mut Table, pairs: &[(Q, Q)], sfx: &str) {
    t.needs(Q::DOUBLE, false);
    for &(op, name) in &OP2 {
        let list: &[(Q, Q)] = if op == VfpOp2::Mov { pairs } else { &pairs[..1] };
        for &(d, m) in list {
            t.same(&format!("{name}.{sfx} {}, {}", n(d), n(m)), move |x| x.vfp_op2(op, d, m));
        }
    }
    for &(d, m) in pairs {
        t.same(&format!("vcmp.{sfx} {}, {}", n(d), n(m)), move |x| x.vcmp(d, m));
        t.same(&format!("vcmpe.{sfx} {}, {}", n(m), n(d)), move |x| x.vcmpe(m, d));
        for (e, r) in [("", d), ("e", m)] {
            let f = move |x: &mut Assembler| if e.is_empty() { x.vcmp_zero(r) } else { x.vcmpe_zero(r) };
            t.same(&format!("vcmp{e}.{sfx} {}, #0.0", n(r)), f);
            if Q::DOUBLE {
                t.lenient();
            }
        }
    }
    // FPv5 rounding.
    for &(d, m) in pairs {
        t.needs(Q::DOUBLE, true);
        t.same(&format!("vrintz.{sfx} {}, {}", n(d), n(m)), move |x| x.vrint(Round::Zero, d, m));
        for (mode, l) in ROUNDS {
            t.same(&format!("vrint{l}.{sfx} {}, {}", n(d), n(m)), move |x| x.vrint(mode, d, m));
        }
    }
}

/// Float/int conversions from `.F32`/`.F64` register `q`.
fn cvt_int_rows<Q: FpReg + 'static>(t: &mut Table, pairs: &[(S, Q)], sfx: &str) {
    for &(sd, q) in pairs {
        t.needs(Q::DOUBLE, false);
        t.same(&format!("vcvt.s32.{sfx} {}, {}", n(sd), n(q)), move |x| x.vcvt_to_int(Round::Zero, true, sd, q));
        t.same(&format!("vcvt.u32.{sfx} {}, {}", n(sd), n(q)), move |x| x.vcvt_to_int(Round::Zero, false, sd, q));
        t.same(&format!("vcvt.{sfx}.s32 {}, {}", n(q), n(sd)), move |x| x.vcvt_from_int(true, q, sd));
        t.same(&format!("vcvt.{sfx}.u32 {}, {}", n(q), n(sd)), move |x| x.vcvt_from_int(false, q, sd));
        t.needs(Q::DOUBLE, true);
        for (mode, l) in ROUNDS {
            for (signed, ty) in [(true, "s32"), (false, "u32")] {
                t.same(&format!("vcvt{l}.{ty}.{sfx} {}, {}", n(sd), n(q)), move |x| x.vcvt_to_int(mode, signed, sd, q));
                if !Q::DOUBLE {
                    t.lenient();
                }
            }
        }
    }
}

fn single_rows(t: &mut Table) {
    op3_rows(t, &[(S0, S1, S31), (S1, S15, S16), (S16, S31, S0), (S31, S16, S15), (S15, S0, S1)], "f32");
    op2_rows(t, &[(S0, S31), (S31, S16), (S15, S1), (S16, S0)], "f32");
    cvt_int_rows(t, &[(S0, S31), (S31, S16), (S16, S15), (S15, S0)], "f32");
    t.needs(false, false);
    for (s, v, imm8) in [(S0, 1.0f32, 112), (S31, -31.0, 191), (S16, 0.125, 64), (S15, -1.9375, 255), (S1, 0.1875, 72)] {
        let text = format!("vmov.f32 {}, #{imm8}", n(s));
        t.src(&text, &format!("vmov.f32 {}, #{v:?}", n(s)), move |x| assert!(x.vmov_imm_f32(s, v)));
    }
    // Core register transfers (FPv4 has the D-register forms too).
    t.same("vmov s0, r1", |x| x.vmov_to_s(S0, R(1)));
    t.same("vmov s31, ip", |x| x.vmov_to_s(S31, R(12)));
    t.same("vmov s16, lr", |x| x.vmov_to_s(S16, R::LR));
    t.same("vmov s15, r8", |x| x.vmov_to_s(S15, R(8)));
    t.same("vmov r1, s31", |x| x.vmov_from_s(R(1), S31));
    t.same("vmov r8, s1", |x| x.vmov_from_s(R(8), S1));
    t.same("vmov lr, s16", |x| x.vmov_from_s(R::LR, S16));
    t.same("vmov r0, s0", |x| x.vmov_from_s(R(0), S0));
    t.same("vmov d0, r0, r1", |x| x.vmov_to_d(D0, R(0), R(1)));
    t.same("vmov d15, ip, lr", |x| x.vmov_to_d(D15, R(12), R::LR));
    t.same("vmov d7, r3, r2", |x| x.vmov_to_d(D7, R(3), R(2)));
    t.same("vmov r0, r1, d15", |x| x.vmov_from_d(R(0), R(1), D15));
    t.same("vmov lr, r8, d7", |x| x.vmov_from_d(R::LR, R(8), D7));
    t.same("vmov r2, r3, d0", |x| x.vmov_from_d(R(2), R(3), D0));
    t.same("vmov s0, s1, r0, r1", |x| x.vmov_to_ss(S0, R(0), R(1)));
    t.same("vmov s30, s31, r2, r3", |x| x.vmov_to_ss(S30, R(2), R(3)));
    t.same("vmov s15, s16, r8, r9", |x| x.vmov_to_ss(S15, R(8), R(9)));
    t.same("vmov r0, r1, s30, s31", |x| x.vmov_from_ss(R(0), R(1), S30));
    t.same("vmov r4, lr, s1, s2", |x| x.vmov_from_ss(R(4), R::LR, S1));
    t.same("vmov ip, r5, s16, s17", |x| x.vmov_from_ss(R(12), R(5), S16));
    t.same("vmrs APSR_nzcv, fpscr", |x| x.vmrs_apsr());
    t.same("vmrs r0, fpscr", |x| x.vmrs(R(0)));
    t.same("vmrs lr, fpscr", |x| x.vmrs(R::LR));
    t.same("vmsr fpscr, ip", |x| x.vmsr(R(12)));
    t.same("vmsr fpscr, r1", |x| x.vmsr(R(1)));
    memory_rows(t);
    // Inside IT blocks the FPv4 instructions take the condition.
    t.same("ite gt / vaddgt.f32 s0, s1, s2 / vsuble.f32 s31, s16, s15", |x| {
        x.it(Cond::Gt, "e");
        x.vfp_op3(VfpOp3::Add, S0, S1, S2);
        x.vfp_op3(VfpOp3::Sub, S31, S16, S15);
    });
    t.same("ittt ne / vldrne s0, [r0, #4] / vcmpne.f32 s0, #0.0 / vmrsne APSR_nzcv, fpscr", |x| {
        x.it(Cond::Ne, "tt");
        x.vldr(S0, R(0), 4);
        x.vcmp_zero(S0);
        x.vmrs_apsr();
    });
    t.same("it mi / vmovmi r0, s1", |x| {
        x.it(Cond::Mi, "");
        x.vmov_from_s(R(0), S1);
    });
    t.same("it lt / vcvtlt.s32.f32 s0, s1", |x| {
        x.it(Cond::Lt, "");
        x.vcvt_to_int(Round::Zero, true, S0, S1);
    });
}

fn memory_rows(t: &mut Table) {
    t.needs(false, false);
    t.same("vldr s0, [r0]", |x| x.vldr(S0, R(0), 0));
    t.same("vldr s1, [r1, #4]", |x| x.vldr(S1, R(1), 4));
    t.same("vldr s31, [sp, #1020]", |x| x.vldr(S31, R::SP, 1020));
    t.same("vldr s16, [ip, #-1020]", |x| x.vldr(S16, R(12), -1020));
    t.same("vldr s15, [lr, #-4]", |x| x.vldr(S15, R::LR, -4));
    t.same("vldr s2, [pc, #8]", |x| x.vldr(S2, R::PC, 8));
    t.same("vstr s0, [r0]", |x| x.vstr(S0, R(0), 0));
    t.same("vstr s31, [r1, #4]", |x| x.vstr(S31, R(1), 4));
    t.same("vstr s16, [sp, #1020]", |x| x.vstr(S16, R::SP, 1020));
    t.same("vstr s15, [r8, #-1020]", |x| x.vstr(S15, R(8), -1020));
    t.same("vldr d0, [r0]", |x| x.vldr(D0, R(0), 0));
    t.same("vldr d15, [sp, #1020]", |x| x.vldr(D15, R::SP, 1020));
    t.same("vldr d7, [r3, #-1020]", |x| x.vldr(D7, R(3), -1020));
    t.same("vstr d8, [sp, #8]", |x| x.vstr(D8, R::SP, 8));
    t.same("vstr d15, [r9, #-4]", |x| x.vstr(D15, R(9), -4));
    t.same("vstr d0, [r0, #1020]", |x| x.vstr(D0, R(0), 1020));
    t.same("vpush {s16-s31}", |x| x.vpush(S16, 16));
    t.same("vpush {s0}", |x| x.vpush(S0, 1));
    t.same("vpush {s15-s16}", |x| x.vpush(S15, 2));
    t.same("vpush {d8-d15}", |x| x.vpush(D8, 8));
    t.same("vpush {d0-d15}", |x| x.vpush(D0, 16));
    t.same("vpop {s31}", |x| x.vpop(S31, 1));
    t.same("vpop {s0-s31}", |x| x.vpop(S0, 32));
    t.same("vpop {d8-d15}", |x| x.vpop(D8, 8));
    t.same("vpop {d15}", |x| x.vpop(D15, 1));
    // The frame's saves of callee-saved s16-s31: `vpush {d8-d[7+n]}` / `vpop`, n = 1..8
    // (d8-d15 above).
    t.same("vpush {d8}", |x| x.vpush(D8, 1));
    t.same("vpush {d8-d9}", |x| x.vpush(D8, 2));
    t.same("vpush {d8-d10}", |x| x.vpush(D8, 3));
    t.same("vpush {d8-d11}", |x| x.vpush(D8, 4));
    t.same("vpush {d8-d14}", |x| x.vpush(D8, 7));
    t.same("vpop {d8}", |x| x.vpop(D8, 1));
    t.same("vpop {d8-d9}", |x| x.vpop(D8, 2));
    t.same("vpop {d8-d10}", |x| x.vpop(D8, 3));
    t.same("vpop {d8-d12}", |x| x.vpop(D8, 5));
    t.same("vpop {d8-d13}", |x| x.vpop(D8, 6));
    t.same("vldmia r0!, {s0-s3}", |x| x.vldm(BlockMode::IaWriteback, R(0), S0, 4));
    t.same("vldmia r0, {d0-d3}", |x| x.vldm(BlockMode::Ia, R(0), D0, 4));
    t.same("vldmdb r2!, {s15-s16}", |x| x.vldm(BlockMode::DbWriteback, R(2), S15, 2));
    t.same("vstmdb r1!, {d0-d1}", |x| x.vstm(BlockMode::DbWriteback, R(1), D0, 2));
    t.same("vstmia ip, {s31}", |x| x.vstm(BlockMode::Ia, R(12), S31, 1));
    t.same("vstmia lr!, {d7-d15}", |x| x.vstm(BlockMode::IaWriteback, R::LR, D7, 9));
    t.same("vpush {d1-d2}", |x| x.vstm(BlockMode::DbWriteback, R::SP, D1, 2));
}

fn double_rows(t: &mut Table) {
    op3_rows(t, &[(D0, D7, D15), (D7, D15, D0), (D15, D0, D7), (D1, D8, D2)], "f64");
    op2_rows(t, &[(D0, D15), (D15, D7), (D7, D0)], "f64");
    cvt_int_rows(t, &[(S0, D15), (S31, D0), (S16, D7), (S15, D8)], "f64");
    t.needs(true, false);
    for (d, v, imm8) in [(D0, 1.0f64, 112), (D15, -31.0, 191), (D7, 0.125, 64), (D8, 2.5, 4)] {
        let text = format!("vmov.f64 {}, #{imm8}", n(d));
        t.src(&text, &format!("vmov.f64 {}, #{v:?}", n(d)), move |x| assert!(x.vmov_imm_f64(d, v)));
    }
    for (d, s) in [(D0, S31), (D15, S0), (D7, S16), (D8, S15)] {
        t.same(&format!("vcvt.f64.f32 {}, {}", n(d), n(s)), move |x| x.vcvt_f64_f32(d, s));
        t.same(&format!("vcvt.f32.f64 {}, {}", n(s), n(d)), move |x| x.vcvt_f32_f64(s, d));
    }
    t.same("it gt / vaddgt.f64 d0, d1, d2", |x| {
        x.it(Cond::Gt, "");
        x.vfp_op3(VfpOp3::Add, D0, D1, D2);
    });
    t.needs(false, true);
    t.same("it eq / vrintzeq.f32 s0, s1", |x| {
        x.it(Cond::Eq, "");
        x.vrint(Round::Zero, S0, S1);
    });
}

fn assemble(fpu: Fpu, f: &Build) -> Result<Code, AsmError> {
    let mut a = Assembler::new();
    a.set_fpu(fpu);
    f(&mut a);
    a.finish()
}

#[test]
fn vfp_matches_gnu_binutils() {
    let mut t = Table::default();
    single_rows(&mut t);
    double_rows(&mut t);
    let rows = t.rows;
    let mut errors = Vec::new();
    let mut all = Cases::default();
    let mut fpv4 = Cases::default();
    for row in &rows {
        let name = row.expect.join(" / ");
        let mut bytes: Option<Vec<u8>> = None;
        for (fpu, _) in FPUS {
            match (accepts(fpu, row.need), assemble(fpu, &row.build)) {
                (true, Ok(code)) => {
                    assert!(code.relocs.is_empty() && code.data_ranges.is_empty());
                    match &bytes {
                        Some(b) if *b != code.bytes => errors.push(format!("[{name}] bytes differ under {fpu:?}")),
                        Some(_) => {}
                        None => bytes = Some(code.bytes),
                    }
                }
                (true, Err(e)) => errors.push(format!("[{name}] refused under {fpu:?}: {}", e.0)),
                (false, Ok(_)) => errors.push(format!("[{name}] accepted under {fpu:?}")),
                (false, Err(_)) => {}
            }
        }
        let Some(bytes) = bytes else { continue };
        let expect: Vec<&str> = row.expect.iter().map(String::as_str).collect();
        let gas = common::Gas::Src(row.gas.clone());
        if accepts(Fpu::Fpv4SpD16, row.need) {
            let gas = common::Gas::Src(row.gas.clone());
            fpv4.push(name.clone(), bytes.clone(), vec![], &expect, gas);
        }
        all.push(name, bytes, vec![], &expect, gas);
    }
    let single = rows.iter().filter(|r| accepts(Fpu::Fpv4SpD16, r.need)).count();
    assert!(errors.is_empty(), "{} problems:\n{}", errors.len(), errors.join("\n"));
    if !common::tools_available() {
        return;
    }
    let mut errors = common::check_objdump(&all.list);
    let (e, n_all) = common::check_gas_with(&all.list, FPUS[3].1);
    errors.extend(e.into_iter().map(|e| format!("gas fpv5-d16: {e}")));
    let (e, n_v4) = common::check_gas_with(&fpv4.list, FPUS[1].1);
    errors.extend(e.into_iter().map(|e| format!("gas fpv4-sp-d16: {e}")));
    assert_eq!((n_all, n_v4), (rows.len(), single));
    // GNU as accepts and refuses as our assembler does, FPU by FPU.
    let sources: Vec<String> = rows.iter().map(|r| r.gas.clone()).collect();
    let mut compared = 0;
    for (fpu, opts) in FPUS {
        let rejected = common::gas_rejects(&sources, opts);
        for (row, rejected) in rows.iter().zip(rejected) {
            let ours = accepts(fpu, row.need);
            if row.gas_lenient && !ours {
                continue;
            }
            compared += 1;
            if rejected == ours {
                errors.push(format!("[{}] under {fpu:?}: GNU as rejects: {rejected}, we accept: {ours}", row.gas));
            }
        }
    }
    eprintln!(
        "VFP: {} rows checked with objdump, {n_all} byte-for-byte against GNU as (fpv5-d16), {n_v4} against \
         fpv4-sp-d16; {compared} accept/refuse verdicts agree with GNU as across 4 FPUs",
        all.list.len()
    );
    assert!(errors.is_empty(), "{} mismatches:\n{}", errors.len(), errors.join("\n"));
}
