;; i64 selects on i64 comparisons of every condition (fused: flags, then one IT block moving
;; both halves), on i32 conditions and bit tests, with the result reusing an operand
;; @args cmp_all (0, 0) (1, 2) (-1, 1) (4294967296, 4294967295) (-9223372036854775808, 9223372036854775807) (7, 7) (-5, -4)
;; @args on_i32 (0, 5, -6) (1, 5, -6) (-2, 4294967296, 1) (3, -1, 0)
;; @args modsub (10, 3, 7) (2, 3, 7) (6, 0, 7) (18446744073709551615, 1, 9223372036854775807)
(module
  (func (export "cmp_all") (param i64 i64) (result i64) (local $acc i64)
    (local.set $acc
      (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (select (i64.add (local.get 0) (i64.const 1)) (i64.sub (local.get 1) (i64.const 0)) (i64.eq (local.get 0) (local.get 1)))))
    (local.set $acc
      (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (select (i64.add (local.get 0) (i64.const 2)) (i64.sub (local.get 1) (i64.const 3)) (i64.ne (local.get 0) (local.get 1)))))
    (local.set $acc
      (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (select (i64.add (local.get 0) (i64.const 3)) (i64.sub (local.get 1) (i64.const 6)) (i64.lt_s (local.get 0) (local.get 1)))))
    (local.set $acc
      (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (select (i64.add (local.get 0) (i64.const 4)) (i64.sub (local.get 1) (i64.const 9)) (i64.lt_u (local.get 0) (local.get 1)))))
    (local.set $acc
      (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (select (i64.add (local.get 0) (i64.const 5)) (i64.sub (local.get 1) (i64.const 12)) (i64.le_s (local.get 0) (local.get 1)))))
    (local.set $acc
      (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (select (i64.add (local.get 0) (i64.const 6)) (i64.sub (local.get 1) (i64.const 15)) (i64.le_u (local.get 0) (local.get 1)))))
    (local.set $acc
      (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (select (i64.add (local.get 0) (i64.const 7)) (i64.sub (local.get 1) (i64.const 18)) (i64.gt_s (local.get 0) (local.get 1)))))
    (local.set $acc
      (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (select (i64.add (local.get 0) (i64.const 8)) (i64.sub (local.get 1) (i64.const 21)) (i64.gt_u (local.get 0) (local.get 1)))))
    (local.set $acc
      (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (select (i64.add (local.get 0) (i64.const 9)) (i64.sub (local.get 1) (i64.const 24)) (i64.ge_s (local.get 0) (local.get 1)))))
    (local.set $acc
      (i64.xor (i64.rotl (local.get $acc) (i64.const 7)) (select (i64.add (local.get 0) (i64.const 10)) (i64.sub (local.get 1) (i64.const 27)) (i64.ge_u (local.get 0) (local.get 1)))))
    (local.get $acc))
  (func (export "on_i32") (param i32 i64 i64) (result i64)
    (i64.add
      (select (local.get 1) (local.get 2) (local.get 0))
      (i64.add
        (select (local.get 2) (i64.const 0) (i32.and (local.get 0) (i32.const 2)))
        (select (i64.const -1) (local.get 1) (i32.lt_s (local.get 0) (i32.const 1))))))
  ;; a + b >= m ? a + b - m : a + b (the select of m or 0 then a subtraction, as clang writes it)
  (func (export "modsub") (param i64 i64 i64) (result i64) (local $s i64)
    (local.set $s (i64.add (local.get 0) (local.get 1)))
    (i64.sub (local.get $s) (select (local.get 2) (i64.const 0) (i64.ge_u (local.get $s) (local.get 2)))))
  (func (export "f64sel") (param f64 f64 i64) (result f64)
    (select (local.get 0) (local.get 1) (i64.gt_s (local.get 2) (i64.const 5))))
)
