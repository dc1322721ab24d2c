(module
  (import "env" "host_break" (func $host_break (param i32) (result i32)))
  (func $inner (param i32) (result i32)
    local.get 0
    i32.const 3
    i32.mul
    call $host_break
    i32.const 1
    i32.add)
  (func $outer (export "outer") (param i32) (result i32)
    local.get 0
    i32.const 5
    i32.add
    call $inner
    local.get 0
    i32.add))
