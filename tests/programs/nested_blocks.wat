;; deep nesting of blocks, ifs and loops
;; @args deep (0,) (1,) (2,) (3,) (5,) (100,) (-1,)
(module
  (func (export "deep") (param i32) (result i32) (local $acc i32) (local $i i32)
    (block $x
      (loop $l
        (block $y
          (if (i32.ge_s (local.get $i) (local.get 0)) (then (br $x)))
          (block $z
            (if (i32.and (local.get $i) (i32.const 1))
              (then (local.set $acc (i32.add (local.get $acc) (i32.const 3))) (br $z))
              (else (local.set $acc (i32.sub (local.get $acc) (i32.const 1)))))
            (if (i32.eq (local.get $i) (i32.const 4)) (then (br $y)))
            (local.set $acc (i32.mul (local.get $acc) (i32.const 2))))
          (local.set $acc (i32.xor (local.get $acc) (i32.const 0x5a))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_s (local.get $i) (i32.const 50)))))
    (local.get $acc))
)
