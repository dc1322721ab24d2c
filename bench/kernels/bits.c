/* Bit manipulation mix over 1024 pseudo-random words: popcount (SWAR), bit reversal,
 * parity, count leading zeros (portable loop), and a Gray-code round trip. */
#include <stdint.h>

static uint32_t popcount(uint32_t x) {
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (x * 0x01010101u) >> 24;
}

static uint32_t reverse(uint32_t x) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    return (x >> 16) | (x << 16);
}

static uint32_t parity(uint32_t x) {
    x ^= x >> 16; x ^= x >> 8; x ^= x >> 4;
    return (0x6996u >> (x & 15u)) & 1u;
}

static uint32_t clz_loop(uint32_t x) {
    uint32_t n = 0;
    if (x == 0) return 32;
    while (!(x & 0x80000000u)) { x <<= 1; n++; }
    return n;
}

static uint32_t gray_decode(uint32_t g) {
    g ^= g >> 16; g ^= g >> 8; g ^= g >> 4; g ^= g >> 2; g ^= g >> 1;
    return g;
}

uint32_t bits_words[1024];

uint32_t run(void) {
    uint32_t seed = 0xC0FFEEu;
    for (int i = 0; i < 1024; i++) {
        seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5;
        bits_words[i] = seed >> (i & 15); /* vary leading zeros */
    }
    uint32_t pop = 0, rev = 0, par = 0, lz = 0, bad = 0;
    for (int i = 0; i < 1024; i++) {
        uint32_t x = bits_words[i];
        pop += popcount(x);
        rev = (rev << 1 | rev >> 31) ^ reverse(x);
        par = par * 2u + parity(x);
        lz += clz_loop(x);
        if (gray_decode(x ^ (x >> 1)) != x) bad++;
    }
    return pop ^ rev ^ (par << 11) ^ (lz << 20) ^ bad;
}
