"""`-g`: unwind tables and names, checked against the code and under gdb.

- Every function of the corpus (tests/programs, the examples, the qemu and debug modules,
  and a generated caller whose spill slots lie beyond sp+4095, so that spill stores push a
  scratch register) is compiled with `-g`; `harness.cfi_check` walks each function's
  disassembly and asserts that `readelf --debug-dump=frames-interp` gives the real sp at
  every instruction boundary (mid-function epilogues included) and the saved registers'
  slots. The checker must also reject a corrupted `.debug_frame`.
- `.text` (and its relocations) is byte-identical with and without `-g`.
- gdb on qemu: tests/debug/main.c calls the export `outer`, which calls the internal
  `$inner`, which calls the C import `host_break`; at a breakpoint there `bt` shows
  host_break, the two synth frames by name, and main.
"""

import glob
import os
import re
import shutil
import subprocess

import pytest

from harness import cfi_check, gdbsession, paths, wasm2obj

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_DIR = os.path.join(REPO, "tests", "qemu")
DEBUG_DIR = os.path.join(REPO, "tests", "debug")
CORPUS = (sorted(glob.glob(os.path.join(paths.PROGRAMS, "*.wat")))
          + sorted(glob.glob(os.path.join(REPO, "examples", "**", "*.wat"), recursive=True))
          + [os.path.join(QEMU_DIR, "module.wat"), os.path.join(DEBUG_DIR, "module.wat")])


def big_frame_wat(nparams=600, live=14):
    """A caller whose outgoing arguments (i64s) put its spill slots past sp+4095 (far
    stores through a pushed scratch register), with an early return (a mid-function
    epilogue) and a second frame-allocation step (`sub sp` twice)."""
    lines = ["(module",
             # (two blocks: not a small leaf, so the optimiser keeps the call)
             "  (func $callee (param %s) (result i32) (block (br_if 0 (i32.wrap_i64 (local.get 1))))"
             " local.get 0 local.get %d i64.add i32.wrap_i64)"
             % (" ".join(["i64"] * nparams), nparams - 1),
             "  (func $caller (export \"caller\") (param $x i32) (result i32)",
             "    (local %s)" % " ".join(["i32"] * live)]
    for k in range(live):
        lines.append("    local.get $x i32.const %d i32.mul i32.const %d i32.xor local.set %d" % (k + 3, k * 7, k + 1))
    lines.append("    local.get $x i32.eqz if i32.const -1 return end")
    lines.append("    " + " ".join("local.get %d i64.extend_i32_u" % (j % (live + 1)) for j in range(nparams)))
    lines.append("    call $callee")
    for k in range(live):
        lines.append("    local.get %d i32.add" % (k + 1))
    lines.append("  ))")
    return "\n".join(lines)


def compile_g(source, workdir, name, debug=True):
    extra = ["-g"] if debug else []
    return wasm2obj.compile_module(source, str(workdir), name=name, extra_args=extra)


def section(obj, name, out):
    """The bytes of section `name` of `obj`, or None when it has none."""
    names = subprocess.run(["readelf", "-SW", obj], check=True, capture_output=True, text=True).stdout
    if not re.search(r"\] %s\s" % re.escape(name), names):
        return None
    if os.path.exists(out):
        os.remove(out)
    subprocess.run(["arm-none-eabi-objcopy", "--dump-section", "%s=%s" % (name, out), obj, os.devnull],
                   check=True, capture_output=True)
    with open(out, "rb") as f:
        return f.read()


def test_cfi_matches_sp_at_every_instruction(tmp_path):
    sources = CORPUS + [big_frame_wat()]
    total = cfi_check.Report()
    scratch_pushes = remembers = 0
    for k, src in enumerate(sources):
        c = compile_g(src, tmp_path, "m%d" % k)
        rep = cfi_check.check_object(c.obj)
        total.functions += rep.functions
        total.instructions += rep.instructions
        total.errors += ["%s: %s" % (os.path.basename(src) if len(src) < 300 else "big_frame", e)
                         for e in rep.errors]
        dis = subprocess.run(["arm-none-eabi-objdump", "-d", c.obj], capture_output=True, text=True).stdout
        scratch_pushes += len(re.findall(r"(str\.w\s+r[01], \[sp, #-4\]!|push\s+\{r[01]\})", dis))
        frames = subprocess.run(["readelf", "--debug-dump=frames", c.obj], capture_output=True, text=True).stdout
        remembers += frames.count("DW_CFA_remember_state")
    print("cfi: %d functions, %d instructions checked, %d scratch pushes, %d remembered states, %d errors"
          % (total.functions, total.instructions, scratch_pushes, remembers, len(total.errors)))
    assert not total.errors, "\n".join(total.errors[:30])
    assert total.functions > 600 and total.instructions > 8000
    assert scratch_pushes > 0, "the far spill-store path was not exercised"
    assert remembers > 0, "no mid-function exit was exercised"


