/* Soft-float C stand-ins for floats.wat (tests/test_harness_selftest.py): compiled with
 * -mfloat-abi=soft, so gcc passes float/double exactly as docs/ABI.md says synth does
 * with --fpu none, and its arithmetic calls the same libgcc AEABI functions. */
#include <stdint.h>

extern float host_fneg(float a);
extern double host_dpick(int32_t k, double a, float b, double c);
extern float g_f32;
extern double g_f64;

void wasm_init(void) {}

float wasm_fadd(float a, float b) { return a + b; }

double wasm_dmul(double a, double b) { return a * b; }

float wasm_fneg(float a) {
    union { float f; uint32_t u; } v = { a };
    v.u ^= 0x80000000u; /* a bit operation, like wasm's neg (keeps NaN payloads) */
    return v.f;
}

int32_t wasm_flt(float a, float b) { return a < b; }

double wasm_i2d(int32_t a) { return (double)a; }

double wasm_promote(float a) { return (double)a; }

double wasm_last(float a, double b, double c, double d) { (void)a; (void)b; (void)c; return d; }

float wasm_after_pair(int32_t a, double b, float c) { (void)a; (void)b; return c; }

struct fpair { double a; float b; int32_t c; };
struct fpair wasm_fpair(int32_t x, double y, float z) {
    struct fpair r = { y, z, x };
    return r;
}

double wasm_call_hosts(int32_t k, double a, float b, double c) {
    return host_dpick(k, a, host_fneg(b), c);
}

struct globals { float a; double b; };
struct globals wasm_globals(void) {
    struct globals r = { g_f32, g_f64 };
    return r;
}
