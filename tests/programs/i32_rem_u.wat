;; i32.rem_u
(module
  (func (export "rem_u") (param i32 i32) (result i32) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "rem_u_10") (param i32) (result i32) (i32.rem_u (local.get 0) (i32.const 10)))
  (func (export "rem_u_pow2") (param i32) (result i32) (i32.rem_u (local.get 0) (i32.const 32)))
  (func (export "rem_u_zero") (param i32) (result i32) (i32.rem_u (local.get 0) (i32.const 0)))
  (func (export "divmod_check") (param i32 i32) (result i32)
    ;; (a / b) * b + a % b == a for nonzero b
    (i32.add (i32.mul (i32.div_u (local.get 0) (local.get 1)) (local.get 1))
             (i32.rem_u (local.get 0) (local.get 1))))
)
