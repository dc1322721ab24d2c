"""Symbol names (docs/ABI.md, "Symbols"): the naming rule as the harness (harness/abi.py) and
the Python package (python/synth/naming.py) compute it matches what synth writes into the
object, names that used to collide get their own symbols, and the header that declares
them is valid C."""

import importlib.util
import os
import random
import subprocess

from harness import abi, elf, paths, wasm2obj

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _package_naming():
    """python/synth/naming.py, loaded on its own (no libsynth needed)."""
    spec = importlib.util.spec_from_file_location(
        "synth_naming", os.path.join(REPO, "python", "synth", "naming.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NAMING = _package_naming()

#: (module, field) of the imported functions of MODULE, in order.
IMPORTS = [("env", "host_log"), ("env", "1up"), ("env", "é"), ("spectest", "print_i32"), ("a_b", "c"),
           ("a", "b_c"), ("my-mod", "a.b"), ("X", "C3_A9"), ("env", "a__c"), ("a", "c")]
#: Export names of MODULE's functions (every one a separate function).
EXPORTS = ["add", "get-value", "", "0", "init", "memory_size", "func0", "X_AXIS", "héllo",
           "a\n*/b", "a-b", "a.b", "a_b", "_", "__heap_base"]
#: An imported global and an exported one.
GLOBAL_IMPORT = ("m_", "g")
GLOBAL_EXPORT = "g-1"


def _wat_string(s):
    return '"%s"' % "".join(chr(b) if 0x20 <= b < 0x7F and b not in b'"\\' else "\\%02x" % b
                            for b in s.encode("utf-8"))


def _module():
    imports = "\n".join("  (import %s %s (func $i%d))" % (_wat_string(m), _wat_string(f), i)
                        for i, (m, f) in enumerate(IMPORTS))
    calls = " ".join("(call $i%d)" % i for i in range(len(IMPORTS)))
    exports = "\n".join("  (func (export %s) (result i32) %s (i32.const %d))"
                        % (_wat_string(n), calls if i == 0 else "", i) for i, n in enumerate(EXPORTS))
    return ("(module\n%s\n  (import %s %s (global $g i32))\n%s\n"
            "  (global (export %s) i32 (global.get $g)))\n"
            % (imports, _wat_string(GLOBAL_IMPORT[0]), _wat_string(GLOBAL_IMPORT[1]), exports,
               _wat_string(GLOBAL_EXPORT)))


def test_examples_of_the_abi():
    for naming in (abi, NAMING):
        assert naming.export_symbol("add") == "wasm_add"
        assert naming.export_symbol("get-value") == "wasm_X_get_2Dvalue"
        assert naming.export_symbol("") == "wasm_X_"
        assert naming.export_symbol("init") == "wasm_X_init"
        assert naming.export_symbol("héllo", "m1_") == "m1_X_h_C3_A9llo"
        assert naming.import_symbol("env", "puts") == "puts"
        assert naming.import_symbol("env", "memory") == "memory"
        assert naming.import_symbol("wasi_snapshot_preview1", "fd_write") == \
            "wasi_snapshot_preview1__fd_write"
        assert naming.import_symbol("a_b", "c") == "a_b__c"
        assert naming.import_symbol("a", "b_c") == "a__b_c"
        assert naming.import_symbol("my-mod", "a.b") == "X_my_2Dmod__X_a_2Eb"


def test_the_two_python_copies_agree():
    rng = random.Random(12)
    pieces = ["", "a", "X", "X_", "_", "__", "-", "é", "0", "C3", "_2D", "init", "env", "func1"]
    for _ in range(3000):
        n, m = ("".join(rng.choice(pieces) for _ in range(rng.randrange(5))) for _ in range(2))
        assert abi.export_symbol(n) == NAMING.export_symbol(n), n
        assert abi.import_symbol(m, n) == NAMING.import_symbol(m, n), (m, n)


def test_the_compiler_names_symbols_as_the_rule_says(tmp_path):
    compiled = wasm2obj.compile_module(_module(), str(tmp_path), name="names")
    obj = elf.read(compiled.obj)
    defined = {s.name for s in obj.symbol_list if s.shndx != 0 and s.bind == elf.STB_GLOBAL}
    undefined = {s.name for s in obj.symbol_list if s.shndx == 0 and s.name}
    for naming in (abi, NAMING):
        exported = {naming.export_symbol(n) for n in EXPORTS + [GLOBAL_EXPORT]}
        assert len(exported) == len(EXPORTS) + 1
        # Besides the exports: init, and memory with its size word (0 bytes: none declared).
        assert exported | {"wasm_init", "wasm_memory", "wasm_memory_size"} == defined, \
            defined ^ exported
        imported = {naming.import_symbol(m, f) for m, f in IMPORTS + [GLOBAL_IMPORT]}
        assert len(imported) == len(IMPORTS) + 1
        assert imported == undefined, imported ^ undefined
    # The header declares every export and import, and is valid C even with these names.
    with open(compiled.header) as f:
        header = f.read()
    for sym in (defined - {"wasm_memory", "wasm_memory_size"}) | undefined:
        assert " %s(" % sym in header or " %s;" % sym in header, sym
    subprocess.run([paths.tool("arm-none-eabi-gcc"), "-std=c99", "-pedantic", "-Wall", "-Werror",
                    "-fsyntax-only", "-x", "c", compiled.header], check=True)
