;; unsigned i32 comparisons, as values and as branch conditions
(module
  (func (export "lt_u") (param i32 i32) (result i32) (i32.lt_u (local.get 0) (local.get 1)))
  (func (export "le_u") (param i32 i32) (result i32) (i32.le_u (local.get 0) (local.get 1)))
  (func (export "gt_u") (param i32 i32) (result i32) (i32.gt_u (local.get 0) (local.get 1)))
  (func (export "ge_u") (param i32 i32) (result i32) (i32.ge_u (local.get 0) (local.get 1)))
  (func (export "gt_u_imm") (param i32) (result i32) (i32.gt_u (local.get 0) (i32.const 1000)))
  (func (export "branch_le_u") (param i32 i32) (result i32)
    (if (result i32) (i32.le_u (local.get 0) (local.get 1)) (then (i32.const 7)) (else (i32.const -7))))
)
