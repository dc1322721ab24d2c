/* Huffman decoding: a canonical code built from code lengths (as in DEFLATE
 * or JPEG), an MSB-first bit reader and a 9-bit lookup table with a slow path
 * for longer codes. Workload: encode a pseudo-random skewed symbol stream,
 * decode it back, checksum the symbols. */
#include <stdint.h>

#define NSYM 64
#define NMSG 3000
#define LUT_BITS 9

uint8_t huf_len[NSYM];
uint16_t huf_code[NSYM];
uint16_t huf_lut[1 << LUT_BITS];   /* (len << 8) | sym, 0 = slow path */
uint16_t huf_first[17], huf_count[17], huf_index[17];
uint8_t huf_sorted[NSYM];
uint8_t huf_msg[NMSG];
uint8_t huf_bits[NMSG * 2];

typedef struct { const uint8_t *p; uint32_t acc; int n; } bitreader;

static uint32_t peek(bitreader *br, int k) {
    while (br->n < 24) {
        br->acc |= (uint32_t)*br->p++ << (24 - br->n);
        br->n += 8;
    }
    return br->acc >> (32 - k);
}

static void consume(bitreader *br, int k) {
    br->acc <<= k;
    br->n -= k;
}

static int decode(bitreader *br) {
    uint32_t e = huf_lut[peek(br, LUT_BITS)];
    if (e) {
        consume(br, e >> 8);
        return e & 0xFF;
    }
    uint32_t code = peek(br, 16);
    for (int len = LUT_BITS + 1; len <= 16; len++) {
        uint32_t c = code >> (16 - len);
        if (c - huf_first[len] < huf_count[len]) {
            consume(br, len);
            return huf_sorted[huf_index[len] + c - huf_first[len]];
        }
    }
    return -1;
}

static void build(void) {
    for (int s = 0; s < NSYM; s++)      /* skewed lengths, Kraft sum <= 1 */
        huf_len[s] = (uint8_t)(s < 2 ? 2 : s < 6 ? 4 : s < 14 ? 6 : s < 30 ? 8 : s < 46 ? 10 : 12);
    uint32_t code = 0, k = 0;
    for (int len = 1; len <= 16; len++) {
        huf_first[len] = (uint16_t)code;
        huf_index[len] = (uint16_t)k;
        huf_count[len] = 0;
        for (int s = 0; s < NSYM; s++)
            if (huf_len[s] == len) {
                huf_code[s] = (uint16_t)code++;
                huf_sorted[k++] = (uint8_t)s;
                huf_count[len]++;
            }
        code <<= 1;
    }
    for (int s = 0; s < NSYM; s++) {
        int len = huf_len[s];
        if (len <= LUT_BITS) {
            uint32_t base = (uint32_t)huf_code[s] << (LUT_BITS - len);
            for (uint32_t j = 0; j < (1u << (LUT_BITS - len)); j++)
                huf_lut[base + j] = (uint16_t)((len << 8) | s);
        }
    }
}

uint32_t run(void) {
    build();
    uint32_t seed = 7;
    for (int i = 0; i < NMSG; i++) {
        seed = seed * 1664525u + 1013904223u;
        uint32_t r = seed >> 26;                  /* 0..63, skewed below */
        huf_msg[i] = (uint8_t)((r * r) >> 6);
    }
    uint32_t acc = 0, nbits = 0, out = 0;
    for (int i = 0; i < NMSG; i++) {
        int s = huf_msg[i];
        acc = (acc << huf_len[s]) | huf_code[s];
        nbits += huf_len[s];
        while (nbits >= 8) {
            nbits -= 8;
            huf_bits[out++] = (uint8_t)(acc >> nbits);
        }
    }
    if (nbits)
        huf_bits[out++] = (uint8_t)(acc << (8 - nbits));
    for (int i = 0; i < 4; i++)
        huf_bits[out++] = 0;
    bitreader br = {huf_bits, 0, 0};
    uint32_t sum = 0;
    for (int i = 0; i < NMSG; i++) {
        int s = decode(&br);
        sum = sum * 33u + (uint32_t)s + (s == huf_msg[i] ? 0 : 0x10000u);
    }
    return sum;
}
