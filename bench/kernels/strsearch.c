/* String search: Knuth-Morris-Pratt and naive search for several patterns in a 2000-byte text
 * over a 4-letter alphabet; both counts must agree. Returns a checksum of match positions. */
#include <stdint.h>

#define TEXT_LEN 2000
char ss_text[TEXT_LEN + 1];
static const char *const ss_patterns[5] = { "ACGT", "GATTACA", "AAAA", "CGCGC", "TTAGGGTTAGGG" };
int16_t ss_fail[16];

static uint32_t slen(const char *s) { uint32_t n = 0; while (s[n]) n++; return n; }

static uint32_t kmp(const char *t, uint32_t n, const char *p, uint32_t m, uint32_t *poshash) {
    ss_fail[0] = 0;
    for (uint32_t i = 1, k = 0; i < m; i++) {
        while (k > 0 && p[i] != p[k]) k = (uint32_t)ss_fail[k - 1];
        if (p[i] == p[k]) k++;
        ss_fail[i] = (int16_t)k;
    }
    uint32_t count = 0;
    for (uint32_t i = 0, k = 0; i < n; i++) {
        while (k > 0 && t[i] != p[k]) k = (uint32_t)ss_fail[k - 1];
        if (t[i] == p[k]) k++;
        if (k == m) {
            count++;
            *poshash = *poshash * 131u + (i + 1 - m);
            k = (uint32_t)ss_fail[k - 1];
        }
    }
    return count;
}

static uint32_t naive(const char *t, uint32_t n, const char *p, uint32_t m) {
    uint32_t count = 0;
    for (uint32_t i = 0; i + m <= n; i++) {
        uint32_t j = 0;
        while (j < m && t[i + j] == p[j]) j++;
        if (j == m) count++;
    }
    return count;
}

uint32_t run(void) {
    static const char alpha[4] = { 'A', 'C', 'G', 'T' };
    uint32_t seed = 5u;
    for (int i = 0; i < TEXT_LEN; i++) {
        seed = seed * 1664525u + 1013904223u;
        uint32_t r = seed >> 24;
        /* skewed towards A and T so the long patterns occur */
        ss_text[i] = r < 100 ? 'A' : (r < 200 ? 'T' : alpha[r & 3]);
    }
    ss_text[TEXT_LEN] = 0;
    uint32_t n = slen(ss_text), h = 0, total = 0;
    for (int k = 0; k < 5; k++) {
        uint32_t m = slen(ss_patterns[k]);
        uint32_t c1 = kmp(ss_text, n, ss_patterns[k], m, &h);
        uint32_t c2 = naive(ss_text, n, ss_patterns[k], m);
        if (c1 != c2) return 0xBADu;
        total = total * 1000u + c1;
    }
    return h ^ total;
}
