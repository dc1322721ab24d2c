/* stats_gate: the register-allocation check a firmware CI runs on its wasm modules.
 *
 *   stats_gate [--target cortex-m3|cortex-m4|cortex-m7] MODULE.wasm|MODULE.wat...
 *   stats_gate --json STATS.json...
 *
 * Fails (exit 1) when any compiled function was allocated by a recovery rung other than
 * the base allocator (SYNTH_RUNG_FALLBACK) or has spurious spills (SYNTH_SPILL_SPURIOUS:
 * spills although peak register pressure fit in the registers), printing one line per
 * offending function. The first form compiles each module through libsynth and gates the
 * records of synth_stats(); it also reads the module's stats JSON back
 * (synth_result_stats_json) and fails (exit 3) if it disagrees with the records. The
 * --json form gates files written by `synth compile --stats-json` or `synthc --stats-json`
 * (the same JSON), e.g. kept from a build. Exit 2: usage, unreadable input or compile error.
 * Last line: "stats_gate: N modules, N functions checked, N violations". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"
#include "util.h"

/* What the gate looks at in one function. */
typedef struct gate_record {
    char symbol[128];
    uint32_t verdict, rung, spill_stores, peak_pressure, regs_available;
} gate_record;

/* Prints the violations of n records of module `what`; returns their number. */
static unsigned gate(const char *what, const gate_record *recs, size_t n) {
    unsigned bad = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        const gate_record *g = &recs[i];
        if (g->rung != SYNTH_RUNG_BASE) {
            printf("stats_gate: %s: %s: allocated by the %s allocator, not the base one\n", what, g->symbol,
                   rung_name(g->rung));
            bad++;
        }
        if (g->verdict == SYNTH_SPILL_SPURIOUS) {
            printf("stats_gate: %s: %s: spurious spills (%u spill stores with peak pressure %u of %u registers)\n",
                   what, g->symbol, (unsigned)g->spill_stores, (unsigned)g->peak_pressure,
                   (unsigned)g->regs_available);
            bad++;
        }
    }
    return bad;
}

/* ---- a minimal JSON reader: just enough for the "functions" array of the stats JSON ---- */

typedef struct json {
    const char *p;
    const char *err;
} json;

static void ws(json *j) {
    while (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t') j->p++;
}

static int fail(json *j, const char *msg) {
    if (!j->err) j->err = msg;
    return -1;
}

static int expect(json *j, char c) {
    ws(j);
    if (*j->p != c) return fail(j, "unexpected character");
    j->p++;
    return 0;
}

/* Reads a string into out (truncated to cap-1 bytes; \u escapes outside ASCII become '?'). */
static int string(json *j, char *out, size_t cap) {
    size_t n = 0;
    if (expect(j, '"')) return -1;
    while (*j->p != '"') {
        char c = *j->p++;
        if (c == 0) return fail(j, "unterminated string");
        if (c == '\\') {
            char e = *j->p++;
            switch (e) {
            case '"': case '\\': case '/': c = e; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u': {
                unsigned v = 0;
                int k;
                for (k = 0; k < 4; k++) {
                    char h = *j->p++;
                    v <<= 4;
                    if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
                    else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
                    else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
                    else return fail(j, "bad \\u escape");
                }
                c = v < 0x80 ? (char)v : '?';
                break;
            }
            default: return fail(j, "bad escape");
            }
        }
        if (out && n + 1 < cap) out[n++] = c;
    }
    j->p++;
    if (out && cap) out[n] = 0;
    return 0;
}

static int value(json *j, int depth);

static int number(json *j, uint32_t *out) {
    char *end;
    unsigned long v;
    ws(j);
    v = strtoul(j->p, &end, 10);
    if (end == j->p) return fail(j, "number expected");
    j->p = end;
    if (*j->p == '.' || *j->p == 'e' || *j->p == 'E') return fail(j, "integer expected");
    if (out) *out = (uint32_t)v;
    return 0;
}

