"""``--float-abi hard`` proven by execution (docs/ABI.md, "Floating point"): the float test
programs run under the Cortex-M4 emulator through AAPCS-VFP (floats in s/d registers,
homogeneous float results in s0-s3/d0-d3, every unused register poisoned) against wasmtime,
linked with the hard-float libgcc; and the harness's AAPCS-VFP placement and synth's
thunks are both checked against C functions compiled by arm-none-eabi-gcc
``-mfloat-abi=hard``, called directly and as imports of a synth module."""

import glob
import os
import struct
import subprocess
import zlib

import pytest
import unicorn
import unicorn.arm_const as A

from harness import abi, configs, differential, link, paths, stats, wasm2obj, wasminfo
from harness.emu import Emulator
from harness.hostenv import HostEnv
from harness.outcome import normalise
from harness.uc_image import cortex_m4

HERE = os.path.dirname(os.path.abspath(__file__))
FLOAT_PROGRAMS = sorted(glob.glob(os.path.join(HERE, "programs", "float_*.wat")))


def test_the_emulated_core_is_a_cortex_m4_without_fpv5():
    """The engine the tests use is a Cortex-M4: FPv5's VMAXNM.F32 (which a Cortex-M33, what
    unicorn makes of any UC_MODE_MCLASS engine, executes) is an undefined instruction."""
    uc = cortex_m4()
    assert uc.ctl_get_cpu_model() == A.UC_CPU_ARM_CORTEX_M4
    uc.mem_map(0x1000, 0x1000)
    uc.mem_write(0x1000, struct.pack("<3H", 0xFE80, 0x0A00, 0xBF00))  # vmaxnm.f32 s0, s0, s0
    with pytest.raises(unicorn.UcError):
        uc.emu_start(0x1001, 0x1004)


def test_the_emulated_core_executes_vfp_instructions():
    """unicorn's Cortex-M4 runs VFP code (its FPU is enabled at reset, as after the CPACR
    write firmware does): vmov s0, r0; vadd.f32 s1, s0, s0; vmov r1, s1."""
    uc = cortex_m4()
    uc.mem_map(0x1000, 0x1000)
    code = struct.pack("<7H", 0xEE00, 0x0A10, 0xEE70, 0x0A00, 0xEE10, 0x1A90, 0xBF00)
    uc.mem_write(0x1000, code)
    uc.reg_write(A.UC_ARM_REG_R0, 0x3FC00000)  # 1.5f
    uc.emu_start(0x1001, 0x1000 + len(code) - 2)
    assert uc.reg_read(A.UC_ARM_REG_R1) == 0x40400000  # 3.0f
    assert uc.reg_read(A.UC_ARM_REG_S1) == 0x40400000


def _count_vfp_arithmetic(emu):
    """Hook counting executed VFP data-processing instructions (coprocessor 10/11 CDP
    space: VADD/VSUB/VMUL/VDIV/VSQRT/VCMP/VCVT/VMOV.F32 ...; not the core<->S transfers or
    VMRS, whose bit 4 is set) and the addresses of the executed AEABI float functions."""
    seen = {"vfp": 0, "aeabi": set()}
    aeabi = {emu.image.address(n): n for n in emu.image.symbols if n.startswith("__aeabi_f")}

    def on_code(uc, address, size, _data):
        if address in aeabi:
            seen["aeabi"].add(aeabi[address])
        if size == 4:
            hw1, hw2 = struct.unpack("<2H", uc.mem_read(address, 4))
            if (hw1 & 0xFF00) == 0xEE00 and (hw2 & 0x0E10) == 0x0A00:
                seen["vfp"] += 1
    emu.uc.hook_add(unicorn.UC_HOOK_CODE, on_code)
    return seen


#: The FPU configurations: how the harness compiles, links and calls each. ``softfp`` computes
#: on the FPU like ``hard`` but passes floats in core registers (soft libgcc, base AAPCS).
FPU_CONFIGS = {"hard": configs.get("m4-fpv4-hard"), "softfp": configs.get("m4-fpv4-softfp")}


