/* synthc: a small build tool on libsynth, the synth compiler's C API.
 *
 *   synthc IN.wasm|IN.wat -o OUT.o [--emit-header OUT.h] [--stats] [--stats-json F]
 *          [--target cortex-m0|cortex-m0plus|cortex-m3|cortex-m4|cortex-m7|cortex-m33|cortex-m55] [--fpu FPU] [--float-abi ABI]
 *          [--prefix P] [--module-name N]
 *          [--no-bounds-checks] [--stack-check] [--max-memory-pages N]
 *          [--verify-allocation] [--shadow-allocation] [--no-optimize]
 *          [--import-stack NAME=BYTES]... [--max-stack BYTES] [-g|--debug] [--debug-wat]
 *          [--max-function-bytes N]
 *
 * The options are those of `synth compile` (docs/OPTIONS.md), each setting the synth_options
 * field of the same name. Compiles IN (wasm binary or text) to a Cortex-M ELF object OUT.o,
 * optionally writes the C header and the statistics JSON F, and with --stats prints one row
 * per compiled function (from synth_stats). On a compile error prints
 * `synthc: IN: <message> (status: <name>)` and exits 1; usage errors exit 2. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"
#include "util.h"

static const char USAGE[] =
    "usage: synthc IN.wasm -o OUT.o [--emit-header OUT.h] [--stats] [--stats-json F]\n"
    "              [--target cortex-m0|cortex-m0plus|cortex-m3|cortex-m4|cortex-m7|cortex-m33|cortex-m55]\n"
    "              [--fpu none|fpv4-sp-d16|fpv5-sp-d16|fpv5-d16] [--float-abi soft|softfp|hard]\n"
    "              [--prefix P] [--module-name N]\n"
    "              [--no-bounds-checks] [--stack-check] [--max-memory-pages N]\n"
    "              [--verify-allocation] [--shadow-allocation] [--no-optimize]\n"
    "              [--import-stack NAME=BYTES]... [--max-stack BYTES] [-g|--debug] [--debug-wat]\n"
    "              [--max-function-bytes N]\n";

static int usage(const char *msg) {
    if (msg) fprintf(stderr, "synthc: %s\n", msg);
    fputs(USAGE, stderr);
    return 2;
}

static int parse_target(const char *s, uint32_t *t) {
    if (!strcmp(s, "cortex-m0") || !strcmp(s, "m0")) *t = SYNTH_TARGET_CORTEX_M0;
    else if (!strcmp(s, "cortex-m0plus") || !strcmp(s, "m0plus")) *t = SYNTH_TARGET_CORTEX_M0PLUS;
    else if (!strcmp(s, "cortex-m3") || !strcmp(s, "m3")) *t = SYNTH_TARGET_CORTEX_M3;
    else if (!strcmp(s, "cortex-m4") || !strcmp(s, "m4")) *t = SYNTH_TARGET_CORTEX_M4;
    else if (!strcmp(s, "cortex-m7") || !strcmp(s, "m7")) *t = SYNTH_TARGET_CORTEX_M7;
    else if (!strcmp(s, "cortex-m33") || !strcmp(s, "m33")) *t = SYNTH_TARGET_CORTEX_M33;
    else if (!strcmp(s, "cortex-m55") || !strcmp(s, "m55")) *t = SYNTH_TARGET_CORTEX_M55;
    else return -1;
    return 0;
}

/* A byte count in 0 .. 2^32-1 (--max-stack, --import-stack, --max-function-bytes): 0, or -1 when s is not one. */
static int parse_bytes(const char *s, uint32_t *out) {
    char *end = NULL;
    unsigned long long v;
    if (*s < '0' || *s > '9') return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || !end || *end || v > 0xffffffffULL) return -1;
    *out = (uint32_t)v;
    return 0;
}

/* --fpu and --float-abi names, indexed by their SYNTH_FPU_* / SYNTH_FLOAT_ABI_* value. The
 * library judges the combination (an FPU the core lacks, softfp without an FPU, hard). */
