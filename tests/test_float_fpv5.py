"""FPv5 on the FPU, proven by execution on unicorn's Cortex-M7 (``--target cortex-m7``):
``--fpu fpv5-d16`` computes f64 arithmetic, sqrt, comparisons, i32/f32 conversions,
trunc_sat f64->i32 and floor/ceil/trunc/nearest with double-precision VFP instructions,
and FPv5's VRINT rounds f32 (``fpv5-sp-d16`` and ``fpv5-d16``). The float test programs
run against wasmtime in that configuration while a hook counts the double-precision VFP
instructions executed and the soft-float double functions entered; the spec's float files
run in the same configuration."""

import glob
import os
import struct

import pytest
import unicorn
import unicorn.arm_const as A

from harness import configs, differential
from harness.uc_image import cortex_m

HERE = os.path.dirname(os.path.abspath(__file__))
FLOAT_PROGRAMS = sorted(glob.glob(os.path.join(HERE, "programs", "float_*.wat")))
M7_D16 = configs.get("m7-fpv5d16-hard")


def test_the_emulated_cortex_m7_executes_double_precision_and_vrint():
    """unicorn's Cortex-M7 has a double-precision FPv5 FPU: vmov d0, r0, r1;
    vadd.f64 d1, d0, d0; vmov r2, r3, d1; vrintm.f64 d2, d0; vmov r4, r5, d2."""
    uc = cortex_m("cortex-m7")
    assert uc.ctl_get_cpu_model() == A.UC_CPU_ARM_CORTEX_M7
    uc.mem_map(0x1000, 0x1000)
    code = struct.pack("<11H", 0xEC41, 0x0B10, 0xEE30, 0x1B00, 0xEC53, 0x2B11,
                       0xFEBB, 0x2B40, 0xEC55, 0x4B12, 0xBF00)
    uc.mem_write(0x1000, code)
    bits = struct.unpack("<Q", struct.pack("<d", -1.5))[0]
    uc.reg_write(A.UC_ARM_REG_R0, bits & 0xFFFFFFFF)
    uc.reg_write(A.UC_ARM_REG_R1, bits >> 32)
    uc.emu_start(0x1001, 0x1000 + len(code) - 2)

    def f64(lo, hi):
        return struct.unpack("<d", struct.pack("<Q", uc.reg_read(lo) | uc.reg_read(hi) << 32))[0]
    assert f64(A.UC_ARM_REG_R2, A.UC_ARM_REG_R3) == -3.0
    assert f64(A.UC_ARM_REG_R4, A.UC_ARM_REG_R5) == -2.0


def _count_vfp(emu):
    """Hook counting executed VFP data-processing instructions (CDP space of coprocessors
    10/11, the ARMv8 0xFExx forms included; not transfers or VMRS, whose bit 4 is set):
    ``double`` those with sz = 1 (.F64, VCVT from f64) and VCVT.F64.F32, ``vrint`` the
    VRINTs, and the
    soft-float double functions and rounding helpers entered."""
    seen = {"double": 0, "vrint": 0, "soft": set()}
    soft = {emu.image.address(n): n for n in emu.image.symbols
            if n.startswith("__aeabi_d") or
            n.startswith("__") and n.endswith(("_floor", "_ceil", "_trunc", "_nearest", "f64_sqrt"))}

    def on_code(uc, address, size, _data):
        if address in soft:
            seen["soft"].add(soft[address])
        if size == 4:
            hw1, hw2 = struct.unpack("<2H", uc.mem_read(address, 4))
            if (hw1 & 0xEF00) == 0xEE00 and (hw2 & 0x0E10) == 0x0A00:
                if hw2 & 0x0100 or (hw1 & 0xFFBF) == 0xEEB7:  # sz = 1, or VCVT.F64.F32
                    seen["double"] += 1
                if (hw1 & 0xFFBE) == 0xEEB6 and (hw2 & 0x0FD0) in (0x0AC0, 0x0BC0) or \
                        (hw1 & 0xFFBC) == 0xFEB8 and (hw2 & 0x0ED0) == 0x0A40:
                    seen["vrint"] += 1
    emu.uc.hook_add(unicorn.UC_HOOK_CODE, on_code)
    return seen


#: Exports whose f64 (or rounding) work the FPU does, with inputs covering NaN, ±0, ±inf,
#: ties and the truncation boundaries.
NAN, NEG0, INF = 0x7FF8000000000001, 0x8000000000000000, 0x7FF0000000000000
D = {x: struct.unpack("<Q", struct.pack("<d", x))[0] for x in (1.0, 2.0, 2.5, -2.5, -0.5, 4294967295.5, -1.0)}
ON_THE_FPU = [
    ("float_arith.wat", "f64_add", [(D[1.0], D[2.0]), (NAN, D[1.0]), (INF, INF | NEG0)]),
    ("float_arith.wat", "f64_div", [(D[1.0], D[2.0]), (D[1.0], NEG0), (NEG0, 0)]),
    ("float_arith.wat", "f64_cmp", [(D[1.0], NAN), (NEG0, 0), (D[2.0], D[1.0])]),
    ("float_arith.wat", "harmonic64", [(7,)]),
    ("float_arith.wat", "horner64", None),
    ("float_helpers.wat", "f64_sqrt", [(D[2.0],), (D[-1.0],), (NEG0,), (NAN,)]),
    ("float_helpers.wat", "f64_round", [(D[2.5],), (D[-2.5],), (D[-0.5],), (NAN,), (INF,)]),
    ("float_helpers.wat", "f32_round", [(0x40200000,), (0xC0200000,), (0xBF000000,), (0x7FC00001,)]),
    ("float_helpers.wat", "sat32", [(D[4294967295.5],), (D[-2.5],), (NAN,), (INF,)]),
    ("float_helpers.wat", "i32_trunc_f64_u", [(D[4294967295.5],), (D[-0.5],), (NAN,)]),
    ("float_convert.wat", "f64_from_i32_u", [(0xFFFFFFFF,), (0,), (-1,)]),
    ("float_convert.wat", "promote", [(0x7FA00001,), (0x00000001,), (0xFF800000,)]),
    ("float_convert.wat", "demote", [(NAN,), (0x7FF0000020000001,), (0x3FF0000010000000,), (1,)]),
]