@pytest.mark.parametrize("config", list(FPU_CONFIGS))
def test_fpu_configuration_computes_f32_on_the_fpu(tmp_path, config):
    """With ``--fpu fpv4-sp-d16`` (``--float-abi hard`` or ``softfp``) the f32 arithmetic,
    comparisons, int->float conversions and saturating truncations execute VFP instructions
    and never enter the AEABI soft-float functions; the results match wasmtime."""
    src = os.path.join(HERE, "programs", "float_arith.wat")
    target = differential.Target(src, str(tmp_path), config=FPU_CONFIGS[config])
    seen = _count_vfp_arithmetic(target.emu)
    one, two = 0x3F800000, 0x40000000
    for name, args in [("f32_add", (one, two)), ("f32_sub", (one, two)), ("f32_mul", (two, two)),
                       ("f32_div", (one, two)), ("f32_cmp", (one, 0x7FC00000)), ("harmonic32", (5,))]:
        before = seen["vfp"]
        expected, actual = target.compare(name, args)
        assert expected.key() == actual.key(), (name, expected.describe(), actual.describe())
        assert seen["vfp"] > before, "%s ran no VFP arithmetic" % name
    assert not seen["aeabi"], "soft-float functions executed: %s" % sorted(seen["aeabi"])


def _count_vabs_vneg(emu):
    """Hook counting executed VABS.F32 (EEB0 0AC0 with D/Vd/M/Vm bits masked) and VNEG.F32
    (EEB1 0A40); VMOV.F32 (EEB0 0A40) and VSQRT.F32 (EEB1 0AC0) differ in one bit."""
    seen = {"abs": 0, "neg": 0}

    def on_code(uc, address, size, _data):
        if size == 4:
            hw1, hw2 = struct.unpack("<2H", uc.mem_read(address, 4))
            op = (hw1 & 0xFFBF, hw2 & 0x0FD0)
            if op == (0xEEB0, 0x0AC0):
                seen["abs"] += 1
            elif op == (0xEEB1, 0x0A40):
                seen["neg"] += 1
    emu.uc.hook_add(unicorn.UC_HOOK_CODE, on_code)
    return seen


@pytest.mark.parametrize("config", list(FPU_CONFIGS))
def test_f32_abs_and_neg_feeding_the_fpu_are_vabs_vneg_keeping_nan_payloads(tmp_path, config):
    """f32.neg/f32.abs whose results only VFP arithmetic reads execute VNEG/VABS.F32, which
    only flip/clear the sign bit: a signalling NaN's payload survives them and the following
    VMUL/VADD quiets it with that payload and sign (FPSCR.DN clear), bit for bit what wasmtime
    computes; ordinary values and infinities match too."""
    src = os.path.join(HERE, "programs", "float_arith.wat")
    target = differential.Target(src, str(tmp_path), config=FPU_CONFIGS[config])
    seen = _count_vabs_vneg(target.emu)
    one, snan, qnan_neg = 0x3F800000, 0x7FA00001, 0xFFC00123
    cases = [("f32_neg_mul", (snan, one), "neg", 0xFFE00001),   # -sNaN, quieted by VMUL
             ("f32_neg_mul", (qnan_neg, one), "neg", 0x7FC00123),
             ("f32_neg_mul", (0x40400000, 0xC0000000), "neg", 0x40C00000),  # -3 * -2 = 6
             ("f32_abs_add", (0xFFA00001, 0), "abs", 0x7FE00001),   # |quieted -sNaN|: payload kept
             ("f32_abs_add", (0xC0400000, 0), "abs", 0x40400000),   # |-3 - 0| + |0| = 3
             ("f32_abs_add", (0xFF800000, one), "abs", 0x7F800000)]  # |-inf - 1| + 1 = inf
    for name, args, kind, bits in cases:
        before = seen[kind]
        expected, actual = target.compare(name, args)
        assert expected.key() == actual.key(), (name, expected.describe(), actual.describe())
        assert actual.values == [bits] or tuple(actual.values) == (bits,), (name, args, actual.describe())
        assert seen[kind] > before, "%s ran no %s" % (name, kind)


def _count_vldr_vstr(emu):
    """Hook counting executed VLDR/VSTR (immediate offset, no writeback: not VPUSH/VPOP)."""
    seen = {"n": 0}

    def on_code(uc, address, size, _data):
        if size == 4:
            hw1, hw2 = struct.unpack("<2H", uc.mem_read(address, 4))
            if (hw1 & 0xFF20) == 0xED00 and (hw2 & 0x0E00) == 0x0A00:
                seen["n"] += 1
    emu.uc.hook_add(unicorn.UC_HOOK_CODE, on_code)
    return seen


