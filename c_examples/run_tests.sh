#!/usr/bin/env bash
# Builds libsynth (scripts/build_libsynth.sh) and the C examples against it (C99, warnings
# as errors), then runs them: synthc, stats_gate (on real modules and on JSON fixtures),
# error_paths (every error path, repeated and multi-threaded compiles; also under valgrind,
# linked statically and dynamically), qemu_app (a synthc-compiled module in Cortex-M4
# firmware on qemu) and qemu_float (a float module in FPU firmware, -mfloat-abi=softfp, its
# printed bits checked against wasmtime). Prints one line per test and the summary
# "c_examples: N passed, N failed"; exits non-zero on any failure.
# Pass --release to test the release build of the library (default: debug).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
EX="$ROOT/c_examples"
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
OUT="$ROOT/build/c_examples"
rm -rf "$OUT"
mkdir -p "$OUT"
LOG="$OUT/log"
mkdir -p "$LOG"

passed=0
failed=0
# t NAME COMMAND...: runs the command (output in build/c_examples/log/NAME.log), records the result.
t() {
    local name=$1
    shift
    if "$@" >"$LOG/$name.log" 2>&1; then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name (log: build/c_examples/log/$name.log)"
        sed 's/^/    /' "$LOG/$name.log" | tail -20
    fi
}

# The debug library by default (arguments, e.g. --release, go to build_libsynth.sh): valgrind
# reports "conditional jump depends on uninitialised value" inside wasmparser's Parser::parse
# in the optimised (release) library, not in the debug one; not yet traced to a cause.
PROFILE_ARGS=("$@")
[ "${#PROFILE_ARGS[@]}" -eq 0 ] && PROFILE_ARGS=(--debug)
if ! bash scripts/build_libsynth.sh "${PROFILE_ARGS[@]}" >"$LOG/build_libsynth.log" 2>&1; then
    cat "$LOG/build_libsynth.log"
    echo "c_examples: 0 passed, 1 failed"
    exit 1
fi
LIB="$ROOT/build/lib"
INC="$ROOT/build/include"
export PKG_CONFIG_PATH="$LIB/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
CC=${CC:-cc}
CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -g)

# ---- the header and the three ways to link (the lines docs/C_API.md gives) ----
header_c99() {
    printf '#include "synth.h"\nint main(void) { synth_options o; return synth_options_init(&o) == SYNTH_STATUS_OK ? 0 : 1; }\n' >"$OUT/h.c"
    "$CC" "${CFLAGS[@]}" -I "$INC" -fsyntax-only "$OUT/h.c" && c++ -std=c++11 -Wall -Wextra -Werror -pedantic -I "$INC" -fsyntax-only -x c++ "$OUT/h.c"
}
t header_c99_and_cxx header_c99
# shared, through pkg-config
t build_synthc sh -c "$CC ${CFLAGS[*]} $EX/synthc.c $EX/util.c \$(pkg-config --cflags --libs synth) -Wl,-rpath,$LIB -o $OUT/synthc"
# shared, plain -L/-l
t build_stats_gate "$CC" "${CFLAGS[@]}" "$EX/stats_gate.c" "$EX/util.c" -I "$INC" -L "$LIB" -lsynth -Wl,-rpath,"$LIB" -o "$OUT/stats_gate"
t build_error_paths_shared "$CC" "${CFLAGS[@]}" -pthread "$EX/error_paths.c" "$EX/util.c" -I "$INC" -L "$LIB" -lsynth -Wl,-rpath,"$LIB" -o "$OUT/error_paths_shared"
# static, with the system libraries pkg-config lists
t build_error_paths_static sh -c "$CC ${CFLAGS[*]} -pthread $EX/error_paths.c $EX/util.c -I $INC $LIB/libsynth.a \$(pkg-config --variable=static_libs synth) -o $OUT/error_paths_static"
t static_binary_has_no_libsynth_dependency sh -c "! ldd $OUT/error_paths_static | grep -q libsynth && ldd $OUT/error_paths_shared | grep -q 'libsynth.so.0 => $LIB/libsynth.so.0'"

