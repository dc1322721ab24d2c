/* error_paths: drives every error path of libsynth's C API, repeated compiles, and
 * multi-threaded compiles compared byte-for-byte with single-threaded ones. Meant to run
 * under valgrind (c_examples/run_tests.sh does, linked against the static and the shared
 * library). Usage: error_paths [MODULE.wat|MODULE.wasm...] (extra modules for the
 * repeated and threaded compiles). Prints "ok - ..." / "FAIL - ..." per check and ends
 * with "error_paths: N checks, N failed"; exits 1 on any failure. */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"
#include "util.h"

static int checks, failed;

static void check(int cond, const char *what) {
    checks++;
    if (!cond) failed++;
    printf("%s - %s\n", cond ? "ok" : "FAIL", what);
}

static int contains(const char *s, const char *needle) { return s && strstr(s, needle) != NULL; }

#define TEXT(s) ((const uint8_t *)(s)), (sizeof(s) - 1)

static const char ADD[] = "(module (func $add (export \"add\") (param i32 i32) (result i32)"
                          " local.get 0 local.get 1 i32.add))";
static const char DIV64[] = "(module (memory 1) (data (i32.const 8) \"abc\")"
                            " (func $d (export \"d\") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_u)"
                            " (func $r (export \"r\") (param i32 i32) (result i32)"
                            "  local.get 0 i32.const 0 local.get 1 memory.fill local.get 0 local.get 1 i32.rem_s))";

/* Compiles and checks status and message; returns the result (caller frees). */
static synth_result *expect_status(const uint8_t *src, size_t len, const synth_options *o, int32_t want,
                                   const char *needle, const char *what) {
    synth_result *r = NULL;
    int32_t s = synth_compile(src, len, o, &r);
    const char *m = synth_result_message(r);
    char line[512];
    snprintf(line, sizeof line, "%s: %s (%s)", what, synth_status_name(want), synth_status_name(s));
    check(s == want && r != NULL && synth_result_status(r) == s && m != NULL && (!needle || contains(m, needle)),
          line);
    if (s != want || (needle && !contains(m, needle))) printf("    message: %s\n", m ? m : "(null)");
    return r;
}

/* A failed result hands out nothing but its message. */
static void check_failed_result(synth_result *r, const char *what) {
    size_t len = 12345, count = 999;
    char line[256];
    snprintf(line, sizeof line, "%s: failed result has no object, header, JSON or stats", what);
    check(synth_result_object(r, &len) == NULL && len == 0 && synth_result_header(r) == NULL &&
              synth_result_stats_json(r) == NULL &&
              synth_stats(r, NULL, NULL, 0, &count) == SYNTH_STATUS_INVALID_ARGUMENT && count == 999,
          line);
}

static void version_and_names(void) {
    check(synth_abi_version() == SYNTH_ABI_VERSION, "synth_abi_version() == SYNTH_ABI_VERSION");
    check(synth_version() != NULL && strlen(synth_version()) > 0, "synth_version() is a non-empty string");
    check(!strcmp(synth_status_name(SYNTH_STATUS_OK), "ok") &&
              !strcmp(synth_status_name(SYNTH_STATUS_INVALID_ARGUMENT), "invalid argument") &&
              !strcmp(synth_status_name(SYNTH_STATUS_MALFORMED), "malformed") &&
              !strcmp(synth_status_name(SYNTH_STATUS_INVALID_MODULE), "invalid module") &&
              !strcmp(synth_status_name(SYNTH_STATUS_UNSUPPORTED), "unsupported") &&
              !strcmp(synth_status_name(SYNTH_STATUS_SYMBOL_COLLISION), "symbol collision") &&
              !strcmp(synth_status_name(SYNTH_STATUS_INTERNAL_ERROR), "internal error") &&
              !strcmp(synth_status_name(SYNTH_STATUS_STACK_LIMIT), "stack limit") &&
              !strcmp(synth_status_name(SYNTH_STATUS_LIMIT), "limit") &&
              !strcmp(synth_status_name(9), "unknown status") && !strcmp(synth_status_name(-1), "unknown status"),
          "synth_status_name names every status, and unknown ones");
}

