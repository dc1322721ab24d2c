/* Cortex-M startup for qemu's mps2-an386 (Cortex-M4 with FPv4-SP-D16): vector table, reset
 * handler that enables the FPU (FPU builds only), copies .data from flash, zeroes .bss and
 * runs main(), and a fault handler that reports over semihosting. Symbols come from
 * mps2_an386.ld (or the board's script: mps2_an505.ld, mps3_an547.ld, nrf51_microbit.ld).
 * Plain C, so it also builds for ARMv6-M (-mcpu=cortex-m0plus, qemu microbit), where the
 * MemManage/BusFault/UsageFault/DebugMonitor slots are reserved and never taken. */
#include <stdint.h>

#include "semihost.h"

extern uint32_t _data_load[], _data_start[], _data_end[], _bss_start[], _bss_end[];
extern uint32_t _stack_top[];
extern int main(void);

__attribute__((noreturn)) void Reset_Handler(void) {
#if defined(__ARM_FP)
    /* Built for a core with an FPU (-mfpu, e.g. //toolchains:cortex_m4f): grant CP10/CP11
     * (the FPU) full access in CPACR before any floating-point instruction can run. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    const uint32_t *src = _data_load;
    for (uint32_t *dst = _data_start; dst < _data_end;) *dst++ = *src++;
    for (uint32_t *dst = _bss_start; dst < _bss_end;) *dst++ = 0u;
    sh_exit(main() != 0);
}

__attribute__((noreturn)) void Fault_Handler(void) {
    sh_puts("FAULT\n");
    sh_exit(1);
}

typedef void (*vector_t)(void);

/* Initial stack pointer, then the 15 Cortex-M system exceptions (external IRQs unused). */
__attribute__((section(".vectors"), used)) static const vector_t vectors[16] = {
    (vector_t)_stack_top,
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0, 0, 0, 0,
    Fault_Handler, /* SVCall */
    Fault_Handler, /* DebugMonitor */
    0,
    Fault_Handler, /* PendSV */
    Fault_Handler, /* SysTick */
};