static const char *const FPU_NAMES[] = {"none", "fpv4-sp-d16", "fpv5-sp-d16", "fpv5-d16"};
static const char *const FLOAT_ABI_NAMES[] = {"soft", "softfp", "hard"};

/* The index of s in names[0..n), or -1. */
static int lookup(const char *s, const char *const *names, size_t n) {
    size_t i;
    for (i = 0; i < n; i++)
        if (!strcmp(s, names[i])) return (int)i;
    return -1;
}

static void print_table(const synth_module_stats *m, const synth_function_stats *fs, size_t n) {
    size_t i;
    int w = 6;
    for (i = 0; i < n; i++) {
        int l = (int)strlen(fs[i].symbol);
        if (l > w) w = l;
    }
    printf("%-*s %-7s %6s %6s %6s %5s %7s %6s %6s %5s %-8s %s\n", w, "symbol", "kind", "bytes", "insts",
           "frame", "vregs", "peak", "spills", "reload", "moves", "verdict", "rung");
    for (i = 0; i < n; i++) {
        const synth_function_stats *f = &fs[i];
        char peak[24];
        sprintf(peak, "%u/%u", (unsigned)f->peak_pressure, (unsigned)f->regs_available);
        printf("%-*s %-7s %6u %6u %6u %5u %7s %6u %6u %5u %-8s %s\n", w, f->symbol, kind_name(f->kind),
               (unsigned)f->code_bytes, (unsigned)f->instructions, (unsigned)f->frame_bytes, (unsigned)f->vregs,
               peak, (unsigned)f->spill_stores, (unsigned)f->reloads, (unsigned)f->moves,
               verdict_name(f->verdict), rung_name(f->rung));
    }
    printf("total: %u functions, %u code bytes (%u in .text), %u instructions, %u spills; "
           ".data %u B, .rodata %u B, .bss %u B; %u with spurious spills, %u on the fallback allocator\n",
           (unsigned)m->functions, (unsigned)m->code_bytes, (unsigned)m->text_bytes, (unsigned)m->instructions,
           (unsigned)m->spill_stores, (unsigned)m->data_bytes, (unsigned)m->rodata_bytes, (unsigned)m->bss_bytes,
           (unsigned)m->spurious_spill_functions, (unsigned)m->fallback_functions);
}