static void null_pointers(void) {
    synth_options o;
    synth_result *r = (synth_result *)&o; /* must be overwritten */
    size_t len = 7;
    check(synth_options_init(NULL) == SYNTH_STATUS_INVALID_ARGUMENT, "synth_options_init(NULL)");
    check(synth_options_init(&o) == SYNTH_STATUS_OK && o.struct_size == sizeof o && o.target == 4 &&
              o.max_memory_pages == -1 && o.bounds_checks == 1 && o.optimize == 1 && o.stack_check == 0 &&
              o.prefix == NULL && o.module_name == NULL && o.max_function_bytes == -1,
          "synth_options_init writes the defaults");
    check(synth_compile(TEXT(ADD), &o, NULL) == SYNTH_STATUS_INVALID_ARGUMENT, "synth_compile(out = NULL)");
    r = expect_status(NULL, 10, &o, SYNTH_STATUS_INVALID_ARGUMENT, "wasm is NULL", "synth_compile(wasm = NULL)");
    check_failed_result(r, "wasm = NULL");
    synth_result_free(r);
    r = expect_status(NULL, 0, NULL, SYNTH_STATUS_INVALID_ARGUMENT, "wasm is NULL", "synth_compile(NULL, 0, NULL)");
    synth_result_free(r);
    r = expect_status((const uint8_t *)ADD, 0, &o, SYNTH_STATUS_INVALID_ARGUMENT, "wasm_len is 0",
                      "synth_compile(wasm_len = 0)");
    synth_result_free(r);
    r = expect_status(TEXT(ADD), NULL, SYNTH_STATUS_OK, "", "synth_compile(opts = NULL) uses the defaults");
    check(!strcmp(synth_result_message(r), ""), "message is \"\" on success");
    check(contains(synth_result_header(r), "wasm_add"), "default prefix wasm_ in the header");
    synth_result_free(r);

    check(synth_result_status(NULL) == SYNTH_STATUS_INVALID_ARGUMENT, "synth_result_status(NULL)");
    check(synth_result_message(NULL) == NULL, "synth_result_message(NULL) is NULL");
    check(synth_result_object(NULL, &len) == NULL && len == 0, "synth_result_object(NULL, &len): NULL, len 0");
    check(synth_result_object(NULL, NULL) == NULL, "synth_result_object(NULL, NULL)");
    check(synth_result_header(NULL) == NULL, "synth_result_header(NULL)");
    check(synth_result_stats_json(NULL) == NULL, "synth_result_stats_json(NULL)");
    check(synth_stats(NULL, NULL, NULL, 0, NULL) == SYNTH_STATUS_INVALID_ARGUMENT, "synth_stats(NULL, ...)");
    synth_result_free(NULL);
    check(1, "synth_result_free(NULL) is a no-op");
}

