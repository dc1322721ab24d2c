/* Hand-written C translation of firmware/controller.wat, line by line: the reference the
 * firmware example is validated against before (and independently of) synth. */
#include <stdint.h>

#include "controller.h"

uint8_t wasm_memory[65536] __attribute__((aligned(8)));
uint32_t wasm_memory_size;
int32_t wasm_state;
static int32_t integral, prev_err;

static const uint8_t data0[16] = {0x00, 0xc0, 0, 0, 0x00, 0x20, 0, 0, 0x00, 0x40, 0, 0, 0, 0, 0x08, 0};

static int32_t load32(uint32_t addr) {
    const uint8_t *p = &wasm_memory[addr];
    return (int32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
}

static int32_t qmul(int32_t a, int32_t b) { return (int32_t)(((int64_t)a * (int64_t)b) >> 16); }

void wasm_init(void) {
    wasm_memory_size = 65536;
    for (unsigned i = 0; i < sizeof data0; i++) wasm_memory[i] = data0[i];
}

void wasm_pid_reset(void) { integral = prev_err = 0; }

int32_t wasm_pid_step(int32_t setpoint, int32_t measured) {
    int32_t err = (int32_t)((uint32_t)setpoint - (uint32_t)measured);
    int32_t lim = load32(12);
    int32_t i = integral + qmul(err, load32(4));
    int32_t out = qmul(err, load32(0)) + i + qmul(err - prev_err, load32(8));
    prev_err = err;
    if (out > lim) return lim;
    if (out < -lim) return -lim;
    integral = i;
    return out;
}

int32_t wasm_fsm_step(int32_t event, int32_t abs_err) {
    switch ((uint32_t)event) {
    case 0:
        if (wasm_state == 1 && (uint32_t)abs_err < 3277u) wasm_state = 2;
        if (wasm_state == 2 && (uint32_t)abs_err > 32768u) wasm_state = 1;
        return wasm_state;
    case 1:
        if (wasm_state == 0) wasm_state = 1;
        return wasm_state;
    case 2:
        if (wasm_state != 3) wasm_state = 0;
        return wasm_state;
    case 4:
        wasm_state = 0;
        return wasm_state;
    default:
        wasm_state = 3;
        return wasm_state;
    }
}

int32_t wasm_run(int32_t setpoint, int32_t n) {
    int32_t y = 0;
    wasm_state = 0;
    (void)wasm_fsm_step(1, 0);
    log_event(0, wasm_state);
    for (int32_t tick = 1; tick <= n; tick++) {
        y = plant_update(wasm_pid_step(setpoint, y));
        int32_t err = setpoint - y;
        if (err < 0) err = -err;
        int32_t old = wasm_state;
        if (wasm_fsm_step(0, err) != old) log_event(tick, wasm_state);
    }
    return y;
}

int32_t wasm_percent(int32_t part, int32_t total) {
    if (total == 0) synth_trap(SYNTH_TRAP_INTEGER_DIVIDE_BY_ZERO);
    return part * 100 / total;
}
