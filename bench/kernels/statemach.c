/* A switch-heavy protocol parser: a byte-at-a-time state machine for framed
 * messages (sync, type, length, escaped payload, two-byte checksum), with
 * per-type handling. Workload: a generated stream of valid, corrupted and
 * escaped frames; checksum of the parser's counters and decoded payloads. */
#include <stdint.h>

enum { S_SYNC, S_TYPE, S_LEN, S_PAYLOAD, S_ESC, S_CK1, S_CK2, S_SKIP };
enum { T_PING = 1, T_DATA, T_ACK, T_NACK, T_RESET, T_CONFIG, T_ECHO };

uint8_t sm_stream[6000];
uint8_t sm_payload[64];

typedef struct {
    int state, type, len, pos, skip;
    uint16_t ck, rx_ck;
    uint32_t frames, errors, acks, nacks, resets, data_sum, config, echo;
} parser;

static void handle(parser *p) {
    switch (p->type) {
    case T_PING: p->acks += 2; break;
    case T_DATA:
        for (int i = 0; i < p->len; i++)
            p->data_sum = p->data_sum * 131u + sm_payload[i];
        break;
    case T_ACK: p->acks++; break;
    case T_NACK: p->nacks++; break;
    case T_RESET: p->resets++; p->data_sum = 0; break;
    case T_CONFIG:
        if (p->len >= 2)
            p->config = (p->config << 8) ^ ((uint32_t)sm_payload[0] << 4) ^ sm_payload[1];
        break;
    case T_ECHO: p->echo += p->len; break;
    default: p->errors++; break;
    }
    p->frames++;
}

static void feed(parser *p, uint8_t c) {
    switch (p->state) {
    case S_SYNC:
        if (c == 0x7E) p->state = S_TYPE;
        break;
    case S_TYPE:
        if (c == 0x7E) break;
        p->type = c;
        p->ck = c;
        p->state = c >= 1 && c <= 7 ? S_LEN : S_SYNC;
        if (p->state == S_SYNC) p->errors++;
        break;
    case S_LEN:
        p->len = c;
        p->pos = 0;
        p->ck = (uint16_t)(p->ck * 31u + c);
        if (c > 64) { p->errors++; p->skip = c; p->state = S_SKIP; }
        else p->state = c ? S_PAYLOAD : S_CK1;
        break;
    case S_PAYLOAD:
        if (c == 0x7D) { p->state = S_ESC; break; }
        if (c == 0x7E) { p->errors++; p->state = S_TYPE; break; }
        sm_payload[p->pos++] = c;
        p->ck = (uint16_t)(p->ck * 31u + c);
        if (p->pos == p->len) p->state = S_CK1;
        break;
    case S_ESC:
        c ^= 0x20;
        sm_payload[p->pos++] = c;
        p->ck = (uint16_t)(p->ck * 31u + c);
        p->state = p->pos == p->len ? S_CK1 : S_PAYLOAD;
        break;
    case S_CK1:
        p->rx_ck = (uint16_t)(c << 8);
        p->state = S_CK2;
        break;
    case S_CK2:
        p->rx_ck |= c;
        if (p->rx_ck == p->ck) handle(p);
        else p->errors++;
        p->state = S_SYNC;
        break;
    case S_SKIP:
        if (--p->skip == 0) p->state = S_SYNC;
        break;
    }
}

static uint32_t put(uint32_t n, uint8_t c) {
    if (n < sizeof sm_stream) sm_stream[n] = c;
    return n + 1;
}

uint32_t run(void) {
    uint32_t seed = 99, n = 0;
    while (n < sizeof sm_stream - 80) {
        seed = seed * 1664525u + 1013904223u;
        uint8_t type = (uint8_t)(1 + (seed >> 28) % 8);          /* 8 = invalid type */
        uint8_t len = (uint8_t)((seed >> 20) & 31);
        uint16_t ck = type;
        n = put(n, 0x7E);
        n = put(n, type);
        n = put(n, len);
        ck = (uint16_t)(ck * 31u + len);
        for (int i = 0; i < len; i++) {
            seed = seed * 1664525u + 1013904223u;
            uint8_t b = (uint8_t)(seed >> 24);
            ck = (uint16_t)(ck * 31u + b);
            if (b == 0x7E || b == 0x7D) { n = put(n, 0x7D); b ^= 0x20; }
            n = put(n, b);
        }
        if ((seed & 0xF) == 3) ck ^= 1;                               /* corrupted */
        n = put(n, (uint8_t)(ck >> 8));
        n = put(n, (uint8_t)ck);
    }
    parser p = {0};
    for (uint32_t i = 0; i < n && i < sizeof sm_stream; i++)
        feed(&p, sm_stream[i]);
    return p.frames * 7u + p.errors * 11u + p.acks * 13u + p.nacks * 17u + p.resets * 19u +
           p.data_sum + p.config * 3u + p.echo;
}