#: The FPU configuration whose callee-saved s16-s31 the frame saves with VPUSH/VPOP.
FPU_HARD = ["--fpu", "fpv4-sp-d16", "--float-abi", "hard"]


def test_cfi_of_vfp_register_saves(tmp_path):
    """With an FPU the float programs save callee-saved S registers (`vpush {d8-dN}` after
    the push, `vpop` before the pop): the CFA and each saved s_n (DWARF 64+n) are right at
    every instruction, and `.ARM.exidx` pops the D registers with EHABI's VPUSH opcode."""
    total = cfi_check.Report()
    vpushes = 0
    for k, src in enumerate(sorted(glob.glob(os.path.join(paths.PROGRAMS, "float_*.wat")))):
        c = wasm2obj.compile_module(src, str(tmp_path), name="f%d" % k, extra_args=["-g"] + FPU_HARD)
        rep = cfi_check.check_object(c.obj)
        total.functions += rep.functions
        total.instructions += rep.instructions
        total.errors += ["%s: %s" % (os.path.basename(src), e) for e in rep.errors]
        dis = subprocess.run(["arm-none-eabi-objdump", "-d", c.obj], capture_output=True, text=True).stdout
        n = len(re.findall(r"\svpush\s+\{d8", dis))
        vpushes += n
        if n:
            unwind = subprocess.run(["arm-none-eabi-readelf", "-u", c.obj], capture_output=True, text=True).stdout
            assert re.search(r"0xd[0-7] pop \{D8", unwind), unwind
    print("vfp cfi: %d functions, %d instructions, %d vpush" % (total.functions, total.instructions, vpushes))
    assert not total.errors, "\n".join(total.errors[:30])
    assert vpushes > 0, "no function saved a callee-saved S register"


def test_checker_rejects_a_wrong_vfp_save(tmp_path):
    """A .debug_frame that puts s16 (DWARF 80) one word off fails the check."""
    c = wasm2obj.compile_module(os.path.join(paths.PROGRAMS, "float_pressure.wat"), str(tmp_path), name="p",
                                extra_args=["-g"] + FPU_HARD)
    assert not cfi_check.check_object(c.obj).errors
    frame = bytearray(section(c.obj, ".debug_frame", str(tmp_path / "df.bin")))
    at = frame.index(bytes([0x05, 80]))  # DW_CFA_offset_extended s16
    frame[at + 2] += 1
    (tmp_path / "bad.bin").write_bytes(bytes(frame))
    bad = str(tmp_path / "bad.o")
    subprocess.run(["arm-none-eabi-objcopy", "--update-section", ".debug_frame=%s" % (tmp_path / "bad.bin"),
                    c.obj, bad], check=True)
    errors = cfi_check.check_object(bad).errors
    assert any("s16 (r80) rule" in e for e in errors), errors


def test_checker_rejects_a_wrong_frame(tmp_path):
    """A .debug_frame whose first CFA offset is off by 4 fails the check (the first
    function pushes {r3, lr}: CFA offset 8)."""
    c = compile_g(os.path.join(DEBUG_DIR, "module.wat"), tmp_path, "m")
    assert not cfi_check.check_object(c.obj).errors
    frame = bytearray(section(c.obj, ".debug_frame", str(tmp_path / "df.bin")))
    at = frame.index(bytes([0x0E, 8]), 16)  # first DW_CFA_def_cfa_offset 8 after the CIE
    frame[at + 1] = 12
    (tmp_path / "bad.bin").write_bytes(bytes(frame))
    bad = str(tmp_path / "bad.o")
    subprocess.run(["arm-none-eabi-objcopy", "--update-section", ".debug_frame=%s" % (tmp_path / "bad.bin"),
                    c.obj, bad], check=True)
    errors = cfi_check.check_object(bad).errors
    assert any("CFA r13+12, sp is r13+8" in e for e in errors), errors


