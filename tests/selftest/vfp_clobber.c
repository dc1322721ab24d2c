/* C stand-ins for tests/test_harness_selftest.py: the harness must catch a function that
 * changes a callee-saved VFP register (s16-s31, AAPCS-VFP) without restoring it, even when
 * its result is right. Compiled with -mfloat-abi=softfp (FPU code, base AAPCS). Mirrors
 * vfp_clobber.wat. */
#include <stdint.h>

void wasm_init(void) {}

/* Uses s16 and s31 as callee-saved registers should be used: saved and restored. */
float wasm_keeps(float x) {
    __asm__ volatile("vmov.f32 s16, %0\n\tvadd.f32 s31, s16, s16" : : "t"(x) : "s16", "s31");
    return x + 1.0f;
}

/* Writes s17 behind the compiler's back (no clobber declared): not restored. */
float wasm_clobbers(float x) {
    __asm__ volatile("vmov.f32 s17, %0" : : "t"(x));
    return x + 1.0f;
}
