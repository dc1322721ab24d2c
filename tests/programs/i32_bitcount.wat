;; i32.clz / ctz / popcnt
(module
  (func (export "clz") (param i32) (result i32) (i32.clz (local.get 0)))
  (func (export "ctz") (param i32) (result i32) (i32.ctz (local.get 0)))
  (func (export "popcnt") (param i32) (result i32) (i32.popcnt (local.get 0)))
  (func (export "log2") (param i32) (result i32) (i32.sub (i32.const 31) (i32.clz (local.get 0))))
  (func (export "all") (param i32) (result i32)
    (i32.add (i32.mul (i32.clz (local.get 0)) (i32.const 10000))
             (i32.add (i32.mul (i32.ctz (local.get 0)) (i32.const 100)) (i32.popcnt (local.get 0)))))
)
