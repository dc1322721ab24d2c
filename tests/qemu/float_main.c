/* qemu firmware built with -mfloat-abi=hard -mfpu=fpv4-sp-d16: calls the exports of
 * float_module.wat (compiled with --float-abi hard) with float arguments in FPU registers
 * and prints "R <export> <arg bits...> -> <result bits...>" (hex bit patterns), which
 * tests/test_qemu.py checks against wasmtime. Defines the float import host_scale. */
#include <stdint.h>
#include "semihost.h"

struct minmax_result { float lo; float hi; };

void wasm_init(void);
float wasm_fmix(float a, int32_t k, double b, float c);
double wasm_dsum(double, double, double, double, double, double, double, double, double, double);
double wasm_via_host(float a, double b);
struct minmax_result wasm_minmax(float a, float b);
int32_t wasm_to_int(double d);

/* imported by the module as env.host_scale: computed by this hard-float C code */
double host_scale(float a, int32_t k, double b) { return (double)a * k + b; }

void synth_trap(uint32_t code) {
    sh_puts("TRAP ");
    sh_put_i64(code);
    sh_puts("\n");
    sh_exit(1);
}

/* Bit patterns <-> floats (unions: -ffreestanding has no memcpy). */
union f32u { float f; uint32_t b; };
union f64u { double f; uint64_t b; };
static float f32b(uint32_t b) { union f32u u = {.b = b}; return u.f; }
static double f64b(uint64_t b) { union f64u u = {.b = b}; return u.f; }
static uint64_t bf(float f) { union f32u u = {.f = f}; return u.b; }
static uint64_t bd(double d) { union f64u u = {.f = d}; return u.b; }

static void put_hex(uint64_t v) {
    char buf[19];
    int i = 18;
    buf[i] = 0;
    do { buf[--i] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    sh_puts(&buf[i]);
}

static void line(const char *name, int n, const uint64_t *args, int m, const uint64_t *res) {
    sh_puts("R ");
    sh_puts(name);
    for (int i = 0; i < n; i++) { sh_puts(" "); put_hex(args[i]); }
    sh_puts(" ->");
    for (int i = 0; i < m; i++) { sh_puts(" "); put_hex(res[i]); }
    sh_puts("\n");
}

int main(void) {
    wasm_init();
    sh_puts("synth qemu float test\n");
    static const uint32_t fa[][3] = {{0x3fc00000u, 3, 0xc0000000u}, {0xff800000u, 0xfffffff9u, 0x7fc00001u}};
    static const uint64_t fb[] = {0x3fd0000000000000ull, 0x40091eb851eb851full};
    for (int i = 0; i < 2; i++) {
        float r = wasm_fmix(f32b(fa[i][0]), (int32_t)fa[i][1], f64b(fb[i]), f32b(fa[i][2]));
        uint64_t a[4] = {fa[i][0], fa[i][1], fb[i], fa[i][2]}, res[1] = {bf(r)};
        line("fmix", 4, a, 1, res);
    }
    {
        uint64_t a[10];
        double d[10];
        for (int i = 0; i < 10; i++) { d[i] = (i + 1) * 1.125 - (i == 9 ? 100.0 : 0.0); a[i] = bd(d[i]); }
        double r = wasm_dsum(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9]);
        uint64_t res[1] = {bd(r)};
        line("dsum", 10, a, 1, res);
    }
    {
        uint64_t a[2] = {0x3fa00000u, 0x4202a05f20000000ull};
        double r = wasm_via_host(f32b((uint32_t)a[0]), f64b(a[1]));
        uint64_t res[1] = {bd(r)};
        line("via_host", 2, a, 1, res);
    }
    static const uint32_t mm[][2] = {{0x80000000u, 0x00000000u}, {0x3f800000u, 0xc1200000u}};
    for (int i = 0; i < 2; i++) {
        struct minmax_result r = wasm_minmax(f32b(mm[i][0]), f32b(mm[i][1]));
        uint64_t a[2] = {mm[i][0], mm[i][1]}, res[2] = {bf(r.lo), bf(r.hi)};
        line("minmax", 2, a, 2, res);
    }
    {
        uint64_t a[1] = {0xc1ea43ce40000000ull};  /* -3.5e9: saturates */
        uint64_t res[1] = {(uint32_t)wasm_to_int(f64b(a[0]))};
        line("to_int", 1, a, 1, res);
    }
    sh_puts("done\n");
    return 0;
}
