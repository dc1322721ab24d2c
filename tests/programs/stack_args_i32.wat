;; exports and internal calls with more i32 arguments than registers
(module
  (func $f6 (param i32 i32 i32 i32 i32 i32) (result i32)
    (i32.add (i32.add (i32.mul (local.get 0) (i32.const 1)) (i32.mul (local.get 1) (i32.const 2)))
      (i32.add (i32.add (i32.mul (local.get 2) (i32.const 3)) (i32.mul (local.get 3) (i32.const 4)))
               (i32.add (i32.mul (local.get 4) (i32.const 5)) (i32.mul (local.get 5) (i32.const 6))))))
  (func (export "six") (param i32 i32 i32 i32 i32 i32) (result i32)
    (call $f6 (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)))
  (func (export "five_last") (param i32 i32 i32 i32 i32) (result i32) (local.get 4))
  (func (export "eight") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)
    (i32.sub (i32.xor (local.get 7) (local.get 6)) (i32.add (local.get 5) (local.get 0))))
  (func (export "call_reversed") (param i32 i32) (result i32)
    (call $f6 (local.get 1) (local.get 0) (i32.const 7) (i32.const -1) (local.get 1) (local.get 0)))
)
