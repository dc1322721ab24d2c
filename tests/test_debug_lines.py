"""`-g` source lines: the module's own DWARF carried through to the ARM object.

tests/debug/lines.c is compiled by clang for wasm32 with `-g -O1`, then by synth with `-g`,
then linked with tests/debug/lines_main.c into mps2-an386 firmware. The checks take the
code addresses from the disassembly and the ELF symbol table (not from synth's line table)
and the expected lines from the C source's `LINE` markers:

- `arm-none-eabi-addr2line` names the right `lines.c:N` for the calls (`bl`) and the final
  `eor #5` (the `^ 5`), and every line-table row of a function lies inside that function;
- `arm-none-eabi-objdump -dS` interleaves the C source;
- `readelf --debug-dump=info,line` and `objdump --dwarf=decodedline` read the DWARF without
  warnings (and `llvm-dwarfdump --verify` when installed);
- gdb on qemu: `break lines.c:N` inside the module hits, `bt` goes scale -> accumulate ->
  lines_entry -> main with their file:line;
- `--debug-wat`: for a .wat without DWARF, addr2line gives the line of an operator in the .wat;
- `.text` is byte-identical with and without `-g` / `--debug-wat`.
"""

import os
import re
import shutil
import subprocess

import pytest

from harness import gdbsession, paths, wasm2obj

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_DIR = os.path.join(REPO, "tests", "qemu")
DEBUG_DIR = os.path.join(REPO, "tests", "debug")
LINES_C = os.path.join(DEBUG_DIR, "lines.c")

pytestmark = pytest.mark.skipif(shutil.which("clang") is None or shutil.which("arm-none-eabi-gcc") is None,
                                reason="clang (wasm32) or arm-none-eabi-gcc not installed")


def markers():
    """{marker name: 1-based line} from the `/* LINE name */` comments of lines.c."""
    out = {}
    with open(LINES_C) as f:
        for n, line in enumerate(f, 1):
            m = re.search(r"/\* LINE (\w+) \*/", line)
            if m:
                out[m.group(1)] = n
    return out


def run(args, **kw):
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    assert p.returncode == 0, "%s failed:\n%s%s" % (args[0], p.stdout, p.stderr)
    return p


def synth(args):
    p = wasm2obj.run_synth(args)
    assert p.returncode == 0, p.stderr
    return p


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    d = tmp_path_factory.mktemp("lines")
    wasm = str(d / "lines.wasm")
    run(["clang", "--target=wasm32", "-g", "-O1", "-nostdlib", "-Wl,--no-entry", "-Wl,--export=lines_entry",
         "-Wl,--allow-undefined", "-o", wasm, LINES_C])
    obj = str(d / "lines.o")
    synth(["compile", wasm, "-g", "-o", obj, "--emit-header", str(d / "lines.h"), "--target", "cortex-m4"])
    elf = str(d / "app.elf")
    run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-O2", "-g", "-ffreestanding", "-nostdlib",
         "-Wall", "-Werror", "-T", os.path.join(QEMU_DIR, "mps2-an386.ld"), "-I", QEMU_DIR, "-I", str(d),
         os.path.join(QEMU_DIR, "startup.c"), os.path.join(DEBUG_DIR, "lines_main.c"), obj, "-lgcc", "-o", elf])
    return {"dir": d, "wasm": wasm, "obj": obj, "elf": elf}


def functions(elf):
    """{symbol: (start, end)} of the FUNC symbols (Thumb bit cleared)."""
    out = {}
    for line in run(["arm-none-eabi-readelf", "-sW", elf]).stdout.splitlines():
        f = line.split()
        if len(f) >= 8 and f[3] == "FUNC":
            start = int(f[1], 16) & ~1
            out[f[7]] = (start, start + int(f[2], 0))
    return out


def symbol(funcs, suffix):
    names = [n for n in funcs if n == suffix or n.endswith("$" + suffix)]
    assert len(names) == 1, (suffix, sorted(funcs))
    return funcs[names[0]]


def disassembly(elf, lo, hi):
    """[(address, text)] of the instructions in [lo, hi)."""
    out = run(["arm-none-eabi-objdump", "-d", "--start-address=0x%x" % lo, "--stop-address=0x%x" % hi, elf]).stdout
    return [(int(m.group(1), 16), m.group(2)) for m in re.finditer(r"^\s*([0-9a-f]+):\s+(?:[0-9a-f]{4}\s?)+\s+(.*)$",
                                                                      out, re.M)]


def addr2line(elf, addrs):
    out = run(["arm-none-eabi-addr2line", "-e", elf] + ["0x%x" % a for a in addrs]).stdout.split()
    return out


