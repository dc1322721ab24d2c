;; i32.div_u including divide-by-zero trap
(module
  (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "div_u_10") (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 10)))
  (func (export "div_u_pow2") (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 256)))
  (func (export "div_u_max") (param i32) (result i32) (i32.div_u (local.get 0) (i32.const -1)))
  (func (export "div_u_zero") (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
)
