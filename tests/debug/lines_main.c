/* Firmware for tests/test_debug_lines.py: main -> wasm_lines_entry (export of lines.c built
 * for wasm32) -> accumulate -> scale -> host_hit (this C import). */
#include <stdint.h>
#include "semihost.h"
#include "lines.h"

volatile int32_t host_seen;

__attribute__((noinline)) int32_t host_hit(int32_t x) {
    host_seen = x;
    return x + 1000;
}

static int32_t expected(int32_t n) {
    int32_t acc = 0;
    for (int32_t i = 0; i < n; i++) {
        acc = acc * 31 + (i ^ n);
    }
    return (acc + (n * 3 + 1) + 1000 + 2) ^ 5;
}

int main(void) {
    wasm_init();
    int32_t r = wasm_lines_entry(6);
    sh_puts(r == expected(6) ? "lines firmware ok\n" : "lines firmware WRONG\n");
    return r != expected(6);
}