@pytest.mark.parametrize("config", list(FPU_CONFIGS))
def test_aligned_f32_memory_uses_vldr_vstr_and_unaligned_does_not(tmp_path, config):
    """f32 loads feeding the FPU and stores of FPU results go straight between memory and S
    registers (VLDR/VSTR) where the address is proven 4-aligned, and through core registers
    where it is not (VLDR/VSTR fault on unaligned addresses); both match wasmtime."""
    src = os.path.join(HERE, "programs", "float_vmem.wat")
    target = differential.Target(src, str(tmp_path), config=FPU_CONFIGS[config])
    seen = _count_vldr_vstr(target.emu)
    args = (0x3FC00000, 0xBE800000)  # 1.5, -0.25
    for name, aligned in [("dot_aligned", True), ("dot_unaligned", False)]:
        before = seen["n"]
        expected, actual = target.compare(name, args)
        assert expected.key() == actual.key(), (name, expected.describe(), actual.describe())
        assert (seen["n"] - before > 0) == aligned, (name, seen["n"] - before)
    for base in (2048, 2049, 2050):  # a parameter: nothing proven, never VLDR/VSTR
        before = seen["n"]
        expected, actual = target.compare("dot_at", (base,) + args)
        assert expected.key() == actual.key(), (base, expected.describe(), actual.describe())
        assert seen["n"] == before, base


def test_fpu_none_computes_f32_in_software(tmp_path):
    """The same program with ``--fpu none`` executes no VFP arithmetic (the soft-float
    functions compute), so the count above really measures the FPU configuration."""
    src = os.path.join(HERE, "programs", "float_arith.wat")
    target = differential.Target(src, str(tmp_path))
    seen = _count_vfp_arithmetic(target.emu)
    expected, actual = target.compare("f32_add", (0x3F800000, 0x40000000))
    assert expected.key() == actual.key()
    assert seen["vfp"] == 0 and "__aeabi_fadd" in seen["aeabi"], seen


@pytest.mark.parametrize("path", FLOAT_PROGRAMS, ids=[os.path.basename(p)[:-4] for p in FLOAT_PROGRAMS])
def test_float_program_hard_abi(path, tmp_path):
    name = os.path.basename(path)
    report = differential.run_module(path, str(tmp_path), seed_name=name, float_abi="hard")
    stats.add("programs-hard", 1, report.exports, report.calls, len(report.mismatches))
    assert report.exports > 0 and report.calls > 0
    shown = "\n".join("  " + str(m) for m in report.mismatches[:25])
    assert not report.mismatches, "%s (hard): %d of %d calls differ:\n%s" % (
        name, len(report.mismatches), report.calls, shown)


@pytest.mark.parametrize("path", FLOAT_PROGRAMS, ids=[os.path.basename(p)[:-4] for p in FLOAT_PROGRAMS])
def test_float_program_softfp(path, tmp_path):
    """``--float-abi softfp``: the FPU computes, floats cross in core registers."""
    name = os.path.basename(path)
    report = differential.run_module(path, str(tmp_path), seed_name=name, config=FPU_CONFIGS["softfp"])
    stats.add("programs-softfp", 1, report.exports, report.calls, len(report.mismatches))
    assert report.exports > 0 and report.calls > 0
    shown = "\n".join("  " + str(m) for m in report.mismatches[:25])
    assert not report.mismatches, "%s (softfp): %d of %d calls differ:\n%s" % (
        name, len(report.mismatches), report.calls, shown)


# --- cross-check with arm-none-eabi-gcc -mfloat-abi=hard -----------------------------------

#: Signatures that exercise the AAPCS-VFP rules: back-filling, running out of VFP
#: registers (then the stack, and no more back-filling), 17 singles, an i64 pushed to the
#: stack, f64 stack alignment, homogeneous float results (s0-s2, d0-d1, s0-s3) and a
#: mixed result struct (memory).
CROSS_SIGS = {
    "backfill": (["f32", "f64", "f32", "i32", "i64", "f32"], ["i32"]),
    "exhaust": (["f64"] * 7 + ["f32", "f64", "f32", "i32"], ["f64"]),
    "singles": (["f32"] * 17 + ["i32"] * 5 + ["i64", "f64"], ["f32"]),
    "i64stack": (["i32", "i32", "i32", "i64", "f32", "f64"], ["f64"]),
    "hfa32": (["f32", "f32"], ["f32", "f32", "f32"]),
    "hfa64": (["f64", "i32", "f64"], ["f64", "f64"]),
    "hfa4": (["f64"] * 9 + ["f32"], ["f32"] * 4),
    "mixed": (["f32", "i32", "f64"], ["f32", "i32"]),
}
C_TYPES = {"i32": "int32_t", "i64": "int64_t", "f32": "float", "f64": "double"}