def test_addr2line_names_the_c_lines(build):
    elf, m = build["elf"], markers()
    funcs = functions(elf)
    entry, acc, scale = symbol(funcs, "wasm_lines_entry"), symbol(funcs, "accumulate"), symbol(funcs, "scale")
    host_hit, acc_start, scale_start = funcs["host_hit"][0], acc[0], scale[0]
    checks = []  # (what, address, expected line)

    def one(what, fn, pred, line):
        hits = [a for a, text in disassembly(elf, *fn) if pred(text)]
        assert len(hits) == 1, (what, disassembly(elf, *fn))
        checks.append((what, hits[0], line))

    one("bl host_hit in scale", scale, lambda t: t.startswith("bl") and "%x" % host_hit in t, m["scale_call"])
    one("bl scale in accumulate", acc, lambda t: t.startswith("bl") and "%x" % scale_start in t, m["acc_call"])
    one("bl accumulate in lines_entry", entry, lambda t: t.startswith("bl") and "%x" % acc_start in t, m["entry_call"])
    one("eor #5 in lines_entry", entry, lambda t: t.startswith("eor") and "#5" in t, m["entry_xor"])
    got = addr2line(elf, [a for _, a, _ in checks])
    results = []
    for (what, a, line), g in zip(checks, got):
        results.append("%s @0x%x -> %s (expected lines.c:%d)" % (what, a, g, line))
    print("\n".join(results))
    for (what, a, line), g in zip(checks, got):
        assert g.endswith("/lines.c:%d" % line), "%s at 0x%x: addr2line says %s" % (what, a, g)


def test_line_rows_stay_inside_their_functions(build):
    """Every row of the linked line table for lines.c lies in the function whose source it
    names: scale's lines in scale, accumulate's loop in accumulate, and so on."""
    elf, m = build["elf"], markers()
    funcs = functions(elf)
    ranges = {"scale": symbol(funcs, "scale"), "accumulate": symbol(funcs, "accumulate"),
              "entry": symbol(funcs, "wasm_lines_entry")}
    owner = {m["scale_mul"]: "scale", m["scale_call"]: "scale", m["acc_loop"]: "accumulate",
             m["acc_call"]: "accumulate", m["entry_call"]: "entry", m["entry_xor"]: "entry"}
    rows = run(["objdump", "--dwarf=decodedline", elf]).stdout
    seen = set()
    for f, line, addr in re.findall(r"^(\S*lines\.c)\s+(\d+)\s+(0x[0-9a-f]+)", rows, re.M):
        line, addr = int(line), int(addr, 16)
        assert addr % 2 == 0, "odd line-table address 0x%x" % addr
        if line in owner:
            lo, hi = ranges[owner[line]]
            assert lo <= addr < hi, "line %d at 0x%x outside %s [0x%x, 0x%x)" % (line, addr, owner[line], lo, hi)
            seen.add(line)
    assert seen == set(owner), "lines without code: %s" % sorted(set(owner) - seen)


def test_objdump_interleaves_the_source(build):
    out = run(["arm-none-eabi-objdump", "-dS", build["elf"]]).stdout
    scale = out[out.index("$scale>:"):]
    scale = scale[:scale.index("\n\n")]
    assert "return host_hit(w) + 2;" in scale, scale
    # The source line comes before the call it compiles to.
    assert scale.index("return host_hit(w) + 2;") < scale.index("<host_hit>"), scale
    assert "acc = acc * 31 + (i ^ n);" in out


def test_dwarf_reads_without_warnings(build):
    for f in (build["obj"], build["elf"]):
        for args in (["readelf", "--debug-dump=info,line", f], ["objdump", "--dwarf=decodedline", f],
                     ["arm-none-eabi-readelf", "--debug-dump=info,line", f]):
            p = run(args)
            assert not p.stderr.strip(), "%s: %s" % (" ".join(args), p.stderr)
            assert "warning" not in p.stdout.lower(), p.stdout
    info = run(["readelf", "--debug-dump=info", build["obj"]]).stdout
    for attr in ("DW_AT_stmt_list", "DW_AT_comp_dir", "DW_AT_low_pc", "DW_AT_high_pc"):
        assert attr in info
    assert len(re.findall(r"DW_TAG_subprogram", info)) >= 3
    rel = run(["readelf", "-rW", build["obj"]]).stdout
    assert re.search(r"Relocation section '\.rel\.debug_line'", rel) and "R_ARM_ABS32" in rel
    if shutil.which("llvm-dwarfdump"):
        p = subprocess.run(["llvm-dwarfdump", "--verify", build["elf"]], capture_output=True, text=True)
        assert p.returncode == 0 and "No errors." in p.stdout, p.stdout + p.stderr


