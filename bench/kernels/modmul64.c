/* 64-bit modular exponentiation by square-and-multiply, with a shift-and-add
 * modular multiplication (no 128-bit type): u64 add, compare, shift and
 * subtract in the inner loop. Workload: a few Fermat tests modulo 61-bit and
 * 63-bit odd numbers. */
#include <stdint.h>

uint64_t mm_bases[6] = {2, 3, 5, 7, 11, 0x123456789ull};

static uint64_t addmod(uint64_t a, uint64_t b, uint64_t m) {
    /* a, b < m < 2^63: no overflow */
    uint64_t s = a + b;
    return s >= m ? s - m : s;
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) {
    uint64_t r = 0;
    a %= m;
    while (b) {
        if (b & 1)
            r = addmod(r, a, m);
        a = addmod(a, a, m);
        b >>= 1;
    }
    return r;
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m) {
    uint64_t r = 1 % m;
    b %= m;
    while (e) {
        if (e & 1)
            r = mulmod(r, b, m);
        b = mulmod(b, b, m);
        e >>= 1;
    }
    return r;
}

uint32_t run(void) {
    static const uint64_t mods[3] = {0x1FFFFFFFFFFFFFFFull /* 2^61-1 */, 0x7FFFFFFFFFFFFFE7ull,
                                     1000000007ull * 998244353ull};
    uint64_t acc = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 6; j++)
            acc = acc * 0x9E3779B97F4A7C15ull + powmod(mm_bases[j], mods[i] - 1, mods[i]);
    return (uint32_t)(acc ^ (acc >> 32));
}