def _hash(params, args):
    h = 7
    for ty, v in zip(params, args):
        words = [v & 0xFFFFFFFF, (v >> 32) & 0xFFFFFFFF] if ty in ("i64", "f64") else [v & 0xFFFFFFFF]
        for w in words:
            h = (h * 31 + w) & 0xFFFFFFFF
    return h


def _result_values(results, h):
    """What the C functions return for hash ``h``: field k of a struct gets h + k (an
    i32 field h ^ 1); an f64 is h | (h ^ 0x9e3779b9) << 32."""
    def one(ty, x):
        if ty == "f64":
            return x | ((x ^ 0x9E3779B9) << 32)
        return x
    if len(results) == 1:
        vals = [one(results[0], h)]
    else:
        vals = [one(ty, (h + k) & 0xFFFFFFFF) if ty != "i32" else h ^ 1 for k, ty in enumerate(results)]
    return [normalise(v, ty) for v, ty in zip(vals, results)]


def _c_source(name, params, results, const_args):
    ret = C_TYPES[results[0]] if len(results) == 1 else "struct r_%s" % name
    lines = []
    if len(results) > 1:
        lines.append("struct r_%s { %s };" % (name, " ".join("%s r%d;" % (C_TYPES[t], k) for k, t in enumerate(results))))
    decl = ", ".join("%s a%d" % (C_TYPES[t], k) for k, t in enumerate(params))
    lines.append("%s c_%s(%s) {" % (ret, name, decl))
    lines.append("  uint32_t h = 7, w[2];")
    for k, t in enumerate(params):
        if t == "i32":
            lines.append("  h = h * 31u + (uint32_t)a%d;" % k)
        else:
            lines.append("  memcpy(w, &a%d, sizeof a%d); h = h * 31u + w[0];" % (k, k))
            if t in ("i64", "f64"):
                lines.append("  h = h * 31u + w[1];")

    def value(ty, x):
        if ty == "i32":
            return "(int32_t)(%s)" % x
        if ty == "f32":
            return "f32b(%s)" % x
        return "f64b((%s) | ((uint64_t)((%s) ^ 0x9e3779b9u) << 32))" % (x, x)
    if len(results) == 1:
        lines.append("  return %s;" % value(results[0], "h"))
    else:
        lines.append("  %s r;" % ret)
        for k, t in enumerate(results):
            lines.append("  r.r%d = %s;" % (k, value(t, "h ^ 1" if t == "i32" else "h + %du" % k)))
        lines.append("  return r;")
    lines.append("}")
    # A C caller of the synth export (gcc -> export thunk -> soft function -> import thunk -> C).
    lines.append("%s wasm_w_%s(%s);" % (ret, name, ", ".join(C_TYPES[t] for t in params)))
    consts = []
    for t, v in zip(params, const_args):
        consts.append({"i32": "(int32_t)0x%xu" % (v & 0xFFFFFFFF), "i64": "(int64_t)0x%xull" % (v & (2**64 - 1)),
                       "f32": "f32b(0x%xu)" % (v & 0xFFFFFFFF), "f64": "f64b(0x%xull)" % (v & (2**64 - 1))}[t])
    lines.append("%s drive_%s(void) { return wasm_w_%s(%s); }" % (ret, name, name, ", ".join(consts)))
    return "\n".join(lines)


def _args(params, seed):
    import random
    rng = random.Random(seed)
    out = []
    for t in params:
        bits = 64 if t in ("i64", "f64") else 32
        v = rng.getrandbits(bits)
        out.append(v if t.startswith("f") else (v - (1 << bits) if v >> (bits - 1) else v))
    return out


