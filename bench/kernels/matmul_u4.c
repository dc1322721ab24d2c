/* Integer matrix multiply, 16x16, with the inner loop unrolled by 4 and
 * 4 accumulators (the shape clang -O2 produces for dense linear algebra):
 * many values live at once. Workload: 6 products of pseudo-random matrices. */
#include <stdint.h>

#define N 16
int32_t mu_a[N][N], mu_b[N][N], mu_c[N][N];

static void matmul(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j += 2) {
            int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int k = 0; k < N; k += 4) {
                s0 += mu_a[i][k] * mu_b[k][j] + mu_a[i][k + 1] * mu_b[k + 1][j];
                s1 += mu_a[i][k + 2] * mu_b[k + 2][j] + mu_a[i][k + 3] * mu_b[k + 3][j];
                s2 += mu_a[i][k] * mu_b[k][j + 1] + mu_a[i][k + 1] * mu_b[k + 1][j + 1];
                s3 += mu_a[i][k + 2] * mu_b[k + 2][j + 1] + mu_a[i][k + 3] * mu_b[k + 3][j + 1];
            }
            mu_c[i][j] = s0 + s1;
            mu_c[i][j + 1] = s2 + s3;
        }
}

uint32_t run(void) {
    uint32_t seed = 2024, sum = 0;
    for (int r = 0; r < 6; r++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                seed = seed * 1664525u + 1013904223u;
                mu_a[i][j] = (int32_t)(seed >> 20) - 2048;
                seed = seed * 1664525u + 1013904223u;
                mu_b[i][j] = (int32_t)(seed >> 22) - 512;
            }
        matmul();
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                sum = sum * 31u + (uint32_t)mu_c[i][j];
    }
    return sum;
}
