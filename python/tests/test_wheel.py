"""The package as a user gets it: a clean clone of the committed tree, a fresh venv,
``pip install ./python`` with no SYNTH_LIB and no libsynth built beforehand, then
``import synth`` compiles; ``pip wheel ./python`` gives a wheel carrying the library.

Slow (pip fetches setuptools/setuptools-rust from PyPI into its isolated build environment,
Cargo builds synth-capi in release). Cargo's target directory is the checkout's
``rust/target`` (``$SYNTH_WHEEL_TARGET_DIR`` overrides) so the dependencies an earlier
``scripts/build_libsynth.sh`` built are reused; the clone's own crates are compiled from the
clone. Set SYNTH_SKIP_WHEEL_TEST=1 to skip it while iterating.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

SMOKE = ("import synth; print(synth.compile(open('examples/controller.wat','rb').read()).stats.totals.functions); "
         "print(synth.library_path())")


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 1800) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, "%s failed (exit %d):\n%s\n%s" % (
        " ".join(args), proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


@pytest.mark.skipif(os.environ.get("SYNTH_SKIP_WHEEL_TEST") == "1", reason="SYNTH_SKIP_WHEEL_TEST=1")
def test_pip_install_from_a_clean_clone(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SYNTH_LIB", "PYTHONPATH", "VIRTUAL_ENV")}
    env["CARGO_TARGET_DIR"] = os.environ.get("SYNTH_WHEEL_TARGET_DIR") or str(REPO / "rust" / "target")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    clone = tmp_path / "synth"
    head = _run(["git", "rev-parse", "HEAD"], REPO, env).stdout.strip()
    _run(["git", "clone", "-q", "--no-checkout", str(REPO), str(clone)], tmp_path, env)
    _run(["git", "checkout", "-q", head], clone, env)
    assert not (clone / "build").exists() and not list((clone / "python" / "synth").glob("_libsynth*"))

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    py = str(venv / "bin" / "python")
    start = time.monotonic()
    _run([py, "-m", "pip", "install", "-q", "./python"], clone, env)
    print("pip install ./python: %.0f s" % (time.monotonic() - start))

    # Outside the clone, so nothing but the installed package can be found.
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "controller.wat").write_bytes((clone / "examples" / "controller.wat").read_bytes())
    out = _run([py, "-c", SMOKE], tmp_path, env).stdout.splitlines()
    assert out[0] == "5", out
    site = venv / "lib" / ("python%d.%d" % sys.version_info[:2]) / "site-packages" / "synth"
    assert Path(out[1]).parent == site and Path(out[1]).name.startswith("_libsynth"), out
    assert (site / "py.typed").is_file()
    for script in ("synth-check", "synth-differential"):
        assert (venv / "bin" / script).is_file(), script
    check = subprocess.run([str(venv / "bin" / "synth-check"), "examples/controller.wat"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0 and check.stdout.startswith("OK: 1 module"), check.stdout + check.stderr

    # pip wheel: an installable wheel with the library and the type marker inside.
    _run([py, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), "./python"], clone, env)
    wheels = list((tmp_path / "dist").glob("synth-*.whl"))
    assert len(wheels) == 1, wheels
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert any(n.startswith("synth/_libsynth") and n.endswith(".so") for n in names), names
    assert "synth/py.typed" in names and "synth/__main__.py" in names
