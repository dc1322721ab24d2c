"""`synth_toolchain`: the synth compiler (wasm -> Cortex-M ELF object) as a Bazel toolchain.

Takes the `synth` executable (normally `@synth_compiler//:synth`, built from this workspace's `rust/`
by Cargo, see `bazel/synth_repo.bzl`) and returns a `ToolchainInfo` with field `synth`:
`SynthCompilerInfo(compiler = <FilesToRunProvider>, targets = [...])`, which
`synth_wasm_library` (`bazel/synth.bzl`) resolves through `//toolchains:synth_toolchain_type`.

Also `synth_float_config`: the FPU and float ABI of the target platform as a
`SynthFloatInfo` (`//toolchains:platform_float` selects them from the platform's
`//toolchains:fpu` and `:float_abi` constraints), the default of `synth_wasm_library`'s `fpu`
and `float_abi`.
"""

SynthCompilerInfo = provider(
    doc = "The synth compiler of a synth toolchain.",
    fields = {
        "compiler": "FilesToRunProvider of the `synth` executable (runs on the exec platform).",
        "targets": "List of `--target` values the compiler accepts.",
    },
)

def _synth_toolchain_impl(ctx):
    info = SynthCompilerInfo(
        compiler = ctx.attr.compiler[DefaultInfo].files_to_run,
        targets = ctx.attr.targets,
    )
    return [platform_common.ToolchainInfo(synth = info), info]

synth_toolchain = rule(
    implementation = _synth_toolchain_impl,
    doc = "Declares a synth compiler for `toolchain(toolchain_type = \"//toolchains:synth_toolchain_type\")`.",
    attrs = {
        "compiler": attr.label(
            mandatory = True,
            allow_files = True,
            executable = True,
            cfg = "exec",
            doc = "The `synth` executable.",
        ),
        "targets": attr.string_list(
            default = ["cortex-m0", "cortex-m0plus", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55"],
            doc = "CPU names accepted by `synth compile --target`.",
        ),
    },
)

SynthFloatInfo = provider(
    doc = "The FPU and float ABI synth compiles for (`--fpu`, `--float-abi`).",
    fields = {
        "fpu": "`--fpu` value: none, fpv4-sp-d16, fpv5-sp-d16 or fpv5-d16.",
        "float_abi": "`--float-abi` value: soft, softfp or hard.",
    },
)

def _synth_float_config_impl(ctx):
    return [SynthFloatInfo(fpu = ctx.attr.fpu, float_abi = ctx.attr.float_abi)]

synth_float_config = rule(
    implementation = _synth_float_config_impl,
    doc = "An FPU and float ABI (normally chosen by `select()` on the platform's constraints).",
    attrs = {
        "fpu": attr.string(mandatory = True, doc = "`--fpu` value."),
        "float_abi": attr.string(mandatory = True, doc = "`--float-abi` value."),
    },
)
