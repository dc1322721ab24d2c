/* Example firmware: instantiates the wasm module (wasm_init), drives its exports and prints
 * the results over semihosting. Expected output: app_test.expected (see expected.py). */
#include <stdint.h>

#include "controller.h"
#include "host.h"
#include "semihost.h"

#define Q16(x) ((int32_t)((x) * 65536))

/* Stack budget for calls into the module: synth computes each export's worst case at compile
 * time (controller.h: <symbol>_STACK_BYTES, defined only when there is a bound; an export
 * calling an import without an --import-stack figure has none), so a budget that is too small
 * fails the build rather than overflowing at run time. (The stand-in module's header has no
 * figures.) */
#define MODULE_STACK_BUDGET 512u
#ifdef wasm_pid_step_STACK_BYTES
_Static_assert(wasm_pid_step_STACK_BYTES <= MODULE_STACK_BUDGET, "pid_step needs more stack than budgeted");
#endif
#ifdef wasm_fsm_step_STACK_BYTES
_Static_assert(wasm_fsm_step_STACK_BYTES <= MODULE_STACK_BUDGET, "fsm_step needs more stack than budgeted");
#endif
#ifdef wasm_percent_STACK_BYTES
_Static_assert(wasm_percent_STACK_BYTES <= MODULE_STACK_BUDGET, "percent needs more stack than budgeted");
#endif
#ifdef wasm_init_STACK_BYTES
_Static_assert(wasm_init_STACK_BYTES <= MODULE_STACK_BUDGET, "init needs more stack than budgeted");
#endif

int main(void) {
    static const int32_t pid_inputs[][2] = {
        {Q16(1), 0}, {Q16(1), Q16(0.25)}, {Q16(1), Q16(0.75)}, {Q16(1), Q16(1.5)},
        {Q16(20), 0}, {Q16(-20), 0}, {0, 0},
    };
    static const int32_t fsm_events[][2] = {
        {0, 0}, {1, 0}, {0, 40000}, {0, 1000}, {0, 40000}, {0, 100},
        {2, 0}, {3, 0}, {1, 0}, {4, 0}, {1, 0}, {9, 0},
    };
    const uint8_t *mem = (const uint8_t *)wasm_memory;

    sh_puts("synth firmware example\n");
    wasm_init();
    sh_put_labelled("memory_size ", (int32_t)wasm_memory_size);
    sh_put_labelled("kp ", (int32_t)(mem[0] | mem[1] << 8 | mem[2] << 16 | (uint32_t)mem[3] << 24));

    wasm_pid_reset();
    for (unsigned i = 0; i < sizeof pid_inputs / sizeof pid_inputs[0]; i++)
        sh_put_labelled("pid ", wasm_pid_step(pid_inputs[i][0], pid_inputs[i][1]));

    for (unsigned i = 0; i < sizeof fsm_events / sizeof fsm_events[0]; i++)
        sh_put_labelled("fsm ", wasm_fsm_step(fsm_events[i][0], fsm_events[i][1]));

    host_reset();
    wasm_pid_reset();
    sh_put_labelled("run ", wasm_run(Q16(3), 40));

    sh_put_labelled("percent ", wasm_percent(37, 120));
    host_expect_trap(SYNTH_TRAP_INTEGER_DIVIDE_BY_ZERO);
    sh_put_labelled("percent ", wasm_percent(1, 0));
    sh_puts("no trap\n");
    return 1;
}
