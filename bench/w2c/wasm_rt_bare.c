/* A bare-metal runtime for wasm2c (1.0.32) modules in the benchmark.
 *
 * wabt's own runtime (wasm-rt-impl.c) allocates linear memory with mmap, catches
 * out-of-bounds accesses with signal handlers and registers function types with malloc:
 * none of that exists on a Cortex-M. This one provides, for one module instance:
 * - linear memory from a static buffer of WASM_RT_BARE_MEMORY_PAGES 64 KiB pages (the
 *   bench kernels declare 2: clang -Wl,--initial-memory=131072) in .bss, zero at start-up
 *   as synth's linear memory is (so one instance per boot: a second allocation traps);
 *   growing past the buffer fails (memory.grow returns -1), a larger initial size traps;
 * - funcref/externref tables from static pools (WASM_RT_BARE_TABLE_ELEMENTS in all);
 * - function-type registration in a fixed table (call_indirect compares the indices);
 * - wasm_rt_trap: calls synth_trap(code) (the emulator's trap hook, as for synth's
 *   objects) and spins if it returns.
 * - memcpy, memset and memmove as byte loops: the generated code calls them only while
 *   instantiating (data segments; memory.fill/copy would too), and newlib's are tuned for
 *   speed (libc_nano's memcpy is 308 bytes on ARMv7E-M), which would inflate the size
 *   figures with code a size-minded firmware would not pick.
 * Exceptions (wasm_rt_throw and friends) are not provided: a module using them fails to
 * link, loudly. Build with WASM_RT_USE_STACK_DEPTH_COUNT=0 (no call-depth counter, like
 * synth without --stack-check) and either explicit bounds checks
 * (WASM_RT_MEMCHECK_SIGNAL_HANDLER=0) or none (=1 with WASM_RT_SKIP_SIGNAL_RECOVERY=1).
 */

#include <stdarg.h>

#include "wasm-rt.h"

#ifndef WASM_RT_BARE_MEMORY_PAGES
#define WASM_RT_BARE_MEMORY_PAGES 2
#endif
#ifndef WASM_RT_BARE_TABLE_ELEMENTS
#define WASM_RT_BARE_TABLE_ELEMENTS 64
#endif
#ifndef WASM_RT_BARE_FUNC_TYPES
#define WASM_RT_BARE_FUNC_TYPES 16
#endif
/* Parameters plus results of one registered function type, at most. */
#define WASM_RT_BARE_TYPE_ARITY 16

#define WASM_PAGE_SIZE 65536u

/* The trap hook the bench harness (tests/harness/link.py) defines. */
extern void synth_trap(uint32_t code);

static uint8_t g_memory[WASM_RT_BARE_MEMORY_PAGES * WASM_PAGE_SIZE] __attribute__((aligned(8)));
static bool g_memory_taken;

static wasm_rt_funcref_t g_funcrefs[WASM_RT_BARE_TABLE_ELEMENTS];
static wasm_rt_externref_t g_externrefs[WASM_RT_BARE_TABLE_ELEMENTS];
static uint32_t g_funcrefs_used, g_externrefs_used;

typedef struct {
  uint8_t params, results;
  uint8_t types[WASM_RT_BARE_TYPE_ARITY];
} bare_func_type_t;
static bare_func_type_t g_func_types[WASM_RT_BARE_FUNC_TYPES];
static uint32_t g_func_type_count;

void wasm_rt_trap(wasm_rt_trap_t code) {
  synth_trap((uint32_t)code);
  for (;;) {
  }
}

void wasm_rt_init(void) {}

bool wasm_rt_is_initialized(void) {
  return true;
}

