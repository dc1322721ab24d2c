;; i64 constants of every shape and mixed i32/i64 arithmetic
(module
  (func (export "c0") (result i64) (i64.const 0))
  (func (export "cm1") (result i64) (i64.const -1))
  (func (export "cmin") (result i64) (i64.const 0x8000000000000000))
  (func (export "cmax") (result i64) (i64.const 0x7fffffffffffffff))
  (func (export "chi") (result i64) (i64.const 0xdeadbeef00000000))
  (func (export "clo") (result i64) (i64.const 0x00000000cafef00d))
  (func (export "mix") (param i32 i64) (result i64)
    (i64.add (i64.extend_i32_s (i32.mul (local.get 0) (i32.const 3))) (i64.mul (local.get 1) (i64.const -2))))
)
