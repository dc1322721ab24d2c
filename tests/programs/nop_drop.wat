;; nop and drop of i32/i64 values and of call results
(module
  (func $side (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func (export "nops") (param i32) (result i32) (nop) (nop) (local.get 0) (nop) (i32.const 1) (nop) (i32.add))
  (func (export "drops") (param i32 i64) (result i32)
    (drop (local.get 1)) (drop (i32.div_u (local.get 0) (i32.const 3)))
    (drop (call $side (local.get 0)))
    (local.get 0))
  (func (export "drop_trap") (param i32) (result i32)
    ;; a dropped division still traps on zero
    (drop (i32.div_s (i32.const 10) (local.get 0)))
    (i32.const 1))
)
