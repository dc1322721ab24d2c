;; a br_table-driven state machine parsing a signed decimal number from memory
;; @args parse (0,) (1,) (2,) (3,) (4,) (5,)
(module
  (memory 1)
  (data (i32.const 0)   "  -1234;")
  (data (i32.const 16)  "+42;")
  (data (i32.const 32)  "99x;")
  (data (i32.const 48)  ";")
  (data (i32.const 64)  "2147483647;")
  (data (i32.const 80)  "--5;")
  ;; character classes: 0 space, 1 sign, 2 digit, 3 terminator ';', 4 other
  (func $class (param $c i32) (result i32)
    (if (i32.eq (local.get $c) (i32.const 32)) (then (return (i32.const 0))))
    (if (i32.or (i32.eq (local.get $c) (i32.const 43)) (i32.eq (local.get $c) (i32.const 45))) (then (return (i32.const 1))))
    (if (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)) (then (return (i32.const 2))))
    (if (i32.eq (local.get $c) (i32.const 59)) (then (return (i32.const 3))))
    (i32.const 4))
  ;; returns value, or 0x7fff0000 + state on a syntax error
  (func (export "parse") (param $which i32) (result i32)
    (local $p i32) (local $c i32) (local $state i32) (local $neg i32) (local $v i32)
    (local.set $p (i32.shl (i32.and (local.get $which) (i32.const 7)) (i32.const 4)))
    (loop $next
      (local.set $c (i32.load8_u (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      ;; state 0: leading spaces, 1: after sign, 2: in digits
      (block $err (block $s2 (block $s1 (block $s0
        (br_table $s0 $s1 $s2 $err (local.get $state)))
        ;; state 0
        (block $o0 (block $dig0 (block $sig0 (block $sp0
          (br_table $sp0 $sig0 $dig0 $err $err (call $class (local.get $c))))
          (br $next))
          (local.set $neg (i32.eq (local.get $c) (i32.const 45)))
          (local.set $state (i32.const 1))
          (br $next))
          (local.set $v (i32.sub (local.get $c) (i32.const 48)))
          (local.set $state (i32.const 2))
          (br $next))
        (br $err))
        ;; state 1
        (if (i32.eq (call $class (local.get $c)) (i32.const 2))
          (then (local.set $v (i32.sub (local.get $c) (i32.const 48))) (local.set $state (i32.const 2)) (br $next)))
        (br $err))
        ;; state 2
        (block $end (block $dig2
          (br_table $err $err $dig2 $end $err (call $class (local.get $c))))
          (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (i32.sub (local.get $c) (i32.const 48))))
          (br $next))
        (return (select (i32.sub (i32.const 0) (local.get $v)) (local.get $v) (local.get $neg))))
      (return (i32.add (i32.const 0x7fff0000) (local.get $state))))
    (unreachable))
)
