/* FIR filter, Q15 fixed point, 32 taps, over 512 samples; returns a checksum of outputs. */
#include <stdint.h>

#define TAPS 32
#define SAMPLES 512

int16_t fir_coeffs[TAPS] = {
    -120, -254, -301, -210, 0, 310, 654, 905, 940, 660, 40, -860, -1820, -2520, 1200, 9800,
    9800, 1200, -2520, -1820, -860, 40, 660, 940, 905, 654, 310, 0, -210, -301, -254, -120,
};
int16_t fir_input[SAMPLES];
int16_t fir_output[SAMPLES];

static void fir(const int16_t *x, int16_t *y, int n) {
    for (int i = TAPS - 1; i < n; i++) {
        int32_t acc = 1 << 14; /* rounding */
        for (int k = 0; k < TAPS; k++)
            acc += (int32_t)fir_coeffs[k] * (int32_t)x[i - k];
        acc >>= 15;
        if (acc > 32767) acc = 32767;
        if (acc < -32768) acc = -32768;
        y[i] = (int16_t)acc;
    }
}

uint32_t run(void) {
    uint32_t seed = 42u;
    for (int i = 0; i < SAMPLES; i++) {
        seed = seed * 1103515245u + 12345u;
        /* a square wave plus noise, within +-24000 */
        int32_t s = ((i / 16) & 1) ? 16000 : -16000;
        s += (int32_t)((seed >> 16) & 0x3FFFu) - 0x2000;
        fir_input[i] = (int16_t)s;
    }
    fir(fir_input, fir_output, SAMPLES);
    uint32_t h = 2166136261u;
    for (int i = 0; i < SAMPLES; i++)
        h = (h ^ (uint16_t)fir_output[i]) * 16777619u;
    return h;
}
