"""wasm2c + arm-none-eabi-gcc: the same wasm module translated to C by wabt's wasm2c and
compiled by gcc, the comparison issue 13's figures use ("ahead of wasm2c+gcc").

Per variant (:data:`VARIANTS`): ``wasm2c <name>[.Os].wasm -n kernel`` -> ``kernel.c``/``.h``
in ``<outdir>/<name>.<variant>/``; arm-none-eabi-gcc (the bench's target flags, at the
variant's level) compiles it, bench/w2c/wasm_rt_bare.c (a bare-metal runtime: static linear
memory, trap -> ``synth_trap``) and bench/w2c/driver.c (a static instance and
``bench_w2c_init``); ``arm-none-eabi-ld -r --gc-sections`` from the roots ``bench_w2c_init``
and ``Z_kernelZ_run`` combines them with newlib's libm and libc_nano (memcpy for the data
segments, ...) into ``<outdir>/<name>.<variant>.o``: everything a firmware links for the
module except libgcc (not counted for gcc or synth either).

Options, as wasm-rt.h of wasm2c 1.0.32 spells them: ``WASM_RT_USE_STACK_DEPTH_COUNT=0`` (no
call-depth counter: synth's bench objects have no stack check either); checks on =
``WASM_RT_MEMCHECK_SIGNAL_HANDLER=0`` (an explicit range check before every load and store),
checks off (``-nbc``) = ``WASM_RT_MEMCHECK_SIGNAL_HANDLER=1`` with
``WASM_RT_SKIP_SIGNAL_RECOVERY=1`` (no check in the code: the guard-page scheme, with no guard
pages on a Cortex-M). ``-DNDEBUG`` drops the generated asserts. No ``-ffreestanding``: the
generated code is hosted C (math.h, string.h builtins).

Size (:func:`size`): all ``.text`` of the combined object = the module's functions (kernel)
plus support: the module's init_module/instantiate/init_* functions, the driver's init, the
runtime functions left after --gc-sections and the libc/libm members they pull in.
"""

import os
import shutil
import subprocess

from . import build, emulate, paths
from harness import elf as elfmod  # noqa: E402  (benchlib.paths puts tests/ on sys.path)

#: variant -> (clang level of the module, gcc level, explicit bounds checks)
VARIANTS = {
    "w2c-Os": ("Os", "Os", True),
    "w2c-Os-nbc": ("Os", "Os", False),
    "w2c-O2": ("O2", "O2", True),
    "w2c-O2-nbc": ("O2", "O2", False),
}
#: Module name given to wasm2c -n: the symbols are Z_kernel_*, Z_kernelZ_<export>.
MODULE = "kernel"
ENTRY = "Z_kernelZ_run"
INIT = "bench_w2c_init"
INSTANCE = "bench_w2c_instance"
RUNTIME_DIR = os.path.join(paths.BENCH, "w2c")
#: wasm2c's runtime header (wabt package); copied next to the generated code so that
#: gcc does not search the host's /usr/include.
WASM_RT_H = "/usr/include/wasm-rt.h"
COMMON_DEFINES = ["-DNDEBUG", "-DWASM_RT_USE_STACK_DEPTH_COUNT=0"]
CHECKS_ON = ["-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0"]
CHECKS_OFF = ["-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=1", "-DWASM_RT_SKIP_SIGNAL_RECOVERY=1"]


def available():
    """Why the wasm2c variants cannot be built here ('' when they can)."""
    if shutil.which("wasm2c") is None:
        return "wasm2c not on PATH"
    if not os.path.exists(WASM_RT_H):
        return "%s missing" % WASM_RT_H
    return ""


def gcc_flags(level, checks):
    """arm-none-eabi-gcc flags for the generated module, the runtime and the driver."""
    target = [f for f in build.GCC_FLAGS if f not in ("-ffreestanding", "-c")]
    return (["-" + level] + target + ["-c", "-ffunction-sections", "-fdata-sections"]
            + COMMON_DEFINES + (CHECKS_ON if checks else CHECKS_OFF))


