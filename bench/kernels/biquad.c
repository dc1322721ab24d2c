/* A cascade of 4 f32 biquad sections (direct form I) filtering 512 samples, as audio or
 * sensor code does; returns a hash of the output bit patterns. */
#include <stdint.h>

#define STAGES 4
#define SAMPLES 512

struct biquad {
    float b0, b1, b2, a1, a2;
    float x1, x2, y1, y2;
};

static struct biquad stages[STAGES];
float bq_signal[SAMPLES];

static uint32_t bits(float f) {
    union { float f; uint32_t u; } v = {f};
    return v.u;
}

static float step(struct biquad *s, float x) {
    float y = s->b0 * x + s->b1 * s->x1 + s->b2 * s->x2 - s->a1 * s->y1 - s->a2 * s->y2;
    s->x2 = s->x1;
    s->x1 = x;
    s->y2 = s->y1;
    s->y1 = y;
    return y;
}

uint32_t run(void) {
    for (int k = 0; k < STAGES; k++) {
        float g = 0.05f + 0.02f * (float)k;
        struct biquad *s = &stages[k];
        s->b0 = g; s->b1 = 2.0f * g; s->b2 = g;
        s->a1 = -1.2f + 0.1f * (float)k; s->a2 = 0.45f - 0.05f * (float)k;
        s->x1 = s->x2 = s->y1 = s->y2 = 0.0f;
    }
    uint32_t seed = 99u;
    for (int i = 0; i < SAMPLES; i++) {
        seed = seed * 1664525u + 1013904223u;
        bq_signal[i] = (float)(int32_t)(seed >> 20) / 2048.0f - 1.0f;
    }
    uint32_t h = 2166136261u;
    for (int i = 0; i < SAMPLES; i++) {
        float v = bq_signal[i];
        for (int k = 0; k < STAGES; k++)
            v = step(&stages[k], v);
        h = (h ^ bits(v)) * 16777619u;
    }
    return h;
}
