use super::*;
use Type::{F32, F64, I32, I64};

fn sig(params: &[Type], results: &[Type]) -> Signature {
    Signature { params: params.to_vec(), results: results.to_vec() }
}

/// Runs `order_core_moves`' output on registers holding their own number
/// and checks every destination got its source's original value and no
/// register outside the destinations and the scratch changed.
fn check_parallel(moves: &[(u8, u8)]) {
    let ordered = order_core_moves(moves, 12);
    let mut regs: Vec<u32> = (0..16).collect();
    for (s, d) in &ordered {
        regs[*d as usize] = regs[*s as usize];
    }
    for r in 0..16u8 {
        let want = match moves.iter().find(|(_, d)| *d == r) {
            Some((s, _)) => u32::from(*s),
            None if r == 12 => continue,
            None => u32::from(r),
        };
        assert_eq!(regs[r as usize], want, "r{r} after {ordered:?} for {moves:?}");
    }
}

#[test]
fn parallel_moves_respect_reads_and_break_cycles() {
    check_parallel(&[(0, 1), (1, 2), (2, 3)]);
    check_parallel(&[(0, 1), (1, 0)]);
    check_parallel(&[(0, 1), (1, 2), (2, 0), (3, 4)]);
    check_parallel(&[(0, 1), (0, 2), (2, 0)]);
    check_parallel(&[(5, 5), (1, 4), (4, 1)]);
    // A swap costs three moves through the scratch.
    assert_eq!(order_core_moves(&[(0, 1), (1, 0)], 12).len(), 3);
    // Every permutation of r0..r4 (with fan-in of fixed points skipped).
    let mut perm = [0u8, 1, 2, 3, 4];
    fn permutations(k: usize, p: &mut [u8; 5], f: &mut dyn FnMut(&[u8; 5])) {
        if k == p.len() {
            return f(p);
        }
        for i in k..p.len() {
            p.swap(k, i);
            permutations(k + 1, p, f);
            p.swap(k, i);
        }
    }
    let mut n = 0;
    permutations(0, &mut perm, &mut |p| {
        let moves: Vec<(u8, u8)> = p.iter().enumerate().map(|(i, s)| (*s, i as u8)).collect();
        check_parallel(&moves);
        n += 1;
    });
    assert_eq!(n, 120);
}

#[test]
fn export_plan_moves_vfp_arguments_to_core_registers() {
    // (f32 a, i32 b, f64 c) -> f32: hard s0, r0, d1; soft r0, r1, r2:r3.
    let p = plan(&sig(&[F32, I32, F64], &[F32]), ThunkKind::Export);
    assert_eq!(p.moves, vec![(Loc::S(0), Loc::Reg(0)), (Loc::Reg(0), Loc::Reg(1)), (Loc::D(1), Loc::Pair(2, 3))]);
    assert!(p.frame);
    assert_eq!(p.frame_bytes, 0);
    assert_eq!((p.target_ret.clone(), p.caller_ret.clone()), (Ret::R0Float, Ret::S0));
}

#[test]
fn import_plan_without_float_result_tail_calls() {
    // (i32, f32, i32) -> i32: soft r0, r1, r2; hard r0, s0, r1.
    let p = plan(&sig(&[I32, F32, I32], &[I32]), ThunkKind::Import);
    assert_eq!(p.moves, vec![(Loc::Reg(0), Loc::Reg(0)), (Loc::Reg(1), Loc::S(0)), (Loc::Reg(2), Loc::Reg(1))]);
    assert!(!p.frame);
}

#[test]
fn stack_arguments_on_either_side_need_a_frame() {
    // Soft: f64 r0:r1, f64 r2:r3, f64 stack 0, i32 stack 8; hard: d0, d1, d2, r0.
    let p = plan(&sig(&[F64, F64, F64, I32], &[]), ThunkKind::Export);
    assert_eq!(p.moves[2], (Loc::D(2), Loc::Stack(0, true)));
    assert_eq!(p.moves[3], (Loc::Reg(0), Loc::Stack(8, false)));
    assert!(p.frame);
    assert_eq!(p.frame_bytes, 16);
    // The other way round the stack slots are the sources.
    let q = plan(&sig(&[F64, F64, F64, I32], &[]), ThunkKind::Import);
    assert_eq!(q.moves[2], (Loc::Stack(0, true), Loc::D(2)));
    assert!(!q.frame, "nothing on the hard side's stack and no float result");
}

