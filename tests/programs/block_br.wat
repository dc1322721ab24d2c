;; block / br / br_if with and without values, nested labels
(module
  (func (export "first_nonzero") (param i32 i32 i32) (result i32)
    (block $out (result i32)
      (drop (br_if $out (local.get 0) (local.get 0)))
      (drop (br_if $out (local.get 1) (local.get 1)))
      (local.get 2)))
  (func (export "nested") (param i32) (result i32) (local $r i32)
    (block $a
      (block $b
        (block $c
          (br_if $c (i32.eq (local.get 0) (i32.const 0)))
          (br_if $b (i32.eq (local.get 0) (i32.const 1)))
          (br $a))
        (local.set $r (i32.add (local.get $r) (i32.const 1))))
      (local.set $r (i32.add (local.get $r) (i32.const 10))))
    (i32.add (local.get $r) (i32.const 100)))
  (func (export "br_value") (param i32) (result i32)
    (i32.add (i32.const 1)
      (block (result i32)
        (drop (br_if 0 (i32.const 5) (i32.lt_s (local.get 0) (i32.const 0))))
        (i32.const 7))))
)
