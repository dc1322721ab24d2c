;; i32.shr_s with variable counts (incl. >= 32, negative) and constant counts
(module
  (func (export "shr_s") (param i32 i32) (result i32) (i32.shr_s (local.get 0) (local.get 1)))
  (func (export "shr_s_0") (param i32) (result i32) (i32.shr_s (local.get 0) (i32.const 0)))
  (func (export "shr_s_1") (param i32) (result i32) (i32.shr_s (local.get 0) (i32.const 1)))
  (func (export "shr_s_31") (param i32) (result i32) (i32.shr_s (local.get 0) (i32.const 31)))
  (func (export "shr_s_32") (param i32) (result i32) (i32.shr_s (local.get 0) (i32.const 32)))
  (func (export "shr_s_33") (param i32) (result i32) (i32.shr_s (local.get 0) (i32.const 33)))
  (func (export "shr_s_m1") (param i32) (result i32) (i32.shr_s (local.get 0) (i32.const -1)))
  (func (export "const_by") (param i32) (result i32) (i32.shr_s (i32.const 0x80000001) (local.get 0)))
)
