;; i64 arguments beyond the register pairs (8-byte aligned stack slots)
(module
  (func $f3 (param i64 i64 i64) (result i64)
    (i64.sub (i64.add (local.get 0) (i64.mul (local.get 1) (i64.const 3))) (local.get 2)))
  (func (export "three") (param i64 i64 i64) (result i64) (call $f3 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "third") (param i64 i64 i64) (result i64) (local.get 2))
  (func (export "five") (param i64 i64 i64 i64 i64) (result i64)
    (i64.xor (i64.add (local.get 4) (local.get 3)) (i64.rotl (local.get 2) (local.get 0))))
  (func (export "i32_then_i64s") (param i32 i64 i64) (result i64)
    ;; i32 in r0, first i64 in r2:r3 (r1 skipped), second i64 on the stack
    (i64.add (i64.extend_i32_s (local.get 0)) (i64.sub (local.get 1) (local.get 2))))
)
