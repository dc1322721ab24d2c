"""How the bindings find the library ($SYNTH_LIB, checkout paths) without loading it here."""

from __future__ import annotations

import os

from synth import _lib

from conftest import REPO, run_module


def test_checkout_candidates_in_documented_order():
    assert _lib.repo_root() == REPO
    assert _lib.candidates() == [REPO / "build/lib/libsynth.so",
                                 REPO / "rust/target/release/libsynth_capi.so",
                                 REPO / "rust/target/debug/libsynth_capi.so"]


def test_synth_lib_override_is_used_and_checked(tmp_path, monkeypatch):
    missing = tmp_path / "nope.so"
    monkeypatch.setenv("SYNTH_LIB", str(missing))
    try:
        _lib.find_library()
    except _lib.LibraryNotFoundError as e:
        assert str(missing) in str(e)
    else:
        raise AssertionError("a missing SYNTH_LIB was accepted")
    not_a_lib = tmp_path / "fake.so"
    not_a_lib.write_text("not an ELF")
    monkeypatch.setenv("SYNTH_LIB", str(not_a_lib))
    assert _lib.find_library() == str(not_a_lib)


def test_bad_library_raises_library_not_found_on_first_use(tmp_path):
    fake = tmp_path / "fake.so"
    fake.write_text("not an ELF")
    env_file = tmp_path / "probe.py"
    env_file.write_text(
        "import os, synth\n"
        "os.environ['SYNTH_LIB'] = %r\n"
        "try:\n    synth.compile(b'\\0asm')\n"
        "except synth.LibraryNotFoundError as e:\n    print('raised', e)\n" % str(fake))
    proc = run_module("probe", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("raised cannot load %s" % fake)
