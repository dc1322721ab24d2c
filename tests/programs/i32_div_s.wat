;; i32.div_s including divide-by-zero and INT_MIN/-1 overflow traps
(module
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_s_7") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 7)))
  (func (export "div_s_m1") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const -1)))
  (func (export "div_s_pow2") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 16)))
  (func (export "div_s_zero") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 0)))
  (func (export "const_min_by") (param i32) (result i32) (i32.div_s (i32.const 0x80000000) (local.get 0)))
)
