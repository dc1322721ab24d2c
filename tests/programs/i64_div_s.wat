;; i64.div_s including traps
(module
  (func (export "div_s") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "div_s_7") (param i64) (result i64) (i64.div_s (local.get 0) (i64.const 7)))
  (func (export "div_s_m1") (param i64) (result i64) (i64.div_s (local.get 0) (i64.const -1)))
  (func (export "div_s_big") (param i64) (result i64) (i64.div_s (local.get 0) (i64.const 0x100000001)))
  (func (export "div_s_zero") (param i64) (result i64) (i64.div_s (local.get 0) (i64.const 0)))
)
