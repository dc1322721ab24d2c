"""ARMv6-M firmware on qemu's Cortex-M0 board (``-M microbit``, nRF51822): the example firmware of
firmware/ (main.c, host.c, startup.c, semihost.c, compiled by gcc ``-mcpu=cortex-m0plus -mthumb``)
linked with firmware/controller.wat compiled by synth ``--target cortex-m0plus`` / ``cortex-m0``,
run under qemu with semihosting; the output must equal firmware/app_test.expected (computed by
firmware/expected.py with wasmtime, the transcript //firmware:app_test checks) and qemu must
exit 0.

qemu's nRF51822 model has 16 KiB of SRAM, like the real chip; one wasm page is 64 KiB, so the
runs raise the SoC's SRAM to 128 KiB (``-global nrf51-soc.sram-size=131072``, the size in
firmware/nrf51_microbit.ld).

qemu's Cortex-M0 rejects Thumb-2: the same firmware with a ``--target cortex-m3`` object
faults (checked here), so a passing run is a run of ARMv6-M code. The synth object is also
reassembled from its disassembly for Cortex-M0+ (harness/v6m_check.py).
"""

import os
import subprocess

import pytest

from harness import v6m_check, wasm2obj

TESTS = os.path.dirname(os.path.abspath(__file__))
FIRMWARE = os.path.join(os.path.dirname(TESTS), "firmware")
EXPECTED = os.path.join(FIRMWARE, "app_test.expected")
SCRIPT = os.path.join(FIRMWARE, "nrf51_microbit.ld")
SRAM_BYTES = 128 * 1024
C_SOURCES = ["startup.c", "semihost.c", "host.c", "main.c"]


def _expected():
    with open(EXPECTED) as f:
        return "".join(l for l in f if not l.startswith("#"))


def _build(target, workdir):
    """controller.wat compiled by synth for ``target``, linked with the C firmware built for
    cortex-m0plus; returns (synth object, elf)."""
    compiled = wasm2obj.compile_module(os.path.join(FIRMWARE, "controller.wat"), workdir, name="controller",
                                       prefix="wasm_", extra_args=["--target", target])
    elf = os.path.join(workdir, "app.elf")
    cflags = ["-mcpu=cortex-m0plus", "-mthumb", "-O2", "-ffreestanding", "-Wall", "-Werror", "-g",
              "-fno-tree-loop-distribute-patterns"]
    subprocess.run(["arm-none-eabi-gcc"] + cflags + ["-nostdlib", "-nostartfiles", "-T", SCRIPT,
                    "-I", workdir, "-I", FIRMWARE] + [os.path.join(FIRMWARE, c) for c in C_SOURCES] +
                   [compiled.obj, "-lgcc", "-o", elf], check=True, capture_output=True, text=True)
    return compiled.obj, elf


def _qemu_microbit(elf):
    proc = subprocess.run(["qemu-system-arm", "-M", "microbit", "-nographic", "-monitor", "none",
                           "-semihosting-config", "enable=on,target=native",
                           "-global", "nrf51-soc.sram-size=%d" % SRAM_BYTES, "-kernel", elf],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30,
                          stdin=subprocess.DEVNULL)
    return proc.returncode, proc.stdout


def _attributes(path):
    out = subprocess.run(["arm-none-eabi-readelf", "-A", path], check=True, capture_output=True, text=True).stdout
    return dict(l.strip().split(": ", 1) for l in out.splitlines() if l.strip().startswith("Tag_"))


@pytest.mark.parametrize("target", ["cortex-m0plus", "cortex-m0"])
def test_firmware_on_qemu_microbit(target, tmp_path):
    obj, elf = _build(target, str(tmp_path))
    attrs = _attributes(obj)
    assert attrs["Tag_CPU_name"] == '"%s"' % target and attrs["Tag_CPU_arch"] in ("v6-M", "v6S-M"), attrs
    assert _attributes(elf)["Tag_THUMB_ISA_use"] == "Thumb-1"
    n, bad = v6m_check.check(obj, str(tmp_path / "as"))
    assert n > 100 and not bad, bad[:10]
    rc, out = _qemu_microbit(elf)
    print(out)
    assert out == _expected(), "output on qemu microbit differs from %s:\n%s" % (EXPECTED, out)
    assert rc == 0, "qemu exited with status %d" % rc


def test_thumb2_object_faults_on_qemu_microbit(tmp_path):
    """The board's core is a real ARMv6-M model: a Cortex-M3 (Thumb-2) object faults."""
    _, elf = _build("cortex-m3", str(tmp_path))
    rc, out = _qemu_microbit(elf)
    assert rc != 0 and "FAULT" in out and out != _expected(), (rc, out)
