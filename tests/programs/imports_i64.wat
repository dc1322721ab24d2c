;; imported functions with i64 and stack-passed arguments, and a non-env module name
(module
  (import "env" "host_neg64" (func $neg (param i64) (result i64)))
  (import "env" "host_mul64" (func $mul (param i64 i64) (result i64)))
  (import "env" "host_mix" (func $mix (param i32 i64 i32 i64 i64) (result i64)))
  (import "host" "scale" (func $scale (param i32) (result i32)))
  (func (export "neg") (param i64) (result i64) (call $neg (local.get 0)))
  (func (export "mul") (param i64 i64) (result i64) (call $mul (local.get 0) (local.get 1)))
  (func (export "mix") (param i32 i64 i32 i64 i64) (result i64)
    (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)))
  (func (export "scale") (param i32) (result i32) (call $scale (local.get 0)))
  (func (export "combo") (param i32 i64) (result i64)
    (i64.add (call $mul (local.get 1) (i64.extend_i32_s (call $scale (local.get 0)))) (call $neg (local.get 1))))
)
