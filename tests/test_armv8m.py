"""ARMv8-M Mainline targets (``--target cortex-m33``, ``cortex-m55``): proof by execution.

- The emulator really runs the model asked for: an ARMv8-M-only instruction (``tt``) faults
  on unicorn's Cortex-M4 model and runs on its Cortex-M33 model (harness/uc_image.cortex_m).
- Every program of tests/programs, compiled for cortex-m33, differential against wasmtime
  on unicorn's Cortex-M33 model.
- The spec runner on a subset of the testsuite (integer and float files) for cortex-m33.
- ``.ARM.attributes``: every tag both synth's and ``arm-none-eabi-gcc -mcpu=...``'s object
  carry has the same value (readelf -A), for each FPU/float-ABI the core can have; the
  objects link together (``arm-none-eabi-ld -r``).
- C firmware (compiled by gcc for the core) with a synth object on qemu: ``mps2-an505``
  (Cortex-M33) and ``mps3-an547`` (Cortex-M55), results compared with wasmtime (the
  checker of tests/test_qemu.py); the M33 hard-float firmware as well.
"""

import glob
import os
import subprocess
import sys

import pytest
import unicorn
import unicorn.arm_const as A

from harness import configs, differential, stats, wasm2obj
from harness.uc_image import cortex_m

import test_qemu

TESTS = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = sorted(glob.glob(os.path.join(TESTS, "programs", "*.wat")))
QEMU_DIR = os.path.join(TESTS, "qemu")

# tt r0, r1 (ARMv8-M only), then a nop.
TT_R0_R1 = bytes.fromhex("41e800f0") + b"\x00\xbf"


def _run_tt(cpu):
    uc = cortex_m(cpu)
    uc.mem_map(0x1000, 0x1000)
    uc.mem_write(0x1000, TT_R0_R1)
    uc.reg_write(A.UC_ARM_REG_R1, 0x1000)
    try:
        uc.emu_start(0x1001, 0x1005, count=1)
    except unicorn.UcError as e:
        return "fault: %s" % e
    return "ran"


def test_emulator_runs_the_model_asked_for():
    assert _run_tt("cortex-m33") == "ran"
    assert _run_tt("cortex-m4").startswith("fault"), "unicorn's M4 model executed an ARMv8-M instruction"
    assert _run_tt("cortex-m3").startswith("fault")
    sys.path.insert(0, os.path.join(os.path.dirname(TESTS), "python"))
    from synth.emulator import open_cortex_m
    assert open_cortex_m("cortex-m4").ctl_get_cpu_model() == A.UC_CPU_ARM_CORTEX_M4
    assert open_cortex_m("cortex-m33").ctl_get_cpu_model() == A.UC_CPU_ARM_CORTEX_M33


@pytest.mark.parametrize("path", PROGRAMS, ids=[os.path.basename(p)[:-4] for p in PROGRAMS])
def test_program_on_cortex_m33(path, tmp_path):
    name = os.path.basename(path)
    report = differential.run_module(path, str(tmp_path), seed_name=name, extra_args=["--target", "cortex-m33"])
    stats.add("programs-cortex-m33", 1, report.exports, report.calls, len(report.mismatches))
    assert report.exports > 0 and report.calls > 0
    shown = "\n".join("  " + str(m) for m in report.mismatches[:25])
    assert not report.mismatches, "%s on cortex-m33: %d of %d calls differ from wasmtime:\n%s" % (
        name, len(report.mismatches), report.calls, shown)


FLOAT_PROGRAMS = [p for p in PROGRAMS if os.path.basename(p).startswith("float_")]


