;; i64.div_u including traps
(module
  (func (export "div_u") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
  (func (export "div_u_10") (param i64) (result i64) (i64.div_u (local.get 0) (i64.const 10)))
  (func (export "div_u_2p32") (param i64) (result i64) (i64.div_u (local.get 0) (i64.const 0x100000000)))
  (func (export "div_u_zero") (param i64) (result i64) (i64.div_u (local.get 0) (i64.const 0)))
)
