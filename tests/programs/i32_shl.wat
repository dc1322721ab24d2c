;; i32.shl with variable counts (incl. >= 32, negative) and constant counts
(module
  (func (export "shl") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
  (func (export "shl_0") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 0)))
  (func (export "shl_1") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1)))
  (func (export "shl_31") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 31)))
  (func (export "shl_32") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 32)))
  (func (export "shl_33") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 33)))
  (func (export "shl_m1") (param i32) (result i32) (i32.shl (local.get 0) (i32.const -1)))
  (func (export "const_by") (param i32) (result i32) (i32.shl (i32.const 0x80000001) (local.get 0)))
)
