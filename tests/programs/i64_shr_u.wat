;; i64.shr_u with variable counts (incl. >= 64, 32-boundary, negative) and constant counts
(module
  (func (export "shr_u") (param i64 i64) (result i64) (i64.shr_u (local.get 0) (local.get 1)))
  (func (export "shr_u_0") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 0)))
  (func (export "shr_u_1") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 1)))
  (func (export "shr_u_31") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 31)))
  (func (export "shr_u_32") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 32)))
  (func (export "shr_u_33") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 33)))
  (func (export "shr_u_63") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 63)))
  (func (export "shr_u_64") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 64)))
  (func (export "shr_u_65") (param i64) (result i64) (i64.shr_u (local.get 0) (i64.const 65)))
  (func (export "const_by") (param i64) (result i64) (i64.shr_u (i64.const 0x8000000180000001) (local.get 0)))
)
