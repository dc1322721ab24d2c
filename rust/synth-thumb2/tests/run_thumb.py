#!/usr/bin/env python3
"""Runs linked raw Thumb-2 code in unicorn (Cortex-M mode) for the backend's
end-to-end tests.

Reads a JSON list of requests from stdin, each:
  code: hex string, loaded at `base`
  entry: address of the function to call (Thumb bit added here)
  args: up to 4 integers for r0-r3
  stack_words: extra words pushed as stack arguments (first at sp)
  data: list of [address, hex] regions to write before running
  trap: address of the trap entry (the run stops there, reporting r0)
  dump: optional [address, length] read back after the run
Writes a JSON list of results: {"r0", "r1", "trap", "sp_ok", "callee_saved_ok",
"dump", "error"}.
"""
import json
import sys

from unicorn import Uc, UcError, UC_ARCH_ARM, UC_MODE_THUMB, UC_HOOK_CODE
from unicorn.arm_const import UC_CPU_ARM_CORTEX_M4
from unicorn.arm_const import (
    UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4,
    UC_ARM_REG_R5, UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9,
    UC_ARM_REG_R10, UC_ARM_REG_R11, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC,
)

CODE_REGION = 0x0000_0000
CODE_SIZE = 0x0010_0000
RET_ADDR = 0x0000_0100
STACK_TOP = 0x2001_0000
STACK_SIZE = 0x0001_0000
DATA_BASE = 0x3000_0000
DATA_SIZE = 0x0004_0000
CALLEE_SAVED = [UC_ARM_REG_R4, UC_ARM_REG_R5, UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8,
                UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11]


def run(req):
    # unicorn 2.1.4 makes every UC_MODE_MCLASS engine a Cortex-M33 whatever model is asked
    # for; in Thumb mode with the model set it runs the Cortex-M4 (checked).
    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB)
    uc.ctl_set_cpu_model(UC_CPU_ARM_CORTEX_M4)
    assert uc.ctl_get_cpu_model() == UC_CPU_ARM_CORTEX_M4
    uc.mem_map(CODE_REGION, CODE_SIZE)
    uc.mem_map(STACK_TOP - STACK_SIZE, STACK_SIZE)
    uc.mem_map(DATA_BASE, DATA_SIZE)
    uc.mem_write(req["base"], bytes.fromhex(req["code"]))
    # A NOP at the return address and the trap entry so hooks see them.
    uc.mem_write(RET_ADDR, b"\x00\xbf\x00\xbf")
    uc.mem_write(req["trap"], b"\x00\xbf\x00\xbf")
    for addr, hexdata in req.get("data", []):
        uc.mem_write(addr, bytes.fromhex(hexdata))
    regs = [UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3]
    for reg, val in zip(regs, req.get("args", [])):
        uc.reg_write(reg, val & 0xFFFF_FFFF)
    stack_words = req.get("stack_words", [])
    sp = STACK_TOP - 64 - 4 * len(stack_words)
    sp &= ~7
    for i, w in enumerate(stack_words):
        uc.mem_write(sp + 4 * i, (w & 0xFFFF_FFFF).to_bytes(4, "little"))
    uc.reg_write(UC_ARM_REG_SP, sp)
    canaries = [0x1111_0000 * (i + 1) & 0xFFFF_FFFF for i in range(len(CALLEE_SAVED))]
    for reg, val in zip(CALLEE_SAVED, canaries):
        uc.reg_write(reg, val)
    uc.reg_write(UC_ARM_REG_LR, RET_ADDR | 1)
    result = {"trap": None}

    def hook(uc, address, size, user):
        if address == req["trap"]:
            result["trap"] = uc.reg_read(UC_ARM_REG_R0)
            uc.emu_stop()

    uc.hook_add(UC_HOOK_CODE, hook, begin=req["trap"], end=req["trap"] + 1)
    try:
        uc.emu_start(req["entry"] | 1, RET_ADDR, count=req.get("max_insts", 2_000_000))
    except UcError as e:
        result["error"] = "%s at pc=%#x" % (e, uc.reg_read(UC_ARM_REG_PC))
    result["r0"] = uc.reg_read(UC_ARM_REG_R0)
    result["r1"] = uc.reg_read(UC_ARM_REG_R1)
    result["pc"] = uc.reg_read(UC_ARM_REG_PC)
    if result["trap"] is None and "error" not in result:
        result["sp_ok"] = uc.reg_read(UC_ARM_REG_SP) == sp
        result["callee_saved_ok"] = all(
            uc.reg_read(r) == v for r, v in zip(CALLEE_SAVED, canaries))
        if result["pc"] != RET_ADDR:
            result["error"] = "stopped at pc=%#x (instruction limit?)" % result["pc"]
    if "dump" in req:
        addr, length = req["dump"]
        result["dump"] = bytes(uc.mem_read(addr, length)).hex()
    return result


def main():
    reqs = json.load(sys.stdin)
    print(json.dumps([run(r) for r in reqs]))


if __name__ == "__main__":
    main()
