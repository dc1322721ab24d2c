;; i64.clz / ctz / popcnt (results are i64)
(module
  (func (export "clz") (param i64) (result i64) (i64.clz (local.get 0)))
  (func (export "ctz") (param i64) (result i64) (i64.ctz (local.get 0)))
  (func (export "popcnt") (param i64) (result i64) (i64.popcnt (local.get 0)))
  (func (export "all") (param i64) (result i64)
    (i64.add (i64.mul (i64.clz (local.get 0)) (i64.const 10000))
             (i64.add (i64.mul (i64.ctz (local.get 0)) (i64.const 100)) (i64.popcnt (local.get 0)))))
)
