;; i64.add / sub / mul with carries across the word boundary
(module
  (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
  (func (export "sub") (param i64 i64) (result i64) (i64.sub (local.get 0) (local.get 1)))
  (func (export "mul") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  (func (export "neg") (param i64) (result i64) (i64.sub (i64.const 0) (local.get 0)))
  (func (export "add_imm") (param i64) (result i64) (i64.add (local.get 0) (i64.const 0x1_0000_0001)))
  (func (export "sub_imm") (param i64) (result i64) (i64.sub (local.get 0) (i64.const 1)))
  (func (export "mul_imm") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 1000000007)))
  (func (export "mul_wide") (param i32 i32) (result i64)
    (i64.mul (i64.extend_i32_u (local.get 0)) (i64.extend_i32_u (local.get 1))))
  (func (export "madd") (param i64 i64 i64) (result i64)
    (i64.add (i64.mul (local.get 0) (local.get 1)) (local.get 2)))
)
