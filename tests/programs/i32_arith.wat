;; i32.add / sub / mul, with constants and wrap-around
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "sub") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func (export "mul") (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 1)))
  (func (export "neg") (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "add_imm") (param i32) (result i32) (i32.add (local.get 0) (i32.const 0x12345)))
  (func (export "sub_imm") (param i32) (result i32) (i32.sub (local.get 0) (i32.const -255)))
  (func (export "mul_imm") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 10)))
  (func (export "mul_pow2") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 64)))
  (func (export "big_const") (result i32) (i32.add (i32.const 0x7fffffff) (i32.const 0x12345678)))
  (func (export "madd") (param i32 i32 i32) (result i32)
    (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2)))
)