int main(int argc, char **argv) {
    synth_options opts;
    const char *in = NULL, *out = NULL, *header = NULL, *json = NULL;
    int debug_wat = 0;
    int stats = 0, i, rc = 0;
    synth_module_stats module;
    synth_function_stats *fs = NULL;
    size_t n = 0, obj_len = 0;
    const uint8_t *obj;
    synth_result *r;
    /* --import-stack entries: at most one per argument; names point into argv. */
    synth_import_stack imports[argc];
    size_t n_imports = 0;

    synth_options_init(&opts);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--emit-header") || !strcmp(a, "--target") ||
            !strcmp(a, "--prefix") || !strcmp(a, "--module-name") || !strcmp(a, "--stats-json") ||
            !strcmp(a, "--max-memory-pages") || !strcmp(a, "--fpu") || !strcmp(a, "--float-abi") ||
            !strcmp(a, "--max-stack") || !strcmp(a, "--import-stack") || !strcmp(a, "--max-function-bytes")) {
            const char *v;
            if (!has_value) return usage("missing value after an option");
            v = argv[++i];
            if (!strcmp(a, "-o") || !strcmp(a, "--output")) out = v;
            else if (!strcmp(a, "--emit-header")) header = v;
            else if (!strcmp(a, "--max-memory-pages")) {
                char *end = NULL;
                long long pages;
                errno = 0;
                pages = strtoll(v, &end, 10);
                if (errno || !end || *end || end == v || pages < 0) return usage("--max-memory-pages: not a page count");
                opts.max_memory_pages = (int64_t)pages;
            }
            else if (!strcmp(a, "--max-stack")) {
                uint32_t bytes;
                if (parse_bytes(v, &bytes) != 0) return usage("--max-stack: not a byte count");
                opts.max_stack = (int64_t)bytes;
            } else if (!strcmp(a, "--max-function-bytes")) {
                /* 0: no limit, as for synth compile and the field */
                uint32_t bytes;
                if (parse_bytes(v, &bytes) != 0) return usage("--max-function-bytes: not a byte count");
                opts.max_function_bytes = (int64_t)bytes;
            } else if (!strcmp(a, "--import-stack")) {
                /* NAME=BYTES, split at the last '=' (as synth compile does) */
                char *eq = strrchr(argv[i], '=');
                if (!eq || eq == argv[i] || parse_bytes(eq + 1, &imports[n_imports].bytes) != 0)
                    return usage("--import-stack expects NAME=BYTES (an import and its worst-case stack in bytes)");
                *eq = 0;
                imports[n_imports++].name = argv[i];
            }
            else if (!strcmp(a, "--fpu")) {
                int k = lookup(v, FPU_NAMES, sizeof FPU_NAMES / sizeof FPU_NAMES[0]);
                if (k < 0) return usage("unknown --fpu (none, fpv4-sp-d16, fpv5-sp-d16, fpv5-d16)");
                opts.fpu = (uint32_t)k;
            } else if (!strcmp(a, "--float-abi")) {
                int k = lookup(v, FLOAT_ABI_NAMES, sizeof FLOAT_ABI_NAMES / sizeof FLOAT_ABI_NAMES[0]);
                if (k < 0) return usage("unknown --float-abi (soft, softfp, hard)");
                opts.float_abi = (uint32_t)k;
            }
            else if (!strcmp(a, "--prefix")) opts.prefix = v;
            else if (!strcmp(a, "--module-name")) opts.module_name = v;
            else if (!strcmp(a, "--stats-json")) json = v;
            else if (parse_target(v, &opts.target) != 0) return usage("unknown --target (cortex-m0, cortex-m0plus, cortex-m3, cortex-m4, cortex-m7, cortex-m33, cortex-m55)");
        } else if (!strcmp(a, "--stats")) stats = 1;
        else if (!strcmp(a, "--no-bounds-checks")) opts.bounds_checks = 0;
        else if (!strcmp(a, "--stack-check")) opts.stack_check = 1;
        else if (!strcmp(a, "--no-optimize")) opts.optimize = 0;
        else if (!strcmp(a, "--shadow-allocation")) opts.shadow_allocation = 1;
        else if (!strcmp(a, "--verify-allocation")) opts.verify_allocation = 1;
        else if (!strcmp(a, "-g") || !strcmp(a, "--debug")) opts.debug = 1;
        else if (!strcmp(a, "--debug-wat")) debug_wat = 1;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(USAGE, stdout); return 0; }
        else if (a[0] == '-' && a[1] != 0) return usage("unknown option");
        else if (in) return usage("more than one input file");
        else in = a;
    }
    if (!in || !out) return usage("an input file and -o OUT.o are required");
    if (!opts.module_name) opts.module_name = in;
    if (debug_wat) opts.debug_wat = in;
    if (n_imports) {
        opts.import_stack = imports;
        opts.import_stack_count = n_imports;
    }

    r = compile_file("synthc", in, &opts, &module, &fs, &n);
    if (!r) return 1;
    obj = synth_result_object(r, &obj_len);
    if (write_file(out, obj, obj_len) != 0) rc = 1;
    if (!rc && header) {
        const char *h = synth_result_header(r);
        if (write_file(header, h, strlen(h)) != 0) rc = 1;
    }
    if (!rc && json) {
        const char *j = synth_result_stats_json(r);
        if (write_file(json, j, strlen(j)) != 0) rc = 1;
    }
    if (!rc && stats) print_table(&module, fs, n);
    free(fs);
    synth_result_free(r);
    return rc;
}