def _libs():
    """newlib's libm and libc_nano of the multilib the target flags select."""
    target = [f for f in build.GCC_FLAGS if f not in ("-ffreestanding", "-c")]
    out = []
    for lib in ("libm.a", "libc_nano.a"):
        path = subprocess.run([paths.tool("arm-none-eabi-gcc")] + target + ["-print-file-name=" + lib],
                              capture_output=True, text=True).stdout.strip()
        if not os.path.isabs(path) or not os.path.exists(path):
            raise FileNotFoundError("newlib %s for %s not found" % (lib, " ".join(target)))
        out.append(path)
    return out


def compile(name, outdir, wasm_path, variant):
    """wasm2c + gcc + ld -r -> ``outdir/<name>.<variant>.o``; returns a :class:`build.Step`
    whose ``cmd`` lists every command (joined by ``&&``) and whose ``seconds`` is their sum."""
    _level, gcc_level, checks = VARIANTS[variant]
    out = os.path.join(outdir, "%s.%s.o" % (name, variant))
    why = available()
    if why:
        return build.Step(cmd=["wasm2c"], output=out, error=why)
    work = os.path.join(outdir, "%s.%s" % (name, variant))
    os.makedirs(work, exist_ok=True)
    shutil.copyfile(WASM_RT_H, os.path.join(work, "wasm-rt.h"))
    gen = os.path.join(work, MODULE + ".c")
    flags = gcc_flags(gcc_level, checks) + ["-I", work]
    gcc = paths.tool("arm-none-eabi-gcc")
    objs = [os.path.join(work, o) for o in ("driver.o", "module.o", "runtime.o")]
    try:
        libs = _libs()
    except FileNotFoundError as e:
        return build.Step(cmd=[gcc], output=out, error=str(e))
    cmds = [([paths.tool("wasm2c"), wasm_path, "-o", gen, "-n", MODULE], gen),
            ([gcc] + flags + ["-o", objs[0], os.path.join(RUNTIME_DIR, "driver.c")], objs[0]),
            ([gcc] + flags + ["-o", objs[1], gen], objs[1]),
            ([gcc] + flags + ["-o", objs[2], os.path.join(RUNTIME_DIR, "wasm_rt_bare.c")], objs[2]),
            ([paths.tool("arm-none-eabi-ld"), "-r", "--gc-sections", "-u", INIT, "-u", ENTRY,
              "-o", out] + objs + libs, out)]
    all_cmd, seconds = [], 0.0
    for cmd, output in cmds:
        step = build._run(cmd, output)
        all_cmd += (["&&"] if all_cmd else []) + step.cmd
        seconds += step.seconds
        if not step.ok:
            step.cmd, step.output = all_cmd, out
            step.error = "%s: %s" % (os.path.basename(cmd[0]), step.error)
            return step
    step.cmd, step.seconds, step.output = all_cmd, seconds, out
    step.extra["module_obj"] = objs[1]
    return step


def size(obj_path, module_obj):
    """:class:`sizes.Size` of the combined object: ``text`` all of its ``.text*``; ``kernel``
    the module's own functions (the wasm functions, load/store helpers gcc did not inline,
    export wrappers: every function of ``module_obj`` but Z_kernel_* and init_*); ``support``
    the rest (module init, driver, runtime, libc/libm members)."""
    from .sizes import Size, _section_sizes
    e = elfmod.read(obj_path)
    mod = elfmod.read(module_obj)
    mod_funcs = {s.name for s in mod.symbol_list if s.kind == elfmod.STT_FUNC and s.shndx}
    text_idx = {i for i, n in enumerate(e.section_names) if n == ".text" or n.startswith(".text.")}
    kernel = sum(s.size for s in e.symbol_list
                 if s.kind == elfmod.STT_FUNC and s.shndx in text_idx and s.name in mod_funcs
                 and not s.name.startswith(("Z_%s_" % MODULE, "init_")))
    text = _section_sizes(e, ".text")
    return Size(text=text, kernel=kernel, support=text - kernel, rodata=_section_sizes(e, ".rodata"))


def run(obj, workdir, name, count=True):
    """Link ``obj`` with the harness, call ``bench_w2c_init`` (uncounted), then the export
    ``Z_kernelZ_run(&bench_w2c_instance)``; returns an :class:`emulate.Run`."""
    elf = emulate.link([obj], workdir, name)
    m = emulate.Machine(elf, count=count)
    m.reset()
    r = m.call(INIT)
    if r.kind != "ok":
        r.detail = "during %s: %s" % (INIT, r.detail)
        return r
    return m.call(ENTRY, args=(m.image.address(INSTANCE),))
