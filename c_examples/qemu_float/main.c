/* qemu_float: C firmware for a Cortex-M4 with its FPU (-mfpu=fpv4-sp-d16 -mfloat-abi=softfp)
 * calling a synth module compiled with --fpu fpv4-sp-d16 --float-abi softfp (floats.wat,
 * through synthc). Floats cross the calls in core registers (docs/ABI.md); synth computes
 * them in software, this file's own float arithmetic runs on the FPU.
 *
 * Each case prints one line, every value as its IEEE bits in hex (f32: 8 digits, f64: 16,
 * i32: 8):   NAME ARG... -> RESULT ok|MISMATCH(expected X) [fpu=same|fpu=DIFF(Y)]
 * "ok" when synth's result has exactly the expected bits; for f32 operations the FPU has an
 * instruction for (vmul+vadd, vdiv, vsqrt) the FPU's result must be the same bits too.
 * c_examples/qemu_float/check.py recomputes every line with wasmtime, so the expected values
 * below are checked independently. Exits 1 (semihosting) on any mismatch. */
#include <stdint.h>

#include "floats.h"
#include "semihost.h"

/* Signatures: parameter letters, '>' and the result letter; i = i32, f = f32, d = f64. */
enum fn { MUL_ADD, DIV, SQRT, HYPOT, MIX, TO_INT, DEMOTE, COPYSIGN, NEAREST };
static const char *const NAMES[] = {"mul_add", "div", "sqrt", "hypot", "mix", "to_int", "demote", "copysign", "nearest"};
static const char *const SIGS[] = {"fff>f", "ff>f", "f>f", "dd>d", "ifdf>d", "f>i", "d>f", "ff>f", "d>d"};

struct call_case {
    enum fn fn;
    uint64_t args[4];
    uint64_t expected;
};

static const struct call_case CASES[] = {
    {MUL_ADD, {0x3fc00000, 0x40000000, 0xbf800000}, 0x40000000},   /* 1.5 * 2 - 1 = 2 */
    {MUL_ADD, {0x3dcccccd, 0x40400000, 0x322bcc77}, 0x3e99999a},   /* 0.1f * 3 + 1e-8f */
    {MUL_ADD, {0x7e967699, 0x41200000, 0x3f800000}, 0x7f800000},   /* 1e38 * 10 overflows */
    {DIV, {0x3f800000, 0x40400000}, 0x3eaaaaab},                   /* 1 / 3 */
    {DIV, {0x3f800000, 0x80000000}, 0xff800000},                   /* 1 / -0 = -inf */
    {DIV, {0x00000001, 0x3f000000}, 0x00000002},                   /* subnormal / 0.5 */
    {SQRT, {0x40000000}, 0x3fb504f3},                              /* sqrt 2 */
    {SQRT, {0x00000004}, 0x1ab504f3},                              /* sqrt of a subnormal */
    {HYPOT, {0x4008000000000000, 0x4010000000000000}, 0x4014000000000000}, /* 3, 4 -> 5 */
    {HYPOT, {0x7e37e43c8800759c, 0x7e37e43c8800759c}, 0x7ff0000000000000}, /* 1e300 -> inf */
    {MIX, {0xfffffffd, 0x3fc00000, 0x4004000000000000, 0x40800000}, 0x4021000000000000}, /* -3 + 1.5 + 2.5 * 4 */
    {TO_INT, {0xc0200000}, 0xfffffffe},                            /* -2.5 -> -2 */
    {TO_INT, {0x4f32d05e}, 0x7fffffff},                            /* 3e9 saturates */
    {TO_INT, {0x7fc00000}, 0x00000000},                            /* NaN -> 0 */
    {DEMOTE, {0x3fb999999999999a}, 0x3dcccccd},                    /* 0.1 */
    {DEMOTE, {0x7e37e43c8800759c}, 0x7f800000},                    /* 1e300 -> inf */
    {COPYSIGN, {0x7fa00001, 0xbf800000}, 0xffa00001},              /* signalling NaN kept */
    {NEAREST, {0x4004000000000000}, 0x4000000000000000},           /* 2.5 -> 2 (ties to even) */
    {NEAREST, {0xc00c000000000000}, 0xc010000000000000},           /* -3.5 -> -4 */
};

