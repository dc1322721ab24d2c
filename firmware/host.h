/* Firmware-side helpers of host.c (the module's imports are declared by controller.h). */
#ifndef FIRMWARE_HOST_H
#define FIRMWARE_HOST_H
#include <stdint.h>

/* Resets the simulated plant to y = 0. */
void host_reset(void);
/* Declares that the next trap must have this code (the run then ends successfully). */
void host_expect_trap(uint32_t code);

#endif
