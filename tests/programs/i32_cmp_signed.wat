;; signed i32 comparisons, as values and as branch conditions
(module
  (func (export "lt_s") (param i32 i32) (result i32) (i32.lt_s (local.get 0) (local.get 1)))
  (func (export "le_s") (param i32 i32) (result i32) (i32.le_s (local.get 0) (local.get 1)))
  (func (export "gt_s") (param i32 i32) (result i32) (i32.gt_s (local.get 0) (local.get 1)))
  (func (export "ge_s") (param i32 i32) (result i32) (i32.ge_s (local.get 0) (local.get 1)))
  (func (export "lt_s_imm") (param i32) (result i32) (i32.lt_s (local.get 0) (i32.const -5)))
  (func (export "branch_gt_s") (param i32 i32) (result i32)
    (if (result i32) (i32.gt_s (local.get 0) (local.get 1)) (then (i32.const 100)) (else (i32.const 200))))
)
