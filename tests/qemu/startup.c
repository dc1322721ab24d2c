/* Minimal Cortex-M4 startup for qemu's mps2-an386: vector table, .data/.bss set-up,
 * semihosting output and exit. Used by tests/qemu/main.c and examples/demo/main.c. */
#include <stdint.h>
#include "semihost.h"

extern uint32_t _data_load, _data_start, _data_end, _bss_start, _bss_end, _stack_top;
extern int main(void);

static long semihost(long op, const void *arg) {
    register long r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_puts(const char *s) { semihost(0x04 /* SYS_WRITE0 */, s); }

void sh_exit(int failed) {
    /* ADP_Stopped_ApplicationExit -> qemu exits 0; RunTimeErrorUnknown -> exits 1 */
    semihost(0x18 /* SYS_EXIT */, (const void *)(failed ? 0x20023L : 0x20026L));
    for (;;) {}
}

void sh_put_i64(int64_t v) {
    char buf[24];
    int i = 23;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    buf[i] = 0;
    do { buf[--i] = (char)('0' + (int)(u % 10u)); u /= 10u; } while (u);
    if (v < 0) buf[--i] = '-';
    sh_puts(&buf[i]);
}

void Reset_Handler(void) {
#if defined(__ARM_FP)
    /* Built with an FPU (-mfpu, e.g. c_examples/qemu_float): grant CP10/CP11 full access in
     * CPACR before any floating-point instruction runs (mps2-an386's M4 has FPv4-SP-D16). */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    uint32_t *src = &_data_load, *dst = &_data_start;
    while (dst < &_data_end) *dst++ = *src++;
    for (dst = &_bss_start; dst < &_bss_end; dst++) *dst = 0;
    sh_exit(main() != 0);
}

void Fault_Handler(void) {
    sh_puts("FAULT\n");
    sh_exit(1);
}

__attribute__((section(".vectors"), used))
static const void *const vectors[16] = {
    &_stack_top, (const void *)Reset_Handler, (const void *)Fault_Handler, (const void *)Fault_Handler,
    (const void *)Fault_Handler, (const void *)Fault_Handler, (const void *)Fault_Handler, 0, 0, 0, 0,
    (const void *)Fault_Handler, (const void *)Fault_Handler, 0, (const void *)Fault_Handler,
    (const void *)Fault_Handler,
};
