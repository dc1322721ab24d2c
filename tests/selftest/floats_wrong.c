/* Deliberately wrong soft-float stand-ins for floats_wrong.wat (harness self-test). */
#include <stdint.h>

typedef union { float f; uint32_t u; } f32bits;

void wasm_init(void) {}

/* +0 instead of -0 */
float wasm_fzero(float a) { (void)a; return 0.0f; }

/* quiets a signalling NaN that wasm's local.get passes through unchanged */
float wasm_squiet(float a) {
    f32bits v = { a };
    if ((v.u & 0x7f800000u) == 0x7f800000u && (v.u & 0x007fffffu))
        v.u |= 0x00400000u;
    return v.f;
}

/* the wrong register pair */
double wasm_dswap(double a, double b) { (void)b; return a; }

/* correct: any NaN result becomes the negative canonical NaN */
float wasm_qnan(float a, float b) {
    f32bits r = { .f = a + b };
    if ((r.u & 0x7f800000u) == 0x7f800000u && (r.u & 0x007fffffu))
        r.u = 0xffc00000u;
    return r.f;
}