def test_text_is_identical_with_and_without_g(tmp_path):
    for k, src in enumerate(CORPUS[::3] + [big_frame_wat()]):
        plain = compile_g(src, tmp_path / "plain", "m%d" % k, debug=False)
        debug = compile_g(src, tmp_path / "debug", "m%d" % k)
        for sec in (".text", ".data", ".rodata"):
            a = section(plain.obj, sec, str(tmp_path / "a.bin"))
            b = section(debug.obj, sec, str(tmp_path / "b.bin"))
            assert a == b, "%s: %s differs with -g" % (src[:80], sec)
            if sec == ".text":
                assert a, src[:80]
        relocs = [subprocess.run(["readelf", "-rW", o], capture_output=True, text=True).stdout for o in (plain.obj, debug.obj)]
        # Same relocations at the same offsets and types in .rel.text (symbol names may differ).
        text_rel = [re.findall(r"^([0-9a-f]{8})\s+\S+\s+(R_ARM_\w+)", r.split(".rel.text")[1].split("Relocation section")[0],
                               re.M) if ".rel.text" in r else [] for r in relocs]
        assert text_rel[0] == text_rel[1], src[:80]
        sections = subprocess.run(["readelf", "-SW", plain.obj], capture_output=True, text=True).stdout
        assert ".debug_frame" not in sections and ".ARM.exidx" not in sections


def test_names_and_unwind_index(tmp_path):
    c = compile_g(os.path.join(DEBUG_DIR, "module.wat"), tmp_path, "m")
    syms = subprocess.run(["readelf", "-sW", c.obj], capture_output=True, text=True).stdout
    assert re.search(r"FUNC\s+LOCAL\s+DEFAULT\s+\d+ wasm_func1\$inner$", syms, re.M), syms
    plain = compile_g(os.path.join(DEBUG_DIR, "module.wat"), tmp_path / "p", "m", debug=False)
    assert "wasm_func1\n" in subprocess.run(["readelf", "-sW", plain.obj], capture_output=True, text=True).stdout
    unwind = subprocess.run(["readelf", "-u", c.obj], capture_output=True, text=True).stdout
    # inner: push {lr}; sub sp, #4 -> vsp += 4, pop {lr}; outer: push {r4, lr}.
    assert re.search(r"<wasm_func1\$inner>: 0x80008400", unwind), unwind
    assert re.search(r"<wasm_outer>: 0x80a8b0b0", unwind), unwind
    assert re.search(r"<synth_trap>: 0x1 \[cantunwind\]", unwind), unwind
    # Globals and data segments named in the name section (the `wat` encoder writes them).
    m = compile_g('(module (memory 1) (global $counter (mut i32) (i32.const 0)) (data $greeting (i32.const 0) "hi")'
                  ' (func (export "f") (result i32) global.get $counter))', tmp_path / "n", "n")
    syms = subprocess.run(["readelf", "-sW", m.obj], capture_output=True, text=True).stdout
    assert re.search(r"OBJECT\s+LOCAL\s+DEFAULT\s+\d+ wasm_global0\$counter$", syms, re.M), syms
    assert re.search(r"OBJECT\s+LOCAL\s+DEFAULT\s+\d+ wasm_data0\$greeting$", syms, re.M), syms


@pytest.mark.skipif(shutil.which("gdb-multiarch") is None, reason="gdb-multiarch not installed (scripts/setup.sh)")
def test_gdb_backtrace_through_synth_frames(tmp_path):
    c = compile_g(os.path.join(DEBUG_DIR, "module.wat"), tmp_path, "module")
    elf = str(tmp_path / "app.elf")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-O2", "-g", "-ffreestanding", "-nostdlib",
                    "-Wall", "-Werror", "-T", os.path.join(QEMU_DIR, "mps2-an386.ld"), "-I", QEMU_DIR,
                    "-I", str(tmp_path), os.path.join(QEMU_DIR, "startup.c"), os.path.join(DEBUG_DIR, "main.c"),
                    c.obj, "-lgcc", "-o", elf], check=True)
    gdb, out = gdbsession.run_gdb(elf, ["break host_break", "continue", "bt", "continue"])
    print(gdb.stdout)
    frames = re.findall(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \(", gdb.stdout, re.M)
    assert [f for _, f in frames] == ["host_break", "wasm_func1$inner", "wasm_outer", "main"], gdb.stdout + gdb.stderr
    assert "host_break (x=36)" in gdb.stdout
    assert "debug firmware ok" in out, out
