"""Self-test of the harness without the compiler.

C stand-ins (tests/selftest/*.c) compiled by arm-none-eabi-gcc define the symbols synth
would (wasm_init, exports, synth_trap calls) and follow docs/ABI.md. The harness runs them
under the emulator and compares with wasmtime on equivalent WAT: the correct object must
match everywhere, and each deliberately wrong object must be caught.
"""

import os
import subprocess

import pytest

from harness import abi, differential, stats
from harness.differential import Target, generate_args

HERE = os.path.dirname(os.path.abspath(__file__))
SELF = os.path.join(HERE, "selftest")


def gcc_object(src, workdir):
    """Compile a stand-in soft-float (as synth's --fpu none: floats in core registers)."""
    obj = os.path.join(str(workdir), os.path.basename(src) + ".o")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft", "-O2",
                    "-ffreestanding", "-c", src, "-o", obj], check=True)
    return obj


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    work = tmp_path_factory.mktemp("selftest_good")
    obj = gcc_object(os.path.join(SELF, "equiv.c"), work)
    return Target(os.path.join(SELF, "equiv.wat"), str(work), objects=[obj])


def test_layout_args_follows_abi():
    slots, size = abi.layout_args(["i32", "i64", "i32", "i64", "i64"])
    assert slots == [("reg", 0), ("reg", 2), ("stack", 0), ("stack", 8), ("stack", 16)]
    assert size == 24
    # i64 skips the odd register; once on the stack, later i32s do not back-fill r3
    slots, _ = abi.layout_args(["i32", "i32", "i32", "i64", "i32"])
    assert slots == [("reg", 0), ("reg", 1), ("reg", 2), ("stack", 0), ("stack", 8)]
    slots, _ = abi.layout_args(["i64"], first_reg=1)
    assert slots == [("reg", 2)]


def test_struct_layout():
    assert abi.layout_struct(["i32", "i64"]) == ([0, 8], 16)
    assert abi.layout_struct(["i32", "i32", "i32"]) == ([0, 4, 8], 12)
    assert abi.layout_struct(["f32", "f64", "i32"]) == ([0, 8, 16], 24)


def test_layout_args_floats_like_integers():
    # f32 like i32, f64 like i64 (even pair, then 8-aligned stack slots)
    slots, size = abi.layout_args(["f32", "f64", "f32", "f64"])
    assert slots == [("reg", 0), ("reg", 2), ("stack", 0), ("stack", 8)] and size == 16
    assert abi.layout_args(["i32", "f64", "f32"], first_reg=0)[0] == [("reg", 0), ("reg", 2), ("stack", 0)]


def test_float_edge_arguments():
    from harness import floats
    f32 = [a for (a,) in generate_args(["f32"], 1)]
    assert {0x80000000, 0x7F800000, 0x7FA00000, 0x00000001, 0x4F000000, 0x3FC00000} <= set(f32)
    assert all(0 <= a < 2**32 for a in f32)
    f64 = [a for (a,) in generate_args(["f64"], 1)]
    assert {0x8000000000000000, 0xFFF0000000000001, 0x43E0000000000000} <= set(f64)
    pairs = generate_args(["f64", "f32"], 5)
    assert pairs == generate_args(["f64", "f32"], 5) and 20 < len(pairs) <= 130
    assert floats.comparable(0x7FC00000, "f32") == floats.comparable(0xFFC12345, "f32")
    assert floats.comparable(0x7FA00000, "f32") != floats.comparable(0x7FE00000, "f32")


def test_generated_args_are_deterministic_and_bounded():
    a = generate_args(["i32", "i64", "i32"], 7)
    assert a == generate_args(["i32", "i64", "i32"], 7)
    assert 10 < len(a) <= 100
    assert (-2**31,) in generate_args(["i32"], 1)
    assert (0xFFFFFFFF,) in generate_args(["i64"], 1)
    assert len(generate_args(["i64"] * 5, 3)) <= 100


def test_simple_calls(good):
    out = good.emu.call("add", (2, 3))
    assert out.kind == "ok" and out.values == (5,)
    assert good.emu.call("add", (2**31 - 1, 1)).values == (-2**31,)
    assert good.emu.call("get_counter", ()).values == (42,)  # init ran
    assert good.emu.call("bump", (8,)).values == (50,)
    assert good.emu.call("bump", (8,)).values == (50,)  # fresh instance per call


def test_i64_and_multivalue(good):
    assert good.emu.call("mul64", (0x100000000, 3)).values == (0x300000000,)
    assert good.emu.call("pair", (7, -5)).values == (8, -6)
    assert good.emu.call("trip", (3,)).values == (3, 6, 3 ^ 0x55)
    assert good.emu.call("many", (1, 2, 3, 4, 5)).values == (1 + 6 - 3 + 20 - 35,)


def test_traps(good):
    out = good.emu.call("div", (1, 0))
    assert (out.kind, out.trap) == ("trap", "div_by_zero")
    assert good.emu.call("div", (-2**31, -1)).trap == "int_overflow"
    assert good.emu.call("unreach", ()).trap == "unreachable"
    ref = good.ref.call("div", (1, 0))
    assert (ref.kind, ref.trap) == ("trap", "div_by_zero")


def test_host_functions_and_globals(good):
    out = good.emu.call("call_host", (20, 1))
    assert out.values == (42,) and out.host_calls == [("host_add", (20, 1))]
    out = good.emu.call("mix_host", (1, -2, 3, 2**40, 5))
    assert out.host_calls == [("host_mix", (1, -2, 3, 2**40, 5))]
    assert out.values == good.ref.call("mix_host", (1, -2, 3, 2**40, 5)).values
    assert good.emu.call("read_global", ()).values == (1234567,)


