/* A switch-based state machine: a tokenizer for a small expression language (identifiers,
 * decimal and hex numbers, operators, comments, strings), run over a source text 8 times.
 * Returns a checksum of token kinds, number values and identifier hashes. */
#include <stdint.h>

const char tok_src[] =
    "let speed = 0x1F + rate*(3-41); // update\n"
    "if (speed >= 120) { brake(speed / 2, \"hard\"); } else { gear = gear + 1; }\n"
    "while (n != 0) { acc = acc ^ (n << 3); n = n - 1; } /* loop */ ret acc;\n"
    "x_1 = 0xABCD & mask | 42; s = \"esc\\\"aped\"; y <= z;\n";

enum { S_START, S_IDENT, S_NUM, S_HEX0, S_HEX, S_OP, S_SLASH, S_LINE_COMMENT, S_BLOCK_COMMENT,
       S_BLOCK_STAR, S_STRING, S_STRING_ESC };
enum { T_IDENT = 1, T_NUM, T_OP, T_STRING, T_PUNCT };

typedef struct { uint32_t tokens, hash, numsum, kinds; } tok_stats;

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int hexval(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void emit(tok_stats *st, int kind, uint32_t value) {
    st->tokens++;
    st->kinds = st->kinds * 7u + (uint32_t)kind;
    st->hash ^= value + 0x9e3779b9u + (st->hash << 6) + (st->hash >> 2);
}

static void tokenize(const char *p, tok_stats *st) {
    int state = S_START;
    uint32_t acc = 0;
    for (;; p++) {
        char c = *p;
        switch (state) {
        case S_START:
            acc = 0;
            if (c == 0) return;
            if (is_alpha(c)) { state = S_IDENT; acc = (uint8_t)c; }
            else if (c == '0') state = S_HEX0;
            else if (is_digit(c)) { state = S_NUM; acc = (uint32_t)(c - '0'); }
            else if (c == '/') state = S_SLASH;
            else if (c == '"') state = S_STRING;
            else if (c == '<' || c == '>' || c == '=' || c == '!') { state = S_OP; acc = (uint8_t)c; }
            else if (c == '+' || c == '-' || c == '*' || c == '&' || c == '|' || c == '^')
                emit(st, T_OP, (uint8_t)c);
            else if (c == '(' || c == ')' || c == '{' || c == '}' || c == ';' || c == ',')
                emit(st, T_PUNCT, (uint8_t)c);
            break;
        case S_IDENT:
            if (is_alpha(c) || is_digit(c)) { acc = acc * 31u + (uint8_t)c; break; }
            emit(st, T_IDENT, acc); state = S_START; p--; break;
        case S_NUM:
            if (is_digit(c)) { acc = acc * 10u + (uint32_t)(c - '0'); break; }
            emit(st, T_NUM, acc); st->numsum += acc; state = S_START; p--; break;
        case S_HEX0:
            if (c == 'x' || c == 'X') { state = S_HEX; break; }
            state = S_NUM; p--; break;
        case S_HEX:
            if (hexval(c) >= 0) { acc = acc * 16u + (uint32_t)hexval(c); break; }
            emit(st, T_NUM, acc); st->numsum += acc; state = S_START; p--; break;
        case S_OP:
            if (c == '=') { emit(st, T_OP, acc * 256u + '='); state = S_START; break; }
            emit(st, T_OP, acc); state = S_START; p--; break;
        case S_SLASH:
            if (c == '/') { state = S_LINE_COMMENT; break; }
            if (c == '*') { state = S_BLOCK_COMMENT; break; }
            emit(st, T_OP, '/'); state = S_START; p--; break;
        case S_LINE_COMMENT:
            if (c == 0) return;
            if (c == '\n') state = S_START;
            break;
        case S_BLOCK_COMMENT:
            if (c == 0) return;
            if (c == '*') state = S_BLOCK_STAR;
            break;
        case S_BLOCK_STAR:
            if (c == 0) return;
            state = c == '/' ? S_START : (c == '*' ? S_BLOCK_STAR : S_BLOCK_COMMENT);
            break;
        case S_STRING:
            if (c == 0) return;
            if (c == '\\') state = S_STRING_ESC;
            else if (c == '"') { emit(st, T_STRING, acc); state = S_START; }
            else acc = acc * 131u + (uint8_t)c;
            break;
        case S_STRING_ESC:
            if (c == 0) return;
            acc = acc * 131u + (uint8_t)c; state = S_STRING; break;
        }
    }
}

tok_stats tok_st;

uint32_t run(void) {
    tok_stats *st = &tok_st;
    /* field by field: an aggregate initialiser makes gcc -Os call memset (no libc here) */
    st->tokens = 0; st->hash = 0; st->numsum = 0; st->kinds = 0;
    for (int i = 0; i < 8; i++) tokenize(tok_src, st);
    return st->tokens * 0x01000193u ^ st->hash ^ (st->numsum << 3) ^ st->kinds;
}
