;; i64.rem_u
(module
  (func (export "rem_u") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "rem_u_10") (param i64) (result i64) (i64.rem_u (local.get 0) (i64.const 10)))
  (func (export "rem_u_big") (param i64) (result i64) (i64.rem_u (local.get 0) (i64.const 0xfffffffff)))
  (func (export "rem_u_zero") (param i64) (result i64) (i64.rem_u (local.get 0) (i64.const 0)))
)
