#!/usr/bin/env bash
# Bazel CI check (Debian bazel-bootstrap 4.2.3, offline): builds the example firmware with the
# synth rules and toolchains and runs it under qemu:
#   bazel build //firmware:app            (synth_wasm_library + arm-none-eabi-gcc, Cortex-M4)
#   bazel test  //firmware:app_test       (qemu mps2-an386, output vs firmware/app_test.expected)
#   bazel test  //firmware:app_reference_test  (same firmware, C reference of the module)
#   bazel build //firmware:app_m4f, bazel test //firmware:app_m4f_test  (the firmware for
#               //toolchains:cortex_m4f: gcc -mfpu=fpv4-sp-d16 -mfloat-abi=softfp, synth
#               --fpu fpv4-sp-d16 --float-abi softfp)
#   bazel test  //firmware:app_m4f_hard_test  (//toolchains:cortex_m4f_hard: gcc
#               -mfloat-abi=hard, synth --float-abi hard; mps2-an386)
#   bazel test  //firmware:app_m33_test, //firmware:app_m55_test  (the firmware for
#               //toolchains:cortex_m33 on qemu mps2-an505, :cortex_m55 on mps3-an547)
#   bazel test  //firmware:app_m0plus_test, app_m0_test  (//toolchains:cortex_m0plus, :cortex_m0, on qemu
#               microbit: nRF51822, Cortex-M0, SRAM raised to 128 KiB for the 64 KiB wasm page)
#   bazel build //c_examples:synthc       (host C build tool on @synth_compiler//:libsynth)
#   bazel build //c_examples:sensor_checked  (synth_wasm_library with debug, import_stack,
#               max_stack; checks that each reaches synth compile)
# Prints Cargo's progress while Bazel builds synth, Bazel's summary lines and the image size.
# Bazel's state (output root, disk cache) and server stay under /tmp/synth-bazel for the next
# run; `bazel --output_user_root=/tmp/synth-bazel/root shutdown` stops the server and
# `rm -rf /tmp/synth-bazel` removes the state.
# Environment:
#   BAZEL_OUTPUT_USER_ROOT  Bazel's output root (default /tmp/synth-bazel/root; reused = warm)
#   BAZEL_DISK_CACHE        action cache shared across output roots (default /tmp/synth-bazel/disk-cache)
#   SYNTH_CARGO_PROFILE     Cargo profile Bazel builds synth with (default release; debug = dev)
#   SYNTH_BIN               use this prebuilt synth instead of running Cargo
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
BAZEL=${BAZEL:-bazel}
OUTPUT_USER_ROOT=${BAZEL_OUTPUT_USER_ROOT:-/tmp/synth-bazel/root}
DISK_CACHE=${BAZEL_DISK_CACHE:-/tmp/synth-bazel/disk-cache}

# Offline by default for every Bazel command of this checkout (tools/bazel, which the bazel
# launcher runs, rewrites the file with the same setting).
export SYNTH_BAZEL_OFFLINE=1
bazel/offline/configure.sh >/dev/null

STARTUP=(--output_user_root="$OUTPUT_USER_ROOT")
FLAGS=(--symlink_prefix=/ --disk_cache="$DISK_CACHE"
       --repo_env=SYNTH_CARGO_PROFILE="${SYNTH_CARGO_PROFILE:-release}")
if [ -n "${SYNTH_BIN:-}" ]; then FLAGS+=(--repo_env=SYNTH_BIN="$SYNTH_BIN"); fi

summary() {  # Bazel's result lines, without the sandbox's debug chatter
    grep -E '^(INFO: (Elapsed|Build|Analyzed|Found)|FAILED|ERROR|Target |  /|//|Executed|[0-9]+ tests?)' || true
}

LOGDIR=$(mktemp -d)
trap 'rm -rf "$LOGDIR"' EXIT
run() {
    local log rc
    log="$LOGDIR/$1.log"
    echo "== bazel $*"
    set +e
    # Progress as it happens: Cargo building synth inside the repository rule (minutes on a
    # cold cache) prints its `Compiling`/`Finished` lines; the full log stays in $log.
    "$BAZEL" "${STARTUP[@]}" "$@" 2>&1 | tee "$log" \
        | grep --line-buffered -E '^ *(Compiling|Finished) ' | sed -u 's/^ */   cargo: /'
    rc=${PIPESTATUS[0]}
    set -e
    summary <"$log" | sed 's/^/   /'
    if [ "$rc" -ne 0 ]; then
        echo "   (exit $rc; full log follows)"
        grep -v 'linux-sandbox' "$log" | tail -60
        exit "$rc"
    fi
}

