;; i64.extend_i32_s / extend_i32_u
(module
  (func (export "extend_s") (param i32) (result i64) (i64.extend_i32_s (local.get 0)))
  (func (export "extend_u") (param i32) (result i64) (i64.extend_i32_u (local.get 0)))
  (func (export "combine") (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get 0)) (i64.const 32)) (i64.extend_i32_u (local.get 1))))
  (func (export "roundtrip") (param i32) (result i32) (i32.wrap_i64 (i64.extend_i32_s (local.get 0))))
)
