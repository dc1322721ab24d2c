"""Every module the fuzzers ever reported (tests/fuzz/corpus/), run again.

``*.wasm`` with a ``*.json`` beside it (what was found, its cause and fix, ``status``
"fixed" or "open", and ``config``, the target configuration of tests/harness/configs.py it
failed under, default ``m4``): each is checked by the differential fuzzer's comparison
under that configuration with both bounds-check settings (after ``synth-fuzz canon`` when the JSON says ``canonicalize``). A
fixed case must pass; an open one is an expected failure until fixed (strict: a fix must
update its status). ``bytes/*`` are inputs of the byte fuzzer (tests/fuzz/byte_fuzz.sh): the synth CLI,
with the options the first byte selects, must answer each with exit status 0, or 1 and an
``error:`` line, never a crash or a hang.
"""

import glob
import json
import os
import subprocess

import pytest

from fuzz import differential_fuzz as fz
from harness import configs, wasm2obj

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fuzz", "corpus")
MODULES = sorted(glob.glob(os.path.join(CORPUS, "*.wasm")))
BYTES = sorted(glob.glob(os.path.join(CORPUS, "bytes", "*")))


@pytest.fixture(scope="module", autouse=True)
def tools():
    fz.build_tools()


def test_corpus_is_described():
    assert MODULES
    for path in MODULES:
        meta = json.load(open(path[:-5] + ".json"))
        assert meta["status"] in ("fixed", "open") and meta["cause"], path
        configs.get(meta.get("config", configs.DEFAULT.name))


@pytest.mark.parametrize("path", MODULES, ids=[os.path.basename(p)[:-5] for p in MODULES])
def test_corpus_module(path, tmp_path):
    meta = json.load(open(path[:-5] + ".json"))
    if meta.get("canonicalize"):
        out = str(tmp_path / "canon.wasm")
        subprocess.run([fz.fuzz_bin(), "canon", path, out], check=True)
        path = out
    config = configs.get(meta.get("config", configs.DEFAULT.name))
    res = fz.check_module(open(path, "rb").read(), str(tmp_path / "work"), config=config)
    failing = res.findings or res.status != "ok"
    if meta["status"] == "open":
        if failing:
            pytest.xfail("open: %s" % meta["cause"])
        pytest.fail("passes now: set its status to fixed in %s.json" % path[:-5])
    assert not failing, "\n".join(str(f) for f in res.findings) or res.unsupported
    assert res.calls > 0


def byte_input_flags(byte):
    """CLI flags for the options byte of a compile_bytes input (rust/fuzz capi::options)."""
    flags = ["--target", ["cortex-m4", "cortex-m3", "cortex-m7", "cortex-m4"][(byte >> 3) & 3]]
    if byte & 1:
        flags.append("--no-bounds-checks")
    if byte & 2:
        flags.append("--no-optimize")
    if byte & 4:
        flags.append("--stack-check")
    if byte & 32:
        flags.append("--verify-allocation")
    if byte & 64:
        flags += ["--max-memory-pages", "1"]
    return flags


@pytest.mark.parametrize("path", BYTES, ids=[os.path.basename(p) for p in BYTES])
def test_corpus_bytes(path, tmp_path):
    """A compile_bytes input: options byte, then the module (binary, or text as .wat)."""
    data = open(path, "rb").read()
    flags = byte_input_flags(data[0]) if data else []
    module = str(tmp_path / ("m.wasm" if data[1:5] == b"\0asm" else "m.wat"))
    with open(module, "wb") as f:
        f.write(data[1:])
    out = str(tmp_path / "o.o")
    proc = wasm2obj.run_synth(["compile", module, "-o", out] + flags, timeout=60)
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-2000:])
    if proc.returncode == 1:
        assert proc.stderr.startswith("error: ") and not os.path.exists(out), proc.stderr
