/* Fixed-point (Q16.16) 12x12 matrix multiply with 64-bit accumulation, C = A*B then D = C*A.
 * Returns a checksum of D. */
#include <stdint.h>

#define N 12
int32_t mat_a[N][N], mat_b[N][N], mat_c[N][N], mat_d[N][N];

static void matmul(int32_t (*x)[N], int32_t (*y)[N], int32_t (*z)[N]) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int64_t acc = 0;
            for (int k = 0; k < N; k++)
                acc += (int64_t)x[i][k] * (int64_t)y[k][j];
            z[i][j] = (int32_t)(acc >> 16);
        }
}

uint32_t run(void) {
    uint32_t seed = 7u;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            seed = seed * 1664525u + 1013904223u;
            mat_a[i][j] = (int32_t)(seed >> 12) - (1 << 19); /* about +-8.0 */
            seed = seed * 1664525u + 1013904223u;
            mat_b[i][j] = (int32_t)(seed >> 13) - (1 << 18); /* about +-4.0 */
        }
    matmul(mat_a, mat_b, mat_c);
    matmul(mat_c, mat_a, mat_d);
    uint32_t h = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            h = h * 31u + (uint32_t)mat_d[i][j];
    return h;
}
