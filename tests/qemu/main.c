/* qemu firmware: calls the synth-compiled exports of module.wat and prints one line per
 * call, "R <export> <args...> -> <results...>", which tests/test_qemu.py checks against
 * wasmtime. The last call divides by zero: synth_trap prints "TRAP <code>" and exits. */
#include <stdint.h>
#include "semihost.h"

struct divmod_result { int32_t q; int32_t r; };

void wasm_init(void);
int32_t wasm_add(int32_t a, int32_t b);
int64_t wasm_mul64(int64_t a, int64_t b);
struct divmod_result wasm_divmod(int32_t a, int32_t b);
int32_t wasm_call_host(int32_t a);
int32_t wasm_crc(int32_t n);
int32_t wasm_div(int32_t a, int32_t b);

/* imported by the module as env.host_add */
int32_t host_add(int32_t a, int32_t b) { return a * 100 + b; }

void synth_trap(uint32_t code) {
    sh_puts("TRAP ");
    sh_put_i64(code);
    sh_puts("\n");
    sh_exit(0);
}

static void line(const char *name, int n, const int64_t *args, int m, const int64_t *res) {
    sh_puts("R ");
    sh_puts(name);
    for (int i = 0; i < n; i++) { sh_puts(" "); sh_put_i64(args[i]); }
    sh_puts(" ->");
    for (int i = 0; i < m; i++) { sh_puts(" "); sh_put_i64(res[i]); }
    sh_puts("\n");
}

int main(void) {
    wasm_init();
    sh_puts("synth qemu test\n");
    {
        int64_t a[2] = {2, 40}, r[1] = {wasm_add(2, 40)};
        line("add", 2, a, 1, r);
    }
    {
        int64_t a[2] = {-7, 2147483647}, r[1] = {wasm_add(-7, 2147483647)};
        line("add", 2, a, 1, r);
    }
    {
        int64_t a[2] = {0x100000001LL, -3}, r[1] = {wasm_mul64(0x100000001LL, -3)};
        line("mul64", 2, a, 1, r);
    }
    {
        struct divmod_result d = wasm_divmod(100, 7);
        int64_t a[2] = {100, 7}, r[2] = {d.q, d.r};
        line("divmod", 2, a, 2, r);
    }
    {
        int64_t a[1] = {5}, r[1] = {wasm_call_host(5)};
        line("call_host", 1, a, 1, r);
    }
    {
        int64_t a[1] = {9}, r[1] = {wasm_crc(9)};
        line("crc", 1, a, 1, r);
    }
    {
        int64_t a[2] = {1, 0};
        sh_puts("calling div 1 0\n");
        int64_t r[1] = {wasm_div(1, 0)};
        line("div", 2, a, 1, r);
    }
    sh_puts("no trap\n");
    return 1;
}
