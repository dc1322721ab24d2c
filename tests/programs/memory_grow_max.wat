;; memory.grow failure: no maximum still fails for absurd requests; size unchanged after failure
;; @args grow_fail (65536,) (0x7fffffff,) (-1,) (0,) (1,)
(module
  (memory 1 2)
  (func (export "grow_fail") (param i32) (result i32)
    (i32.add (i32.mul (memory.grow (local.get 0)) (i32.const 1000)) (memory.size)))
  (func (export "exhaust") (result i32)
    (i32.add (i32.add (i32.mul (memory.grow (i32.const 1)) (i32.const 100)) (i32.mul (memory.grow (i32.const 1)) (i32.const 10)))
             (memory.size)))
)
