#!/usr/bin/env bash
# Run every test: the Rust workspace's cargo tests, the Python harness tests (compiler,
# spec testsuite, benchmark smoke), the C API examples, the Python bindings and Bazel.
# Fails if any runner fails (a runner that fails without reporting failing tests, such as a
# build error or pytest's "no tests collected", counts as one failure) and ends with one
# summary line "N passed, N failed[, N skipped]" summing every runner's tests, followed by
# "; spec assertions: N passed, N failed, N skipped" (the spec runner's assertion counts, whose
# skips, e.g. every float assertion, no test count shows).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
LOGDIR=$(mktemp -d)
trap 'rm -rf "$LOGDIR"' EXIT

PY="$ROOT/.venv/bin/python"
if [ ! -x "$PY" ]; then
    echo "test: .venv missing, run scripts/setup.sh first" >&2
    exit 1
fi

passed=0 failed=0 skipped=0 any_rc=0
summary=()

# record NAME RC PASS FAIL SKIP: adds one runner's figures to the totals.
record() {
    local name=$1 rc=$2 p=${3:-0} f=${4:-0} s=${5:-0}
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ "$rc" -ne 0 ]; then
        any_rc=1
        if [ "$f" -eq 0 ]; then failed=$((failed + 1)); echo "test: $name failed (exit $rc)"; fi
    fi
    summary+=("$name: $p passed, $f failed, $s skipped (exit $rc)")
}

# pytest_counts LOG: "PASS FAIL SKIP" from pytest's last summary line (errors count as
# failures), e.g. "==== 3 failed, 10 passed, 1 skipped, 2 errors in 1.2s ====".
pytest_counts() {
    local line n
    line=$(grep -aE '^=+ .*(passed|failed|skipped|error|no tests ran).* in [0-9.]+s' "$1" | tail -1)
    n() { echo "$line" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+' | head -1; }
    local p f s e
    p=$(n passed); f=$(n failed); s=$(n skipped); e=$(n error)
    echo "${p:-0} $(( ${f:-0} + ${e:-0} )) ${s:-0}"
}

echo "=== cargo test --workspace ==="
(cd rust && cargo test --workspace 2>&1) | tee "$LOGDIR/cargo.log"
rc=${PIPESTATUS[0]}
# Sum cargo's "test result: ok. N passed; M failed; K ignored; ..." lines.
read -r p f s < <(awk '
    /^test result:/ {
        for (i = 1; i <= NF; i++) {
            v = $(i - 1) + 0
            if ($i ~ /^passed/) p += v
            if ($i ~ /^failed/) f += v
            if ($i ~ /^ignored/) s += v
        }
    }
    END { printf "%d %d %d\n", p, f, s }' "$LOGDIR/cargo.log")
record cargo "$rc" "$p" "$f" "$s"

echo "=== pytest tests/ bench smoke ==="
# The synth CLI must exist for the compiler tests; cargo test built it.
(cd rust && cargo build -p synth-cli -p synth-fuzz >/dev/null 2>&1) || true
"$PY" -m pytest tests/ bench/test_bench_smoke.py bench/test_compile_time_smoke.py -rfE 2>&1 | tee "$LOGDIR/pytest.log"
rc=${PIPESTATUS[0]}
read -r p f s < <(pytest_counts "$LOGDIR/pytest.log")
record pytest "$rc" "$p" "$f" "$s"
# The spec runner's own last line: assertions, not tests.
spec_line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$LOGDIR/pytest.log" | tail -1)

echo "=== libsynth: scripts/build_libsynth.sh ==="
bash scripts/build_libsynth.sh 2>&1 | tee "$LOGDIR/libsynth.log"
record libsynth "${PIPESTATUS[0]}" 0 0 0

echo "=== C API examples: c_examples/run_tests.sh ==="
bash c_examples/run_tests.sh 2>&1 | tee "$LOGDIR/capi.log"
rc=${PIPESTATUS[0]}
read -r p f < <(sed -n 's/^c_examples: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$LOGDIR/capi.log" | tail -1)
record c_examples "$rc" "${p:-0}" "${f:-0}" 0

echo "=== Python bindings: python/run_tests.sh ==="
bash python/run_tests.sh 2>&1 | tee "$LOGDIR/pybind.log"
rc=${PIPESTATUS[0]}
read -r p f s < <(pytest_counts "$LOGDIR/pybind.log")
record bindings "$rc" "$p" "$f" "$s"

echo "=== bazel: scripts/bazel_test.sh ==="
# The debug profile reuses the workspace build above instead of a second (release) build.
SYNTH_CARGO_PROFILE=debug bash scripts/bazel_test.sh 2>&1 | tee "$LOGDIR/bazel.log"
rc=${PIPESTATUS[0]}
p=$(grep -aoE 'Executed [0-9]+ out of [0-9]+ tests?: [0-9]+ tests? pass' "$LOGDIR/bazel.log" \
    | grep -oE '[0-9]+ tests? pass' | grep -oE '^[0-9]+' | tail -1)
record bazel "$rc" "${p:-0}" 0 0

printf '%s\n' "${summary[@]}"
spec=""
if [ -n "$spec_line" ]; then spec="; spec assertions: $spec_line"; fi
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped$spec"
else
    echo "$passed passed, $failed failed$spec"
fi
if [ "$any_rc" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
exit 0
