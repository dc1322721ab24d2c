/* Module for tests/test_debug_lines.py, compiled with clang --target=wasm32 -g -O1: the
 * test checks that addresses synth gives these lines map back to them (addr2line, objdump
 * -dS, gdb). Keep the LINE markers: the test finds the lines by them. */
extern int host_hit(int x);

__attribute__((noinline)) static int scale(int v) {
    int w = v * 3 + 1;          /* LINE scale_mul */
    return host_hit(w) + 2;     /* LINE scale_call */
}

__attribute__((noinline)) static int accumulate(int n) {
    int acc = 0;
    for (int i = 0; i < n; i++) {
        acc = acc * 31 + (i ^ n); /* LINE acc_loop */
    }
    return acc + scale(n);      /* LINE acc_call */
}

int lines_entry(int n) {
    int r = accumulate(n);      /* LINE entry_call */
    return r ^ 5;               /* LINE entry_xor */
}
