"""A gdb session against firmware stopped at reset under qemu's gdb stub.

Takes: a linked firmware ELF, the qemu machine and the gdb commands to run once
connected. Returns: gdb's completed process and qemu's console output (semihosting),
so a test can check both what the debugger saw (breakpoints, backtraces, source
lines) and that the firmware then ran to its end.
"""

import socket
import subprocess


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_gdb(elf, commands, machine="mps2-an386", timeout=60):
    """Start ``elf`` on qemu ``machine`` halted (``-S``), run ``gdb-multiarch -batch`` with
    ``commands`` (each one ``-ex``) after ``target remote``, and wait for qemu to end.

    Returns ``(gdb, console)``: the gdb CompletedProcess and qemu's output. qemu is killed
    if it is still running when gdb and the wait are over.
    """
    port = free_port()
    qemu = subprocess.Popen(["qemu-system-arm", "-M", machine, "-nographic", "-monitor", "none",
                             "-semihosting-config", "enable=on,target=native", "-kernel", elf,
                             "-gdb", "tcp:127.0.0.1:%d" % port, "-S"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    try:
        args = ["gdb-multiarch", "-nx", "-batch", "-ex", "target remote 127.0.0.1:%d" % port]
        for c in commands:
            args += ["-ex", c]
        gdb = subprocess.run(args + [elf], capture_output=True, text=True, timeout=timeout)
        console, _ = qemu.communicate(timeout=30)
    finally:
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()
    return gdb, console