@pytest.fixture(scope="module")
def cross_image(tmp_path_factory):
    """One image: a synth module (hard) importing every C function and exporting a
    forwarder for each, plus the gcc -mfloat-abi=hard object defining them."""
    work = tmp_path_factory.mktemp("cross")
    consts = {name: _args(p, zlib.crc32(name.encode())) for name, (p, _) in CROSS_SIGS.items()}
    c = ["#include <stdint.h>", "#include <string.h>",
         "static float f32b(uint32_t b) { float f; memcpy(&f, &b, 4); return f; }",
         "static double f64b(uint64_t b) { double f; memcpy(&f, &b, 8); return f; }"]
    wat = ["(module"]
    for name, (params, results) in CROSS_SIGS.items():
        c.append(_c_source(name, params, results, consts[name]))
        sig = "(param %s) (result %s)" % (" ".join(params), " ".join(results))
        wat.append('  (import "env" "c_%s" (func $c_%s %s))' % (name, name, sig))
    for name, (params, results) in CROSS_SIGS.items():
        sig = "(param %s) (result %s)" % (" ".join(params), " ".join(results))
        gets = " ".join("(local.get %d)" % k for k in range(len(params)))
        wat.append('  (func (export "w_%s") %s (call $c_%s %s))' % (name, sig, name, gets))
    wat.append(")")
    csrc = work / "cfuncs.c"
    csrc.write_text("\n".join(c) + "\n")
    cobj = str(work / "cfuncs.o")
    subprocess.run([paths.tool("arm-none-eabi-gcc")] + list(configs.get("m4-fpv4-hard").libgcc_flags) +
                   ["-O1", "-c", str(csrc), "-o", cobj], check=True)
    compiled = wasm2obj.compile_module("\n".join(wat), str(work), extra_args=abi.HARD_FLOAT_ARGS)
    info = wasminfo.inspect(compiled.wasm)
    elf = link.link([compiled.obj, cobj], str(work), func_imports=(), float_abi="hard")
    return Emulator(elf, info, HostEnv(), float_abi="hard"), consts


@pytest.mark.parametrize("name", list(CROSS_SIGS))
def test_aapcs_vfp_agrees_with_gcc(name, cross_image):
    """Three ways into the same gcc-compiled function: the harness calls it directly (its
    AAPCS-VFP placement against gcc's), calls synth's export that forwards to it as an
    import (export thunk, soft code, import thunk), and a gcc-compiled caller calls that
    export (gcc's placement against the export thunk)."""
    emu, consts = cross_image
    params, results = CROSS_SIGS[name]
    for seed in (1, 2):
        args = _args(params, seed)
        want = tuple(_result_values(results, _hash(params, args)))
        direct = emu.call_symbol("c_" + name, params, results, args)
        assert direct.kind == "ok" and direct.values == want, ("direct", direct.describe(), want)
        through = emu.call("w_" + name, args)
        assert through.kind == "ok" and through.values == want, ("thunks", through.describe(), want)
    want = tuple(_result_values(results, _hash(params, consts[name])))
    driven = emu.call_symbol("drive_" + name, [], results, [])
    assert driven.kind == "ok" and driven.values == want, ("gcc caller", driven.describe(), want)


FPU_SPEC_SUBSET = ["f32", "f32_cmp", "f32_bitwise", "f64", "conversions", "float_misc", "float_memory",
                   "float_literals"]


@pytest.mark.parametrize("float_abi", ["hard", "softfp"])
def test_spec_float_subset_on_the_fpu(monkeypatch, float_abi):
    """The spec's float files in the FPU configurations (--fpu fpv4-sp-d16 --float-abi hard
    or softfp): f32 arithmetic, comparisons and conversions run as VFP instructions, exports
    are called through AAPCS-VFP (floats in s/d registers) or base AAPCS (core registers),
    results compared bit for bit."""
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "spec"))
    import runner
    testsuite = runner.DEFAULT_TESTSUITE
    if not os.path.isdir(testsuite):
        pytest.skip("no testsuite at %s" % testsuite)
    monkeypatch.setenv("SYNTH_SPEC_ARGS", "--target cortex-m4 --fpu fpv4-sp-d16 --float-abi " + float_abi)
    total = runner.run_subset(FPU_SPEC_SUBSET)
    print("spec on the FPU, %s (%d files): %s" % (float_abi, len(FPU_SPEC_SUBSET), total))
    assert set(total) <= {"pass", "fail"}, total
    assert total.get("fail", 0) == 0 and total.get("pass", 0) > 5000, total