def test_instruction_count_grows(good):
    small = good.emu.call("sum_to", (1,)).instructions
    big = good.emu.call("sum_to", (100,)).instructions
    assert 0 < small < big
    assert good.emu.call("sum_to", (100,)).values == (4950,)
    out = good.emu.call("sum_to", (10**6,), limit=1000)
    assert out.kind == "timeout"


def test_differential_matches_equivalent_c(good, tmp_path):
    report = differential.run_module(os.path.join(SELF, "equiv.wat"), str(tmp_path),
                                     objects=[gcc_object(os.path.join(SELF, "equiv.c"), tmp_path)],
                                     seed_name="selftest")
    stats.add("selftest", 1, report.exports, report.calls, len(report.mismatches))
    assert report.exports == 14
    assert report.calls > 200
    assert not report.mismatches, "\n".join(map(str, report.mismatches[:20]))


def test_differential_catches_wrong_code(tmp_path):
    obj = gcc_object(os.path.join(SELF, "wrong.c"), tmp_path)
    report = differential.run_module(os.path.join(SELF, "wrong.wat"), str(tmp_path), objects=[obj],
                                     seed_name="wrong")
    wrong = {m.export for m in report.mismatches}
    assert wrong == {"add", "mul64", "pair", "div", "loop"}
    loop = [m for m in report.mismatches if m.export == "loop"][0]
    assert "timeout" in loop.actual
    div = [m for m in report.mismatches if m.export == "div" and m.args[1] == 0][0]
    assert "div_by_zero" in div.expected and "int_overflow" in div.actual


@pytest.fixture(scope="module")
def floats_good(tmp_path_factory):
    work = tmp_path_factory.mktemp("selftest_floats")
    obj = gcc_object(os.path.join(SELF, "floats.c"), work)
    return Target(os.path.join(SELF, "floats.wat"), str(work), objects=[obj])


def test_float_calls(floats_good):
    """Bit patterns in and out: gcc's soft-float code and wasmtime agree with the harness."""
    out = floats_good.emu.call("fadd", (0x3FC00000, 0x40200000))  # 1.5 + 2.5
    assert out.kind == "ok" and out.values == (0x40800000,) and out.types == ("f32",)
    assert floats_good.ref.call("fadd", (0x3FC00000, 0x40200000)).values == (0x40800000,)
    # a signalling NaN's bits survive both sides
    assert floats_good.emu.call("fneg", (0x7FA00001,)).values == (0xFFA00001,)
    assert floats_good.ref.call("fneg", (0x7FA00001,)).values == (0xFFA00001,)
    assert floats_good.emu.call("last", (0, 0, 0, 0xC00921FB54442D18)).values == (0xC00921FB54442D18,)
    out = floats_good.emu.call("fpair", (-7, 0x4004000000000000, 0xBF800000))
    assert out.values == (0x4004000000000000, 0xBF800000, -7)
    assert floats_good.emu.call("globals", ()).values == (0x40490FDB, 0x4005BF0A8B145769)
    out = floats_good.emu.call("call_hosts", (1, 0, 0x3F800000, 0x4000000000000000))
    assert out.values == (0xC000000000000000,)
    assert [n for n, _ in out.host_calls] == ["host_fneg", "host_dpick"]
    assert out.key() == floats_good.ref.call("call_hosts", (1, 0, 0x3F800000, 0x4000000000000000)).key()


def test_differential_matches_float_c(tmp_path):
    report = differential.run_module(os.path.join(SELF, "floats.wat"), str(tmp_path),
                                     objects=[gcc_object(os.path.join(SELF, "floats.c"), tmp_path)],
                                     seed_name="selftest_floats")
    stats.add("selftest", 1, report.exports, report.calls, len(report.mismatches))
    assert report.exports == 11 and report.calls > 300
    assert not report.mismatches, "\n".join(map(str, report.mismatches[:20]))


def test_differential_catches_wrong_float_code(tmp_path):
    obj = gcc_object(os.path.join(SELF, "floats_wrong.c"), tmp_path)
    report = differential.run_module(os.path.join(SELF, "floats_wrong.wat"), str(tmp_path),
                                     objects=[obj], seed_name="floats_wrong")
    assert {m.export for m in report.mismatches} == {"fzero", "squiet", "dswap"}
    # only signalling NaNs are quieted wrongly; quiet NaN results may differ in sign/payload
    assert {m.args for m in report.mismatches if m.export == "squiet"} >= {(0x7FA00000,), (0xFF800001,)}
    assert all(a[0] & 0x7FC00000 == 0x7F800000 for a in
               (m.args for m in report.mismatches if m.export == "squiet"))


def test_callee_saved_vfp_registers_are_checked(tmp_path):
    """On a core with an FPU every call starts with sentinels in s16-s31 and must end with
    them: FPU code (gcc -mfloat-abi=softfp) that saves what it uses passes, code that writes
    s17 without restoring it is a fault although its result is right."""
    obj = os.path.join(str(tmp_path), "vfp_clobber.o")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=softfp",
                    "-mfpu=fpv4-sp-d16", "-O2", "-ffreestanding", "-c", os.path.join(SELF, "vfp_clobber.c"),
                    "-o", obj], check=True)
    t = Target(os.path.join(SELF, "vfp_clobber.wat"), str(tmp_path), objects=[obj])
    ok = t.emu.call("keeps", (0x3FC00000,))  # 1.5 + 1
    assert ok.kind == "ok" and ok.values == (0x40200000,), ok.describe()
    bad = t.emu.call("clobbers", (0x3FC00000,))
    assert bad.kind == "fault" and "s17 not preserved" in bad.detail, bad.describe()
