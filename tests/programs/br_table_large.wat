;; br_table with many targets and repeated labels
(module
  (func (export "days") (param i32) (result i32)
    (block $d31 (block $d30 (block $d28
      (br_table $d31 $d28 $d31 $d30 $d31 $d30 $d31 $d31 $d30 $d31 $d30 $d31 $d28
                (i32.sub (local.get 0) (i32.const 1))))
      (return (i32.const 28)))
      (return (i32.const 30)))
    (i32.const 31))
  (func (export "bucket") (param i32) (result i32) (local $r i32)
    (block $e (block $d (block $c (block $b (block $a
      (br_table $a $a $b $b $b $c $c $c $c $d $e (i32.and (local.get 0) (i32.const 15))))
      (local.set $r (i32.const 1)) (br $e))
      (local.set $r (i32.const 2)) (br $e))
      (local.set $r (i32.const 3)) (br $e))
      (local.set $r (i32.const 4)))
    (i32.add (local.get $r) (i32.const 10)))
)
