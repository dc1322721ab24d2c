;; Example firmware module: a Q16.16 PI controller driving a simulated first-order plant,
;; plus CRC-32 over a message in linear memory. Compiled by scripts/demo.sh.
(module
  (import "env" "report" (func $report (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "synth: wasm on Cortex-M")
  (global $integral (mut i32) (i32.const 0))

  (func $qmul (param i32 i32) (result i32)
    (i32.wrap_i64 (i64.shr_s (i64.mul (i64.extend_i32_s (local.get 0)) (i64.extend_i32_s (local.get 1)))
                             (i64.const 16))))

  ;; one controller step: kp = 0.8, ki = 0.2 (Q16.16); output clamped to +-10.0
  (func $pi_step (export "pi_step") (param $setpoint i32) (param $measured i32) (result i32)
    (local $err i32) (local $out i32)
    (local.set $err (i32.sub (local.get $setpoint) (local.get $measured)))
    (global.set $integral (i32.add (global.get $integral) (call $qmul (local.get $err) (i32.const 0x3333))))
    (local.set $out (i32.add (call $qmul (local.get $err) (i32.const 0xcccc)) (global.get $integral)))
    (if (i32.gt_s (local.get $out) (i32.const 0xa0000)) (then (local.set $out (i32.const 0xa0000))))
    (if (i32.lt_s (local.get $out) (i32.const -0xa0000)) (then (local.set $out (i32.const -0xa0000))))
    (local.get $out))

  ;; simulate n steps of plant y += (u - y) / 4 towards setpoint; reports (step, y) every 5
  ;; steps through the host and returns the final y (Q16.16)
  (func (export "simulate") (param $setpoint i32) (param $n i32) (result i32)
    (local $y i32) (local $i i32) (local $u i32)
    (global.set $integral (i32.const 0))
    (block $done (loop $step
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $u (call $pi_step (local.get $setpoint) (local.get $y)))
      (local.set $y (i32.add (local.get $y) (i32.shr_s (i32.sub (local.get $u) (local.get $y)) (i32.const 2))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 5)))
        (then (call $report (local.get $i) (local.get $y))))
      (br $step)))
    (local.get $y))

  ;; CRC-32 (IEEE) of len bytes at ptr; returns the crc and the number of bytes hashed
  (func (export "crc32") (param $ptr i32) (param $len i32) (result i32 i32)
    (local $c i32) (local $i i32) (local $k i32)
    (local.set $c (i32.const -1))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $c (i32.xor (local.get $c) (i32.load8_u (i32.add (local.get $ptr) (local.get $i)))))
      (local.set $k (i32.const 8))
      (loop $b
        (local.set $c (i32.xor (i32.shr_u (local.get $c) (i32.const 1))
          (i32.and (i32.const 0xedb88320) (i32.sub (i32.const 0) (i32.and (local.get $c) (i32.const 1))))))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br_if $b (local.get $k)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i32.xor (local.get $c) (i32.const -1))
    (local.get $i))
)
