/* C stand-in for synth's output of module.wat: validates the qemu build and run path
 * without the compiler (tests/test_qemu.py::test_qemu_c_standin). */
#include <stdint.h>
extern void synth_trap(uint32_t code);
extern int32_t host_add(int32_t a, int32_t b);
struct divmod_result { int32_t q; int32_t r; };
static const char data[] = "123456789";
static uint8_t memory[65536];
static int32_t calls;
void wasm_init(void) { for (int i = 0; i < 9; i++) memory[i] = (uint8_t)data[i]; calls = 0; }
int32_t wasm_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
int64_t wasm_mul64(int64_t a, int64_t b) { return (int64_t)((uint64_t)a * (uint64_t)b); }
struct divmod_result wasm_divmod(int32_t a, int32_t b) {
    if (b == 0) synth_trap(3);
    struct divmod_result r = { (int32_t)((uint32_t)a / (uint32_t)b), (int32_t)((uint32_t)a % (uint32_t)b) };
    return r;
}
int32_t wasm_call_host(int32_t a) { calls++; return host_add(a, 7) + calls; }
int32_t wasm_crc(int32_t n) {
    uint32_t c = 0xffffffffu;
    for (int32_t i = 0; i < n; i++) {
        c ^= memory[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return (int32_t)~c;
}
int32_t wasm_div(int32_t a, int32_t b) {
    if (b == 0) synth_trap(3);
    if (a == INT32_MIN && b == -1) synth_trap(4);
    return a / b;
}
