/* Helpers shared by the libsynth C examples: whole-file I/O and names of the
 * synth_function_stats enumerations. */
#ifndef SYNTH_EXAMPLES_UTIL_H
#define SYNTH_EXAMPLES_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "synth.h"

/* Reads the whole file at path into a malloc'd buffer (NUL-terminated, the NUL not
 * counted in *len); NULL with a message on stderr when it cannot. */
uint8_t *read_file(const char *path, size_t *len);

/* Writes len bytes to path; 0 on success, -1 with a message on stderr. */
int write_file(const char *path, const void *data, size_t len);

/* "wasm", "runtime", "init", "trap", "thunk" or "?" for a SYNTH_FUNCTION_* value. */
const char *kind_name(uint32_t kind);

/* "none", "genuine", "spurious" or "?" for a SYNTH_SPILL_* value. */
const char *verdict_name(uint32_t verdict);

/* "base", "fallback" or "?" for a SYNTH_RUNG_* value. */
const char *rung_name(uint32_t rung);

/* Compiles path with opts; on success returns the result and fills *fs (malloc'd,
 * *n records, free it) and *module; on failure prints "<prog>: <path>: <message> (status: <status name>)"
 * and returns NULL. */
synth_result *compile_file(const char *prog, const char *path, const synth_options *opts,
                           synth_module_stats *module, synth_function_stats **fs, size_t *n);

#endif