static void bad_modules(void) {
    static const uint8_t truncated_bin[] = {0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 1, 0x60};
    static const uint8_t bad_version[] = {0, 'a', 's', 'm', 2, 0, 0, 0};
    static const uint8_t garbage[] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01};
    synth_result *r;
    int32_t s;

    r = expect_status(TEXT("(module (func $f (param i32)"), NULL, SYNTH_STATUS_MALFORMED, "wasm text does not parse",
                      "truncated wasm text");
    check_failed_result(r, "truncated text");
    synth_result_free(r);
    r = expect_status(TEXT("(module (func (i32.bogus)))"), NULL, SYNTH_STATUS_MALFORMED, "line 1, column 16:",
                      "unknown operator in text (line and column in the message)");
    synth_result_free(r);
    /* Binary decode errors are MALFORMED (validation errors are INVALID_MODULE, below). */
    {
        const uint8_t *bins[3] = {truncated_bin, bad_version, garbage};
        size_t lens[3] = {sizeof truncated_bin, sizeof bad_version, sizeof garbage};
        const char *names[3] = {"truncated binary", "binary with version 2", "garbage bytes"};
        int i;
        for (i = 0; i < 3; i++) {
            char line[128];
            r = NULL;
            s = synth_compile(bins[i], lens[i], NULL, &r);
            snprintf(line, sizeof line, "%s: malformed module with an offset (%s)", names[i],
                     synth_status_name(s));
            check(s == SYNTH_STATUS_MALFORMED &&
                      contains(synth_result_message(r), "offset 0x"),
                  line);
            check_failed_result(r, names[i]);
            synth_result_free(r);
        }
    }
    r = expect_status(TEXT("(module (func (result i32) i64.const 1))"), NULL, SYNTH_STATUS_INVALID_MODULE,
                      "invalid wasm module", "type mismatch");
    check_failed_result(r, "invalid module");
    synth_result_free(r);
    r = expect_status(TEXT("(module (func $area (export \"area\") (param i32) (result i32)"
                           " local.get 0 i32x4.splat i32x4.extract_lane 0))"),
                      NULL, SYNTH_STATUS_UNSUPPORTED, "`area`", "SIMD op: unsupported, names the function");
    check(contains(synth_result_message(r), "`i32x4."), "SIMD op: the message names the operator");
    check_failed_result(r, "unsupported");
    synth_result_free(r);
    r = expect_status(TEXT("(module (import \"env\" \"wasm_f\" (func)) (func (export \"f\")))"), NULL,
                      SYNTH_STATUS_SYMBOL_COLLISION, "wasm_f", "import env.wasm_f and export f collide");
    check_failed_result(r, "collision");
    synth_result_free(r);
}

static void bad_options(void) {
    synth_options o;
    synth_result *r;
    synth_options_init(&o);
    o.prefix = "my-mod";
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "my-mod", "bad prefix");
    check_failed_result(r, "bad prefix");
    synth_result_free(r);
    o.prefix = "9lives";
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "digit", "prefix starting with a digit");
    synth_result_free(r);
    synth_options_init(&o);
    o.target = 5;
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "target", "target 5");
    synth_result_free(r);
    synth_options_init(&o);
    /* smaller than version 1 (which ends with optimize) */
    o.struct_size = (uint32_t)offsetof(synth_options, optimize);
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "struct_size", "options struct_size too small");
    synth_result_free(r);
    /* a version-1 caller (its struct ends before reserved0/fpu/float_abi): fields past its
       struct_size are not read, so garbage there is ignored */
    synth_options_init(&o);
    o.struct_size = (uint32_t)offsetof(synth_options, fpu);
    o.fpu = 99;
    o.float_abi = 99;
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_OK, NULL, "version-1 struct_size: fpu/float_abi not read");
    synth_result_free(r);
    /* version 2: fpu and float_abi are read and checked */
    synth_options_init(&o);
    o.fpu = 99;
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "fpu is 99", "fpu 99");
    synth_result_free(r);
    synth_options_init(&o);
    o.float_abi = 7;
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "float_abi is 7", "float_abi 7");
    synth_result_free(r);
    synth_options_init(&o);
    o.float_abi = SYNTH_FLOAT_ABI_SOFTFP;
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "needs an FPU", "softfp without an FPU");
    synth_result_free(r);
    synth_options_init(&o);
    o.target = SYNTH_TARGET_CORTEX_M3;
    o.fpu = SYNTH_FPU_FPV4_SP_D16;
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "cortex-m3 has no fpv4-sp-d16", "an FPU the core lacks");
    synth_result_free(r);
    synth_options_init(&o);
    o.fpu = SYNTH_FPU_FPV4_SP_D16;
    o.float_abi = SYNTH_FLOAT_ABI_SOFTFP;
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_OK, NULL, "cortex-m4 fpv4-sp-d16 softfp");
    synth_result_free(r);
    synth_options_init(&o);
    o.struct_size = 0;
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "struct_size", "options struct_size 0");
    synth_result_free(r);
    synth_options_init(&o);
    o.max_memory_pages = 70000;
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "65536", "max_memory_pages 70000");
    synth_result_free(r);
    synth_options_init(&o);
    o.module_name = "\xff\xfe";
    r = expect_status(TEXT(ADD), &o, SYNTH_STATUS_INVALID_ARGUMENT, "module_name", "module_name not UTF-8");
    synth_result_free(r);
    /* Every valid target and the non-default switches compile. */
    {
        uint32_t targets[3] = {SYNTH_TARGET_CORTEX_M3, SYNTH_TARGET_CORTEX_M4, SYNTH_TARGET_CORTEX_M7};
        int i;
        for (i = 0; i < 3; i++) {
            synth_options_init(&o);
            o.target = targets[i];
            o.prefix = "";
            o.module_name = "m.wat";
            o.max_memory_pages = 1;
            o.bounds_checks = 0;
            o.stack_check = 1;
            o.verify_allocation = 1;
            o.shadow_allocation = 1;
            o.optimize = 0;
            r = expect_status(TEXT(DIV64), &o, SYNTH_STATUS_OK, "", "every option set, each target");
            check(contains(synth_result_header(r), "m.wat") && contains(synth_result_header(r), "int64_t d("),
                  "module_name and the empty prefix reach the header");
            synth_result_free(r);
        }
    }
}

