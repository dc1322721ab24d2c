"""`arm_none_eabi_toolchain_config`: the `CcToolchainConfigInfo` of Debian's
`arm-none-eabi-gcc` for one Cortex-M CPU (Cortex-M3/M4/M7, Thumb-2) with its FPU and float ABI.

Takes the CPU name (`-mcpu=`), the FPU (`-mfpu=`, `none` for no FPU) and float ABI
(`-mfloat-abi=`) and the GCC install prefix; returns the toolchain config that `cc_toolchain`
in `toolchains/BUILD.bazel` wraps. Written for Bazel 4.2.3's Starlark API and unchanged on
current Bazel (loads go through `@rules_cc`). Compiler and linker flags:

- always: `-mcpu=<cpu> -mthumb -mfloat-abi=<abi>` and, with an FPU, `-mfpu=<fpu>` (at link
  time too, so gcc picks the matching libgcc multilib), freestanding-friendly sections
  (`-ffunction-sections -fdata-sections`, `--gc-sections` at link time), `-Wall`;
- reproducible: `-no-canonical-prefixes -fno-canonical-system-headers`, `__DATE__`/`__TIME__`
  redacted, `-ffile-prefix-map` not needed (Bazel passes exec-root relative paths);
- `opt` (`-c opt`): `-Os -DNDEBUG`; `dbg`: `-Og -g3`; default `fastbuild`: `-Os -g`.

Firmware chooses its own startup and C library: nothing is linked implicitly but `libgcc`
(`-nostartfiles` and a linker script are up to the `cc_binary`'s `linkopts`).
"""

load(
    "@rules_cc//cc:cc_toolchain_config_lib.bzl",
    "feature",
    "flag_group",
    "flag_set",
    "tool_path",
    "with_feature_set",
)
load("@rules_cc//cc:action_names.bzl", "ACTION_NAMES")
load("@rules_cc//cc/common:cc_common.bzl", "cc_common")

_COMPILE_ACTIONS = [
    ACTION_NAMES.assemble,
    ACTION_NAMES.preprocess_assemble,
    ACTION_NAMES.c_compile,
    ACTION_NAMES.cpp_compile,
    ACTION_NAMES.cpp_header_parsing,
]

_LINK_ACTIONS = [
    ACTION_NAMES.cpp_link_executable,
]

def _flags(actions, flags, with_features = []):
    return flag_set(actions = actions, flag_groups = [flag_group(flags = flags)], with_features = with_features)

def _impl(ctx):
    prefix = ctx.attr.gcc_prefix
    tools = ["gcc", "ld", "ar", "cpp", "gcov", "nm", "objcopy", "objdump", "strip"]
    tool_paths = [tool_path(name = t, path = prefix + t) for t in tools]

    arch = ["-mcpu=" + ctx.attr.cpu, "-mthumb", "-mfloat-abi=" + ctx.attr.float_abi]
    if ctx.attr.fpu != "none":
        arch.append("-mfpu=" + ctx.attr.fpu)
    elif ctx.attr.float_abi != "soft":
        fail("-mfloat-abi=%s needs an FPU (fpu = ...)" % ctx.attr.float_abi)
    features = [
        feature(name = "opt"),
        feature(name = "dbg"),
        feature(name = "fastbuild"),
        feature(
            name = "cortex_m_flags",
            enabled = True,
            flag_sets = [
                _flags(_COMPILE_ACTIONS + _LINK_ACTIONS, arch),
                _flags(_COMPILE_ACTIONS, [
                    "-no-canonical-prefixes",
                    "-fno-canonical-system-headers",
                    "-Wno-builtin-macro-redefined",
                    "-D__DATE__=\"redacted\"",
                    "-D__TIMESTAMP__=\"redacted\"",
                    "-D__TIME__=\"redacted\"",
                    "-ffunction-sections",
                    "-fdata-sections",
                    "-Wall",
                ]),
                _flags(_COMPILE_ACTIONS, ["-Os", "-g"], [_with("fastbuild")]),
                _flags(_COMPILE_ACTIONS, ["-Os", "-DNDEBUG"], [_with("opt")]),
                _flags(_COMPILE_ACTIONS, ["-Og", "-g3"], [_with("dbg")]),
                _flags(_LINK_ACTIONS, ["-no-canonical-prefixes", "-Wl,--gc-sections"]),
            ],
        ),
        feature(
            name = "libgcc",
            enabled = True,
            flag_sets = [_flags(_LINK_ACTIONS, ["-lgcc"])],
        ),
    ]

    return cc_common.create_cc_toolchain_config_info(
        ctx = ctx,
        features = features,
        cxx_builtin_include_directories = ctx.attr.builtin_include_directories,
        toolchain_identifier = "-".join(["arm-none-eabi", ctx.attr.cpu, ctx.attr.fpu, ctx.attr.float_abi]),
        host_system_name = "x86_64-unknown-linux-gnu",
        target_system_name = "arm-none-eabi",
        target_cpu = ctx.attr.cpu,
        target_libc = "none",
        compiler = "gcc",
        abi_version = "eabi",
        abi_libc_version = "none",
        tool_paths = tool_paths,
    )

def _with(name):
    # A `with_features` entry: the flag set applies only while feature `name` is on.
    return with_feature_set(features = [name])

arm_none_eabi_toolchain_config = rule(
    implementation = _impl,
    doc = "CcToolchainConfigInfo for arm-none-eabi-gcc targeting one Cortex-M CPU.",
    attrs = {
        "cpu": attr.string(mandatory = True, doc = "GCC `-mcpu=` value, e.g. `cortex-m4`."),
        "fpu": attr.string(
            default = "none",
            values = ["none", "fpv4-sp-d16", "fpv5-sp-d16", "fpv5-d16"],
            doc = "GCC `-mfpu=` value, or `none` (no `-mfpu`, soft float).",
        ),
        "float_abi": attr.string(
            default = "soft",
            values = ["soft", "softfp", "hard"],
            doc = "GCC `-mfloat-abi=` value.",
        ),
        "gcc_prefix": attr.string(
            default = "/usr/bin/arm-none-eabi-",
            doc = "Path prefix of the GNU tools (`<prefix>gcc`, `<prefix>ar`, ...).",
        ),
        "builtin_include_directories": attr.string_list(
            doc = "The compiler's own include directories (see `arm-none-eabi-gcc -xc -E -v /dev/null`).",
        ),
    },
)
