;; f32 arrays computed on the FPU: the same loops at addresses the compiler proves 4-aligned
;; (with an FPU: VLDR/VSTR straight to and from S registers) and at addresses it cannot
;; (odd constants, parameters: LDR/STR and VMOV, since VLDR/VSTR fault when unaligned).
(module
  (memory 1)
  ;; y[i] = a * i + b for i < 8 at base, then the sum of y[i] * y[i+1]
  (func $kernel (param $base i32) (param $a f32) (param $b f32) (result f32)
    (local $i i32) (local $acc f32)
    (loop $fill
      (f32.store (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))
        (f32.add (f32.mul (local.get $a) (f32.convert_i32_s (local.get $i))) (local.get $b)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 8))))
    (local.set $i (i32.const 0))
    (loop $dot
      (local.set $acc (f32.add (local.get $acc)
        (f32.mul (f32.load (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2))))
                 (f32.load offset=4 (i32.add (local.get $base) (i32.shl (local.get $i) (i32.const 2)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $dot (i32.lt_u (local.get $i) (i32.const 7))))
    (local.get $acc))
  ;; the same with the base a constant the compiler sees (inlined by hand)
  (func (export "dot_aligned") (param $a f32) (param $b f32) (result f32)
    (local $i i32) (local $acc f32)
    (loop $fill
      (f32.store offset=256 (i32.shl (local.get $i) (i32.const 2))
        (f32.add (f32.mul (local.get $a) (f32.convert_i32_s (local.get $i))) (local.get $b)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 8))))
    (local.set $i (i32.const 0))
    (loop $dot
      (local.set $acc (f32.add (local.get $acc)
        (f32.mul (f32.load offset=256 (i32.shl (local.get $i) (i32.const 2)))
                 (f32.load offset=260 (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $dot (i32.lt_u (local.get $i) (i32.const 7))))
    (local.get $acc))
  (func (export "dot_unaligned") (param $a f32) (param $b f32) (result f32)
    (local $i i32) (local $acc f32)
    (loop $fill
      (f32.store offset=257 (i32.shl (local.get $i) (i32.const 2))
        (f32.add (f32.mul (local.get $a) (f32.convert_i32_s (local.get $i))) (local.get $b)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 8))))
    (local.set $i (i32.const 0))
    (loop $dot
      (local.set $acc (f32.add (local.get $acc)
        (f32.mul (f32.load offset=257 (i32.shl (local.get $i) (i32.const 2)))
                 (f32.load offset=261 (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $dot (i32.lt_u (local.get $i) (i32.const 7))))
    (local.get $acc))
  ;; @args dot_at (2048, 1.5, -0.25) (2049, 1.5, -0.25) (2050, -3.0, 0.5) (4096, 0x7fa00001, 1.0) (65500, 2.0, 'inf')
  (func (export "dot_at") (param i32 f32 f32) (result f32)
    (call $kernel (local.get 0) (local.get 1) (local.get 2)))
  ;; @args vec_scale (0.5,) (-2.0,) ('nan',) (1e-40,)
  (func (export "vec_scale") (param $k f32) (result i32)
    ;; x[i] = bits(i) scaled in place: aligned loads and stores of VFP results
    (local $i i32) (local $h i32)
    (loop $init
      (i32.store offset=512 (i32.shl (local.get $i) (i32.const 2))
        (i32.add (i32.const 0x3f800000) (i32.mul (local.get $i) (i32.const 0x00123457))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $init (i32.lt_u (local.get $i) (i32.const 16))))
    (local.set $i (i32.const 0))
    (loop $scale
      (f32.store offset=512 (i32.shl (local.get $i) (i32.const 2))
        (f32.div (f32.load offset=512 (i32.shl (local.get $i) (i32.const 2))) (local.get $k)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $scale (i32.lt_u (local.get $i) (i32.const 16))))
    (local.set $i (i32.const 0))
    (loop $hash
      (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load offset=512 (i32.shl (local.get $i) (i32.const 2))))
                             (i32.const 16777619)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $hash (i32.lt_u (local.get $i) (i32.const 16))))
    (local.get $h))  ;; a loaded element carried to the next iteration (a loop parameter kept in an S register
  ;; whose argument is the load: VLDR straight into it), and a select between carried values
  (func (export "diff_carried") (param $a f32) (param $b f32) (result f32)
    (local $i i32) (local $prev f32) (local $cur f32) (local $acc f32)
    (loop $fill
      (f32.store offset=512 (i32.shl (local.get $i) (i32.const 2))
        (f32.add (f32.mul (local.get $a) (f32.convert_i32_s (local.get $i))) (local.get $b)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 8))))
    (local.set $i (i32.const 1))
    (local.set $prev (f32.load offset=512 (i32.const 0)))
    (loop $d
      (local.set $cur (f32.load offset=512 (i32.shl (local.get $i) (i32.const 2))))
      (local.set $acc (f32.add (local.get $acc)
        (select (f32.sub (local.get $cur) (local.get $prev)) (f32.neg (local.get $prev))
                (f32.gt (local.get $cur) (local.get $prev)))))
      (local.set $prev (local.get $cur))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $d (i32.lt_u (local.get $i) (i32.const 8))))
    (local.get $acc))
)
