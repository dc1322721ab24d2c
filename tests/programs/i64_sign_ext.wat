;; i64.extend8_s / extend16_s / extend32_s
(module
  (func (export "extend8_s") (param i64) (result i64) (i64.extend8_s (local.get 0)))
  (func (export "extend16_s") (param i64) (result i64) (i64.extend16_s (local.get 0)))
  (func (export "extend32_s") (param i64) (result i64) (i64.extend32_s (local.get 0)))
  (func (export "chain") (param i64) (result i64) (i64.extend32_s (i64.extend16_s (i64.extend8_s (local.get 0)))))
)
