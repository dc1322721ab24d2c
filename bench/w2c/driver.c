/* Instantiates the wasm2c module the bench builds as "kernel" (wasm2c -n kernel) in a
 * static instance: bench_w2c_init (run first, not counted, like synth's wasm_init) sets up
 * the runtime, the module and the instance; the harness then calls the export
 * Z_kernelZ_run(&bench_w2c_instance) directly. */

#include "kernel.h"

Z_kernel_instance_t bench_w2c_instance;

void bench_w2c_init(void) {
  wasm_rt_init();
  Z_kernel_init_module();
  Z_kernel_instantiate(&bench_w2c_instance);
}
