/* Iterative quicksort (Lomuto partition, median-of-three, explicit stack) of 1000
 * pseudo-random unsigned integers; returns a position-weighted checksum. */
#include <stdint.h>

#define LEN 1000
uint32_t qs_data[LEN];

static void swap(uint32_t *a, int i, int j) { uint32_t t = a[i]; a[i] = a[j]; a[j] = t; }

static int partition(uint32_t *a, int lo, int hi) {
    int mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[mid] < a[hi]) swap(a, mid, hi); /* a[hi] is now the median */
    uint32_t pivot = a[hi];
    int i = lo;
    for (int j = lo; j < hi; j++)
        if (a[j] < pivot) { swap(a, i, j); i++; }
    swap(a, i, hi);
    return i;
}

static void quicksort(uint32_t *a, int n) {
    int stack[64];
    int sp = 0;
    stack[sp++] = 0;
    stack[sp++] = n - 1;
    while (sp > 0) {
        int hi = stack[--sp];
        int lo = stack[--sp];
        while (lo < hi) {
            int p = partition(a, lo, hi);
            /* push the larger side, loop on the smaller: stack depth <= log2(n) */
            if (p - lo > hi - p) {
                stack[sp++] = lo; stack[sp++] = p - 1; lo = p + 1;
            } else {
                stack[sp++] = p + 1; stack[sp++] = hi; hi = p - 1;
            }
        }
    }
}

uint32_t run(void) {
    uint32_t seed = 99u;
    for (int i = 0; i < LEN; i++) {
        seed = seed * 1664525u + 1013904223u;
        qs_data[i] = seed >> 8;
    }
    quicksort(qs_data, LEN);
    uint32_t h = 0;
    for (int i = 0; i < LEN; i++) {
        if (i > 0 && qs_data[i - 1] > qs_data[i]) return 0xDEADu;
        h = h * 33u + qs_data[i] * (uint32_t)(i + 1);
    }
    return h;
}
