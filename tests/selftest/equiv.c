/* C stand-ins for synth output, used by tests/test_harness_selftest.py to validate the
 * harness before the compiler exists. Each function mirrors an export of equiv.wat and
 * follows docs/ABI.md (symbols with prefix wasm_, traps via synth_trap). */
#include <stdint.h>

extern void synth_trap(uint32_t code) __attribute__((noreturn));
extern int32_t host_add(int32_t a, int32_t b);
extern int64_t host_mix(int32_t a, int64_t b, int32_t c, int64_t d, int64_t e);
extern int32_t g_i32;

static int32_t counter;

void wasm_init(void) { counter = 42; }

int32_t wasm_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }

int32_t wasm_get_counter(void) { return counter; }

int32_t wasm_bump(int32_t by) { counter += by; return counter; }

int64_t wasm_mul64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }

int64_t wasm_shl64(int64_t a, int32_t s) { return (int64_t)((uint64_t)a << (s & 63)); }

struct pair { int32_t a; int64_t b; };
struct pair wasm_pair(int32_t x, int64_t y) {
    struct pair r = { (int32_t)((uint32_t)x + 1u), (int64_t)((uint64_t)y - 1u) };
    return r;
}

struct trip { int32_t a, b, c; };
struct trip wasm_trip(int32_t x) {
    struct trip r = { x, (int32_t)((uint32_t)x * 2u), (int32_t)((uint32_t)x ^ 0x55u) };
    return r;
}

int32_t wasm_div(int32_t a, int32_t b) {
    if (b == 0) synth_trap(3);
    if (a == INT32_MIN && b == -1) synth_trap(4);
    return a / b;
}

void wasm_unreach(void) { synth_trap(1); }

int64_t wasm_many(int32_t a, int64_t b, int32_t c, int64_t d, int64_t e) {
    return (int64_t)((uint64_t)a + 3u * (uint64_t)b - (uint64_t)(int64_t)c + 5u * (uint64_t)d - 7u * (uint64_t)e);
}

int32_t wasm_call_host(int32_t a, int32_t b) { return (int32_t)((uint32_t)host_add(a, b) * 2u); }

int64_t wasm_mix_host(int32_t a, int64_t b, int32_t c, int64_t d, int64_t e) {
    return host_mix(a, b, c, d, e);
}

int32_t wasm_read_global(void) { return g_i32; }

int32_t wasm_sum_to(int32_t n) {
    volatile int32_t s = 0;
    for (int32_t i = 0; i < n; i++) s += i;
    return s;
}
