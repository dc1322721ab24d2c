/* 4x4 f32 matrix products and transforms (a sensor-fusion / graphics pipeline step):
 * composes 64 rotation-like matrices and transforms 128 points; returns a hash of the bits. */
#include <stdint.h>

typedef struct { float m[4][4]; } mat4;

static mat4 acc;
float m4_points[128][4];

static uint32_t bits(float f) {
    union { float f; uint32_t u; } v = {f};
    return v.u;
}

static void mul(mat4 *out, const mat4 *a, const mat4 *b) {
    mat4 r;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            float s = 0.0f;
            for (int k = 0; k < 4; k++)
                s += a->m[i][k] * b->m[k][j];
            r.m[i][j] = s;
        }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            out->m[i][j] = r.m[i][j];
}

uint32_t run(void) {
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            acc.m[i][j] = i == j ? 1.0f : 0.0f;
    for (int n = 0; n < 64; n++) {
        float c = 1.0f - (float)n / 2048.0f, s = (float)(n % 7) / 64.0f;
        mat4 r;
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                r.m[i][j] = i == j ? 1.0f : 0.0f;
        r.m[0][0] = c; r.m[0][1] = -s; r.m[0][3] = 0.01f;
        r.m[1][0] = s; r.m[1][1] = c; r.m[1][3] = -0.02f;
        r.m[2][3] = 0.03f;
        mul(&acc, &acc, &r);
    }
    uint32_t h = 2166136261u;
    for (int p = 0; p < 128; p++) {
        float v[4] = {(float)p / 16.0f, (float)(p % 5) - 2.0f, 0.5f, 1.0f};
        for (int i = 0; i < 4; i++) {
            float s = 0.0f;
            for (int k = 0; k < 4; k++)
                s += acc.m[i][k] * v[k];
            m4_points[p][i] = s;
            h = (h ^ bits(s)) * 16777619u;
        }
    }
    return h;
}
