;; f32.min/max (on the FPU with --fpu: VCMP/VMRS and IT-predicated moves) and selects on
;; f32 comparisons, at the edges: zeros of both signs, NaNs (canonical, arithmetic with
;; payloads, signalling, both signs), infinities, subnormals.
;; @args min (0.0, -0.0) (-0.0, 0.0) (-0.0, -0.0) (0.0, 0.0) ('nan', 1.0) (1.0, 'nan') (0x7fa00001, 2.0) (2.0, 0xffa00001) (0x7fc00001, 0xffc00002) (0xffc00000, 0x7fc00000) ('inf', '-inf') ('-inf', 'inf') ('inf', 'inf') (1e-45, -1e-45) (3.5, 3.5) (-3.5, 2.0) (2.0, -3.5) (0x7fa00001, 0x7fc00003) (0x7fc00003, 0x7fa00001)
;; @args max (0.0, -0.0) (-0.0, 0.0) (-0.0, -0.0) (0.0, 0.0) ('nan', 1.0) (1.0, 'nan') (0x7fa00001, 2.0) (2.0, 0xffa00001) (0x7fc00001, 0xffc00002) (0xffc00000, 0x7fc00000) ('inf', '-inf') ('-inf', 'inf') ('inf', 'inf') (1e-45, -1e-45) (3.5, 3.5) (-3.5, 2.0) (2.0, -3.5) (0x7fa00001, 0x7fc00003) (0x7fc00003, 0x7fa00001)
;; @args minmax_chain (1.0, 2.0, -0.0) (0.0, -0.0, 'nan') ('inf', 0x7fa00001, 1.0) (-1.0, -2.0, -3.0) (0x80000001, 0.0, -0.0)
(module
  (func (export "min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
  (func (export "max") (param f32 f32) (result f32) (f32.max (local.get 0) (local.get 1)))
  ;; Results feeding more FPU arithmetic and the operands reused after.
  (func (export "minmax_chain") (param f32 f32 f32) (result f32 f32)
    (f32.add (f32.min (local.get 0) (local.get 1)) (f32.max (local.get 1) (local.get 2)))
    (f32.mul (f32.max (f32.min (local.get 0) (local.get 2)) (local.get 1)) (local.get 0)))
  ;; Selects whose condition is an f32 comparison, of f32 and of i32 values.
  (func (export "sel_lt") (param f32 f32) (result f32)
    (select (local.get 0) (local.get 1) (f32.lt (local.get 0) (local.get 1))))
  (func (export "sel_ge_i") (param f32 f32 i32 i32) (result i32)
    (select (local.get 2) (local.get 3) (f32.ge (local.get 0) (local.get 1))))
  (func (export "sel_eq") (param f32 f32) (result f32)
    (select (f32.add (local.get 0) (local.get 1)) (f32.sub (local.get 0) (local.get 1))
            (f32.eq (local.get 0) (local.get 1))))
  (func (export "sel_ne_i") (param f32 f32 i32 i32) (result i32)
    (select (local.get 2) (local.get 3) (f32.ne (local.get 0) (local.get 1))))
  (func (export "sel_gt_not") (param f32 f32) (result f32)
    (select (local.get 0) (local.get 1) (i32.eqz (f32.gt (local.get 0) (local.get 1)))))
  (func (export "sel_le") (param f32 f32) (result f32)
    (select (local.get 1) (local.get 0) (f32.le (local.get 0) (local.get 1))))
)
