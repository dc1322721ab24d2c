;; i64.rem_s
(module
  (func (export "rem_s") (param i64 i64) (result i64) (i64.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_s_7") (param i64) (result i64) (i64.rem_s (local.get 0) (i64.const 7)))
  (func (export "rem_s_m1") (param i64) (result i64) (i64.rem_s (local.get 0) (i64.const -1)))
  (func (export "rem_s_zero") (param i64) (result i64) (i64.rem_s (local.get 0) (i64.const 0)))
)
