;; i64.eq / ne / eqz
(module
  (func (export "eq") (param i64 i64) (result i32) (i64.eq (local.get 0) (local.get 1)))
  (func (export "ne") (param i64 i64) (result i32) (i64.ne (local.get 0) (local.get 1)))
  (func (export "eqz") (param i64) (result i32) (i64.eqz (local.get 0)))
  (func (export "eq_hi_only") (param i64) (result i32) (i64.eq (local.get 0) (i64.const 0x100000000)))
  (func (export "branch_eqz") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 11)) (else (i32.const 22))))
)
