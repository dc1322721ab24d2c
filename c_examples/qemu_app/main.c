/* qemu_app: Cortex-M4 firmware that links sensor.o, compiled from sensor.wat by synthc
 * (libsynth), and runs on qemu-system-arm -M mps2-an386 with semihosting. Each call prints
 * "<name> <args> = <result> <ok|MISMATCH>", comparing with a C reference computed here;
 * c_examples/run_tests.sh checks the exact lines. Startup, linker script and semihosting
 * come from tests/qemu/ (startup.c, mps2-an386.ld, semihost.h). */
#include <stdint.h>

#include "semihost.h"
#include "sensor.h"

static int failures;
static int32_t last_logged;

/* imported by the module as env.log_value */
void log_value(int32_t v) { last_logged = v; }

void synth_trap(uint32_t code) {
    sh_puts("TRAP ");
    sh_put_i64(code);
    sh_puts("\n");
    sh_exit(1);
}

static void report(const char *call, int64_t got, int64_t want) {
    sh_puts(call);
    sh_puts(" = ");
    sh_put_i64(got);
    if (got == want) {
        sh_puts(" ok\n");
    } else {
        sh_puts(" MISMATCH, expected ");
        sh_put_i64(want);
        sh_puts("\n");
        failures++;
    }
}

static int32_t ref_fib(int32_t n) {
    int32_t a = 0, b = 1;
    while (n-- > 0) { int32_t t = (int32_t)((uint32_t)a + (uint32_t)b); a = b; b = t; }
    return a;
}

static int32_t ref_fletcher16(const uint8_t *p, uint32_t len) {
    uint32_t s1 = 0, s2 = 0;
    while (len--) { s1 = (s1 + *p++) % 255u; s2 = (s2 + s1) % 255u; }
    return (int32_t)((s2 << 8) | s1);
}

int main(void) {
    static const char text[] = "synth on cortex-m";
    sensor_init();
    sh_puts("qemu_app: synth module on Cortex-M4\n");
    report("fib 20", sensor_fib(20), ref_fib(20));
    report("fib 46", sensor_fib(46), ref_fib(46));
    report("fletcher16 16 17", sensor_fletcher16(16, 17), ref_fletcher16((const uint8_t *)text, 17));
    report("scale 1000000007 3 -7", sensor_scale(1000000007LL, 3, -7), 1000000007LL * 3 / -7);
    report("logged", last_logged, (int32_t)(1000000007LL * 3 / -7));
    report("scale -9000000000 5 2", sensor_scale(-9000000000LL, 5, 2), -9000000000LL * 5 / 2);
    report("samples", sensor_samples(), 2);
    report("clamp 5 0 3", sensor_clamp(5, 0, 3), 3);
    report("clamp -4 -2 9", sensor_clamp(-4, -2, 9), -2);
    report("clamp 7 -2 9", sensor_clamp(7, -2, 9), 7);
    sh_puts(failures ? "qemu_app: FAILED\n" : "qemu_app: all ok\n");
    return failures != 0;
}