static void stats_paths(void) {
    synth_options o;
    synth_result *r;
    synth_module_stats m;
    synth_function_stats fs[16];
    size_t count = 0, total = 0, i;
    int all_ok = 1;
    synth_options_init(&o);
    o.shadow_allocation = 1;
    r = expect_status(TEXT(DIV64), &o, SYNTH_STATUS_OK, "", "compile for the stats checks");

    check(synth_stats(r, NULL, NULL, 0, &total) == SYNTH_STATUS_OK && total >= 4 && total <= 16,
          "synth_stats capacity 0: count only");
    check(synth_stats(r, NULL, NULL, 0, NULL) == SYNTH_STATUS_OK, "synth_stats with everything NULL");
    check(synth_stats(r, NULL, NULL, 2, &count) == SYNTH_STATUS_INVALID_ARGUMENT,
          "synth_stats functions NULL with capacity 2");
    memset(&m, 0, sizeof m);
    m.struct_size = offsetof(synth_module_stats, float_spill_stores) - 4; /* under version 1 */
    check(synth_stats(r, &m, NULL, 0, NULL) == SYNTH_STATUS_INVALID_ARGUMENT && m.functions == 0,
          "module struct_size too small: rejected, nothing written");
    memset(fs, 0, sizeof fs);
    fs[0].struct_size = 8;
    check(synth_stats(r, NULL, fs, 1, NULL) == SYNTH_STATUS_INVALID_ARGUMENT && fs[0].symbol == NULL,
          "function struct_size too small: rejected");

    /* Capacity 1: one record, count = total, the next element untouched. */
    memset(fs, 0, sizeof fs);
    for (i = 0; i < 16; i++) fs[i].struct_size = sizeof fs[i];
    fs[1].code_bytes = 4242;
    check(synth_stats(r, NULL, fs, 1, &count) == SYNTH_STATUS_OK && count == total &&
              !strcmp(fs[0].symbol, "wasm_d") && fs[1].code_bytes == 4242,
          "synth_stats capacity 1 of many");

    /* Full. */
    m.struct_size = sizeof m;
    check(synth_stats(r, &m, fs, 16, &count) == SYNTH_STATUS_OK && count == total && m.functions == total,
          "synth_stats full");
    {
        uint32_t code = 0, insts = 0;
        int kinds[4] = {0, 0, 0, 0};
        /* The shadow allocator's figures are there exactly when the JSON has them (the
         * shadow allocator may be a measure-only stub that reports nothing). */
        uint32_t shadow = contains(synth_result_stats_json(r), "\"allocator\"") ? 1u : 0u;
        for (i = 0; i < count; i++) {
            code += fs[i].code_bytes;
            insts += fs[i].instructions;
            if (fs[i].kind < 4) kinds[fs[i].kind]++;
            all_ok &= fs[i].name != NULL && fs[i].symbol != NULL && fs[i].has_shadow == shadow &&
                      fs[i].rung == SYNTH_RUNG_BASE && fs[i].verdict <= SYNTH_SPILL_SPURIOUS &&
                      fs[i].code_bytes > 0 && fs[i].struct_size == sizeof fs[i];
        }
        check(all_ok, "every record has name, symbol, code, base rung, has_shadow as in the JSON");
        check(code == m.code_bytes && insts == m.instructions && m.text_bytes >= m.code_bytes,
              "module totals are the sums of the records");
        check(kinds[SYNTH_FUNCTION_WASM] == 2 && kinds[SYNTH_FUNCTION_RUNTIME] >= 1 && kinds[SYNTH_FUNCTION_INIT] == 1,
              "kinds: 2 wasm, runtime helper(s), 1 init");
        check(!strcmp(fs[0].name, "d") && !strcmp(fs[1].symbol, "wasm_r") && m.bss_bytes == 65536,
              "names, symbols and .bss as expected");
        check(contains(synth_result_stats_json(r), "\"symbol\": \"wasm_d\"") &&
                  contains(synth_result_stats_json(r), "\"symbol\": \"wasm_r\""),
              "stats JSON carries the same functions");
    }
    /* A newer caller's larger structs: accepted, only version-1 fields written. */
    {
        struct newer_fn { synth_function_stats v1; uint64_t future; } nf[2];
        struct newer_mod { synth_module_stats v1; uint32_t future; } nm;
        memset(nf, 0, sizeof nf);
        memset(&nm, 0, sizeof nm);
        nf[0].v1.struct_size = nf[1].v1.struct_size = sizeof nf[0];
        nf[0].future = nf[1].future = 77;
        nm.v1.struct_size = sizeof nm;
        nm.future = 78;
        check(synth_stats(r, &nm.v1, &nf[0].v1, 2, NULL) == SYNTH_STATUS_OK && !strcmp(nf[1].v1.symbol, "wasm_r") &&
                  nf[0].future == 77 && nf[1].future == 77 && nm.future == 78 && nm.v1.functions == total,
              "larger struct_size (newer caller) accepted");
    }
    synth_result_free(r);
}

