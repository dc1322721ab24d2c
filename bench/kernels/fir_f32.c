/* FIR filter in f32: 24 taps over 256 samples (sensor smoothing); returns a hash of the
 * output bit patterns. No fused multiply-add (-ffp-contract=off), so every compiler computes
 * the same bits. */
#include <stdint.h>

#define TAPS 24
#define SAMPLES 256

static float coeffs[TAPS];
float firf_input[SAMPLES];
float firf_output[SAMPLES];

static uint32_t bits(float f) {
    union { float f; uint32_t u; } v = {f};
    return v.u;
}

static void fir(const float *x, float *y, int n) {
    for (int i = TAPS - 1; i < n; i++) {
        float acc = 0.0f;
        for (int k = 0; k < TAPS; k++)
            acc += coeffs[k] * x[i - k];
        y[i] = acc;
    }
}

uint32_t run(void) {
    uint32_t seed = 7u;
    float sum = 0.0f;
    for (int k = 0; k < TAPS; k++) {
        /* a symmetric low-pass window */
        int d = k < TAPS / 2 ? k : TAPS - 1 - k;
        coeffs[k] = (float)(d + 1) / 78.0f;
        sum += coeffs[k];
    }
    for (int k = 0; k < TAPS; k++)
        coeffs[k] /= sum;
    for (int i = 0; i < SAMPLES; i++) {
        seed = seed * 1103515245u + 12345u;
        float noise = (float)(int32_t)((seed >> 12) & 0xFFFu) / 4096.0f - 0.5f;
        firf_input[i] = ((i / 32) & 1 ? 1.0f : -1.0f) + noise * 0.25f;
    }
    fir(firf_input, firf_output, SAMPLES);
    uint32_t h = 2166136261u;
    for (int i = 0; i < SAMPLES; i++)
        h = (h ^ bits(firf_output[i])) * 16777619u;
    return h;
}
