#!/usr/bin/env bash
# Byte-level fuzzing of the decoder and the whole compile through the C API, under
# AddressSanitizer (and LeakSanitizer), with cargo-fuzz on the nightly toolchain.
#
#   tests/fuzz/byte_fuzz.sh [TARGET] [SECONDS]     # TARGET: compile_bytes (default) or compile_smith
#
# Targets (rust/fuzz/fuzz_targets): compile_bytes feeds any bytes to synth_compile (first
# byte: options; the rest: the module, binary or text); compile_smith feeds valid
# wasm-smith modules with every wasm feature. Both abort on an internal error (a compiler
# panic caught at the boundary), libFuzzer on a crash, a leak, or an input slower than 20 s.
# Seeds: tests/programs/*.wat as binaries and as text, bench kernels, the fuzz corpus.
# The growing corpus lives in build/fuzz/corpus/TARGET (not checked in); each input that
# fails is copied to tests/fuzz/corpus/bytes/ (run by tests/test_fuzz_corpus.py).
# Needs: rustup's nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TARGET=${1:-compile_bytes}
SECONDS_TO_RUN=${2:-300}
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "byte_fuzz: needs the nightly toolchain and cargo-fuzz (cargo install cargo-fuzz)" >&2
    exit 2
fi
SEEDS="$ROOT/build/fuzz/seeds/$TARGET"
CORPUS="$ROOT/build/fuzz/corpus/$TARGET"
ARTIFACTS="$ROOT/build/fuzz/artifacts/$TARGET/"
mkdir -p "$SEEDS" "$CORPUS" "$ARTIFACTS" "$ROOT/tests/fuzz/corpus/bytes"
if [ "$TARGET" = compile_bytes ] && [ -z "$(ls -A "$SEEDS")" ]; then
    for f in tests/programs/*.wat bench/kernels/*.wat; do
        [ -f "$f" ] || continue
        n=$(basename "$f" .wat)
        { printf '\0'; cat "$f"; } >"$SEEDS/$n.wat.in"
        if wat2wasm --enable-all -o "$SEEDS/$n.wasm" "$f" 2>/dev/null; then
            { printf '\0'; cat "$SEEDS/$n.wasm"; } >"$SEEDS/$n.in"
            rm "$SEEDS/$n.wasm"
        fi
    done
    for f in tests/fuzz/corpus/*.wasm; do
        { printf '\0'; cat "$f"; } >"$SEEDS/corpus-$(basename "$f" .wasm).in"
    done
fi
# Artifacts of earlier runs were saved then: keep only this run's.
rm -f "$ARTIFACTS"*
cd rust/fuzz
start=$(date +%s)
set +e
nice -n 15 cargo +nightly fuzz run -O "$TARGET" "$CORPUS" "$SEEDS" -- \
    -max_total_time="$SECONDS_TO_RUN" -timeout=20 -rss_limit_mb=4096 -max_len=65536 \
    -artifact_prefix="$ARTIFACTS" -print_final_stats=1 2>&1 | tee "$ROOT/build/fuzz/$TARGET.log" | grep -vE '^(#[0-9]+\s+(NEW|REDUCE|pulse)|\s+NEW_FUNC)'
rc=${PIPESTATUS[0]}
set -e
for a in "$ARTIFACTS"*; do
    [ -f "$a" ] || continue
    cp "$a" "$ROOT/tests/fuzz/corpus/bytes/$TARGET-$(basename "$a")"
    echo "byte_fuzz: failing input saved as tests/fuzz/corpus/bytes/$TARGET-$(basename "$a")"
done
echo "byte_fuzz: $TARGET ran $(( $(date +%s) - start )) s, exit $rc"
exit "$rc"