/* Calls member(j, key, ctx) for each member of an object (it must consume the value). */
static int object(json *j, int depth, int (*member)(json *, const char *, void *, int), void *ctx) {
    char key[64];
    if (expect(j, '{')) return -1;
    ws(j);
    if (*j->p == '}') { j->p++; return 0; }
    for (;;) {
        if (string(j, key, sizeof key) || expect(j, ':')) return -1;
        if (member ? member(j, key, ctx, depth) : value(j, depth + 1)) return -1;
        ws(j);
        if (*j->p == ',') { j->p++; continue; }
        return expect(j, '}');
    }
}

static int value(json *j, int depth) {
    ws(j);
    if (depth > 32) return fail(j, "nested too deeply");
    switch (*j->p) {
    case '{': return object(j, depth, NULL, NULL);
    case '[':
        j->p++;
        ws(j);
        if (*j->p == ']') { j->p++; return 0; }
        for (;;) {
            if (value(j, depth + 1)) return -1;
            ws(j);
            if (*j->p == ',') { j->p++; continue; }
            return expect(j, ']');
        }
    case '"': return string(j, NULL, 0);
    case 't': if (!strncmp(j->p, "true", 4)) { j->p += 4; return 0; } break;
    case 'f': if (!strncmp(j->p, "false", 5)) { j->p += 5; return 0; } break;
    case 'n': if (!strncmp(j->p, "null", 4)) { j->p += 4; return 0; } break;
    default:
        if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
            strtod(j->p, (char **)&j->p);
            return 0;
        }
    }
    return fail(j, "value expected");
}

/* The records being read, and which fields each one had. */
typedef struct reading {
    gate_record *recs;
    size_t n, cap;
    unsigned seen;
} reading;

static int enum_string(json *j, const char *const *names, size_t count, uint32_t *out) {
    char s[32];
    size_t i;
    if (string(j, s, sizeof s)) return -1;
    for (i = 0; i < count; i++)
        if (!strcmp(s, names[i])) { *out = (uint32_t)i; return 0; }
    return fail(j, "unknown verdict or rung");
}

static int function_member(json *j, const char *key, void *ctx, int depth) {
    static const char *const verdicts[] = {"none", "genuine", "spurious"};
    static const char *const rungs[] = {"base", "fallback"};
    reading *r = ctx;
    gate_record *g = &r->recs[r->n];
    if (!strcmp(key, "symbol")) { r->seen |= 1; return string(j, g->symbol, sizeof g->symbol); }
    if (!strcmp(key, "verdict")) { r->seen |= 2; return enum_string(j, verdicts, 3, &g->verdict); }
    if (!strcmp(key, "rung")) { r->seen |= 4; return enum_string(j, rungs, 2, &g->rung); }
    if (!strcmp(key, "spill_stores")) return number(j, &g->spill_stores);
    if (!strcmp(key, "peak_pressure")) return number(j, &g->peak_pressure);
    if (!strcmp(key, "regs_available")) return number(j, &g->regs_available);
    return value(j, depth + 1);
}

static int top_member(json *j, const char *key, void *ctx, int depth) {
    reading *r = ctx;
    if (strcmp(key, "functions")) return value(j, depth + 1);
    if (expect(j, '[')) return -1;
    ws(j);
    if (*j->p == ']') { j->p++; return 0; }
    for (;;) {
        if (r->n == r->cap) {
            size_t ncap = r->cap ? r->cap * 2 : 16;
            gate_record *nr = realloc(r->recs, ncap * sizeof *nr);
            if (!nr) return fail(j, "out of memory");
            r->recs = nr;
            r->cap = ncap;
        }
        memset(&r->recs[r->n], 0, sizeof r->recs[r->n]);
        r->seen = 0;
        if (object(j, depth + 1, function_member, r)) return -1;
        if (r->seen != 7) return fail(j, "a function lacks symbol, verdict or rung");
        r->n++;
        ws(j);
        if (*j->p == ',') { j->p++; continue; }
        return expect(j, ']');
    }
}

/* Reads the functions of a stats JSON text; returns malloc'd records (*n of them, possibly
 * 0 with a non-NULL pointer) or NULL with *err set. */
