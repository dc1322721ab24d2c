/* Helpers shared by the libsynth C examples (see util.h). */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        size_t got;
        if (n + 1 >= cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            uint8_t *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                fprintf(stderr, "out of memory reading %s\n", path);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) {
        fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

int write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

const char *kind_name(uint32_t kind) {
    switch (kind) {
    case SYNTH_FUNCTION_WASM: return "wasm";
    case SYNTH_FUNCTION_RUNTIME: return "runtime";
    case SYNTH_FUNCTION_INIT: return "init";
    case SYNTH_FUNCTION_TRAP: return "trap";
    case SYNTH_FUNCTION_THUNK: return "thunk";
    default: return "?";
    }
}

const char *verdict_name(uint32_t verdict) {
    switch (verdict) {
    case SYNTH_SPILL_NONE: return "none";
    case SYNTH_SPILL_GENUINE: return "genuine";
    case SYNTH_SPILL_SPURIOUS: return "spurious";
    default: return "?";
    }
}

const char *rung_name(uint32_t rung) {
    switch (rung) {
    case SYNTH_RUNG_BASE: return "base";
    case SYNTH_RUNG_FALLBACK: return "fallback";
    default: return "?";
    }
}

synth_result *compile_file(const char *prog, const char *path, const synth_options *opts,
                           synth_module_stats *module, synth_function_stats **fs, size_t *n) {
    size_t len = 0, total = 0, i;
    uint8_t *wasm = read_file(path, &len);
    synth_result *r = NULL;
    int32_t s;
    if (!wasm) return NULL;
    s = synth_compile(wasm, len, opts, &r);
    free(wasm);
    if (s != SYNTH_STATUS_OK) {
        fprintf(stderr, "%s: %s: %s (status: %s)\n", prog, path, synth_result_message(r), synth_status_name(s));
        synth_result_free(r);
        return NULL;
    }
    module->struct_size = sizeof *module;
    if (synth_stats(r, module, NULL, 0, &total) != SYNTH_STATUS_OK) goto fail;
    *fs = calloc(total ? total : 1, sizeof **fs);
    if (!*fs) goto fail;
    for (i = 0; i < total; i++) (*fs)[i].struct_size = sizeof **fs;
    if (synth_stats(r, NULL, *fs, total, n) != SYNTH_STATUS_OK || *n != total) {
        free(*fs);
        goto fail;
    }
    return r;
fail:
    fprintf(stderr, "%s: %s: cannot read the statistics\n", prog, path);
    synth_result_free(r);
    return NULL;
}
