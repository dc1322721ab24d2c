;; i32.rotl with variable counts (incl. >= 32, negative) and constant counts
(module
  (func (export "rotl") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
  (func (export "rotl_0") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const 0)))
  (func (export "rotl_1") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const 1)))
  (func (export "rotl_31") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const 31)))
  (func (export "rotl_32") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const 32)))
  (func (export "rotl_33") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const 33)))
  (func (export "rotl_m1") (param i32) (result i32) (i32.rotl (local.get 0) (i32.const -1)))
  (func (export "const_by") (param i32) (result i32) (i32.rotl (i32.const 0x80000001) (local.get 0)))
)
