#!/usr/bin/env bash
# The main job on a bundled example: compile examples/controller.wat with synth into an
# object + C header, link it into Cortex-M4 firmware with a C main, run it on qemu's
# mps2-an386 board (semihosting output), and print the code size.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
OUT="$ROOT/build/demo"
mkdir -p "$OUT"
SYNTH=${SYNTH_BIN:-$ROOT/rust/target/debug/synth}
if [ ! -x "$SYNTH" ]; then
    (cd rust && cargo build -p synth-cli)
fi

echo "== synth compile examples/controller.wat"
"$SYNTH" compile examples/controller.wat -o "$OUT/controller.o" --emit-header "$OUT/controller.h" \
    --target cortex-m4 --stats-json "$OUT/stats.json"
echo "   wrote $OUT/controller.o and $OUT/controller.h"

echo "== link with arm-none-eabi-gcc (Cortex-M4)"
CFLAGS=(-mcpu=cortex-m4 -mthumb -O2 -ffreestanding -Wall -g)
arm-none-eabi-gcc "${CFLAGS[@]}" -fsyntax-only -x c "$OUT/controller.h"
arm-none-eabi-gcc "${CFLAGS[@]}" -nostdlib -T tests/qemu/mps2-an386.ld -I tests/qemu \
    tests/qemu/startup.c examples/demo/main.c "$OUT/controller.o" -lgcc -o "$OUT/demo.elf"

echo "== run on qemu-system-arm -M mps2-an386"
timeout 60 qemu-system-arm -M mps2-an386 -nographic -monitor none \
    -semihosting-config enable=on,target=native -kernel "$OUT/demo.elf" </dev/null 2>&1

echo "== code size of the compiled module"
arm-none-eabi-size -A "$OUT/controller.o" | awk '$1 ~ /^\.text/ { t += $2 } END { printf ".text: %d bytes\n", t }'
