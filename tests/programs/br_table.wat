;; br_table: dense switch, default for out-of-range and negative indices
(module
  (func (export "switch") (param i32) (result i32)
    (block $d (block $c3 (block $c2 (block $c1 (block $c0
      (br_table $c0 $c1 $c2 $c3 $d (local.get 0)))
      (return (i32.const 100)))
      (return (i32.const 101)))
      (return (i32.const 102)))
      (return (i32.const 103)))
    (i32.const -1))
  (func (export "with_value") (param i32) (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (br_table $a $b $a (i32.mul (local.get 0) (i32.const 3)) (local.get 0)))
      (i32.add (i32.const 1000))))
  (func (export "only_default") (param i32) (result i32)
    (block $x (br_table $x (local.get 0)))
    (i32.const 42))
)