# ---- synthc ----
SENSOR="$EX/qemu_app/sensor.wat"
synthc_compiles() {
    "$OUT/synthc" --target cortex-m4 --prefix sensor_ "$SENSOR" -o "$OUT/sensor.o" --emit-header "$OUT/sensor.h" --stats \
        --stats-json "$OUT/sensor.json" >"$OUT/synthc.table" || return 1
    cat "$OUT/synthc.table"
    arm-none-eabi-readelf -h "$OUT/sensor.o" | grep -q 'Machine:.*ARM' || { echo "not an ARM ELF object"; return 1; }
    for s in sensor_fib sensor_fletcher16 sensor_scale sensor_clamp sensor_init; do
        arm-none-eabi-nm "$OUT/sensor.o" | grep -q " T $s\$" || { echo "symbol $s missing"; return 1; }
        grep -q "^$s " "$OUT/synthc.table" || { echo "no stats row for $s"; return 1; }
    done
    # 5 exported functions and init (i64.div_s calls libgcc's __aeabi_ldivmod, no helper)
    grep -q '^total: 6 functions' "$OUT/synthc.table" || { echo "bad total line"; return 1; }
    arm-none-eabi-nm "$OUT/sensor.o" | grep -q ' U __aeabi_ldivmod$' || { echo "no __aeabi_ldivmod reference"; return 1; }
    arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -x c "$OUT/sensor.h"
}
t synthc_compiles synthc_compiles
synthc_matches_cli() {
    local cli="$ROOT/rust/target/debug/synth"
    [ -x "$cli" ] || (cd rust && cargo build -p synth-cli) || return 1
    "$cli" compile "$SENSOR" --prefix sensor_ --target cortex-m4 -o "$OUT/sensor_cli.o" --stats-json "$OUT/sensor_cli.json" || return 1
    cmp "$OUT/sensor.o" "$OUT/sensor_cli.o" && cmp "$OUT/sensor.json" "$OUT/sensor_cli.json"
}
t synthc_output_equals_the_cli synthc_matches_cli
synthc_errors() {
    printf '(module (func $area (export "area") (param i32) (result i32) local.get 0 i32x4.splat i32x4.extract_lane 0))' >"$OUT/float.wat"
    "$OUT/synthc" "$OUT/float.wat" -o "$OUT/float.o" 2>"$OUT/float.err"; local rc=$?
    cat "$OUT/float.err"
    [ "$rc" -eq 1 ] && grep -q 'unsupported: function 0 `area` uses `i32x4.splat`.*(status: unsupported)$' "$OUT/float.err" && [ ! -e "$OUT/float.o" ] || return 1
    "$OUT/synthc" --prefix 'bad-prefix' "$SENSOR" -o "$OUT/bad.o" 2>"$OUT/prefix.err"; rc=$?
    cat "$OUT/prefix.err"
    [ "$rc" -eq 1 ] && grep -q 'bad-prefix.*(status: invalid argument)$' "$OUT/prefix.err" || return 1
    "$OUT/synthc" "$SENSOR" 2>/dev/null; [ $? -eq 2 ] || return 1
    "$OUT/synthc" --target cortex-a9 "$SENSOR" -o "$OUT/x.o" 2>/dev/null; [ $? -eq 2 ]
}
t synthc_errors synthc_errors
synthc_float_options() {  # --fpu/--float-abi reach synth_options.fpu/.float_abi as the CLI's flags do
    local cli="$ROOT/rust/target/debug/synth" wat="$EX/qemu_float/floats.wat" rc
    "$OUT/synthc" "$wat" -o "$OUT/floats_synthc.o" --fpu fpv4-sp-d16 --float-abi softfp || return 1
    "$cli" compile "$wat" -o "$OUT/floats_cli.o" --fpu fpv4-sp-d16 --float-abi softfp || return 1
    cmp "$OUT/floats_synthc.o" "$OUT/floats_cli.o" || return 1
    "$OUT/synthc" "$wat" -o "$OUT/bad.o" --float-abi softfp 2>"$OUT/abi.err"; rc=$?
    cat "$OUT/abi.err"
    [ "$rc" -eq 1 ] && grep -q 'softfp needs an FPU.*(status: invalid argument)$' "$OUT/abi.err" || return 1
    "$OUT/synthc" "$wat" -o "$OUT/bad.o" --target cortex-m3 --fpu fpv4-sp-d16 2>"$OUT/fpu.err"; rc=$?
    cat "$OUT/fpu.err"
    [ "$rc" -eq 1 ] && grep -q 'cortex-m3 has no fpv4-sp-d16 FPU' "$OUT/fpu.err" && [ ! -e "$OUT/bad.o" ] || return 1
    "$OUT/synthc" "$wat" -o "$OUT/bad.o" --fpu fpv9 2>/dev/null; [ $? -eq 2 ] || return 1
    "$OUT/synthc" "$wat" -o "$OUT/bad.o" --float-abi firm 2>/dev/null; [ $? -eq 2 ]
}
t synthc_float_options synthc_float_options
synthc_stack_and_debug_options() {  # --import-stack/--max-stack/-g reach synth_options as the CLI's flags do
    local cli="$ROOT/rust/target/debug/synth" rc limit
    local imports=(--import-stack log_value=100 --import-stack env.log_value=100 --import-stack synth_trap=8)
    "$cli" compile "$SENSOR" -o "$OUT/stack_cli.o" "${imports[@]}" --stats-json "$OUT/stack_cli.json" || return 1
    # the largest bound in the module: the tightest --max-stack that compiles
    limit=$("${SYNTH_PYTHON:-$ROOT/.venv/bin/python}" -c 'import json, sys
print(max(f["max_stack_bytes"] for f in json.load(open(sys.argv[1]))["functions"] if f["kind"] in ("wasm", "init")))' "$OUT/stack_cli.json") || return 1
    echo "largest stack bound: $limit"
    for g in -g --debug; do
        "$OUT/synthc" "$SENSOR" -o "$OUT/stack_synthc.o" "${imports[@]}" --max-stack "$limit" "$g" --stats-json "$OUT/stack_synthc.json" || return 1
        "$cli" compile "$SENSOR" -o "$OUT/stack_cli.o" "${imports[@]}" --max-stack "$limit" "$g" --stats-json "$OUT/stack_cli.json" || return 1
        cmp "$OUT/stack_synthc.o" "$OUT/stack_cli.o" && cmp "$OUT/stack_synthc.json" "$OUT/stack_cli.json" || return 1
        arm-none-eabi-readelf -S "$OUT/stack_synthc.o" | grep -q '\.debug_frame' || { echo "$g: no .debug_frame"; return 1; }
    done
    "$OUT/synthc" "$SENSOR" -o "$OUT/nodebug.o" || return 1
    ! arm-none-eabi-readelf -S "$OUT/nodebug.o" | grep -q '\.debug_frame' || { echo "a .debug_frame without -g"; return 1; }
    "$OUT/synthc" "$SENSOR" -o "$OUT/bad.o" "${imports[@]}" --max-stack "$((limit - 1))" 2>"$OUT/stack.err"; rc=$?
    cat "$OUT/stack.err"
    [ "$rc" -eq 1 ] && grep -q "needs up to $limit bytes of stack.*(status: stack limit)\$" "$OUT/stack.err" && [ ! -e "$OUT/bad.o" ] || return 1
    "$OUT/synthc" "$SENSOR" -o "$OUT/bad.o" --max-stack 100000 2>"$OUT/unbounded.err"; rc=$?
    cat "$OUT/unbounded.err"
    [ "$rc" -eq 1 ] && grep -q 'no stack bound.*log_value.*(status: stack limit)$' "$OUT/unbounded.err" || return 1
    for bad in "--import-stack log_value" "--import-stack =4" "--import-stack log_value=x" "--max-stack -1" \
               "--max-stack 4294967296" "--max-stack lots"; do
        # shellcheck disable=SC2086
        "$OUT/synthc" "$SENSOR" -o "$OUT/bad.o" $bad 2>/dev/null; rc=$?
        [ "$rc" -eq 2 ] || { echo "$bad: exit $rc, expected 2"; return 1; }
    done
}
t synthc_stack_and_debug_options synthc_stack_and_debug_options
synthc_max_function_bytes() {  # --max-function-bytes reaches synth_options.max_function_bytes as the CLI's flag does
    local cli="$ROOT/rust/target/debug/synth" src="$ROOT/examples/controller.wat" rc
    "$OUT/synthc" "$src" -o "$OUT/limit.o" --max-function-bytes 10 2>"$OUT/limit.err"; rc=$?
    cat "$OUT/limit.err"
    [ "$rc" -eq 1 ] && grep -q 'limit: function [0-9]*: .*over the limit of 10 (max_function_bytes) (status: limit)$' "$OUT/limit.err" \
        && [ ! -e "$OUT/limit.o" ] || return 1
    "$cli" compile "$src" -o "$OUT/limit_cli.o" --max-function-bytes 10 2>"$OUT/limit_cli.err"; rc=$?
    cat "$OUT/limit_cli.err"
    # the same message as synth compile's (which puts it after `error: <INPUT>: `)
    [ "$rc" -eq 1 ] && grep -qF "$(sed 's/^synthc: [^:]*: //; s/ (status: limit)$//' "$OUT/limit.err")" "$OUT/limit_cli.err" || return 1
    "$OUT/synthc" "$src" -o "$OUT/nolimit_synthc.o" --max-function-bytes 0 || return 1
    "$cli" compile "$src" -o "$OUT/nolimit_cli.o" || return 1
    cmp "$OUT/nolimit_synthc.o" "$OUT/nolimit_cli.o" || return 1
    for bad in "-1" "4294967296" "lots"; do
        "$OUT/synthc" "$src" -o "$OUT/bad.o" --max-function-bytes "$bad" 2>/dev/null; rc=$?
        [ "$rc" -eq 2 ] || { echo "--max-function-bytes $bad: exit $rc, expected 2"; return 1; }
    done
}
t synthc_max_function_bytes synthc_max_function_bytes

# ---- stats_gate ----
t stats_gate_passes_clean_modules sh -c "'$OUT/stats_gate' '$SENSOR' tests/qemu/module.wat examples/controller.wat tests/programs/*.wat | tee /dev/stderr | tail -1 | grep -q ', 0 violations\$'"
t stats_gate_cortex_m3 "$OUT/stats_gate" --target cortex-m3 "$SENSOR"
t stats_gate_json_roundtrip "$OUT/stats_gate" --json "$OUT/sensor.json" "$EX/fixtures/clean.json"
gate_fixture() { # FIXTURE EXPECTED_RC PATTERN
    "$OUT/stats_gate" --json "$EX/fixtures/$1" >"$OUT/gate.out" 2>&1; local rc=$?
    cat "$OUT/gate.out"
    [ "$rc" -eq "$2" ] && grep -q "$3" "$OUT/gate.out"
}
t stats_gate_fails_on_spurious_spill gate_fixture spurious.json 1 'sensor_fletcher16: spurious spills (2 spill stores'
t stats_gate_fails_on_fallback_rung gate_fixture fallback.json 1 'sensor_scale: allocated by the fallback allocator'
t stats_gate_rejects_broken_json gate_fixture truncated.json 2 'not a stats JSON file'
t stats_gate_compile_error_exits_2 sh -c "'$OUT/stats_gate' '$OUT/float.wat'; [ \$? -eq 2 ]"

# ---- error_paths: natively, then under valgrind (static and shared) ----
MODS=("$SENSOR" tests/qemu/module.wat examples/controller.wat)
t error_paths_shared sh -c "'$OUT/error_paths_shared' ${MODS[*]} | tail -1 | grep -q ', 0 failed\$'"
t error_paths_static "$OUT/error_paths_static" "${MODS[@]}"
if command -v valgrind >/dev/null 2>&1; then
    VG=(valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1)
    vg() { # NAME BINARY
        "${VG[@]}" "$2" "${MODS[@]}" >"$OUT/$1.out" 2>"$OUT/$1.vg"; local rc=$?
        tail -1 "$OUT/$1.out"
        grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|All heap blocks' "$OUT/$1.vg"
        [ "$rc" -eq 0 ] && grep -q 'ERROR SUMMARY: 0 errors' "$OUT/$1.vg"
    }
    t valgrind_error_paths_static vg valgrind_static "$OUT/error_paths_static"
    t valgrind_error_paths_shared vg valgrind_shared "$OUT/error_paths_shared"
else
    t valgrind_installed false
fi

# ---- qemu_app: a synthc-compiled module in Cortex-M4 firmware ----
qemu_app() {
    local Q="$ROOT/tests/qemu"
    arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -O2 -ffreestanding -std=c99 -Wall -Wextra -Werror -g -nostdlib \
        -T "$Q/mps2-an386.ld" -I "$Q" -I "$OUT" "$Q/startup.c" "$EX/qemu_app/main.c" "$OUT/sensor.o" -lgcc \
        -o "$OUT/qemu_app.elf" || return 1
    timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none \
        -semihosting-config enable=on,target=native -kernel "$OUT/qemu_app.elf" </dev/null >"$OUT/qemu.out" 2>&1
    local rc=$?
    cat "$OUT/qemu.out"
    [ "$rc" -eq 0 ] || { echo "qemu exited $rc"; return 1; }
    diff -u - "$OUT/qemu.out" <<'EXPECTED'
qemu_app: synth module on Cortex-M4
fib 20 = 6765 ok
fib 46 = 1836311903 ok
fletcher16 16 17 = 1672 ok
scale 1000000007 3 -7 = -428571431 ok
logged = -428571431 ok
scale -9000000000 5 2 = -22500000000 ok
samples = 2 ok
clamp 5 0 3 = 3 ok
clamp -4 -2 9 = -2 ok
clamp 7 -2 9 = 7 ok
qemu_app: all ok
EXPECTED
}
t qemu_app qemu_app

# ---- qemu_float: a synthc-compiled float module in Cortex-M4F firmware (FPU on, softfp) ----
qemu_float() {
    local Q="$ROOT/tests/qemu" PY="${SYNTH_PYTHON:-$ROOT/.venv/bin/python}"
    "$OUT/synthc" --fpu fpv4-sp-d16 --float-abi softfp --prefix fl_ "$EX/qemu_float/floats.wat" \
        -o "$OUT/floats.o" --emit-header "$OUT/floats.h" || return 1
    arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=softfp -mfpu=fpv4-sp-d16 -O2 -ffp-contract=off \
        -fno-math-errno -ffreestanding -std=c99 -Wall -Wextra -Werror -g -nostdlib -T "$Q/mps2-an386.ld" \
        -I "$Q" -I "$OUT" "$Q/startup.c" "$EX/qemu_float/main.c" "$OUT/floats.o" -lgcc -o "$OUT/qemu_float.elf" || return 1
    # the firmware's own float arithmetic is on the FPU (else its fpu= checks compare nothing)
    arm-none-eabi-objdump -d "$OUT/qemu_float.elf" >"$OUT/qemu_float.dis"
    for insn in vmul.f32 vadd.f32 vdiv.f32 vsqrt.f32; do
        grep -q "$insn" "$OUT/qemu_float.dis" || { echo "no $insn in the firmware"; return 1; }
    done
    timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none \
        -semihosting-config enable=on,target=native -kernel "$OUT/qemu_float.elf" </dev/null >"$OUT/qemu_float.out" 2>&1
    local rc=$?
    cat "$OUT/qemu_float.out"
    [ "$rc" -eq 0 ] || { echo "qemu exited $rc"; return 1; }
    tail -1 "$OUT/qemu_float.out" | grep -q '^qemu_float: 19 calls, all ok$' || return 1
    # every printed result recomputed with wasmtime, bit for bit
    PYTHONPATH="$ROOT/python" "$PY" "$EX/qemu_float/check.py" "$EX/qemu_float/floats.wat" "$OUT/qemu_float.out"
}
t qemu_float qemu_float

echo "c_examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
