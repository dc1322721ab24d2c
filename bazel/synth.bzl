"""`synth_wasm_library`: compiles a WebAssembly module (`.wat`/`.wasm`) with synth into a
Cortex-M Thumb-2 object and returns it as a C library.

Takes one wasm module and synth options; runs `synth compile` through the toolchain of type
`//toolchains:synth_toolchain_type` and returns (`fpu`/`float_abi` left empty come from the
target platform, `//toolchains:platform_float`, so the object matches the C code the
platform's gcc toolchain compiles):

- `CcInfo`: the object (archived as `lib<name>.a`, always linked whole, so every export and
  the init function are kept) in the linking context, and the generated header in the
  compilation context (`#include "<name>.h"`), merged with `deps` (e.g. the `cc_library`
  defining the module's imports). Any `cc_binary`/`cc_library` (or a rules_rust crate, which
  accepts `CcInfo` deps) can depend on it directly.
- `DefaultInfo`: `<name>.o` and `<name>.h`; output groups `object`, `header`, `archive`.

Actions declare exactly their inputs (the module, the compiler; the cc toolchain for `ar`)
and outputs; all paths are exec-root relative and `ar` runs in deterministic mode (`D`), so
outputs are reproducible (synth itself is deterministic, docs/ABI.md).
"""

load("@rules_cc//cc:find_cc_toolchain.bzl", "find_cc_toolchain", "use_cc_toolchain")
load("@rules_cc//cc/common:cc_common.bzl", "cc_common")
load("@rules_cc//cc/common:cc_info.bzl", "CcInfo")
load("//toolchains:synth_toolchain.bzl", "SynthFloatInfo")

SYNTH_TOOLCHAIN_TYPE = str(Label("//toolchains:synth_toolchain_type"))

