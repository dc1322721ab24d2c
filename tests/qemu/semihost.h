/* Semihosting helpers provided by startup.c. */
#ifndef SEMIHOST_H
#define SEMIHOST_H
#include <stdint.h>
void sh_puts(const char *s);
void sh_put_i64(int64_t v);
void sh_exit(int failed) __attribute__((noreturn));
#endif