static gate_record *read_stats_json(const char *text, size_t *n, const char **err) {
    json j;
    reading r;
    j.p = text;
    j.err = NULL;
    memset(&r, 0, sizeof r);
    r.recs = malloc(sizeof *r.recs);
    r.cap = r.recs ? 1 : 0;
    if (!r.recs) { *err = "out of memory"; return NULL; }
    if (object(&j, 0, top_member, &r) == 0) {
        ws(&j);
        if (*j.p != 0) fail(&j, "text after the JSON value");
    }
    if (j.err) {
        *err = j.err;
        free(r.recs);
        return NULL;
    }
    *n = r.n;
    return r.recs;
}

/* ---- the two modes ---- */

static int usage(void) {
    fprintf(stderr, "usage: stats_gate [--target cortex-m3|cortex-m4|cortex-m7] MODULE...\n"
                    "       stats_gate --json STATS.json...\n");
    return 2;
}

int main(int argc, char **argv) {
    synth_options opts;
    int json_mode = 0, i, first = 1;
    unsigned modules = 0, functions = 0, violations = 0;

    synth_options_init(&opts);
    for (; first < argc && argv[first][0] == '-'; first++) {
        const char *a = argv[first];
        if (!strcmp(a, "--json")) json_mode = 1;
        else if (!strcmp(a, "--target") && first + 1 < argc) {
            const char *t = argv[++first];
            if (!strcmp(t, "cortex-m3")) opts.target = SYNTH_TARGET_CORTEX_M3;
            else if (!strcmp(t, "cortex-m4")) opts.target = SYNTH_TARGET_CORTEX_M4;
            else if (!strcmp(t, "cortex-m7")) opts.target = SYNTH_TARGET_CORTEX_M7;
            else return usage();
        } else return usage();
    }
    if (first >= argc) return usage();

    for (i = first; i < argc; i++) {
        const char *path = argv[i], *err = NULL;
        gate_record *recs = NULL;
        size_t n = 0, k;
        if (json_mode) {
            size_t len;
            uint8_t *text = read_file(path, &len);
            if (!text) return 2;
            recs = read_stats_json((const char *)text, &n, &err);
            free(text);
            if (!recs) {
                fprintf(stderr, "stats_gate: %s: not a stats JSON file: %s\n", path, err);
                return 2;
            }
        } else {
            synth_module_stats m;
            synth_function_stats *fs = NULL;
            gate_record *from_json;
            size_t nj = 0;
            synth_result *r = compile_file("stats_gate", path, &opts, &m, &fs, &n);
            if (!r) return 2;
            recs = calloc(n ? n : 1, sizeof *recs);
            if (!recs) { free(fs); synth_result_free(r); return 2; }
            for (k = 0; k < n; k++) {
                strncpy(recs[k].symbol, fs[k].symbol, sizeof recs[k].symbol - 1);
                recs[k].verdict = fs[k].verdict;
                recs[k].rung = fs[k].rung;
                recs[k].spill_stores = fs[k].spill_stores;
                recs[k].peak_pressure = fs[k].peak_pressure;
                recs[k].regs_available = fs[k].regs_available;
            }
            /* The JSON of the same result must say the same (same order, same fields). */
            from_json = read_stats_json(synth_result_stats_json(r), &nj, &err);
            if (!from_json || nj != n || memcmp(from_json, recs, n * sizeof *recs) != 0) {
                fprintf(stderr, "stats_gate: %s: the stats JSON disagrees with synth_stats()%s%s\n", path,
                        err ? ": " : "", err ? err : "");
                free(from_json);
                free(recs);
                free(fs);
                synth_result_free(r);
                return 3;
            }
            free(from_json);
            free(fs);
            synth_result_free(r);
        }
        modules++;
        functions += (unsigned)n;
        violations += gate(path, recs, n);
        free(recs);
    }
    printf("stats_gate: %u modules, %u functions checked, %u violations\n", modules, functions, violations);
    return violations ? 1 : 0;
}
