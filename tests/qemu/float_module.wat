;; Exports and an import with floats, for tests/qemu/float_main.c built with
;; -mfloat-abi=hard (synth: --fpu fpv4-sp-d16 --float-abi hard): AAPCS-VFP at the boundary.
(module
  (import "env" "host_scale" (func $host_scale (param f32 i32 f64) (result f64)))
  ;; s0, r0, d1, s1 (back-filled)
  (func (export "fmix") (param f32 i32 f64 f32) (result f32)
    (f32.add (f32.mul (local.get 0) (f32.convert_i32_s (local.get 1)))
             (f32.add (f32.demote_f64 (local.get 2)) (local.get 3))))
  ;; d0-d7, then two on the stack
  (func (export "dsum") (param f64 f64 f64 f64 f64 f64 f64 f64 f64 f64) (result f64)
    (f64.add
      (f64.add (f64.add (f64.add (local.get 0) (local.get 1)) (f64.add (local.get 2) (local.get 3)))
               (f64.add (f64.add (local.get 4) (local.get 5)) (f64.add (local.get 6) (local.get 7))))
      (f64.sub (local.get 8) (local.get 9))))
  ;; calls the hard-float host function through the import thunk
  (func (export "via_host") (param f32 f64) (result f64)
    (f64.add (call $host_scale (local.get 0) (i32.const 3) (local.get 1)) (f64.const 0.5)))
  ;; a homogeneous float aggregate: s0, s1
  (func (export "minmax") (param f32 f32) (result f32 f32)
    (f32.min (local.get 0) (local.get 1)) (f32.max (local.get 0) (local.get 1)))
  (func (export "to_int") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
)
