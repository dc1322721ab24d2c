//! Operand-list tests: every pseudo declares EarlyDef where it must.
use super::*;
use synth_regalloc::{OperandKind, PReg};

fn v(n: u32) -> Reg {
    Reg::virt(n)
}

fn kinds(i: &MachInst) -> Vec<(Reg, OperandKind)> {
    i.operands().into_iter().map(|o| (o.reg, o.kind)).collect()
}

#[test]
fn rem_output_is_early_def() {
    let i = MachInst::Rem { signed: true, rd: v(2), rn: v(0), rm: v(1) };
    assert_eq!(
        kinds(&i),
        vec![(v(0), OperandKind::Use), (v(1), OperandKind::Use), (v(2), OperandKind::EarlyDef)]
    );
}

#[test]
fn add64_low_result_early_high_late() {
    let i = MachInst::AddSub64 {
        op: AddSub::Add,
        dlo: v(4),
        dhi: v(5),
        alo: v(0),
        ahi: v(1),
        blo: v(2),
        bhi: v(3),
    };
    let k = kinds(&i);
    assert!(k.contains(&(v(4), OperandKind::EarlyDef)));
    assert!(k.contains(&(v(5), OperandKind::Def)));
    assert_eq!(k.iter().filter(|(_, k)| *k == OperandKind::Use).count(), 4);
}

#[test]
fn mul64_both_results_early() {
    let i = MachInst::Mul64 { dlo: v(4), dhi: v(5), alo: v(0), ahi: v(1), blo: v(2), bhi: v(3) };
    let k = kinds(&i);
    assert!(k.contains(&(v(4), OperandKind::EarlyDef)));
    assert!(k.contains(&(v(5), OperandKind::EarlyDef)));
}

#[test]
fn shift64_first_written_result_is_early() {
    let mk = |op| MachInst::Shift64 {
        op,
        dlo: v(3),
        dhi: v(4),
        alo: v(0),
        ahi: v(1),
        n: v(2),
        t: v(5),
        t2: v(6),
    };
    let shl = kinds(&mk(Shift64Op::Shl));
    assert!(shl.contains(&(v(4), OperandKind::EarlyDef)));
    assert!(shl.contains(&(v(3), OperandKind::Def)));
    for op in [Shift64Op::ShrU, Shift64Op::ShrS] {
        let k = kinds(&mk(op));
        assert!(k.contains(&(v(3), OperandKind::EarlyDef)));
        assert!(k.contains(&(v(4), OperandKind::Def)));
        assert!(k.contains(&(v(5), OperandKind::EarlyDef)));
        assert!(k.contains(&(v(6), OperandKind::EarlyDef)));
    }
}

#[test]
fn rotl64_everything_written_is_early() {
    let i = MachInst::Rotl64 { dlo: v(3), dhi: v(4), alo: v(0), ahi: v(1), n: v(2), t: v(5), t2: v(6), u: v(7) };
    let k = kinds(&i);
    assert_eq!(k.iter().filter(|(_, k)| *k == OperandKind::EarlyDef).count(), 5);
    assert_eq!(k.iter().filter(|(_, k)| *k == OperandKind::Use).count(), 3);
}

#[test]
fn scratch_registers_are_early() {
    for i in [
        MachInst::ShiftMasked { op: ShiftOp::Lsl, rd: v(2), rn: v(0), rm: v(1), tmp: v(3) },
        MachInst::Rotl32 { rd: v(2), rn: v(0), rm: v(1), tmp: v(3) },
        MachInst::Popcnt { rd: v(2), rm: v(0), tmp: v(3) },
        MachInst::BoundsCheck { addr: v(0), end: 4, t: v(3), t2: None },
        MachInst::StackCheck { t: v(3) },
    ] {
        assert!(kinds(&i).contains(&(v(3), OperandKind::EarlyDef)), "{i:?}");
    }
    let bc = MachInst::BoundsCheck { addr: v(0), end: 70000, t: v(3), t2: Some(v(4)) };
    assert!(kinds(&bc).contains(&(v(4), OperandKind::EarlyDef)));
}

#[test]
fn map_regs_follows_operand_order() {
    let i = MachInst::CmpSelect { cc: Cond::Ne, rd: v(9), rn: v(0), rhs: Rhs::Reg(v(1)), t: v(2), f: v(3) };
    let ops = i.operands();
    let allocs: Vec<PReg> = (0..ops.len() as u8).map(|k| PReg(k + 4)).collect();
    let m = i.map_regs(&allocs);
    assert_eq!(
        m,
        MachInst::CmpSelect {
            cc: Cond::Ne,
            rd: Reg::phys(PReg(8)),
            rn: Reg::phys(PReg(4)),
            rhs: Rhs::Reg(Reg::phys(PReg(5))),
            t: Reg::phys(PReg(6)),
            f: Reg::phys(PReg(7)),
        }
    );
}

#[test]
fn call_clobbers_exclude_result_regs() {
    let c = MachInst::Call {
        target: CallTarget::Sym(SymbolRef::Func(1)),
        uses: vec![Reg::phys(PReg(0))],
        defs: vec![Reg::phys(PReg(0)), Reg::phys(PReg(1))],
    };
    let cl = c.clobbers();
    assert!(!cl.contains(PReg(0)) && !cl.contains(PReg(1)));
    for r in [2, 3, 12, 14] {
        assert!(cl.contains(PReg(r)));
    }
    assert!(!cl.contains(PReg(4)));
}
