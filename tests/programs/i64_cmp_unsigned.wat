;; unsigned i64 comparisons
(module
  (func (export "lt_u") (param i64 i64) (result i32) (i64.lt_u (local.get 0) (local.get 1)))
  (func (export "le_u") (param i64 i64) (result i32) (i64.le_u (local.get 0) (local.get 1)))
  (func (export "gt_u") (param i64 i64) (result i32) (i64.gt_u (local.get 0) (local.get 1)))
  (func (export "ge_u") (param i64 i64) (result i32) (i64.ge_u (local.get 0) (local.get 1)))
  (func (export "max_u") (param i64 i64) (result i64)
    (select (local.get 0) (local.get 1) (i64.gt_u (local.get 0) (local.get 1))))
)
