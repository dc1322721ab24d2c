;; i32.wrap_i64
(module
  (func (export "wrap") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
  (func (export "wrap_shr") (param i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
  (func (export "wrap_add") (param i64 i64) (result i32) (i32.wrap_i64 (i64.add (local.get 0) (local.get 1))))
  (func (export "wrap_const") (result i32) (i32.wrap_i64 (i64.const 0x123456789abcdef0)))
)
