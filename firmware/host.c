/* Host side of firmware/controller.wat: the functions the module imports (plant model and
 * event log) and the strong synth_trap that replaces the object's weak default. */
#include <stdint.h>

#include "controller.h"
#include "host.h"
#include "semihost.h"

/* First-order plant, Q16.16: y += (u - y) / 8 (arithmetic shift, as firmware/expected.py). */
static int32_t plant_y;

void host_reset(void) { plant_y = 0; }

int32_t plant_update(int32_t u) {
    plant_y += (u - plant_y) >> 3;
    return plant_y;
}

void log_event(int32_t tick, int32_t state) {
    sh_puts("event tick=");
    sh_put_int(tick);
    sh_puts(" state=");
    sh_put_int(state);
    sh_puts("\n");
}

static uint32_t expected_trap;

void host_expect_trap(uint32_t code) { expected_trap = code; }

/* Trap handler: prints the trap code; the run passes only if main announced this trap. */
void synth_trap(uint32_t code) {
    sh_put_labelled("synth_trap ", (int32_t)code);
    sh_exit(code != expected_trap);
}
