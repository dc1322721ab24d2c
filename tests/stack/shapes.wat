;; One module with each shape of call graph synth's stack bound distinguishes: a direct
;; chain, an indirect call over a table, an import, and recursion (direct and mutual).
(module
  (import "env" "host_add" (func $host_add (param i32 i32) (result i32)))
  (type $binop (func (param i32 i32) (result i32)))
  (table 3 funcref)
  (elem (i32.const 0) $add $mul $via_host)
  ;; (two blocks: not a small leaf, so the chain keeps its calls instead of inlining them)
  (func $add (param i32 i32) (result i32) (block (br_if 0 (local.get 0))) local.get 0 local.get 1 i32.add)
  (func $mul (param i32 i32) (result i32) (local i32 i32)
    local.get 0 local.get 1 call $add local.set 2
    local.get 2 local.get 1 call $add local.set 3
    local.get 2 local.get 3 i32.mul local.get 0 i32.add)
  (func $via_host (param i32 i32) (result i32) local.get 0 local.get 1 call $host_add)
  (func (export "chain") (param i32 i32) (result i32)
    local.get 0 local.get 1 call $mul local.get 1 local.get 0 call $add i32.add)
  ;; @args pick (0, 5, 6) (1, 5, 6) (1, -3, 9)
  (func (export "pick") (param i32 i32 i32) (result i32)
    local.get 1 local.get 2 local.get 0 i32.const 1 i32.and call_indirect (type $binop))
  ;; @args pick_any (0, 5, 6) (1, 5, 6) (2, 5, 6)
  (func (export "pick_any") (param i32 i32 i32) (result i32)
    local.get 1 local.get 2 local.get 0 i32.const 3 i32.rem_u call_indirect (type $binop))
  ;; @args countdown (0) (1) (10) (50)
  (func $countdown (export "countdown") (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $countdown i32.const 1 i32.add end)
  (func $ping (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_u if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $pong end)
  (func $pong (param i32) (result i32)
    local.get 0 i32.const 1 i32.sub call $ping)
  ;; @args parity (0) (1) (7) (20)
  (func (export "parity") (param i32) (result i32) local.get 0 call $ping))
