#!/usr/bin/env bash
# Set up a fresh Debian machine for building and testing synth. Idempotent: apt is
# skipped when every package is installed, the venv and its packages are reused.
#   - ARM cross tools, qemu, clang/wasm libs, wabt (apt)
#   - .venv/ with the harness's Python packages (tests/requirements.txt)
#   - cargo build of the Rust workspace (the synth CLI in rust/target/debug/synth)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PKGS=(gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi qemu-system-arm
      clang lld wasi-libc libclang-rt-14-dev-wasm32 wabt bazel-bootstrap valgrind
      python3 python3-venv gdb-multiarch)

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing missing packages: ${missing[*]}"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends "${PKGS[@]}" </dev/null
else
    echo "setup: all apt packages already installed"
fi

# Python venv for the harness.
PY=${PYTHON:-}
if [ -z "$PY" ]; then
    if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi
fi
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $PY"
    "$PY" -m venv .venv
fi
if ! .venv/bin/python - <<'PYEOF' 2>/dev/null
import unicorn, wasmtime, pytest
assert unicorn.__version__ == "2.1.4"
PYEOF
then
    echo "setup: installing Python packages into .venv"
    .venv/bin/python -m pip install --disable-pip-version-check -q -r tests/requirements.txt
else
    echo "setup: Python packages already installed"
fi

# Rust workspace (includes the synth CLI).
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: error: cargo not found (a Rust toolchain >= 1.80 is required)" >&2
    exit 1
fi
echo "setup: cargo build"
(cd "$ROOT/rust" && cargo build --workspace)
echo "setup: done"
