;; i32.extend8_s / extend16_s
(module
  (func (export "extend8_s") (param i32) (result i32) (i32.extend8_s (local.get 0)))
  (func (export "extend16_s") (param i32) (result i32) (i32.extend16_s (local.get 0)))
  (func (export "both") (param i32) (result i32) (i32.extend16_s (i32.extend8_s (local.get 0))))
  (func (export "ext8_plus") (param i32 i32) (result i32) (i32.add (i32.extend8_s (local.get 0)) (local.get 1)))
)
