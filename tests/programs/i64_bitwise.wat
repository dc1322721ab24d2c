;; i64.and / or / xor
(module
  (func (export "and") (param i64 i64) (result i64) (i64.and (local.get 0) (local.get 1)))
  (func (export "or") (param i64 i64) (result i64) (i64.or (local.get 0) (local.get 1)))
  (func (export "xor") (param i64 i64) (result i64) (i64.xor (local.get 0) (local.get 1)))
  (func (export "not") (param i64) (result i64) (i64.xor (local.get 0) (i64.const -1)))
  (func (export "and_lo") (param i64) (result i64) (i64.and (local.get 0) (i64.const 0xffffffff)))
  (func (export "or_hi") (param i64) (result i64) (i64.or (local.get 0) (i64.const 0x8000000000000000)))
  (func (export "xor_mixed") (param i64) (result i64) (i64.xor (local.get 0) (i64.const 0x0123456789abcdef)))
)
