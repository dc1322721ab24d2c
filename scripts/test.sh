#!/usr/bin/env bash
# Run every test: the Rust workspace's cargo tests, then the Python harness tests.
# Fails if either fails (pytest's "no tests collected", exit 5, counts as failure) and
# ends with one summary line "N passed, N failed[, N skipped]" summing both runners.
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

echo "=== cargo test --workspace ==="
(cd rust && cargo test --workspace 2>&1) | tee "$LOGDIR/cargo.log"
cargo_rc=${PIPESTATUS[0]}

echo "=== pytest tests/ ==="
# The synth CLI must exist for the compiler tests; cargo test built it.
(cd rust && cargo build -p synth-cli >/dev/null 2>&1) || true
"$PY" -m pytest tests/ bench/test_bench_smoke.py -rfE 2>&1 | tee "$LOGDIR/pytest.log"
pytest_rc=${PIPESTATUS[0]}

echo "=== python bindings: python/run_tests.sh ==="
bash python/run_tests.sh 2>&1 | tee "$LOGDIR/pybind.log"
pybind_rc=${PIPESTATUS[0]}

echo "=== bazel: scripts/bazel_test.sh (//firmware:app, //firmware:app_test) ==="
# The debug profile reuses the workspace build above instead of a second (release) build.
SYNTH_CARGO_PROFILE=debug bash scripts/bazel_test.sh 2>&1 | tee "$LOGDIR/bazel.log"
bazel_rc=${PIPESTATUS[0]}
b_pass=$(grep -aoE 'Executed [0-9]+ out of [0-9]+ tests?: [0-9]+ tests? pass' "$LOGDIR/bazel.log" \
    | grep -oE '[0-9]+ tests? pass' | grep -oE '^[0-9]+' | tail -1)
b_pass=${b_pass:-0}

# Sum cargo's "test result: ok. N passed; M failed; K ignored; ..." lines.
read -r c_pass c_fail c_skip < <(awk '
    /^test result:/ {
        for (i = 1; i <= NF; i++) {
            v = $(i - 1) + 0
            if ($i ~ /^passed/) p += v
            if ($i ~ /^failed/) f += v
            if ($i ~ /^ignored/) s += v
        }
    }
    END { printf "%d %d %d\n", p, f, s }' "$LOGDIR/cargo.log")

# pytest's final line, e.g. "==== 3 failed, 10 passed, 1 skipped, 2 errors in 1.2s ====".
p_line=$(grep -aE '^=+ .*(passed|failed|skipped|error|no tests ran).* in [0-9.]+s' "$LOGDIR/pytest.log" | tail -1)
count() { echo "$p_line" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+' | head -1; }
p_pass=$(count passed); p_fail=$(count failed); p_skip=$(count skipped); p_err=$(count error)
p_pass=${p_pass:-0}; p_fail=${p_fail:-0}; p_skip=${p_skip:-0}; p_err=${p_err:-0}
# The same for the bindings' pytest run.
p_line=$(grep -aE '^=+ .*(passed|failed|skipped|error|no tests ran).* in [0-9.]+s' "$LOGDIR/pybind.log" | tail -1)
pb_pass=$(count passed); pb_fail=$(count failed); pb_skip=$(count skipped); pb_err=$(count error)
pb_pass=${pb_pass:-0}; pb_fail=${pb_fail:-0}; pb_skip=${pb_skip:-0}; pb_err=${pb_err:-0}

failed=$((c_fail + p_fail + p_err + pb_fail + pb_err))
# A runner that failed without reporting failing tests (build error, no tests collected)
# still counts as one failure so the summary never looks green.
if [ "$cargo_rc" -ne 0 ] && [ "$c_fail" -eq 0 ]; then failed=$((failed + 1)); echo "test: cargo test failed (exit $cargo_rc)"; fi
if [ "$pytest_rc" -ne 0 ] && [ $((p_fail + p_err)) -eq 0 ]; then failed=$((failed + 1)); echo "test: pytest failed (exit $pytest_rc)"; fi

if [ "$pybind_rc" -ne 0 ] && [ $((pb_fail + pb_err)) -eq 0 ]; then failed=$((failed + 1)); echo "test: python/run_tests.sh failed (exit $pybind_rc)"; fi
if [ "$bazel_rc" -ne 0 ]; then failed=$((failed + 1)); echo "test: bazel failed (exit $bazel_rc)"; fi

passed=$((c_pass + p_pass + pb_pass + b_pass))
skipped=$((c_skip + p_skip + pb_skip))
echo "bazel: $b_pass tests passed (exit $bazel_rc)"
echo "cargo: $c_pass passed, $c_fail failed, $c_skip ignored (exit $cargo_rc); pytest: $p_pass passed, $p_fail failed, $p_err errors, $p_skip skipped (exit $pytest_rc); bindings: $pb_pass passed, $pb_fail failed, $pb_err errors, $pb_skip skipped (exit $pybind_rc)"
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
if [ "$cargo_rc" -ne 0 ] || [ "$pytest_rc" -ne 0 ] || [ "$pybind_rc" -ne 0 ]; then exit 1; fi
exit 0