@pytest.mark.skipif(shutil.which("gdb-multiarch") is None or shutil.which("qemu-system-arm") is None,
                    reason="gdb-multiarch or qemu-system-arm not installed (scripts/setup.sh)")
def test_gdb_breaks_on_a_c_line_and_unwinds_to_main(build):
    elf, m = build["elf"], markers()
    gdb, out = gdbsession.run_gdb(elf, ["break lines.c:%d" % m["scale_call"], "continue", "bt",
                                        "list %d,%d" % (m["scale_call"], m["scale_call"]), "delete", "continue"])
    print(gdb.stdout)
    assert re.search(r"Breakpoint 1 at 0x[0-9a-f]+: file \S*lines\.c, line %d\." % m["scale_call"], gdb.stdout), \
        gdb.stdout + gdb.stderr
    assert re.search(r"Breakpoint 1, scale \(\) at \S*lines\.c:%d" % m["scale_call"], gdb.stdout), gdb.stdout
    frames = re.findall(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \([^)]*\) at (\S+):(\d+)", gdb.stdout, re.M)
    got = [(name, os.path.basename(f), int(line)) for _, name, f, line in frames]
    assert got == [("scale", "lines.c", m["scale_call"]), ("accumulate", "lines.c", m["acc_call"]),
                   ("lines_entry", "lines.c", m["entry_call"]), ("main", "lines_main.c", got[-1][2])], gdb.stdout
    assert "return host_hit(w) + 2;" in gdb.stdout
    assert "lines firmware ok" in out, out


WAT = """(module
  (import "env" "host_hit" (func $host_hit (param i32) (result i32)))
  (func $leaf (param $v i32) (result i32)
    local.get $v
    i32.const 10
    i32.mul
    call $host_hit
    i32.const 2
    i32.add)
  (func (export "entry") (param $n i32) (result i32)
    local.get $n
    call $leaf
    i32.const 5
    i32.xor))
"""


def test_debug_wat_maps_to_the_wat_lines(tmp_path):
    wat = tmp_path / "m.wat"
    wat.write_text(WAT)
    lines = WAT.splitlines()
    line_of = lambda s: 1 + next(i for i, l in enumerate(lines) if l.strip().rstrip(")") == s)
    obj, plain = str(tmp_path / "m.o"), str(tmp_path / "plain.o")
    synth(["compile", str(wat), "--debug-wat", "-o", obj])
    synth(["compile", str(wat), "-o", plain])
    funcs = functions(obj)
    leaf, entry = symbol(funcs, "leaf"), symbol(funcs, "wasm_entry")
    dis = disassembly(obj, leaf[0], entry[1])
    bl = [a for a, t in dis if t.startswith("bl") and "host_hit" in t]
    eor = [a for a, t in dis if t.startswith("eor") and "#5" in t]
    mul = [a for a, t in dis if t.startswith("mul")]
    assert len(bl) == len(eor) == len(mul) == 1, dis
    got = addr2line(obj, [bl[0], eor[0], mul[0]])
    print("--debug-wat addr2line:", got)
    assert got == ["%s:%d" % (wat, line_of("call $host_hit")), "%s:%d" % (wat, line_of("i32.xor")),
                   "%s:%d" % (wat, line_of("i32.mul"))], got
    sections = run(["readelf", "-SW", plain]).stdout
    assert ".debug_line" not in sections
    # -g alone on text: unwind tables but no line table.
    g_only = str(tmp_path / "g.o")
    synth(["compile", str(wat), "-g", "-o", g_only])
    assert ".debug_line" not in run(["readelf", "-SW", g_only]).stdout


def text_bytes(obj, out):
    if os.path.exists(out):
        os.remove(out)
    run(["arm-none-eabi-objcopy", "--dump-section", ".text=%s" % out, obj, os.devnull])
    with open(out, "rb") as f:
        return f.read()


def test_text_identical_with_and_without_source_lines(build, tmp_path):
    plain = str(tmp_path / "plain.o")
    synth(["compile", build["wasm"], "-o", plain])
    a, b = text_bytes(plain, str(tmp_path / "a.bin")), text_bytes(build["obj"], str(tmp_path / "b.bin"))
    assert a and a == b
    assert ".debug_line" in run(["readelf", "-SW", build["obj"]]).stdout
    wat = tmp_path / "m.wat"
    wat.write_text(WAT)
    for flags in ([], ["--debug-wat"]):
        synth(["compile", str(wat), "-o", str(tmp_path / ("w%d.o" % len(flags)))] + flags)
    assert text_bytes(str(tmp_path / "w0.o"), str(tmp_path / "c.bin")) == \
        text_bytes(str(tmp_path / "w1.o"), str(tmp_path / "d.bin"))
