;; i32.mul by constants 2^k+1 and 2^k-1 (one ADD/RSB with a shifted register), by other
;; constants (MUL), with the constant on either side, shared by several multiplies, and the
;; `h = h * 31 + c` string-hash shape in a loop
(module
  (memory 1)
  (data (i32.const 16) "synth multiplies by thirty-one")
  (func (export "mul3") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "mul9_left") (param i32) (result i32) (i32.mul (i32.const 9) (local.get 0)))
  (func (export "mul7") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 7)))
  (func (export "mul31") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 31)))
  (func (export "mul_2p31_plus1") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 0x80000001)))
  (func (export "mul_2p31_minus1") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 0x7fffffff)))
  (func (export "mul_minus1") (param i32) (result i32) (i32.mul (local.get 0) (i32.const -1)))
  (func (export "mul_minus3") (param i32) (result i32) (i32.mul (local.get 0) (i32.const -3)))
  (func (export "mul131") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 131)))
  (func (export "shared31") (param i32 i32) (result i32)
    (i32.xor (i32.mul (local.get 0) (i32.const 31)) (i32.mul (local.get 1) (i32.const 31))))
  (func (export "hash31") (param i32) (result i32)
    (local $h i32) (local $i i32)
    (local.set $h (local.get 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 30)))
        (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31))
                               (i32.load8_u offset=16 (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $h))
)
