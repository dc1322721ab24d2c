;; The wasm module of the qemu_app example: compiled by synthc (prefix `sensor_`) into
;; sensor.o + sensor.h and linked into main.c for qemu's mps2-an386 (Cortex-M4).
(module
  (import "env" "log_value" (func $log_value (param i32)))
  (memory 1)
  (data (i32.const 16) "synth on cortex-m")
  (global $samples (mut i32) (i32.const 0))
  ;; fib(n), iteratively
  (func (export "fib") (param $n i32) (result i32) (local $a i32) (local $b i32) (local $t i32)
    (local.set $b (i32.const 1))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $t (i32.add (local.get $a) (local.get $b)))
      (local.set $a (local.get $b))
      (local.set $b (local.get $t))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $a))
  ;; Fletcher-16 of len bytes of linear memory at ptr
  (func (export "fletcher16") (param $ptr i32) (param $len i32) (result i32) (local $s1 i32) (local $s2 i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $len)))
      (local.set $s1 (i32.rem_u (i32.add (local.get $s1) (i32.load8_u (local.get $ptr))) (i32.const 255)))
      (local.set $s2 (i32.rem_u (i32.add (local.get $s2) (local.get $s1)) (i32.const 255)))
      (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
      (local.set $len (i32.sub (local.get $len) (i32.const 1)))
      (br $next)))
    (i32.or (i32.shl (local.get $s2) (i32.const 8)) (local.get $s1)))
  ;; x * num / den in 64 bits (i64.div_s: libgcc's __aeabi_ldivmod); counts samples, logs the result
  (func (export "scale") (param $x i64) (param $num i64) (param $den i64) (result i64) (local $r i64)
    (global.set $samples (i32.add (global.get $samples) (i32.const 1)))
    (local.set $r (i64.div_s (i64.mul (local.get $x) (local.get $num)) (local.get $den)))
    (call $log_value (i32.wrap_i64 (local.get $r)))
    (local.get $r))
  (func (export "samples") (result i32) (global.get $samples))
  ;; clamp(x, lo, hi)
  (func (export "clamp") (param $x i32) (param $lo i32) (param $hi i32) (result i32)
    (select (local.get $lo)
      (select (local.get $hi) (local.get $x) (i32.gt_s (local.get $x) (local.get $hi)))
      (i32.lt_s (local.get $x) (local.get $lo))))
)