#[test]
fn hfa_results_go_through_a_buffer_or_r4() {
    let s = sig(&[F32, F32], &[F32, F32]);
    let p = plan(&s, ThunkKind::Export);
    // The soft function gets its struct address in r0, the floats move up.
    assert_eq!(p.moves, vec![(Loc::S(0), Loc::Reg(1)), (Loc::S(1), Loc::Reg(2)), (Loc::SpAddr(0), Loc::Reg(0))]);
    assert_eq!((p.hfa_buffer, p.frame_bytes), (Some(0), 8));
    assert_eq!(p.caller_ret, Ret::Hfa { ty: F32, offsets: vec![0, 4] });
    let q = plan(&s, ThunkKind::Import);
    assert_eq!(q.moves, vec![(Loc::Reg(1), Loc::S(0)), (Loc::Reg(2), Loc::S(1)), (Loc::Reg(0), Loc::Reg(4))]);
    assert_eq!(q.target_ret, Ret::Hfa { ty: F32, offsets: vec![0, 4] });
    // Mixed results are a struct in memory on both sides: r0 passes through.
    let m = plan(&sig(&[F32], &[F32, I32]), ThunkKind::Export);
    assert_eq!(m.moves, vec![(Loc::S(0), Loc::Reg(1))]);
    assert!(!m.frame);
}

fn fpu() -> Fpu {
    Fpu::Fpv4SpD16
}

fn target() -> RelocTarget {
    RelocTarget::ImportedFunc(0)
}

#[test]
fn f32_export_thunk_code() {
    let c = float_abi_thunk("f", &sig(&[F32], &[F32]), ThunkKind::Export, target(), fpu()).unwrap();
    // push {r4, lr}; vmov r0, s0; bl; vmov s0, r0; pop {r4, pc}
    // (arm-none-eabi-objdump: b510 ee10 0a10 f7ff fffe ee00 0a10 bd10).
    let want: Vec<u8> = [0xb510u16, 0xee10, 0x0a10, 0xf7ff, 0xfffe, 0xee00, 0x0a10, 0xbd10]
        .iter()
        .flat_map(|h| h.to_le_bytes())
        .collect();
    assert_eq!(c.code, want);
    assert_eq!(c.inst_count, 5);
    assert_eq!(c.relocs.len(), 1);
    assert_eq!((c.relocs[0].offset, c.relocs[0].kind), (6, synth_thumb2_enc::RelocKind::ThmCall));
    assert_eq!(c.relocs[0].target, target());
}

#[test]
fn tail_calling_thunk_is_a_move_and_a_branch() {
    // (f64) -> i32 import: vmov d0, r0, r1; b.w import.
    let c = float_abi_thunk("g", &sig(&[F64], &[I32]), ThunkKind::Import, target(), fpu()).unwrap();
    assert_eq!(c.inst_count, 2);
    assert_eq!(c.frame_bytes, 0);
    assert_eq!(c.relocs[0].kind, synth_thumb2_enc::RelocKind::ThmJump24);
}

#[test]
fn every_signature_shape_assembles_in_both_directions() {
    // A deterministic sweep of mixed signatures, including ones that
    // exhaust the VFP and core registers and every result shape.
    let tys = [I32, I64, F32, F64];
    let results: [&[Type]; 9] = [&[], &[I32], &[I64], &[F32], &[F64], &[F32; 4], &[F64, F64], &[F64, F32], &[I32, F64, I64]];
    let mut seed = 0x1234_5678u32;
    for n in 0..40 {
        let params: Vec<Type> = (0..n)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                tys[(seed >> 16) as usize % 4]
            })
            .collect();
        for r in results {
            for kind in [ThunkKind::Export, ThunkKind::Import] {
                let s = sig(&params, r);
                let c = float_abi_thunk("t", &s, kind, target(), fpu())
                    .unwrap_or_else(|e| panic!("{kind:?} {s:?}: {e}"));
                assert_eq!(c.relocs.len(), 1);
                assert!(c.code.len() % 2 == 0 && !c.code.is_empty());
            }
        }
    }
}

#[test]
fn stack_areas_beyond_reach_are_an_error_naming_the_function() {
    let s = sig(&[F64; 600], &[F64]);
    let e = float_abi_thunk("huge", &s, ThunkKind::Export, target(), fpu()).unwrap_err();
    assert_eq!(e.func, "huge");
    assert!(e.what.contains("float-ABI thunk") && e.what.contains("4095"), "{e}");
    // 150 doubles: over VLDR's 1020 bytes but within LDR's reach.
    let s = sig(&[F64; 150], &[F64; 4]);
    for kind in [ThunkKind::Export, ThunkKind::Import] {
        float_abi_thunk("big", &s, kind, target(), fpu()).unwrap();
    }
}

#[test]
fn no_fpu_is_refused_by_the_assembler() {
    let e = float_abi_thunk("f", &sig(&[F32], &[]), ThunkKind::Export, target(), Fpu::None).unwrap_err();
    assert!(e.what.contains("no FPU"), "{e}");
}
