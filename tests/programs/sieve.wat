;; sieve of Eratosthenes in linear memory, counts primes below n
;; @args primes (0,) (2,) (3,) (100,) (1000,) (10000,)
(module
  (memory 1)
  (func (export "primes") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $c i32)
    (memory.fill (i32.const 0) (i32.const 1) (local.get $n))
    (local.set $i (i32.const 2))
    (block $d (loop $l
      (br_if $d (i32.gt_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
      (if (i32.load8_u (local.get $i)) (then
        (local.set $j (i32.mul (local.get $i) (local.get $i)))
        (block $jd (loop $jl
          (br_if $jd (i32.ge_u (local.get $j) (local.get $n)))
          (i32.store8 (local.get $j) (i32.const 0))
          (local.set $j (i32.add (local.get $j) (local.get $i)))
          (br $jl)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.set $i (i32.const 2))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $c (i32.add (local.get $c) (i32.load8_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2)))
    (local.get $c))
)
