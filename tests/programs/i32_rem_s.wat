;; i32.rem_s: sign follows the dividend, INT_MIN % -1 == 0, x % 0 traps
(module
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_s_7") (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const 7)))
  (func (export "rem_s_m1") (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const -1)))
  (func (export "rem_s_pow2") (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const 8)))
  (func (export "rem_s_zero") (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const 0)))
)
