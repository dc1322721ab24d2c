"""Float ABI of synth objects, as the linker and the C compiler see it (docs/ABI.md,
"Floating point"): a module with floats in its interface links with soft- and softfp-float C
code, arm-none-eabi-ld refuses to mix it with hard-float code exactly as it refuses gcc's own
soft-float objects; compiled with ``--float-abi hard`` it links with hard-float C code and is
refused by soft-float code, with gcc's build attributes; a float-free module links with all,
and the options reject FPUs a core cannot have."""

import os
import subprocess

import pytest

from harness import paths

FLOAT_WAT = """(module
  (func (export "scale") (param f32 f64) (result f64)
    (f64.mul (f64.promote_f32 (local.get 0)) (local.get 1))))"""
INT_WAT = """(module (func (export "twice") (param i32) (result i32) (i32.add (local.get 0) (local.get 0))))"""
C_FLOAT = "double wasm_scale(float, double); void wasm_init(void);\n" \
          "double run(void) { wasm_init(); return wasm_scale(1.5f, 2.0); }\n"
C_INT = "int wasm_twice(int); void wasm_init(void);\nint run(void) { wasm_init(); return wasm_twice(2); }\n"
FLOAT_ABIS = {
    "soft": ["-mfloat-abi=soft"],
    "softfp": ["-mfloat-abi=softfp", "-mfpu=fpv4-sp-d16"],
    "hard": ["-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
}


def compile_wat(tmp_path, name, text, *opts):
    src = tmp_path / (name + ".wat")
    src.write_text(text)
    obj = tmp_path / (name + ".o")
    proc = subprocess.run([paths.synth_bin(), "compile", str(src), "-o", str(obj)] + list(opts),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return str(obj)


def link(tmp_path, module_obj, c_src, abi):
    c = tmp_path / ("main_%s.c" % abi)
    c.write_text(c_src)
    cobj = str(tmp_path / ("main_%s.o" % abi))
    flags = ["-mcpu=cortex-m4", "-mthumb", "-O1"] + FLOAT_ABIS[abi]
    subprocess.run(["arm-none-eabi-gcc"] + flags + ["-c", str(c), "-o", cobj], check=True)
    out = str(tmp_path / ("app_%s.elf" % abi))
    # A relocatable link checks the build attributes without needing a startup file.
    return subprocess.run(["arm-none-eabi-ld", "-r", cobj, module_obj, "-o", out],
                          capture_output=True, text=True)


def attributes(obj):
    return subprocess.run(["arm-none-eabi-readelf", "-A", obj], capture_output=True, text=True,
                          check=True).stdout


def test_float_interface_is_core_registers(tmp_path):
    obj = compile_wat(tmp_path, "f", FLOAT_WAT)
    attrs = attributes(obj)
    assert "Tag_ABI_VFP_args: AAPCS" in attrs, attrs
    header = subprocess.run(["readelf", "-h", obj], capture_output=True, text=True, check=True).stdout
    assert "soft-float ABI" in header, header
    for abi in ("soft", "softfp"):
        r = link(tmp_path, obj, C_FLOAT, abi)
        assert r.returncode == 0, (abi, r.stderr)
    r = link(tmp_path, obj, C_FLOAT, "hard")
    assert r.returncode != 0 and "VFP register arguments" in r.stderr, r.stderr


HARD = ("--fpu", "fpv4-sp-d16", "--float-abi", "hard")


def test_hard_float_interface_is_vfp_registers(tmp_path):
    obj = compile_wat(tmp_path, "h", FLOAT_WAT, *HARD)
    attrs = attributes(obj)
    # What arm-none-eabi-gcc -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard writes.
    for tag in ("Tag_ABI_VFP_args: VFP registers", "Tag_FP_arch: VFPv4-D16", "Tag_ABI_HardFP_use: SP only"):
        assert tag in attrs, (tag, attrs)
    header = subprocess.run(["readelf", "-h", obj], capture_output=True, text=True, check=True).stdout
    assert "hard-float ABI" in header, header
    r = link(tmp_path, obj, C_FLOAT, "hard")
    assert r.returncode == 0, r.stderr
    for abi in ("soft", "softfp"):
        r = link(tmp_path, obj, C_FLOAT, abi)
        assert r.returncode != 0 and "VFP register arguments" in r.stderr, (abi, r.stderr)


@pytest.mark.parametrize("target,fpu,arch,sp_only", [("cortex-m7", "fpv5-sp-d16", "FPv5/FP-D16 for ARMv8", True),
                                                     ("cortex-m7", "fpv5-d16", "FPv5/FP-D16 for ARMv8", False),
                                                     ("cortex-m33", "fpv5-sp-d16", "FPv5/FP-D16 for ARMv8", True),
                                                     ("cortex-m55", "fpv5-d16", "FPv5/FP-D16 for ARMv8", False)])
def test_hard_float_attributes_name_the_fpu(tmp_path, target, fpu, arch, sp_only):
    obj = compile_wat(tmp_path, "h7", FLOAT_WAT, "--target", target, "--fpu", fpu, "--float-abi", "hard")
    attrs = attributes(obj)
    assert "Tag_FP_arch: " + arch in attrs and "Tag_ABI_VFP_args: VFP registers" in attrs, attrs
    assert ("Tag_ABI_HardFP_use: SP only" in attrs) == sp_only, attrs


SOFTFP_WAT = """(module
  (func (export "scale") (param f32 f64) (result f64)
    (f64.mul (f64.promote_f32 (f32.mul (local.get 0) (local.get 0))) (local.get 1))))"""


def disassembly(obj):
    return subprocess.run(["arm-none-eabi-objdump", "-d", obj], capture_output=True, text=True,
                          check=True).stdout


def test_softfp_computes_on_the_fpu_with_core_register_interface(tmp_path):
    """``--float-abi softfp``: VFP instructions in the code, declared as gcc
    -mfloat-abi=softfp declares them (Tag_FP_arch, Tag_ABI_HardFP_use) with floats still in
    core registers (Tag_ABI_VFP_args: AAPCS); ld links it with soft and softfp C and refuses
    hard C, exactly as for gcc's softfp objects."""
    obj = compile_wat(tmp_path, "sfp", SOFTFP_WAT, "--fpu", "fpv4-sp-d16", "--float-abi", "softfp")
    attrs = attributes(obj)
    for tag in ("Tag_ABI_VFP_args: AAPCS", "Tag_FP_arch: VFPv4-D16", "Tag_ABI_HardFP_use: SP only"):
        assert tag in attrs, (tag, attrs)
    assert "vmul.f32" in disassembly(obj)
    assert "vmul" not in disassembly(compile_wat(tmp_path, "sw", SOFTFP_WAT))
    c = tmp_path / "lib.c"
    c.write_text("double lib_scale(float a, double b) { return a * a * b; }\n")
    gcc_obj = str(tmp_path / "gcc_softfp.o")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-O1"] + FLOAT_ABIS["softfp"] +
                   ["-c", str(c), "-o", gcc_obj], check=True)
    assert "Tag_FP_arch: VFPv4-D16" in attributes(gcc_obj)
    for module_obj, src in ((obj, C_FLOAT), (gcc_obj, C_FLOAT.replace("wasm_scale", "lib_scale"))):
        for abi in ("soft", "softfp"):
            r = link(tmp_path, module_obj, src, abi)
            assert r.returncode == 0, (module_obj, abi, r.stderr)
        r = link(tmp_path, module_obj, src, "hard")
        assert r.returncode != 0 and "VFP register arguments" in r.stderr, (module_obj, r.stderr)


def test_fpu_code_behind_a_float_free_interface(tmp_path):
    """``--float-abi hard`` with no float in the interface: the code computes on the FPU
    (Tag_FP_arch) and the object still links with every float ABI (Tag_ABI_VFP_args:
    compatible)."""
    wat = """(module (func (export "twice") (param i32) (result i32)
      (i32.trunc_sat_f32_s (f32.mul (f32.convert_i32_s (local.get 0)) (f32.const 2)))))"""
    obj = compile_wat(tmp_path, "fh", wat, *HARD)
    attrs = attributes(obj)
    assert "Tag_ABI_VFP_args: compatible" in attrs and "Tag_FP_arch: VFPv4-D16" in attrs, attrs
    assert "vmul.f32" in disassembly(obj)
    for abi in FLOAT_ABIS:
        r = link(tmp_path, obj, C_INT, abi)
        assert r.returncode == 0, (abi, r.stderr)


def test_gcc_soft_float_objects_are_refused_the_same_way(tmp_path):
    """The reference behaviour the test above holds synth to."""
    c = tmp_path / "lib.c"
    c.write_text("double lib_scale(float a, double b) { return a * b; }\n")
    lib = str(tmp_path / "lib.o")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft", "-c", str(c),
                    "-o", lib], check=True)
    r = link(tmp_path, lib, C_FLOAT.replace("wasm_scale", "lib_scale"), "hard")
    assert r.returncode != 0 and "VFP register arguments" in r.stderr, r.stderr


