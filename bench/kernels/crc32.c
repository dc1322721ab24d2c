/* CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320), table-driven.
 * Workload: build the 256-entry table, then checksum a 2 KiB pseudo-random buffer. */
#include <stdint.h>

uint32_t crc_table[256];
uint8_t crc_buf[2048];

static void crc_make_table(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
        crc_table[n] = c;
    }
}

static uint32_t crc32(const uint8_t *p, uint32_t len) {
    uint32_t c = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < len; i++)
        c = crc_table[(c ^ p[i]) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

uint32_t run(void) {
    uint32_t seed = 0x12345678u;
    for (uint32_t i = 0; i < sizeof crc_buf; i++) {
        seed = seed * 1664525u + 1013904223u;
        crc_buf[i] = (uint8_t)(seed >> 24);
    }
    crc_make_table();
    uint32_t a = crc32(crc_buf, sizeof crc_buf);
    uint32_t b = crc32(crc_buf + 7, 100);
    return a ^ (b << 1);
}
