/* Deliberately wrong stand-ins: the self-test checks the harness reports each of these. */
#include <stdint.h>
extern void synth_trap(uint32_t code) __attribute__((noreturn));
void wasm_init(void) {}
int32_t wasm_add(int32_t a, int32_t b) { return a - b; }
int64_t wasm_mul64(int64_t a, int64_t b) { return (int64_t)((uint32_t)a * (uint32_t)b); }
struct pair { int32_t a; int64_t b; };
struct pair wasm_pair(int32_t x, int64_t y) { struct pair r = { (int32_t)y, x }; return r; }
int32_t wasm_div(int32_t a, int32_t b) { if (b == 0) synth_trap(4); return b ? a / b : 0; }
int32_t wasm_loop(int32_t n) { for (;;) { __asm__ volatile("nop"); } }