@pytest.mark.parametrize("path", FLOAT_PROGRAMS, ids=[os.path.basename(p)[:-4] for p in FLOAT_PROGRAMS])
def test_float_program_on_cortex_m33_fpv5_sp_hard(path, tmp_path):
    """The float programs with the M33's single-precision FPv5 FPU (``m33-fpv5sp-hard``:
    f32 on the FPU, f64 in software, AAPCS-VFP), against wasmtime."""
    name = os.path.basename(path)
    report = differential.run_module(path, str(tmp_path), seed_name=name, config=configs.get("m33-fpv5sp-hard"))
    stats.add("programs-m33-fpv5sp-hard", 1, report.exports, report.calls, len(report.mismatches))
    assert report.exports > 0 and report.calls > 0
    shown = "\n".join("  " + str(m) for m in report.mismatches[:25])
    assert not report.mismatches, "%s on m33-fpv5sp-hard: %d of %d calls differ from wasmtime:\n%s" % (
        name, len(report.mismatches), report.calls, shown)


def test_differential_target_follows_the_compile_target(tmp_path):
    t = differential.Target(PROGRAMS[0], str(tmp_path), extra_args=["--target", "cortex-m33"])
    assert t.emu.cpu == "cortex-m33" and t.emu.uc.ctl_get_cpu_model() == A.UC_CPU_ARM_CORTEX_M33
    t4 = differential.Target(PROGRAMS[0], str(tmp_path / "m4"))
    assert t4.emu.cpu == "cortex-m4" and t4.emu.uc.ctl_get_cpu_model() == A.UC_CPU_ARM_CORTEX_M4


SPEC_SUBSET = ["i32", "i64", "int_exprs", "int_literals", "address", "call", "call_indirect", "select",
               "f32", "f64", "f32_cmp", "conversions"]


def test_spec_subset_on_cortex_m33(monkeypatch):
    sys.path.insert(0, os.path.join(TESTS, "spec"))
    import runner
    testsuite = runner.DEFAULT_TESTSUITE
    if not os.path.isdir(testsuite):
        pytest.skip("no testsuite at %s" % testsuite)
    monkeypatch.setenv("SYNTH_SPEC_TARGET", "cortex-m33")
    total = runner.run_subset(SPEC_SUBSET)
    print("spec on cortex-m33 (%d files): %s" % (len(SPEC_SUBSET), total))
    assert set(total) <= {"pass", "fail", "skip"}, total
    assert total.get("fail", 0) == 0 and total.get("pass", 0) > 5000, total


# --- .ARM.attributes against gcc --------------------------------------------------------------

FLOAT_WAT = '(module (func (export "f") (param f32) (result f32) (f32.mul (local.get 0) (local.get 0))))'
CONFIGS = [("cortex-m33", None, "soft"), ("cortex-m33", "fpv5-sp-d16", "softfp"),
           ("cortex-m33", "fpv5-sp-d16", "hard"), ("cortex-m55", None, "soft"),
           ("cortex-m55", "fpv5-sp-d16", "hard"), ("cortex-m55", "fpv5-d16", "hard")]


def _attributes(obj):
    out = subprocess.run(["arm-none-eabi-readelf", "-A", obj], check=True, capture_output=True, text=True).stdout
    return dict(l.strip().split(": ", 1) for l in out.splitlines() if l.strip().startswith("Tag_"))