def test_float_free_module_links_with_every_float_abi(tmp_path):
    obj = compile_wat(tmp_path, "i", INT_WAT)
    assert "Tag_ABI_VFP_args: compatible" in attributes(obj)
    for abi in FLOAT_ABIS:
        r = link(tmp_path, obj, C_INT, abi)
        assert r.returncode == 0, (abi, r.stderr)
    # --float-abi hard changes nothing without floats in the interface.
    hard = compile_wat(tmp_path, "ih", INT_WAT, *HARD)
    assert open(hard, "rb").read() == open(obj, "rb").read()


def test_fpu_options_follow_the_core(tmp_path):
    src = tmp_path / "m.wat"
    src.write_text(FLOAT_WAT)

    def run(*opts):
        return subprocess.run([paths.synth_bin(), "compile", str(src), "-o", str(tmp_path / "m.o")] + list(opts),
                              capture_output=True, text=True)
    ok = run("--target", "cortex-m4", "--fpu", "fpv4-sp-d16", "--float-abi", "softfp")
    assert ok.returncode == 0, ok.stderr
    # --float-abi soft computes in software whatever the FPU, as gcc -mfloat-abi=soft.
    soft = compile_wat(tmp_path, "s", FLOAT_WAT)
    soft_fpu = compile_wat(tmp_path, "sf", FLOAT_WAT, "--fpu", "fpv4-sp-d16", "--float-abi", "soft")
    assert open(soft, "rb").read() == open(soft_fpu, "rb").read()
    for bad, needle in [(("--target", "cortex-m3", "--fpu", "fpv4-sp-d16"), "cortex-m3 has no fpv4-sp-d16"),
                        (("--fpu", "fpv5-d16"), "cortex-m4 has no fpv5-d16"),
                        (("--float-abi", "softfp"), "needs an FPU"),
                        (("--float-abi", "hard"), "--float-abi hard needs an FPU"),
                        (("--fpu", "vfpv3"), "unknown FPU")]:
        r = run(*bad)
        assert r.returncode != 0 and needle in r.stderr, (bad, r.stderr)
        assert not os.path.exists(tmp_path / "x.o")
