;; @limit 20000
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mul64") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "pair") (param i32 i64) (result i32 i64)
    (i32.add (local.get 0) (i32.const 1)) (i64.sub (local.get 1) (i64.const 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "loop") (param i32) (result i32) (local.get 0))
)