@pytest.mark.parametrize("cpu,fpu,abi", CONFIGS, ids=["%s-%s-%s" % c for c in CONFIGS])
def test_attributes_match_gcc(cpu, fpu, abi, tmp_path):
    synth_args = ["--target", cpu] + (["--fpu", fpu, "--float-abi", abi] if fpu else [])
    compiled = wasm2obj.compile_module(FLOAT_WAT, str(tmp_path), name="m", extra_args=synth_args)
    c = tmp_path / "g.c"
    c.write_text("float g(float x) { return x * 3.0f; }\n")
    gobj = str(tmp_path / "g.o")
    gcc_args = ["-mcpu=" + cpu] + (["-mfpu=" + fpu, "-mfloat-abi=" + abi] if fpu else [])
    subprocess.run(["arm-none-eabi-gcc", "-mthumb", "-O2", "-c", str(c), "-o", gobj] + gcc_args, check=True)
    ours, gccs = _attributes(compiled.obj), _attributes(gobj)
    arch = {"cortex-m33": "v8-M.mainline", "cortex-m55": "v8.1-M.mainline"}[cpu]
    assert ours["Tag_CPU_arch"] == gccs["Tag_CPU_arch"] == arch
    assert ours["Tag_CPU_arch_profile"] == "Microcontroller" and ours["Tag_THUMB_ISA_use"] == "Yes"
    assert ours["Tag_CPU_name"] == '"%s"' % cpu
    # With softfp or hard synth computes the module's f32 arithmetic on the FPU, as gcc does,
    # so the FPU tags appear and must equal gcc's; without an FPU neither object has them.
    if fpu:
        for tag in ["Tag_FP_arch", "Tag_ABI_HardFP_use", "Tag_ABI_VFP_args"]:
            # An absent Tag_ABI_VFP_args means its default, base AAPCS (gcc leaves it out).
            default = "AAPCS" if tag == "Tag_ABI_VFP_args" else None
            assert ours.get(tag, default) == gccs.get(tag, default), (tag, ours, gccs)
        assert "Tag_FP_arch" in ours
    else:
        assert "Tag_FP_arch" not in ours
    common = (set(ours) & set(gccs)) - {"Tag_CPU_name"}
    assert len(common) >= 6, common
    differ = {t: (ours[t], gccs[t]) for t in common if ours[t] != gccs[t]}
    assert not differ, differ
    subprocess.run(["arm-none-eabi-ld", "-r", compiled.obj, gobj, "-o", str(tmp_path / "l.o")], check=True)


# --- qemu ------------------------------------------------------------------------------------

def _firmware(obj, workdir, cpu, script, main="main.c", extra=()):
    elf = os.path.join(workdir, "app-%s.elf" % cpu)
    cflags = ["-mcpu=" + cpu, "-mthumb", "-O2", "-ffreestanding", "-Wall", "-Werror", "-g"] + list(extra)
    subprocess.run(["arm-none-eabi-gcc"] + cflags + ["-nostdlib", "-T", os.path.join(QEMU_DIR, script),
                    "-I", QEMU_DIR, os.path.join(QEMU_DIR, "startup.c"), os.path.join(QEMU_DIR, main), obj,
                    "-lgcc", "-o", elf], check=True, capture_output=True, text=True)
    return elf


def _qemu(machine, elf):
    proc = subprocess.run(["qemu-system-arm", "-M", machine, "-nographic", "-monitor", "none",
                           "-semihosting-config", "enable=on,target=native", "-kernel", elf],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30,
                          stdin=subprocess.DEVNULL)
    return proc.returncode, proc.stdout


@pytest.mark.parametrize("cpu,machine,script", [("cortex-m33", "mps2-an505", "mps2-an505.ld"),
                                                ("cortex-m55", "mps3-an547", "mps3-an547.ld")])
def test_qemu_firmware(cpu, machine, script, tmp_path):
    compiled = wasm2obj.compile_module(os.path.join(QEMU_DIR, "module.wat"), str(tmp_path), name="module",
                                       extra_args=["--target", cpu])
    assert _attributes(compiled.obj)["Tag_CPU_name"] == '"%s"' % cpu
    rc, out = _qemu(machine, _firmware(compiled.obj, str(tmp_path), cpu, script))
    test_qemu.check_output(rc, out)


def test_qemu_hard_float_on_cortex_m33(tmp_path):
    compiled = wasm2obj.compile_module(os.path.join(QEMU_DIR, "float_module.wat"), str(tmp_path), name="fmodule",
                                       extra_args=["--target", "cortex-m33", "--fpu", "fpv5-sp-d16",
                                                   "--float-abi", "hard"])
    elf = _firmware(compiled.obj, str(tmp_path), "cortex-m33", "mps2-an505.ld", main="float_main.c",
                    extra=["-mfloat-abi=hard", "-mfpu=fpv5-sp-d16"])
    rc, out = _qemu("mps2-an505", elf)
    test_qemu.check_float_output(rc, out)
