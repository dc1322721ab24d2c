#!/usr/bin/env bash
# Test the Python bindings: build libsynth (and the synth CLI the tests compare against) if
# needed, install the package `synth` from python/ into the project's venv (editable, no
# network), and run pytest on python/tests. Exit status is pytest's, except that "no tests
# collected" (pytest exit 5) is a failure too.
#
#   bash python/run_tests.sh [pytest args...]
#
# Environment: SYNTH_PYTHON (interpreter, default .venv/bin/python of the repo); SYNTH_LIB
# (use this library instead of building one; see python/README.md).
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
    if [ -f scripts/build_libsynth.sh ]; then
        bash scripts/build_libsynth.sh || { echo "run_tests: scripts/build_libsynth.sh failed" >&2; exit 1; }
    else
        (cd rust && cargo build -p synth-capi) || { echo "run_tests: cargo build -p synth-capi failed" >&2; exit 1; }
    fi
fi
(cd rust && cargo build -p synth-cli) || { echo "run_tests: cargo build -p synth-cli failed" >&2; exit 1; }

# pip builds even an editable install as a wheel, which setuptools < 70.1 cannot do without the
# `wheel` package; without it (and offline) fall back to setuptools' own `develop` install.
if ! "$PY" -m pip install --quiet --no-build-isolation --no-deps --no-index -e python 2>"$ROOT/python/.pip.log"; then
    echo "run_tests: pip install -e failed (see below); using setuptools develop" >&2
    grep -m1 -iE "error: .*" "$ROOT/python/.pip.log" >&2 || true
    (cd python && PYTHONWARNINGS=ignore "$PY" -c 'from setuptools import setup; setup()' --quiet develop --no-deps >/dev/null) \
        || { echo "run_tests: installing python/ failed" >&2; exit 1; }
fi
rm -f "$ROOT/python/.pip.log"

"$PY" -m pytest python/tests -rfE "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
    echo "run_tests: pytest collected no tests" >&2
    exit 1
fi
exit "$rc"
