;; f32 values computed in S registers inside a loop (a select, a negation, a VFP-immediate
;; constant, an addition) and read by f32 operations after it: the exit block of the
;; `block` around the loop comes before the loop's blocks in the IR, so the compiler lowers
;; the use before the definition. Run with an FPU (tests/test_float_hard.py, test_float_fpv5.py,
;; test_armv8m.py): the use once read a core register the definition never wrote.
;; @args sel_after (0, 1.5, 2.5) (1, 1.5, 2.5) (2, 1.5, 2.5) (5, 0.25, -3.0) (8, -1.0, 0.5) (3, 'nan', 1.0)
;; @args neg_after (0, 1.5, 2.5) (1, 1.5, 2.5) (5, 0.25, -3.0) (8, -1.0, 0.5) (2, 'inf', 1.0)
;; @args add_after (0, 1.5, 2.5) (1, 1.5, 2.5) (5, 0.25, -3.0) (8, -1.0, 0.5)
;; @args const_after (0, 1.5) (1, 1.5) (4, -2.0) (7, 0.125)
;; @args abs_arg_after (0, -1.5) (3, -1.5) (6, 2.0)
;; @args cmpsel_after (0, 1.5, 2.5) (1, 1.5, 2.5) (5, 0.25, -3.0) (8, -1.0, 0.5) (3, 'nan', 1.0) (2, 1.0, 'nan')
;; @args min_after (0, 1.5, 2.5) (1, 1.5, 2.5) (5, 0.25, -3.0) (8, -1.0, 0.5) (3, 'nan', 1.0) (2, -0.0, 0.0)
(module
  ;; the select of the last iteration, doubled after the loop
  (func (export "sel_after") (param $n i32) (param $x f32) (param $y f32) (result f32)
    (local $acc f32) (local $i i32) (local $s f32)
    (block $done
      (loop $l
        (local.set $acc (f32.add (local.get $acc) (local.get $x)))
        (local.set $s (select (local.get $acc) (local.get $y) (i32.and (local.get $i) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (br $l)))
    (f32.mul (local.get $s) (f32.const 2)))
  ;; f32.neg (VNEG) of the accumulator, used after the loop
  (func (export "neg_after") (param $n i32) (param $x f32) (param $y f32) (result f32)
    (local $acc f32) (local $i i32) (local $s f32)
    (block $done
      (loop $l
        (local.set $acc (f32.add (local.get $acc) (local.get $x)))
        (local.set $s (f32.neg (local.get $acc)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (br $l)))
    (f32.sub (local.get $s) (local.get $y)))
  ;; the accumulator itself (VADD, which also writes a core copy)
  (func (export "add_after") (param $n i32) (param $x f32) (param $y f32) (result f32)
    (local $acc f32) (local $i i32)
    (block $done
      (loop $l
        (local.set $acc (f32.add (local.get $acc) (local.get $x)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (br $l)))
    (f32.mul (local.get $acc) (local.get $y)))
  ;; a VFP-immediate constant (VMOV.F32 #imm) defined in the loop, read after it
  (func (export "const_after") (param $n i32) (param $x f32) (result f32)
    (local $acc f32) (local $i i32) (local $c f32)
    (block $done
      (loop $l
        (local.set $c (f32.const 0.75))
        (local.set $acc (f32.add (local.get $acc) (local.get $x)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (br $l)))
    (f32.add (f32.mul (local.get $acc) (local.get $c)) (local.get $c)))
  ;; f32.abs of a parameter inside the loop (VABS), selected after it
  (func (export "abs_arg_after") (param $n i32) (param $x f32) (result f32)
    (local $acc f32) (local $i i32) (local $a f32)
    (block $done
      (loop $l
        (local.set $a (f32.abs (local.get $x)))
        (local.set $acc (f32.add (local.get $acc) (local.get $a)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (br $l)))
    (f32.div (select (local.get $a) (local.get $acc) (i32.gt_u (local.get $n) (i32.const 4))) (f32.const 4)))  ;; a select on an f32 comparison (VCMP flags, VCmpSelect in S registers) in the loop, read after it
  (func (export "cmpsel_after") (param $n i32) (param $x f32) (param $y f32) (result f32)
    (local $acc f32) (local $i i32) (local $s f32)
    (block $done
      (loop $l
        (local.set $acc (f32.add (local.get $acc) (local.get $x)))
        (local.set $s (select (local.get $acc) (local.get $y) (f32.lt (local.get $acc) (local.get $y))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (br $l)))
    (f32.mul (local.get $s) (f32.const 2)))
  ;; f32.min (VMinMax, result in a core register) in the loop, read by an f32 operation after it
  (func (export "min_after") (param $n i32) (param $x f32) (param $y f32) (result f32)
    (local $acc f32) (local $i i32) (local $m f32)
    (block $done
      (loop $l
        (local.set $acc (f32.add (local.get $acc) (local.get $x)))
        (local.set $m (f32.min (local.get $acc) (local.get $y)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (br $l)))
    (f32.add (local.get $m) (local.get $y)))
)
