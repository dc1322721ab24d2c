"""synth.compile through the C API: outputs, options, stats vs the CLI, errors."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

import synth
from synth.errors import error_for_status

from conftest import CONTROLLER, PROGRAMS, REPO, run_cli

EM_ARM = 40


def elf_header(obj: bytes) -> tuple[int, int, int]:
    """(class, e_type, e_machine) of an ELF file."""
    assert obj[:4] == b"\x7fELF"
    e_type, e_machine = struct.unpack_from("<HH", obj, 16)
    return obj[4], e_type, e_machine


def test_library_version():
    assert synth.abi_version() == synth.ABI_VERSION == 1
    assert synth.version().count(".") == 2
    assert Path(synth.library_path()).is_file()


def test_object_is_arm_elf_and_header_declares_exports(sample_wat):
    r = synth.compile(sample_wat)
    assert elf_header(r.object) == (1, 1, EM_ARM)  # ELF32, ET_REL, EM_ARM
    for proto in ("int32_t wasm_add(int32_t", "int64_t wasm_mul64(int64_t", "int32_t wasm_load(int32_t",
                  "void wasm_init(void)"):
        assert proto in r.header, proto
    assert r.target == "cortex-m4"
    assert [f.symbol for f in r.stats.functions if f.kind == "wasm"] == ["wasm_add", "wasm_mul64", "wasm_load"]


def test_input_forms_agree(sample_wat, tmp_path):
    wat = tmp_path / "m.wat"
    wat.write_text(sample_wat)
    binary = tmp_path / "m.wasm"
    import wasmtime
    binary.write_bytes(wasmtime.wat2wasm(sample_wat))
    expected = synth.compile(sample_wat).object
    assert synth.compile(wat).object == expected
    assert synth.compile(str(wat)).object == expected
    assert synth.compile(binary.read_bytes()).object == expected
    assert synth.compile(bytearray(sample_wat.encode())).object == expected
    with pytest.raises(FileNotFoundError):
        synth.compile(str(tmp_path / "missing.wasm"))
    with pytest.raises(TypeError):
        synth.compile(12)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", [CONTROLLER, PROGRAMS / "sort.wat", PROGRAMS / "i64_div_u.wat"],
                         ids=lambda p: p.name)
def test_stats_agree_with_cli(path, tmp_path):
    proc = run_cli("compile", str(path), "-o", str(tmp_path / "m.o"), "--stats-json", "-")
    assert proc.returncode == 0, proc.stderr
    r = synth.compile(path)
    assert r.stats == synth.ModuleStats.from_json(proc.stdout)
    assert json.loads(r.stats_json) == json.loads(proc.stdout)
    assert r.object == (tmp_path / "m.o").read_bytes()


def test_options_map_to_the_library(sample_wat):
    base = synth.compile(sample_wat)
    prefixed = synth.compile(sample_wat, prefix="ctl_", module_name="ctl")
    assert "ctl_add" in prefixed.header and "wasm_add" not in prefixed.header
    assert {f.symbol for f in prefixed.stats.functions if f.kind == "wasm"} == {"ctl_add", "ctl_mul64", "ctl_load"}
    unchecked = synth.compile(sample_wat, bounds_checks=False)
    assert unchecked.stats.function("wasm_load").code_bytes < base.stats.function("wasm_load").code_bytes
    m3 = synth.compile(sample_wat, target="cortex-m3")
    assert m3.target == "cortex-m3" and m3.stats.target == "cortex-m3"
    capped = synth.compile(sample_wat, max_memory_pages=1)
    assert capped.stats.totals.bss_bytes == 65536
    for flag in ("stack_check", "verify_allocation", "shadow_allocation"):
        assert synth.compile(sample_wat, **{flag: True}).object[:4] == b"\x7fELF"
    assert synth.compile(sample_wat, stack_check=True).object != base.object
    assert synth.compile(sample_wat, optimize=False).stats.functions


def test_unknown_option_is_a_type_error(sample_wat):
    with pytest.raises(TypeError, match="bounds_check"):
        synth.compile(sample_wat, bounds_check=False)


def test_write(sample_wat, tmp_path):
    r = synth.compile(sample_wat)
    r.write(tmp_path / "a.o")
    assert (tmp_path / "a.o").read_bytes() == r.object and not (tmp_path / "a.h").exists()
    r.write(tmp_path / "b.o", header=True)
    assert (tmp_path / "b.h").read_text() == r.header
    r.write(str(tmp_path / "c.o"), header=str(tmp_path / "inc.h"))
    assert (tmp_path / "inc.h").read_text() == r.header


def _raises(cls, status, wasm, **options):
    with pytest.raises(cls) as info:
        synth.compile(wasm, **options)
    assert isinstance(info.value, synth.SynthError)
    assert info.value.status == status
    assert info.value.message
    return info.value


def test_error_classes(sample_wat):
    import wasmtime
    binary = wasmtime.wat2wasm(sample_wat)
    with pytest.raises((synth.MalformedModuleError, synth.InvalidModuleError), match="end-of-file"):
        synth.compile(binary[: len(binary) // 2])  # exact class: test_truncated_bytes_are_malformed
    _raises(synth.MalformedModuleError, 2, "(module (func (export \"f\") i32.bogus))")
    _raises(synth.InvalidModuleError, 3, "(module (func (export \"f\") (result i32)))")
    e = _raises(synth.UnsupportedError, 4,
                '(module (func $fadd (export "fadd") (param i32) (result i32) '
                "local.get 0 i32x4.splat i32x4.extract_lane 0))")
    assert "i32x4" in e.message and "fadd" in e.message
    _raises(synth.SymbolCollisionError, 5, '(module (import "env" "wasm_f" (func)) (func (export "f")))')
    e = _raises(synth.InvalidArgumentError, 1, sample_wat, prefix="bad-prefix!")
    assert "prefix" in e.message and isinstance(e, ValueError)
    _raises(synth.InvalidArgumentError, 1, sample_wat, prefix="9lives")
    _raises(synth.InvalidArgumentError, 1, b"")
    _raises(synth.InvalidArgumentError, 1, sample_wat, target="cortex-m85")
    _raises(synth.InvalidArgumentError, 1, sample_wat, max_memory_pages=-3)
    _raises(synth.InvalidArgumentError, 1, sample_wat, prefix="a\0b")


def test_truncated_bytes_are_malformed(sample_wat):
    import wasmtime
    binary = wasmtime.wat2wasm(sample_wat)
    _raises(synth.MalformedModuleError, 2, binary[: len(binary) // 2])


def test_error_for_status_covers_every_code():
    classes = {1: synth.InvalidArgumentError, 2: synth.MalformedModuleError, 3: synth.InvalidModuleError,
               4: synth.UnsupportedError, 5: synth.SymbolCollisionError, 6: synth.InternalError,
               7: synth.StackLimitError, 8: synth.LimitError}
    for status, cls in classes.items():
        e = error_for_status(status, "msg")
        assert type(e) is cls and e.status == status and str(e) == "msg"
    unknown = error_for_status(99, "msg")
    assert type(unknown) is synth.SynthError and "99" in str(unknown)


def test_help_is_useful():
    doc = synth.compile.__doc__ or ""
    for word in ("prefix", "bounds_checks", "max_memory_pages", "UnsupportedError", "cortex-m7", "os.PathLike"):
        assert word in doc


FLOAT_WAT = '(module (func (export "mul") (param f32 f32) (result f32) (f32.mul (local.get 0) (local.get 1))))'


def test_float_options_reach_the_library(tmp_path):
    """fpu/float_abi by name or C code; the object equals the CLI's for the same flags, and
    combinations the compiler rejects come back as InvalidArgumentError with its reason."""
    src = tmp_path / "f.wat"
    src.write_text(FLOAT_WAT)
    proc = run_cli("compile", str(src), "-o", str(tmp_path / "f.o"), "--fpu", "fpv4-sp-d16", "--float-abi", "softfp")
    assert proc.returncode == 0, proc.stderr
    named = synth.compile(src, fpu="fpv4-sp-d16", float_abi="softfp")
    assert named.object == (tmp_path / "f.o").read_bytes()
    assert synth.compile(src, fpu=1, float_abi=1).object == named.object
    assert synth.compile(src, target="cortex-m7", fpu="fpv5-d16", float_abi="softfp").target == "cortex-m7"
    assert synth.compile(src, fpu="none", float_abi="soft").object == synth.compile(src).object
    e = _raises(synth.InvalidArgumentError, 1, FLOAT_WAT, float_abi="softfp")
    assert "needs an FPU" in e.message
    e = _raises(synth.InvalidArgumentError, 1, FLOAT_WAT, float_abi="hard")  # reaches the library too
    assert "needs an FPU" in e.message
    e = _raises(synth.InvalidArgumentError, 1, FLOAT_WAT, target="cortex-m3", fpu="fpv4-sp-d16")
    assert "cortex-m3 has no fpv4-sp-d16" in e.message
    _raises(synth.InvalidArgumentError, 1, FLOAT_WAT, fpu="fpv4")
    _raises(synth.InvalidArgumentError, 1, FLOAT_WAT, float_abi=7)
    _raises(synth.InvalidArgumentError, 1, FLOAT_WAT, fpu=True)


def test_debug_option_reaches_the_library(sample_wat, tmp_path):
    """debug=True is synth compile -g (the same object, with the unwind tables); default off."""
    src = tmp_path / "m.wat"
    src.write_text(sample_wat)
    proc = run_cli("compile", str(src), "-o", str(tmp_path / "g.o"), "-g")
    assert proc.returncode == 0, proc.stderr
    debug = synth.compile(src, debug=True).object
    assert debug == (tmp_path / "g.o").read_bytes()
    assert b".debug_frame" in debug and b".ARM.exidx" in debug
    plain = synth.compile(src).object
    assert synth.compile(src, debug=False).object == plain
    assert b".debug_frame" not in plain and b".ARM.exidx" not in plain
    _raises(synth.InvalidArgumentError, 1, sample_wat, debug="yes")


def test_debug_wat_option_reaches_the_library(sample_wat, tmp_path):
    """debug_wat="m.wat" is synth compile --debug-wat (debug on, a .debug_line naming the
    file); None (default) gives no line table for text."""
    src = tmp_path / "m.wat"
    src.write_text(sample_wat)
    proc = run_cli("compile", str(src), "-o", str(tmp_path / "w.o"), "--debug-wat")
    assert proc.returncode == 0, proc.stderr
    obj = synth.compile(src, debug_wat=str(src)).object
    assert obj == (tmp_path / "w.o").read_bytes()
    assert b".debug_line" in obj and b".debug_frame" in obj and b"m.wat" in obj
    assert b".debug_line" not in synth.compile(src, debug=True).object
    _raises(synth.InvalidArgumentError, 1, sample_wat, debug_wat=3)


def test_max_function_bytes_over_the_limit_is_a_limit_error(tmp_path):
    """max_function_bytes=10 refuses examples/controller.wat (LimitError, status 8, the same
    message as synth compile --max-function-bytes 10); 0 is no limit, None the library's."""
    src = CONTROLLER
    e = _raises(synth.LimitError, 8, src, max_function_bytes=10)
    assert e.message.startswith("limit: function ") and "over the limit of 10 (max_function_bytes)" in e.message
    cli = run_cli("compile", str(src), "-o", str(tmp_path / "c.o"), "--max-function-bytes", "10")
    assert cli.returncode == 1 and e.message in cli.stderr, cli.stderr
    plain = synth.compile(src).object
    assert synth.compile(src, max_function_bytes=None).object == plain
    assert synth.compile(src, max_function_bytes=0).object == plain
    assert synth.compile(src, max_function_bytes=2**32 - 1).object == plain
    for bad in (-1, 2**32, True, "10", 1.5):
        _raises(synth.InvalidArgumentError, 1, src, max_function_bytes=bad)


