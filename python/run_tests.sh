#!/usr/bin/env bash
# Test the Python package `synth`: build libsynth (and the synth CLI the tests compare against)
# if needed and run pytest on python/tests with the package imported from python/ (nothing is
# installed into the venv; python/tests/test_wheel.py installs the package into a throwaway
# venv of its own). Exit status is pytest's, except that "no tests collected" (pytest exit 5)
# is a failure too.
#
#   bash python/run_tests.sh [pytest args...]
#
# Environment: SYNTH_PYTHON (interpreter, default .venv/bin/python of the repo); SYNTH_LIB
# (use this library instead of the one built here; see python/README.md).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${SYNTH_PYTHON:-$ROOT/.venv/bin/python}
if [ ! -x "$PY" ]; then
    echo "run_tests: $PY missing, run scripts/setup.sh first" >&2
    exit 1
fi
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi

if [ -z "${SYNTH_LIB:-}" ]; then
    bash scripts/build_libsynth.sh >/dev/null || { echo "run_tests: scripts/build_libsynth.sh failed" >&2; exit 1; }
    # The library just built, not a stale one an earlier in-place build left in python/synth/.
    export SYNTH_LIB="$ROOT/build/lib/libsynth.so"
fi
(cd rust && cargo build -p synth-cli) || { echo "run_tests: cargo build -p synth-cli failed" >&2; exit 1; }

PYTHONPATH="$ROOT/python${PYTHONPATH:+:$PYTHONPATH}" "$PY" -m pytest python/tests -rfE "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
    echo "run_tests: pytest collected no tests" >&2
    exit 1
fi
exit "$rc"