/* ---- repeated and multi-threaded compiles ---- */

typedef struct module_src {
    const uint8_t *bytes;
    size_t len;
    const char *name;
} module_src;

typedef struct output {
    uint8_t *object;
    size_t object_len;
    char *header, *json;
    int32_t status;
} output;

static char *dup_str(const char *s) {
    char *d;
    if (!s) return NULL;
    d = malloc(strlen(s) + 1);
    if (d) strcpy(d, s);
    return d;
}

static output compile_copy(const module_src *m) {
    output o;
    synth_result *r = NULL;
    const uint8_t *obj;
    memset(&o, 0, sizeof o);
    o.status = synth_compile(m->bytes, m->len, NULL, &r);
    obj = synth_result_object(r, &o.object_len);
    if (obj) {
        o.object = malloc(o.object_len);
        if (o.object) memcpy(o.object, obj, o.object_len);
    }
    o.header = dup_str(synth_result_header(r));
    o.json = dup_str(synth_result_stats_json(r));
    synth_result_free(r);
    return o;
}

static int same_output(const output *a, const output *b) {
    return a->status == b->status && a->object_len == b->object_len && a->object && b->object &&
           !memcmp(a->object, b->object, a->object_len) && a->header && b->header && !strcmp(a->header, b->header) &&
           a->json && b->json && !strcmp(a->json, b->json);
}