void wasm_rt_free(void) {}

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  bare_func_type_t t;
  uint32_t i;
  va_list ap;
  if (params + results > WASM_RT_BARE_TYPE_ARITY)
    wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  t.params = (uint8_t)params;
  t.results = (uint8_t)results;
  va_start(ap, results);
  for (i = 0; i < params + results; i++)
    t.types[i] = (uint8_t)va_arg(ap, int);
  va_end(ap);
  for (i = 0; i < g_func_type_count; i++) {
    bare_func_type_t* u = &g_func_types[i];
    uint32_t j = 0;
    if (u->params != t.params || u->results != t.results)
      continue;
    while (j < params + results && u->types[j] == t.types[j])
      j++;
    if (j == params + results)
      return i + 1;
  }
  if (g_func_type_count == WASM_RT_BARE_FUNC_TYPES)
    wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  g_func_types[g_func_type_count] = t;
  return ++g_func_type_count;
}

void wasm_rt_allocate_memory(wasm_rt_memory_t* memory, uint32_t initial_pages, uint32_t max_pages) {
  if (g_memory_taken || initial_pages > WASM_RT_BARE_MEMORY_PAGES)
    wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  g_memory_taken = true;
  /* g_memory is in .bss: zero at start-up, like synth's linear memory. */
  memory->data = g_memory;
  memory->pages = initial_pages;
  memory->max_pages = max_pages;
  memory->size = initial_pages * WASM_PAGE_SIZE;
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* memory, uint32_t delta) {
  uint32_t old = memory->pages;
  if (delta > memory->max_pages - old || delta > WASM_RT_BARE_MEMORY_PAGES - old)
    return UINT32_MAX;
  /* The new pages were never used (memory does not shrink): still zero from .bss. */
  memory->pages = old + delta;
  memory->size = memory->pages * WASM_PAGE_SIZE;
  return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t* memory) {
  (void)memory; /* the buffer stays taken: a second instance would see stale bytes */
}

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t* table, uint32_t elements, uint32_t max_elements) {
  if (elements > WASM_RT_BARE_TABLE_ELEMENTS - g_funcrefs_used)
    wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  table->data = &g_funcrefs[g_funcrefs_used];
  g_funcrefs_used += elements;
  for (uint32_t i = 0; i < elements; i++)
    table->data[i] = wasm_rt_funcref_null_value;
  table->size = elements;
  /* A table cannot grow past its slice of the pool. */
  table->max_size = elements < max_elements ? elements : max_elements;
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t* table) {
  (void)table;
}

void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t* table, uint32_t elements, uint32_t max_elements) {
  if (elements > WASM_RT_BARE_TABLE_ELEMENTS - g_externrefs_used)
    wasm_rt_trap(WASM_RT_TRAP_EXHAUSTION);
  table->data = &g_externrefs[g_externrefs_used];
  g_externrefs_used += elements;
  for (uint32_t i = 0; i < elements; i++)
    table->data[i] = wasm_rt_externref_null_value;
  table->size = elements;
  table->max_size = elements < max_elements ? elements : max_elements;
}

void wasm_rt_free_externref_table(wasm_rt_externref_table_t* table) {
  (void)table;
}

uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t* table, uint32_t delta, wasm_rt_funcref_t init) {
  (void)init;
  if (delta == 0)
    return table->size;
  (void)table;
  return UINT32_MAX; /* tables live in fixed slices of the pool */
}

uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t* table, uint32_t delta, wasm_rt_externref_t init) {
  (void)init;
  if (delta == 0)
    return table->size;
  return UINT32_MAX;
}

/* Byte loops, kept as loops: without the attribute gcc turns them back into calls to
 * themselves. */
#define BARE_STRING_FN __attribute__((optimize("no-tree-loop-distribute-patterns")))

BARE_STRING_FN void* memcpy(void* restrict dest, const void* restrict src, size_t n) {
  uint8_t* d = dest;
  const uint8_t* s = src;
  while (n--)
    *d++ = *s++;
  return dest;
}

BARE_STRING_FN void* memset(void* dest, int c, size_t n) {
  uint8_t* d = dest;
  while (n--)
    *d++ = (uint8_t)c;
  return dest;
}

BARE_STRING_FN void* memmove(void* dest, const void* src, size_t n) {
  uint8_t* d = dest;
  const uint8_t* s = src;
  if (d < s) {
    while (n--)
      *d++ = *s++;
  } else {
    while (n--)
      d[n] = s[n];
  }
  return dest;
}
