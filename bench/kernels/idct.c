/* 8x8 integer inverse DCT (JPEG-style, separable, fixed point with 13-bit
 * constants as in the IJG "islow" method), rows then columns, with clamping
 * to 0..255. Workload: 48 pseudo-random coefficient blocks, checksum of the
 * output pixels. */
#include <stdint.h>

int16_t idct_coef[48][64];
uint8_t idct_out[48][64];

#define FIX_0_298 2446
#define FIX_0_390 3196
#define FIX_0_541 4433
#define FIX_0_765 6270
#define FIX_0_899 7373
#define FIX_1_175 9633
#define FIX_1_501 12299
#define FIX_1_847 15137
#define FIX_1_961 16069
#define FIX_2_053 16819
#define FIX_2_562 20995
#define FIX_3_072 25172

static uint8_t clamp(int32_t v) {
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)v;
}

static void idct8x8(const int16_t *in, uint8_t *out) {
    int32_t ws[64];
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 8; i++) {
            int32_t s[8];
            for (int k = 0; k < 8; k++)
                s[k] = pass == 0 ? in[k * 8 + i] : ws[i * 8 + k];
            int32_t z2 = s[2], z3 = s[6];
            int32_t z1 = (z2 + z3) * FIX_0_541;
            int32_t t2 = z1 + z3 * -FIX_1_847;
            int32_t t3 = z1 + z2 * FIX_0_765;
            int32_t t0 = (s[0] + s[4]) << 13;
            int32_t t1 = (s[0] - s[4]) << 13;
            int32_t t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
            int32_t o0 = s[7], o1 = s[5], o2 = s[3], o3 = s[1];
            int32_t q1 = o0 + o3, q2 = o1 + o2, q3 = o0 + o2, q4 = o1 + o3;
            int32_t z5 = (q3 + q4) * FIX_1_175;
            o0 *= FIX_0_298; o1 *= FIX_2_053; o2 *= FIX_3_072; o3 *= FIX_1_501;
            q1 *= -FIX_0_899; q2 *= -FIX_2_562; q3 *= -FIX_1_961; q4 *= -FIX_0_390;
            q3 += z5; q4 += z5;
            o0 += q1 + q3; o1 += q2 + q4; o2 += q2 + q3; o3 += q1 + q4;
            int32_t r[8] = {t10 + o3, t11 + o2, t12 + o1, t13 + o0,
                            t13 - o0, t12 - o1, t11 - o2, t10 - o3};
            if (pass == 0) {
                for (int k = 0; k < 8; k++)
                    ws[k * 8 + i] = (r[k] + (1 << 10)) >> 11;
            } else {
                for (int k = 0; k < 8; k++)
                    out[i * 8 + k] = clamp(((r[k] + (1 << 17)) >> 18) + 128);
            }
        }
    }
}

uint32_t run(void) {
    uint32_t seed = 0xC0FFEEu;
    for (int b = 0; b < 48; b++)
        for (int k = 0; k < 64; k++) {
            seed = seed * 1103515245u + 12345u;
            int32_t v = (int32_t)((seed >> 16) & 0x3FF) - 512;
            idct_coef[b][k] = (int16_t)(k == 0 ? v : v >> (k / 8 + 1));
        }
    uint32_t sum = 0;
    for (int b = 0; b < 48; b++) {
        idct8x8(idct_coef[b], idct_out[b]);
        for (int k = 0; k < 64; k++)
            sum = sum * 31u + idct_out[b][k];
    }
    return sum;
}