static void free_output(output *o) {
    free(o->object);
    free(o->header);
    free(o->json);
}

#define THREADS 4
#define ROUNDS 2

typedef struct job {
    const module_src *mods;
    const output *expected;
    size_t n;
    int thread;
    int mismatches, compiles;
} job;

static void *worker(void *arg) {
    job *j = arg;
    int round;
    size_t k;
    for (round = 0; round < ROUNDS; round++) {
        for (k = 0; k < j->n; k++) {
            /* Each thread walks the modules from a different start so different modules overlap. */
            size_t idx = (k + (size_t)j->thread + (size_t)round) % j->n;
            output o = compile_copy(&j->mods[idx]);
            if (!same_output(&o, &j->expected[idx])) j->mismatches++;
            j->compiles++;
            free_output(&o);
        }
    }
    return NULL;
}

static void repeated_and_threaded(module_src *mods, size_t n) {
    output *expected = calloc(n, sizeof *expected);
    pthread_t tids[THREADS];
    job jobs[THREADS];
    size_t k;
    int i, all_ok = 1, mismatches = 0, compiles = 0, started = 0;
    char line[160];
    if (!expected) { check(0, "out of memory"); return; }
    for (k = 0; k < n; k++) {
        expected[k] = compile_copy(&mods[k]);
        snprintf(line, sizeof line, "%s compiles (%s)", mods[k].name, synth_status_name(expected[k].status));
        check(expected[k].status == SYNTH_STATUS_OK && expected[k].object_len > 0, line);
    }
    /* Repeated single-threaded compiles give identical bytes. */
    for (i = 0; i < 5; i++)
        for (k = 0; k < n; k++) {
            output o = compile_copy(&mods[k]);
            all_ok &= same_output(&o, &expected[k]);
            free_output(&o);
        }
    snprintf(line, sizeof line, "5 repeated compiles of %u modules: byte-identical objects, headers, JSON", (unsigned)n);
    check(all_ok, line);
    for (i = 0; i < THREADS; i++) {
        jobs[i].mods = mods;
        jobs[i].expected = expected;
        jobs[i].n = n;
        jobs[i].thread = i;
        jobs[i].mismatches = jobs[i].compiles = 0;
        if (pthread_create(&tids[i], NULL, worker, &jobs[i]) == 0) started++;
        else break;
    }
    for (i = 0; i < started; i++) {
        pthread_join(tids[i], NULL);
        mismatches += jobs[i].mismatches;
        compiles += jobs[i].compiles;
    }
    snprintf(line, sizeof line, "%d threads x %d rounds x %u modules (%d compiles): all equal the single-threaded output",
             THREADS, ROUNDS, (unsigned)n, compiles);
    check(started == THREADS && mismatches == 0 && compiles == THREADS * ROUNDS * (int)n, line);
    for (k = 0; k < n; k++) free_output(&expected[k]);
    free(expected);
}

int main(int argc, char **argv) {
    module_src mods[16];
    uint8_t *files[16];
    size_t n = 0, nfiles = 0;
    int i;

    version_and_names();
    null_pointers();
    bad_modules();
    bad_options();
    stats_paths();

    mods[n].bytes = (const uint8_t *)ADD; mods[n].len = sizeof ADD - 1; mods[n].name = "add"; n++;
    mods[n].bytes = (const uint8_t *)DIV64; mods[n].len = sizeof DIV64 - 1; mods[n].name = "div64"; n++;
    for (i = 1; i < argc && n < 16; i++) {
        size_t len;
        uint8_t *b = read_file(argv[i], &len);
        if (!b) { check(0, argv[i]); continue; }
        files[nfiles++] = b;
        mods[n].bytes = b;
        mods[n].len = len;
        mods[n].name = argv[i];
        n++;
    }
    repeated_and_threaded(mods, n);
    while (nfiles) free(files[--nfiles]);

    printf("error_paths: %d checks, %d failed\n", checks, failed);
    return failed ? 1 : 0;
}
