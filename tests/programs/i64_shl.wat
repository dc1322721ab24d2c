;; i64.shl with variable counts (incl. >= 64, 32-boundary, negative) and constant counts
(module
  (func (export "shl") (param i64 i64) (result i64) (i64.shl (local.get 0) (local.get 1)))
  (func (export "shl_0") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 0)))
  (func (export "shl_1") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 1)))
  (func (export "shl_31") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 31)))
  (func (export "shl_32") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 32)))
  (func (export "shl_33") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 33)))
  (func (export "shl_63") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 63)))
  (func (export "shl_64") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 64)))
  (func (export "shl_65") (param i64) (result i64) (i64.shl (local.get 0) (i64.const 65)))
  (func (export "const_by") (param i64) (result i64) (i64.shl (i64.const 0x8000000180000001) (local.get 0)))
)
