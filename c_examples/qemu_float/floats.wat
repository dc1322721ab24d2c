;; Float functions for the qemu_float example: C firmware built with -mfpu=fpv4-sp-d16
;; -mfloat-abi=softfp calls them (floats in core registers, docs/ABI.md); synth computes them
;; in software (AEABI functions from libgcc and its own helpers).
(module
  ;; two roundings, as C's a * b + c without contraction
  (func (export "mul_add") (param f32 f32 f32) (result f32)
    (f32.add (f32.mul (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "div") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
  (func (export "sqrt") (param f32) (result f32) (f32.sqrt (local.get 0)))
  (func (export "hypot") (param f64 f64) (result f64)
    (f64.sqrt (f64.add (f64.mul (local.get 0) (local.get 0)) (f64.mul (local.get 1) (local.get 1)))))
  ;; i32 in r0, f32 in r1, f64 in r2:r3, the last f32 on the stack
  (func (export "mix") (param i32 f32 f64 f32) (result f64)
    (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (f64.promote_f32 (local.get 1)))
             (f64.mul (local.get 2) (f64.promote_f32 (local.get 3)))))
  (func (export "to_int") (param f32) (result i32) (i32.trunc_sat_f32_s (local.get 0)))
  (func (export "demote") (param f64) (result f32) (f32.demote_f64 (local.get 0)))
  ;; bit-exact: a signalling NaN keeps its payload
  (func (export "copysign") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))
  (func (export "nearest") (param f64) (result f64) (f64.nearest (local.get 0)))
)
