;; Soft-float code: every export calls AEABI functions from libgcc (compares, arithmetic,
;; conversions) on i32 inputs, so the stack bound includes libgcc's figures
;; (rust/synth/src/stack/libcalls.txt) and the emulator runs the real libgcc code.
(module
  (func (export "flt") (param i32 i32) (result i32)
    local.get 0 f32.convert_i32_s local.get 1 f32.convert_i32_s f32.lt)
  (func $dmath (export "dmath") (param i32 i32) (result i32)
    (local f64)
    local.get 0 f64.convert_i32_s local.get 1 f64.convert_i32_u f64.add local.set 2
    local.get 2 local.get 2 f64.mul f64.const 3 f64.div
    local.get 2 f64.gt)
  (func $scale (param f32) (result f64)
    local.get 0 f64.promote_f32 f64.const 0.5 f64.mul)
  (func $mixed (export "mixed") (param i32 i64) (result i32)
    local.get 0 f32.convert_i32_u call $scale
    local.get 1 f64.convert_i64_s f64.sub f32.demote_f64
    f32.const 100 f32.ge)
  (func (export "nested") (param i32) (result i32)
    local.get 0 local.get 0 i64.extend_i32_s call $mixed
    local.get 0 i32.const 7 call $dmath
    i32.add))
