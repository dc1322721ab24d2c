;; functions returning several results (sret struct), incl. i64 fields and 4 results
(module
  (func (export "two") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  (func (export "divmod") (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1)) (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "mixed") (param i64 i32) (result i32 i64 i32)
    (i32.wrap_i64 (local.get 0)) (i64.add (local.get 0) (i64.extend_i32_s (local.get 1))) (local.get 1))
  (func (export "four") (param i32) (result i32 i32 i32 i32)
    (local.get 0) (i32.add (local.get 0) (i32.const 1)) (i32.add (local.get 0) (i32.const 2)) (i32.add (local.get 0) (i32.const 3)))
  (func (export "pair64") (param i64 i64) (result i64 i64)
    (i64.add (local.get 0) (local.get 1)) (i64.sub (local.get 0) (local.get 1)))
  (func (export "with_stack_args") (param i32 i32 i32 i32 i32) (result i32 i32)
    (i32.add (local.get 0) (local.get 4)) (i32.sub (local.get 3) (local.get 1)))
)