@pytest.mark.parametrize("program", sorted({p for p, _, _ in ON_THE_FPU}))
def test_fpv5_d16_computes_f64_on_the_fpu(program, tmp_path):
    """Each export runs double-precision VFP instructions (VRINT for the roundings), never
    enters a soft-float double function or rounding helper, and agrees with wasmtime bit
    for bit (NaNs by the spec's canonical/arithmetic rule, as the harness compares)."""
    target = differential.Target(os.path.join(HERE, "programs", program), str(tmp_path), config=M7_D16)
    assert target.emu.uc.ctl_get_cpu_model() == A.UC_CPU_ARM_CORTEX_M7
    seen = _count_vfp(target.emu)
    for _, name, inputs in [row for row in ON_THE_FPU if row[0] == program]:
        if inputs is None:
            sig = next(s for s in target.info.exports if s.name == name)
            inputs = differential.generate_args(sig.params, 1)[:4]
        before = dict(seen, soft=set(seen["soft"]))
        for args in inputs:
            expected, actual = target.compare(name, args)
            assert expected.key() == actual.key(), (name, args, expected.describe(), actual.describe())
        assert seen["double"] > before["double"] or "f32" in name, "%s ran no .F64 instruction" % name
        if "round" in name:
            assert seen["vrint"] >= before["vrint"] + 4 * len(inputs), "%s ran no VRINT" % name
    assert not seen["soft"], "soft-float functions executed: %s" % sorted(seen["soft"])


def test_fpv5_sp_rounds_f32_with_vrint_and_f64_in_software(tmp_path):
    """``fpv5-sp-d16``: f32 rounding is VRINT, f64 stays in software (no .F64 executed)."""
    target = differential.Target(os.path.join(HERE, "programs", "float_helpers.wat"), str(tmp_path),
                                 extra_args=("--target", "cortex-m7", "--fpu", "fpv5-sp-d16", "--float-abi", "hard"))
    seen = _count_vfp(target.emu)
    for args in [(0x40200000,), (0xBF000000,), (0x7FC00001,)]:
        expected, actual = target.compare("f32_round", args)
        assert expected.key() == actual.key(), (args, expected.describe(), actual.describe())
    assert seen["vrint"] == 12 and seen["double"] == 0, seen
    expected, actual = target.compare("f64_round", (D[2.5],))
    assert expected.key() == actual.key()
    assert seen["double"] == 0 and any(n.endswith("f64_nearest") for n in seen["soft"]), seen


@pytest.mark.parametrize("path", FLOAT_PROGRAMS, ids=[os.path.basename(p)[:-4] for p in FLOAT_PROGRAMS])
def test_float_program_on_fpv5_d16(path, tmp_path):
    """Every float test program, all exports, against wasmtime on the Cortex-M7 FPU."""
    report = differential.run_module(path, str(tmp_path), seed_name=os.path.basename(path), config=M7_D16)
    assert report.exports > 0 and report.calls > 0
    shown = "\n".join("  " + str(m) for m in report.mismatches[:25])
    assert not report.mismatches, "%d of %d calls differ:\n%s" % (len(report.mismatches), report.calls, shown)


FPV5_SPEC_SUBSET = ["f32", "f32_cmp", "f32_bitwise", "f64", "f64_cmp", "f64_bitwise", "conversions", "float_exprs",
                    "float_misc", "float_memory", "float_literals"]


def test_spec_float_subset_on_fpv5_d16(monkeypatch):
    """The spec's float files (float_exprs with its 8-operand dot products too) on the Cortex-M7
    with --fpu fpv5-d16 --float-abi hard: f64
    and the roundings on the FPU, results compared bit for bit; nothing skipped."""
    import sys
    sys.path.insert(0, os.path.join(HERE, "spec"))
    import runner
    if not os.path.isdir(runner.DEFAULT_TESTSUITE):
        pytest.skip("no testsuite at %s" % runner.DEFAULT_TESTSUITE)
    monkeypatch.setenv("SYNTH_SPEC_TARGET", "cortex-m7")
    monkeypatch.setenv("SYNTH_SPEC_ARGS", "--fpu fpv5-d16 --float-abi hard")
    total = runner.run_subset(FPV5_SPEC_SUBSET)
    print("spec on cortex-m7 fpv5-d16 (%d files): %s" % (len(FPV5_SPEC_SUBSET), total))
    assert set(total) <= {"pass", "fail"}, total
    assert total.get("fail", 0) == 0 and total.get("pass", 0) > 12000, total
