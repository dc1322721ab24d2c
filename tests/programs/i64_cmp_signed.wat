;; signed i64 comparisons (high words decide, low words break ties)
(module
  (func (export "lt_s") (param i64 i64) (result i32) (i64.lt_s (local.get 0) (local.get 1)))
  (func (export "le_s") (param i64 i64) (result i32) (i64.le_s (local.get 0) (local.get 1)))
  (func (export "gt_s") (param i64 i64) (result i32) (i64.gt_s (local.get 0) (local.get 1)))
  (func (export "ge_s") (param i64 i64) (result i32) (i64.ge_s (local.get 0) (local.get 1)))
  (func (export "branch_lt_s") (param i64 i64) (result i64)
    (if (result i64) (i64.lt_s (local.get 0) (local.get 1)) (then (local.get 0)) (else (local.get 1))))
)
