;; mixed i32/i64 signatures such as (i32, i64, i32, i64, i64), called directly and internally
(module
  (func $mix (param i32 i64 i32 i64 i64) (result i64)
    (i64.add (i64.add (i64.extend_i32_s (local.get 0)) (i64.mul (local.get 1) (i64.const 3)))
             (i64.add (i64.extend_i32_u (local.get 2)) (i64.sub (local.get 3) (local.get 4)))))
  (func (export "mix") (param i32 i64 i32 i64 i64) (result i64)
    (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "mix_last") (param i32 i64 i32 i64 i64) (result i64) (local.get 4))
  (func (export "mix_i32_after") (param i32 i32 i32 i64 i32) (result i32)
    ;; the i64 does not fit in r3 so it and the last i32 go on the stack
    (i32.add (local.get 4) (i32.wrap_i64 (local.get 3))))
  (func (export "odd_pair") (param i32 i64 i32) (result i32) (i32.sub (local.get 2) (local.get 0)))
  (func (export "internal") (param i32 i64) (result i64)
    (call $mix (local.get 0) (local.get 1) (i32.const -3) (i64.const 0x100000000) (local.get 1)))
)