def test_options_struct_matches_the_c_header(tmp_path):
    """The ctypes synth_options has the C struct's size and every field at its offset (a C
    program built against include/synth.h prints them)."""
    import ctypes
    import shutil
    import subprocess
    from synth import _lib
    cc = shutil.which("cc") or shutil.which("gcc")
    assert cc, "a host C compiler is needed"
    names = [n for n, _ in _lib.SynthOptions._fields_]
    prog = tmp_path / "layout.c"
    prog.write_text('#include <stddef.h>\n#include <stdio.h>\n#include "synth.h"\nint main(void) {\n'
                    '    printf("sizeof %zu\\n", sizeof(synth_options));\n'
                    + "".join('    printf("%s %%zu\\n", offsetof(synth_options, %s));\n' % (n, n) for n in names)
                    + "    return 0;\n}\n")
    exe = tmp_path / "layout"
    subprocess.run([cc, "-std=c99", "-I", str(REPO / "include"), str(prog), "-o", str(exe)], check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    c = dict(line.split() for line in out.splitlines())
    py = {n: getattr(_lib.SynthOptions, n).offset for n in names}
    py["sizeof"] = ctypes.sizeof(_lib.SynthOptions)
    assert {k: int(v) for k, v in c.items()} == py
    # version 6 is the last the bindings know
    assert names[-4:] == ["debug", "reserved1", "max_function_bytes", "debug_wat"]
    opts = _lib.SynthOptions()
    assert _lib.load().synth_options_init(ctypes.byref(opts)) == 0
    assert opts.struct_size == ctypes.sizeof(_lib.SynthOptions) and (opts.fpu, opts.float_abi) == (0, 0)
    assert (opts.max_stack, opts.import_stack_count, opts.debug, opts.max_function_bytes) == (-1, 0, 0, -1)
    assert opts.debug_wat is None


def test_stats_of_hard_float_thunks():
    """--float-abi hard with floats at the interface: the C API reports the float-ABI thunks
    as SYNTH_FUNCTION_THUNK (4), which the stats decoder knows (it raised StatsFormatError)."""
    import re
    from synth import stats as stats_mod
    header = (REPO / "include" / "synth.h").read_text()
    kinds = {name.lower(): int(v) for name, v in re.findall(r"#define SYNTH_FUNCTION_(\w+) (\d+)", header)}
    assert kinds == {k.value: i for i, k in enumerate(stats_mod._KINDS)}, kinds
    wat = b'(module (func (export "sq") (param f32) (result f32) (f32.mul (local.get 0) (local.get 0))))'
    for target, fpu in (("cortex-m4", "fpv4-sp-d16"), ("cortex-m33", "fpv5-sp-d16")):
        r = synth.compile(wat, target=target, fpu=fpu, float_abi="hard")
        thunks = [f for f in r.stats.functions if f.kind == stats_mod.FunctionKind.THUNK]
        assert [f.symbol for f in thunks] == ["wasm_sq"], r.stats.functions
        assert r.target == target
