;; return from inside nested blocks and loops
(module
  (func (export "early") (param i32) (result i32)
    (block (block (loop
      (if (i32.gt_s (local.get 0) (i32.const 10)) (then (return (i32.const 1))))
      (if (i32.lt_s (local.get 0) (i32.const 0)) (then (return (i32.const 2))))
      (br 2))))
    (i32.const 3))
  (func (export "ret64") (param i64) (result i64)
    (if (i64.eqz (local.get 0)) (then (return (i64.const 0x1234567890))))
    (i64.mul (local.get 0) (i64.const 2)))
  (func (export "void_ret") (param i32) (result i32)
    (call $helper (local.get 0))
    (i32.const 8))
  (func $helper (param i32)
    (if (local.get 0) (then (return)))
    (nop))
)
