"""Malformed, invalid and unsupported modules are rejected cleanly.

Each case must make ``synth compile`` exit non-zero (not panic), print an ``error:``
message containing one of the case's keywords, and leave no output file behind.
"""

import os

import pytest
import wasmtime

from harness import wasm2obj

HEADER = b"\0asm\x01\0\0\0"


def leb(n):
    """Unsigned LEB128."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sec(sid, payload):
    return bytes([sid]) + leb(len(payload)) + payload


def vec(items):
    return leb(len(items)) + b"".join(items)


def name(s):
    return leb(len(s)) + s


FUNC_V_V = b"\x60\x00\x00"  # (func)
FUNC_V_I32 = b"\x60\x00\x01\x7f"  # (func (result i32))
TYPES_V_I32 = sec(1, vec([FUNC_V_I32]))


def module_with_body(body, locals_=b"\x00", types=TYPES_V_I32, extra=b""):
    """One function of type 0 with the given body (without the trailing end byte)."""
    code = locals_ + body + b"\x0b"
    return HEADER + types + sec(3, vec([b"\x00"])) + extra + sec(10, vec([leb(len(code)) + code]))


def wat(text):
    # wasmtime's wat2wasm parses without validating, so invalid bodies survive
    return wasmtime.wat2wasm(text)


CASES = [
    ("empty_file", b"", ["end of file", "eof", "unexpected end", "truncated", "empty"]),
    ("truncated_header", b"\0as", ["end of file", "eof", "unexpected end", "truncated", "magic"]),
    ("bad_magic", b"\0asn\x01\0\0\0", ["magic"]),
    ("bad_version", b"\0asm\x02\0\0\0", ["version"]),
    ("truncated_section_header", HEADER + b"\x01", ["end of file", "eof", "unexpected end", "truncated"]),
    ("bad_leb128", HEADER + b"\x01\xff\xff\xff\xff\xff\x0f", ["leb", "integer", "too long", "too large", "representation"]),
    ("section_size_overrun", HEADER + b"\x01\x64\x01\x60\x00", ["end of file", "eof", "unexpected end", "section", "out of bounds"]),
    ("oversized_count", HEADER + sec(1, b"\xff\xff\xff\xff\x0f"), ["count", "too many", "end of file", "eof", "out of bounds", "size"]),
    ("unknown_section_id", HEADER + sec(0x42, b"\x00"), ["section"]),
    ("section_trailing_bytes", HEADER + sec(1, vec([FUNC_V_V]) + b"\x00\x00"), ["section", "size", "mismatch", "trailing", "unexpected"]),
    ("invalid_value_type", HEADER + sec(1, vec([b"\x60\x01\x55\x00"])), ["type", "malformed", "invalid"]),
    ("unknown_opcode", module_with_body(b"\x41\x00\xff"), ["opcode", "operator", "unknown", "illegal"]),
    ("missing_end", HEADER + TYPES_V_I32 + sec(3, vec([b"\x00"])) + sec(10, vec([b"\x03\x00\x41\x00"])),
     ["end", "eof", "operators remaining", "unexpected"]),
    ("func_code_count_mismatch", HEADER + TYPES_V_I32 + sec(3, vec([b"\x00", b"\x00"])) + sec(10, vec([b"\x04\x00\x41\x00\x0b"])),
     ["inconsistent", "count", "mismatch", "function and code"]),
    ("type_mismatch", wat("(module (func (result i32) i64.const 1))"), ["type mismatch", "mismatch", "expected"]),
    ("stack_underflow", wat("(module (func (result i32) i32.const 1 i32.add))"), ["type mismatch", "underflow", "nothing on stack", "expected"]),
    ("bad_local_index", wat("(module (func (result i32) local.get 5))"), ["local"]),
    ("bad_type_index", HEADER + TYPES_V_I32 + sec(3, vec([b"\x03"])) + sec(10, vec([b"\x04\x00\x41\x00\x0b"])), ["type"]),
    ("bad_function_index", wat("(module (func (result i32) call 7))"), ["function"]),
    ("bad_global_index", wat("(module (func (result i32) global.get 3))"), ["global"]),
    ("bad_branch_depth", wat("(module (func br 4))"), ["label", "depth", "branch"]),
    ("load_without_memory", wat("(module (func (result i32) i32.const 0 i32.load))"), ["memory"]),
    ("duplicate_export", wat('(module (func $f) (export "a" (func $f)) (export "a" (func $f)))'), ["duplicate", "export"]),
    ("export_bad_index", HEADER + sec(1, vec([FUNC_V_V])) + sec(3, vec([b"\x00"])) + sec(7, vec([name(b"f") + b"\x00\x09"])) +
     sec(10, vec([b"\x02\x00\x0b"])), ["function", "index", "export"]),
    ("export_invalid_utf8", HEADER + sec(1, vec([FUNC_V_V])) + sec(3, vec([b"\x00"])) + sec(7, vec([name(b"\xff\xfe") + b"\x00\x00"])) +
     sec(10, vec([b"\x02\x00\x0b"])), ["utf-8", "utf8", "string", "name"]),
    ("memory_too_large", HEADER + sec(5, vec([b"\x00" + leb(70000)])), ["memory", "size", "pages", "exceed"]),
    ("if_without_result_type_mismatch", wat("(module (func (result i32) i32.const 1 if (result i32) i32.const 2 end))"),
     ["type mismatch", "mismatch", "expected", "else"]),
]

UNSUPPORTED = [
    # the first vector operator in each body is the one the message must name
    ("simd_op_splat", wat('(module (func $addf (export "addf") (param i32) (result i32)'
                          ' local.get 0 i32x4.splat i32x4.extract_lane 0))'), "addf",
     ["i32x4.splat", "i32x4splat"]),
    ("simd_op_second_function", wat('(module (func (result i32) i32.const 0)'
                                     ' (func $scale (export "scale") (param i32) (result i32)'
                                     ' local.get 0 i32x4.splat drop i32.const 0))'), "scale",
     ["i32x4.splat", "i32x4splat"]),
]


def _compile_expect_failure(data, tmp_path):
    src = tmp_path / "bad.wasm"
    src.write_bytes(data)
    out = tmp_path / "bad.o"
    header = tmp_path / "bad.h"
    proc = wasm2obj.run_synth(["compile", str(src), "-o", str(out), "--emit-header", str(header)])
    assert proc.returncode != 0, "synth accepted an invalid module"
    assert proc.returncode != 101 and "panicked" not in proc.stderr, "synth panicked:\n" + proc.stderr
    assert "error:" in proc.stderr.lower(), "no 'error:' message:\n" + proc.stderr
    assert not out.exists(), "object file left behind"
    assert not header.exists(), "header file left behind"
    return proc.stderr.lower()


def test_case_count():
    assert len(CASES) + len(UNSUPPORTED) >= 20
    for case, data, _ in CASES:
        with pytest.raises(Exception):
            wasmtime.Module.validate(wasmtime.Engine(), data)  # really invalid


@pytest.mark.parametrize("case,data,keywords", CASES, ids=[c[0] for c in CASES])
def test_malformed_rejected(case, data, keywords, tmp_path):
    msg = _compile_expect_failure(data, tmp_path)
    assert any(k in msg for k in keywords), "%s: none of %s in:\n%s" % (case, keywords, msg)


@pytest.mark.parametrize("case,data,func,ops", UNSUPPORTED, ids=[c[0] for c in UNSUPPORTED])
def test_unsupported_names_function_and_operator(case, data, func, ops, tmp_path):
    wasmtime.Module.validate(wasmtime.Engine(), data)  # valid wasm, just unsupported
    msg = _compile_expect_failure(data, tmp_path)
    assert "unsupported" in msg, msg
    assert any(op in msg.replace("_", "").replace(" ", "") or op in msg for op in ops), msg
    assert func in msg, msg


def test_missing_input_file(tmp_path):
    out = tmp_path / "x.o"
    proc = wasm2obj.run_synth(["compile", str(tmp_path / "nope.wasm"), "-o", str(out)])
    assert proc.returncode != 0 and "error:" in proc.stderr.lower()
    assert not out.exists()
