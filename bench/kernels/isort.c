/* Insertion sort of 300 pseudo-random signed integers; returns a position-weighted checksum. */
#include <stdint.h>

#define LEN 300
int32_t isort_data[LEN];

static void insertion_sort(int32_t *a, int n) {
    for (int i = 1; i < n; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

uint32_t run(void) {
    uint32_t seed = 2024u;
    for (int i = 0; i < LEN; i++) {
        seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5;
        isort_data[i] = (int32_t)(seed % 200001u) - 100000;
    }
    insertion_sort(isort_data, LEN);
    uint32_t h = 0;
    for (int i = 0; i < LEN; i++) {
        if (i > 0 && isort_data[i - 1] > isort_data[i]) return 0xDEADu; /* not sorted */
        h += (uint32_t)(i + 1) * (uint32_t)isort_data[i];
    }
    return h;
}
