#!/usr/bin/env python3
"""Computes the expected output of //firmware:app_test independently of synth: runs
controller.wat in wasmtime with Python versions of the firmware's host functions
(firmware/host.c) and the same calls as firmware/main.c, and prints the transcript.

    /tmp/setup/venv/bin/python firmware/expected.py > firmware/app_test.expected
    /tmp/setup/venv/bin/python firmware/expected.py --check firmware/app_test.expected
"""
import pathlib
import sys

import wasmtime

HERE = pathlib.Path(__file__).resolve().parent


def q16(x):
    """Q16.16 value of x, truncated like the C macro Q16 in main.c."""
    return int(x * 65536)


def i32(v):
    """Wraps v to a signed 32-bit integer."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def transcript():
    """The lines firmware/main.c prints, computed with wasmtime."""
    out = ["synth firmware example"]
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, (HERE / "controller.wat").read_text())
    plant = {"y": 0}

    def plant_update(u):  # host.c: plant_y += (u - plant_y) >> 3
        plant["y"] = i32(plant["y"] + (i32(u - plant["y"]) >> 3))
        return plant["y"]

    def log_event(tick, state):
        out.append(f"event tick={tick} state={state}")

    i32t = wasmtime.ValType.i32()
    imports = [
        wasmtime.Func(store, wasmtime.FuncType([i32t], [i32t]), plant_update),
        wasmtime.Func(store, wasmtime.FuncType([i32t, i32t], []), log_event),
    ]
    inst = wasmtime.Instance(store, module, imports)
    ex = inst.exports(store)
    mem = ex["memory"]
    out.append(f"memory_size {mem.data_len(store)}")
    out.append(f"kp {int.from_bytes(mem.read(store, 0, 4), 'little', signed=True)}")

    ex["pid_reset"](store)
    for sp, y in [(1, 0), (1, 0.25), (1, 0.75), (1, 1.5), (20, 0), (-20, 0), (0, 0)]:
        out.append(f"pid {ex['pid_step'](store, q16(sp), q16(y))}")
    for ev, err in [(0, 0), (1, 0), (0, 40000), (0, 1000), (0, 40000), (0, 100),
                    (2, 0), (3, 0), (1, 0), (4, 0), (1, 0), (9, 0)]:
        out.append(f"fsm {ex['fsm_step'](store, ev, err)}")
    plant["y"] = 0
    ex["pid_reset"](store)
    out.append(f"run {ex['run'](store, q16(3), 40)}")
    out.append(f"percent {ex['percent'](store, 37, 120)}")
    try:
        out.append(f"percent {ex['percent'](store, 1, 0)}")
        out.append("no trap")
    except wasmtime.Trap as trap:
        assert "divide by zero" in str(trap), trap
        out.append("synth_trap 3")  # SYNTH_TRAP_INTEGER_DIVIDE_BY_ZERO
    return out


HEADER = """\
# Expected semihosting output of //firmware:app (and :app_reference) on qemu mps2-an386.
# Computed independently of synth by firmware/expected.py: controller.wat run in wasmtime
# (Python package) with Python versions of firmware/host.c's imports, same calls as main.c.
# Regenerate: /tmp/setup/venv/bin/python firmware/expected.py > firmware/app_test.expected
"""


def main(argv):
    text = HEADER + "\n".join(transcript()) + "\n"
    if len(argv) == 3 and argv[1] == "--check":
        same = pathlib.Path(argv[2]).read_text() == text
        print("up to date" if same else "DIFFERS")
        return 0 if same else 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
