;; i32.and / or / xor, with immediates that are and are not Thumb-2 modified immediates
(module
  (func (export "and") (param i32 i32) (result i32) (i32.and (local.get 0) (local.get 1)))
  (func (export "or") (param i32 i32) (result i32) (i32.or (local.get 0) (local.get 1)))
  (func (export "xor") (param i32 i32) (result i32) (i32.xor (local.get 0) (local.get 1)))
  (func (export "not") (param i32) (result i32) (i32.xor (local.get 0) (i32.const -1)))
  (func (export "and_ff") (param i32) (result i32) (i32.and (local.get 0) (i32.const 0xff)))
  (func (export "and_odd") (param i32) (result i32) (i32.and (local.get 0) (i32.const 0x12345678)))
  (func (export "or_imm") (param i32) (result i32) (i32.or (local.get 0) (i32.const 0x00ff00ff)))
  (func (export "xor_imm") (param i32) (result i32) (i32.xor (local.get 0) (i32.const 0x80000001)))
  (func (export "andn") (param i32 i32) (result i32)
    (i32.and (local.get 0) (i32.xor (local.get 1) (i32.const -1))))
)
