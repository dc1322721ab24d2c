;; i32.shr_u with variable counts (incl. >= 32, negative) and constant counts
(module
  (func (export "shr_u") (param i32 i32) (result i32) (i32.shr_u (local.get 0) (local.get 1)))
  (func (export "shr_u_0") (param i32) (result i32) (i32.shr_u (local.get 0) (i32.const 0)))
  (func (export "shr_u_1") (param i32) (result i32) (i32.shr_u (local.get 0) (i32.const 1)))
  (func (export "shr_u_31") (param i32) (result i32) (i32.shr_u (local.get 0) (i32.const 31)))
  (func (export "shr_u_32") (param i32) (result i32) (i32.shr_u (local.get 0) (i32.const 32)))
  (func (export "shr_u_33") (param i32) (result i32) (i32.shr_u (local.get 0) (i32.const 33)))
  (func (export "shr_u_m1") (param i32) (result i32) (i32.shr_u (local.get 0) (i32.const -1)))
  (func (export "const_by") (param i32) (result i32) (i32.shr_u (i32.const 0x80000001) (local.get 0)))
)
