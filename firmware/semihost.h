/* Semihosting console for the firmware example: output goes to the debugger/qemu's stdout
 * (qemu: -semihosting-config enable=on,target=native), exit ends the qemu run. */
#ifndef FIRMWARE_SEMIHOST_H
#define FIRMWARE_SEMIHOST_H
#include <stdint.h>

/* Writes a NUL-terminated string. */
void sh_puts(const char *s);
/* Writes a signed decimal integer. */
void sh_put_int(int32_t v);
/* Writes `label`, the decimal value and a newline. */
void sh_put_labelled(const char *label, int32_t v);
/* Ends the program: qemu exits with status 0 (`failed` == 0) or 1. Never returns. */
__attribute__((noreturn)) void sh_exit(int failed);

#endif
