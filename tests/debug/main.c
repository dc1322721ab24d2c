/* Firmware for tests/test_debug_frames.py: main -> wasm_outer (export) -> $inner (internal
 * wasm function) -> host_break (this C import), where gdb stops and prints the backtrace. */
#include <stdint.h>
#include "semihost.h"
#include "module.h"

volatile int32_t host_seen;

__attribute__((noinline)) int32_t host_break(int32_t x) {
    host_seen = x;
    return x + 1000;
}

int main(void) {
    wasm_init();
    int32_t r = wasm_outer(7); /* inner(12) = host_break(36) + 1 = 1037; + 7 */
    sh_puts(r == 1044 ? "debug firmware ok\n" : "debug firmware WRONG\n");
    return r != 1044;
}