static float f32(uint64_t bits) {
    union { uint32_t u; float f; } v;
    v.u = (uint32_t)bits;
    return v.f;
}

static double f64(uint64_t bits) {
    union { uint64_t u; double d; } v;
    v.u = bits;
    return v.d;
}

static uint64_t bits32(float f) {
    union { uint32_t u; float f; } v;
    v.f = f;
    return v.u;
}

static uint64_t bits64(double d) {
    union { uint64_t u; double d; } v;
    v.d = d;
    return v.u;
}

/* synth's result of case c, as bits. */
static uint64_t call_synth(const struct call_case *c) {
    const uint64_t *a = c->args;
    switch (c->fn) {
    case MUL_ADD: return bits32(fl_mul_add(f32(a[0]), f32(a[1]), f32(a[2])));
    case DIV: return bits32(fl_div(f32(a[0]), f32(a[1])));
    case SQRT: return bits32(fl_sqrt(f32(a[0])));
    case HYPOT: return bits64(fl_hypot(f64(a[0]), f64(a[1])));
    case MIX: return bits64(fl_mix((int32_t)(uint32_t)a[0], f32(a[1]), f64(a[2]), f32(a[3])));
    case TO_INT: return (uint32_t)fl_to_int(f32(a[0]));
    case DEMOTE: return bits32(fl_demote(f64(a[0])));
    case COPYSIGN: return bits32(fl_copysign(f32(a[0]), f32(a[1])));
    case NEAREST: return bits64(fl_nearest(f64(a[0])));
    }
    return 0;
}

/* The FPU's result of case c (vmul+vadd, vdiv, vsqrt), or -1 when it has no instruction for it. */
static int call_fpu(const struct call_case *c, uint64_t *out) {
    volatile float x = f32(c->args[0]), y = f32(c->args[1]), z = f32(c->args[2]);
    switch (c->fn) {
    case MUL_ADD: *out = bits32(x * y + z); return 0;   /* -ffp-contract=off: no vfma */
    case DIV: *out = bits32(x / y); return 0;
    case SQRT: *out = bits32(__builtin_sqrtf(x)); return 0;   /* -fno-math-errno: vsqrt.f32 */
    default: return -1;
    }
}

static void put_hex(uint64_t v, int digits) {
    char buf[17];
    int i;
    for (i = 0; i < digits; i++) buf[digits - 1 - i] = "0123456789abcdef"[(v >> (4 * i)) & 15u];
    buf[digits] = 0;
    sh_puts(buf);
}

static int digits_of(char type) { return type == 'd' ? 16 : 8; }

int main(void) {
    unsigned n = sizeof CASES / sizeof CASES[0], i, failed = 0;
    fl_init();
    sh_puts("qemu_float: synth float module on Cortex-M4 (FPv4-SP-D16, softfp)\n");
    for (i = 0; i < n; i++) {
        const struct call_case *c = &CASES[i];
        const char *sig = SIGS[c->fn];
        int k, result_digits;
        uint64_t got = call_synth(c), fpu;
        sh_puts(NAMES[c->fn]);
        for (k = 0; sig[k] != '>'; k++) {
            sh_puts(" ");
            put_hex(c->args[k], digits_of(sig[k]));
        }
        result_digits = digits_of(sig[k + 1]);
        sh_puts(" -> ");
        put_hex(got, result_digits);
        if (got == c->expected) {
            sh_puts(" ok");
        } else {
            sh_puts(" MISMATCH(expected ");
            put_hex(c->expected, result_digits);
            sh_puts(")");
            failed++;
        }
        if (call_fpu(c, &fpu) == 0) {
            if (fpu == got) {
                sh_puts(" fpu=same");
            } else {
                sh_puts(" fpu=DIFF(");
                put_hex(fpu, result_digits);
                sh_puts(")");
                failed++;
            }
        }
        sh_puts("\n");
    }
    sh_puts("qemu_float: ");
    sh_put_i64((int64_t)n);
    sh_puts(failed ? " calls, FAILED\n" : " calls, all ok\n");
    return failed != 0;
}