_TARGETS = ["cortex-m0", "cortex-m0plus", "cortex-m3", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55"]

# `--fpu` and `--float-abi` values (docs/OPTIONS.md); "" = the target platform's.
_FPUS = ["none", "fpv4-sp-d16", "fpv5-sp-d16", "fpv5-d16"]

_FLOAT_ABIS = ["soft", "softfp", "hard"]

def _synth_wasm_library_impl(ctx):
    synth = ctx.toolchains[SYNTH_TOOLCHAIN_TYPE].synth
    if ctx.attr.target not in synth.targets:
        fail("target %r is not supported by the synth toolchain (%s)" % (ctx.attr.target, ", ".join(synth.targets)))
    stem = ctx.label.name
    obj = ctx.actions.declare_file(stem + ".o")
    hdr = ctx.actions.declare_file(stem + ".h")
    archive = ctx.actions.declare_file("lib%s.a" % stem)

    args = ctx.actions.args()
    args.add("compile")
    args.add(ctx.file.src)
    args.add("-o", obj)
    args.add("--target", ctx.attr.target)
    platform_float = ctx.attr._platform_float[SynthFloatInfo]
    fpu = ctx.attr.fpu or platform_float.fpu
    float_abi = ctx.attr.float_abi or platform_float.float_abi
    args.add("--fpu", fpu)
    args.add("--float-abi", float_abi)
    args.add("--emit-header", hdr)
    args.add("--prefix", ctx.attr.prefix)
    if ctx.attr.module_name:
        args.add("--module-name", ctx.attr.module_name)
    if not ctx.attr.bounds_checks:
        args.add("--no-bounds-checks")
    if ctx.attr.stack_check:
        args.add("--stack-check")
    if ctx.attr.max_memory_pages >= 0:
        args.add("--max-memory-pages", str(ctx.attr.max_memory_pages))
    if ctx.attr.verify_allocation:
        args.add("--verify-allocation")
    if ctx.attr.shadow_allocation:
        args.add("--shadow-allocation")
    if not ctx.attr.optimize:
        args.add("--no-optimize")
    if ctx.attr.max_stack >= 0:
        args.add("--max-stack", str(ctx.attr.max_stack))
    for name, nbytes in sorted(ctx.attr.import_stack.items()):
        if not name or not nbytes.isdigit():
            fail("import_stack: expected {\"<import>\": \"<bytes>\"}, got %r: %r" % (name, nbytes))
        args.add("--import-stack", "%s=%s" % (name, nbytes))
    if ctx.attr.debug:
        args.add("--debug")
    if ctx.attr.debug_wat:
        args.add("--debug-wat")
    if ctx.attr.max_function_bytes >= 0:
        args.add("--max-function-bytes", str(ctx.attr.max_function_bytes))
    args.add_all(ctx.attr.copts)
    ctx.actions.run(
        executable = synth.compiler,
        arguments = [args],
        inputs = [ctx.file.src],
        outputs = [obj, hdr],
        mnemonic = "SynthCompile",
        progress_message = "synth compile %s (%s, fpu %s, float ABI %s)" % (
            ctx.file.src.short_path,
            ctx.attr.target,
            fpu,
            float_abi,
        ),
    )

    cc_toolchain = find_cc_toolchain(ctx)
    ctx.actions.run(
        executable = cc_toolchain.ar_executable,
        arguments = ["rcsD", archive.path, obj.path],
        inputs = depset([obj], transitive = [cc_toolchain.all_files]),
        outputs = [archive],
        mnemonic = "SynthArchive",
        progress_message = "ar %s" % archive.short_path,
    )

    feature_configuration = cc_common.configure_features(
        ctx = ctx,
        cc_toolchain = cc_toolchain,
        requested_features = ctx.features,
        unsupported_features = ctx.disabled_features,
    )
    library = cc_common.create_library_to_link(
        actions = ctx.actions,
        feature_configuration = feature_configuration,
        cc_toolchain = cc_toolchain,
        static_library = archive,
        alwayslink = True,
    )
    own = CcInfo(
        compilation_context = cc_common.create_compilation_context(
            headers = depset([hdr]),
            includes = depset([hdr.dirname]),
        ),
        linking_context = cc_common.create_linking_context(
            linker_inputs = depset([cc_common.create_linker_input(
                owner = ctx.label,
                libraries = depset([library]),
            )]),
        ),
    )
    cc_info = cc_common.merge_cc_infos(
        direct_cc_infos = [own],
        cc_infos = [dep[CcInfo] for dep in ctx.attr.deps],
    )
    return [
        DefaultInfo(files = depset([obj, hdr])),
        cc_info,
        OutputGroupInfo(
            object = depset([obj]),
            header = depset([hdr]),
            archive = depset([archive]),
        ),
    ]

synth_wasm_library = rule(
    implementation = _synth_wasm_library_impl,
    doc = """Compiles a wasm module with synth into a C library (object + generated header).

Example:

    synth_wasm_library(
        name = "controller",          # -> controller.o, controller.h, #include "controller.h"
        src = "controller.wat",
        target = "cortex-m4",
        prefix = "wasm_",
    )
    cc_binary(name = "app_elf", srcs = ["main.c"], deps = [":controller"])
""",
    attrs = {
        "src": attr.label(
            mandatory = True,
            allow_single_file = [".wat", ".wasm"],
            doc = "The wasm module (text or binary).",
        ),
        "target": attr.string(
            default = "cortex-m4",
            values = _TARGETS,
            doc = "`synth compile --target`: the Cortex-M core the object is for.",
        ),
        "fpu": attr.string(
            default = "",
            values = [""] + _FPUS,
            doc = "`--fpu`: the core's FPU; \"\" (default): the target platform's " +
                  "(`//toolchains:cortex_m4f`: fpv4-sp-d16; others and the host: none).",
        ),
        "float_abi": attr.string(
            default = "",
            values = [""] + _FLOAT_ABIS,
            doc = "`--float-abi`: how floats cross calls; \"\" (default): the target platform's " +
                  "(`//toolchains:cortex_m4f`: softfp; others and the host: soft).",
        ),
        "prefix": attr.string(
            default = "wasm_",
            doc = "`--prefix`: prepended to exported symbols (`<prefix>init`, `<prefix><export>`).",
        ),
        "module_name": attr.string(
            doc = "`--module-name`: the module name in the header's comment (default: the src file name).",
        ),
        "bounds_checks": attr.bool(
            default = True,
            doc = "Software bounds checks on linear memory; False passes `--no-bounds-checks`.",
        ),
        "stack_check": attr.bool(
            default = False,
            doc = "`--stack-check`: check the stack limit at function entry (define `synth_stack_limit`).",
        ),
        "max_memory_pages": attr.int(
            default = -1,
            doc = "`--max-memory-pages`: cap on reserved 64 KiB pages of linear memory; -1: no cap.",
        ),
        "verify_allocation": attr.bool(
            default = False,
            doc = "`--verify-allocation`: run the register-allocation checker on every function.",
        ),
        "shadow_allocation": attr.bool(
            default = False,
            doc = "`--shadow-allocation`: also run regalloc2, measure only (figures in the stats).",
        ),
        "optimize": attr.bool(
            default = True,
            doc = "IR optimisations; False passes `--no-optimize`.",
        ),
        "max_stack": attr.int(
            default = -1,
            doc = "`--max-stack`: fail the build when an export's or init's worst-case stack " +
                  "exceeds this many bytes or has no bound; -1 (default): no limit.",
        ),
        "import_stack": attr.string_dict(
            doc = "`--import-stack`: worst-case stack of imported functions, " +
                  "`{\"host_log\": \"64\"}` (symbol or module.field; `synth_trap`: the trap " +
                  "handler) in bytes; an import without one leaves its callers unbounded.",
        ),
        "debug": attr.bool(
            default = False,
            doc = "`--debug` (`-g`): unwind tables (.debug_frame, .ARM.exidx/.ARM.extab) and " +
                  "name-section names in the local symbols; the code is the same. With DWARF " +
                  "in the module (clang -g), also source lines (.debug_line, .debug_info).",
        ),
        "debug_wat": attr.bool(
            default = False,
            doc = "`--debug-wat`: `--debug`, and for a .wat src without DWARF a line table " +
                  "against the .wat text itself.",
        ),
        "max_function_bytes": attr.int(
            default = -1,
            doc = "`--max-function-bytes`: fail the build (limit error) when a function body is " +
                  "larger than this many bytes of wasm code; 0: no limit; -1 (default): " +
                  "synth's default limit (7654321).",
        ),
        "copts": attr.string_list(
            doc = "Further `synth compile` arguments, passed verbatim (prefer the attributes above).",
        ),
        "_platform_float": attr.label(
            default = Label("//toolchains:platform_float"),
            providers = [SynthFloatInfo],
            doc = "The target platform's FPU and float ABI (a select() on its constraints).",
        ),
        "deps": attr.label_list(
            providers = [CcInfo],
            doc = "C libraries merged into the result, e.g. the definitions of the module's imports.",
        ),
    },
    toolchains = [SYNTH_TOOLCHAIN_TYPE] + use_cc_toolchain(),
    fragments = ["cpp"],
    provides = [CcInfo],
)
