"""Full-system check: a synth object linked into C firmware runs on qemu's mps2-an386.

tests/qemu/main.c calls wasm_init and the exports of tests/qemu/module.wat (i32, i64,
multi-value struct return, an imported host function, a trap) and prints one line per
call; every printed result is compared with wasmtime running module.wat with the same
host function. The C stand-in run validates the build/run path itself.
"""

import os
import re
import subprocess

import pytest

from harness import wasm2obj, wasminfo
from harness.hostenv import HostEnv
from harness.reference import Reference

QEMU_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qemu")
CFLAGS = ["-mcpu=cortex-m4", "-mthumb", "-O2", "-ffreestanding", "-Wall", "-Werror", "-g"]


def build_firmware(module_obj, workdir):
    elf = os.path.join(workdir, "app.elf")
    cmd = (["arm-none-eabi-gcc"] + CFLAGS + ["-nostdlib", "-T", os.path.join(QEMU_DIR, "mps2-an386.ld"),
           "-I", QEMU_DIR, os.path.join(QEMU_DIR, "startup.c"), os.path.join(QEMU_DIR, "main.c"),
           module_obj, "-lgcc", "-o", elf])
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return elf


def run_qemu(elf, timeout=30):
    proc = subprocess.run(["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none",
                           "-semihosting-config", "enable=on,target=native", "-kernel", elf],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    return proc.returncode, proc.stdout


def check_output(rc, out):
    """Every 'R' line matches wasmtime; the run ends in the expected trap."""
    wasm = wasm2obj.to_wasm(os.path.join(QEMU_DIR, "module.wat"))
    host = HostEnv({("env", "host_add"): lambda a, b: a * 100 + b})
    ref = Reference(wasm, wasminfo.inspect(wasm), host)
    lines = [l for l in out.splitlines() if l.startswith("R ")]
    assert "synth qemu test" in out, out
    assert len(lines) == 6, out
    for l in lines:
        m = re.match(r"R (\w+)((?: -?\d+)*) ->((?: -?\d+)*)$", l)
        assert m, l
        export, args, results = m.group(1), [int(x) for x in m.group(2).split()], [int(x) for x in m.group(3).split()]
        expected = ref.call(export, args)
        assert expected.kind == "ok" and list(expected.values) == results, "%s: qemu %s, wasmtime %s" % (
            l, results, expected.describe())
    assert "calling div 1 0" in out
    assert re.search(r"^TRAP 3$", out, re.M), out
    assert "no trap" not in out
    assert rc == 0, "qemu exit %d\n%s" % (rc, out)


def test_qemu_c_standin(tmp_path):
    obj = str(tmp_path / "standin.o")
    subprocess.run(["arm-none-eabi-gcc"] + CFLAGS + ["-c", os.path.join(QEMU_DIR, "standin.c"), "-o", obj],
                   check=True)
    rc, out = run_qemu(build_firmware(obj, str(tmp_path)))
    check_output(rc, out)


def test_qemu_synth(tmp_path):
    compiled = wasm2obj.compile_module(os.path.join(QEMU_DIR, "module.wat"), str(tmp_path), name="module")
    # the generated header must be valid C on its own
    subprocess.run(["arm-none-eabi-gcc"] + CFLAGS + ["-fsyntax-only", "-x", "c", compiled.header],
                   check=True)
    rc, out = run_qemu(build_firmware(compiled.obj, str(tmp_path)))
    check_output(rc, out)


def test_qemu_detects_wrong_output(tmp_path):
    """The checker itself rejects a wrong result line (so a green run means something)."""
    with pytest.raises(AssertionError):
        check_output(0, "synth qemu test\nR add 2 40 -> 43\n" + "R add 1 1 -> 2\n" * 5 +
                     "calling div 1 0\nTRAP 3\n")


# --- --float-abi hard: hard-float firmware ----------------------------------------------------

CFLAGS_HARD = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-O2", "-ffreestanding",
               "-Wall", "-Werror", "-g"]


def _host_scale(a, k, b):
    """env.host_scale on bit patterns: (double)a * k + b, as float_main.c computes it."""
    import struct
    fa = struct.unpack("<f", struct.pack("<I", a & 0xFFFFFFFF))[0]
    fb = struct.unpack("<d", struct.pack("<Q", b & (2**64 - 1)))[0]
    return struct.unpack("<Q", struct.pack("<d", fa * k + fb))[0]


def build_float_firmware(module_obj, workdir, extra=()):
    elf = os.path.join(workdir, "float_app.elf")
    cmd = (["arm-none-eabi-gcc"] + CFLAGS_HARD + list(extra) +
           ["-nostdlib", "-T", os.path.join(QEMU_DIR, "mps2-an386.ld"), "-I", QEMU_DIR,
            os.path.join(QEMU_DIR, "startup.c"), os.path.join(QEMU_DIR, "float_main.c"), module_obj, "-lgcc",
            "-o", elf])
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return elf


def check_float_output(rc, out):
    """Every 'R' line (hex bit patterns) matches wasmtime bit for bit (NaNs: any quiet NaN)."""
    from harness.outcome import comparable, normalise
    wasm = wasm2obj.to_wasm(os.path.join(QEMU_DIR, "float_module.wat"))
    info = wasminfo.inspect(wasm)
    ref = Reference(wasm, info, HostEnv({("env", "host_scale"): _host_scale}))
    lines = [l for l in out.splitlines() if l.startswith("R ")]
    assert "synth qemu float test" in out and "done" in out, out
    assert len(lines) == 7, out
    for l in lines:
        m = re.match(r"R (\w+)((?: [0-9a-f]+)*) ->((?: [0-9a-f]+)*)$", l)
        assert m, l
        sig = info.export(m.group(1))
        args = [normalise(int(x, 16), t) for x, t in zip(m.group(2).split(), sig.params)]
        got = [normalise(int(x, 16), t) for x, t in zip(m.group(3).split(), sig.results)]
        expected = ref.call(m.group(1), args)
        assert expected.kind == "ok", (l, expected.describe())
        assert len(got) == len(sig.results) and all(
            comparable(g, t) == comparable(e, t) for g, e, t in zip(got, expected.values, sig.results)), \
            "%s: qemu %s, wasmtime %s" % (l, got, expected.describe())
    assert rc == 0, "qemu exit %d\n%s" % (rc, out)


def test_qemu_hard_float(tmp_path):
    compiled = wasm2obj.compile_module(os.path.join(QEMU_DIR, "float_module.wat"), str(tmp_path), name="fmodule",
                                       extra_args=["--fpu", "fpv4-sp-d16", "--float-abi", "hard"])
    subprocess.run(["arm-none-eabi-gcc"] + CFLAGS_HARD + ["-fsyntax-only", "-x", "c", compiled.header], check=True)
    rc, out = run_qemu(build_float_firmware(compiled.obj, str(tmp_path)))
    check_float_output(rc, out)
    # The same firmware without the CPACR write faults at the first VFP instruction:
    # qemu really models the FPU enable the thunks need.
    rc, out = run_qemu(build_float_firmware(compiled.obj, str(tmp_path), ["-DSYNTH_TEST_FPU_OFF"]))
    assert "FAULT" in out and rc != 0, out


def test_qemu_float_checker_rejects_wrong_bits():
    with pytest.raises(AssertionError):
        check_float_output(0, "synth qemu float test\n" + "R to_int c1ea43ce40000000 -> 80000001\n" * 7 + "done\n")
