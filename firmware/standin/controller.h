/* Hand-written C stand-in for the header synth generates from firmware/controller.wat
 * (same symbols, per docs/ABI.md with prefix wasm_). Used by //firmware:app_reference. */
#ifndef WASM_H_INCLUDED
#define WASM_H_INCLUDED
#include <stdint.h>

#define SYNTH_TRAP_INTEGER_DIVIDE_BY_ZERO 3u

void synth_trap(uint32_t code);
void wasm_init(void);
extern uint8_t wasm_memory[];
extern uint32_t wasm_memory_size;
void wasm_pid_reset(void);
int32_t wasm_pid_step(int32_t setpoint, int32_t measured);
int32_t wasm_fsm_step(int32_t event, int32_t abs_err);
int32_t wasm_run(int32_t setpoint, int32_t n);
int32_t wasm_percent(int32_t part, int32_t total);
extern int32_t wasm_state;
int32_t plant_update(int32_t u);
void log_event(int32_t tick, int32_t state);

#endif