start=$(date +%s%N)
run build "${FLAGS[@]}" //c_examples:synthc
# synth_wasm_library's stack and debug attributes reach synth compile: import_stack bounds
# the export calling the import (else its header has no figure), debug adds .debug_frame,
# max_stack is on the command line.
run build "${FLAGS[@]}" //c_examples:sensor_checked
OBJ=$(grep -E '^  /.*/c_examples/sensor_checked\.o$' "$LOGDIR/build.log" | head -n1 | sed 's/^ *//')
grep -q '^#define wasm_scale_STACK_BYTES [0-9]*u$' "${OBJ%.o}.h" \
    || { echo "sensor_checked.h: wasm_scale has no stack figure (import_stack not passed?)"; exit 1; }
arm-none-eabi-readelf -S "$OBJ" | grep -q '\.debug_frame' \
    || { echo "sensor_checked.o: no .debug_frame (debug not passed?)"; exit 1; }
"$BAZEL" "${STARTUP[@]}" aquery "${FLAGS[@]}" 'mnemonic("SynthCompile", //c_examples:sensor_checked)' 2>/dev/null \
    | tr -d '\\\n' | tr -s ' ' | grep -q -- '--max-stack 1024 ' || { echo "sensor_checked: no --max-stack 1024 in synth's command line"; exit 1; }
echo "   sensor_checked: import_stack, debug and max_stack reach synth compile"
# max_function_bytes reaches synth compile: a limit the module is over fails the build.
if "$BAZEL" "${STARTUP[@]}" build "${FLAGS[@]}" //c_examples:sensor_over_limit >"$LOGDIR/over_limit.log" 2>&1; then
    echo "sensor_over_limit: built despite max_function_bytes = 10"; exit 1
fi
grep -q 'limit: function [0-9]*: .*over the limit of 10 (max_function_bytes)' "$LOGDIR/over_limit.log" \
    || { echo "sensor_over_limit: failed, but not with synth's limit error:"; tail -20 "$LOGDIR/over_limit.log"; exit 1; }
echo "   sensor_over_limit: max_function_bytes reaches synth compile (limit error)"
run build "${FLAGS[@]}" //firmware:app_m4f
# The platform's core and float ABI reach synth compile (through the platform transition).
for check in "app_m4f_hard:--target cortex-m4 --fpu fpv4-sp-d16 --float-abi hard" \
             "app_m0plus:--target cortex-m0plus --fpu none --float-abi soft" \
             "app_m0:--target cortex-m0 --fpu none --float-abi soft"; do
    "$BAZEL" "${STARTUP[@]}" aquery "${FLAGS[@]}" "mnemonic(\"SynthCompile\", deps(//firmware:${check%%:*}))" 2>/dev/null \
        | tr -d '\\\n' | tr -s ' ' | grep -q -- "${check#*:} " \
        || { echo "//firmware:${check%%:*}: no '${check#*:}' in synth's command line"; exit 1; }
    echo "   //firmware:${check%%:*}: synth compile ${check#*:}"
done
run build "${FLAGS[@]}" //firmware:app   # last build: its log names the image
run test "${FLAGS[@]}" //firmware:app_test //firmware:app_m4f_test //firmware:app_m4f_hard_test \
    //firmware:app_reference_test //firmware:app_m0plus_test //firmware:app_m0_test \
    //firmware:app_m33_test //firmware:app_m55_test
end=$(date +%s%N)

ELF=$(grep -E '^  /.*/firmware/app\.elf$' "$LOGDIR/build.log" | head -n1 | sed 's/^ *//')
echo "== image size: //firmware:app ($ELF)"
arm-none-eabi-size "$ELF"
ms=$(( (end - start) / 1000000 ))
printf '== bazel build + test: %d.%03d s\n' $((ms / 1000)) $((ms % 1000))
