/* Demo firmware: runs the synth-compiled controller.wat on a Cortex-M4 (qemu mps2-an386)
 * and prints the results over semihosting. Built and run by scripts/demo.sh. */
#include <stdint.h>
#include "semihost.h"

struct crc_result { int32_t crc; int32_t len; };

void wasm_init(void);
int32_t wasm_simulate(int32_t setpoint, int32_t n);
struct crc_result wasm_crc32(int32_t ptr, int32_t len);

static void put_q16(int32_t v) {
    /* print a Q16.16 value with three decimals */
    int64_t milli = ((int64_t)v * 1000) / 65536;
    if (milli < 0) { sh_puts("-"); milli = -milli; }
    sh_put_i64(milli / 1000);
    sh_puts(".");
    int64_t frac = milli % 1000;
    if (frac < 100) sh_puts("0");
    if (frac < 10) sh_puts("0");
    sh_put_i64(frac);
}

/* imported by the module as env.report */
void report(int32_t step, int32_t y) {
    sh_puts("  step ");
    sh_put_i64(step);
    sh_puts(": y = ");
    put_q16(y);
    sh_puts("\n");
}

void synth_trap(uint32_t code) {
    sh_puts("wasm trap ");
    sh_put_i64(code);
    sh_puts("\n");
    sh_exit(1);
}

int main(void) {
    wasm_init();
    sh_puts("PI controller, setpoint 3.500:\n");
    int32_t y = wasm_simulate(3 * 65536 + 32768, 30);
    sh_puts("final y = ");
    put_q16(y);
    sh_puts("\n");
    struct crc_result c = wasm_crc32(0, 23);
    sh_puts("crc32(\"synth: wasm on Cortex-M\") = 0x");
    static const char hex[] = "0123456789abcdef";
    char buf[9];
    for (int i = 0; i < 8; i++) buf[i] = hex[((uint32_t)c.crc >> (28 - 4 * i)) & 15];
    buf[8] = 0;
    sh_puts(buf);
    sh_puts(" over ");
    sh_put_i64(c.len);
    sh_puts(" bytes\n");
    return 0;
}
