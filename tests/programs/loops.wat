;; loop: counted loops, countdown, nested loops, loop with early exit
;; @args sum (0,) (1,) (10,) (1000,) (-5,)
;; @args nested (0, 0) (3, 4) (10, 10) (1, 20)
;; @args find_bit (0,) (1,) (0x80000000,) (0x100,) (-1,)
(module
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $s))
  (func (export "nested") (param i32 i32) (result i32) (local $i i32) (local $j i32) (local $s i32)
    (block $oe (loop $ol
      (br_if $oe (i32.ge_u (local.get $i) (local.get 0)))
      (local.set $j (i32.const 0))
      (block $ie (loop $il
        (br_if $ie (i32.ge_u (local.get $j) (local.get 1)))
        (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $il)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $ol)))
    (local.get $s))
  (func (export "find_bit") (param i32) (result i32) (local $i i32)
    (if (i32.eqz (local.get 0)) (then (return (i32.const -1))))
    (loop $l
      (if (i32.and (local.get 0) (i32.shl (i32.const 1) (local.get $i)))
        (then (return (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))
    (unreachable))
)
