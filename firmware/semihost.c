/* ARM semihosting calls (SYS_WRITE0, SYS_EXIT) through `bkpt 0xab` on Cortex-M. */
#include "semihost.h"

static int32_t semihost_call(int32_t op, const void *arg) {
    register int32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_puts(const char *s) { semihost_call(0x04 /* SYS_WRITE0 */, s); }

void sh_put_int(int32_t v) {
    char buf[12];
    int i = sizeof buf - 1;
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u != 0u);
    if (v < 0) buf[--i] = '-';
    sh_puts(&buf[i]);
}

void sh_put_labelled(const char *label, int32_t v) {
    sh_puts(label);
    sh_put_int(v);
    sh_puts("\n");
}

void sh_exit(int failed) {
    /* ADP_Stopped_ApplicationExit (qemu exits 0) or ADP_Stopped_RunTimeErrorUnknown (exits 1) */
    semihost_call(0x18 /* SYS_EXIT */, (const void *)(failed ? 0x20023u : 0x20026u));
    for (;;) {
    }
}
