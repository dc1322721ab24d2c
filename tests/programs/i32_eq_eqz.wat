;; i32.eq / ne / eqz
(module
  (func (export "eq") (param i32 i32) (result i32) (i32.eq (local.get 0) (local.get 1)))
  (func (export "ne") (param i32 i32) (result i32) (i32.ne (local.get 0) (local.get 1)))
  (func (export "eqz") (param i32) (result i32) (i32.eqz (local.get 0)))
  (func (export "eqz_eqz") (param i32) (result i32) (i32.eqz (i32.eqz (local.get 0))))
  (func (export "eq_imm") (param i32) (result i32) (i32.eq (local.get 0) (i32.const 0x80)))
  (func (export "cmp_sum") (param i32 i32) (result i32)
    (i32.add (i32.add (i32.eq (local.get 0) (local.get 1)) (i32.ne (local.get 0) (i32.const 0)))
             (i32.mul (i32.eqz (local.get 1)) (i32.const 4))))
)
