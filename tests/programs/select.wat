;; select on i32 and i64, typed select, select with side-effect-free operands
(module
  (func (export "sel") (param i32 i32 i32) (result i32) (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "sel64") (param i64 i64 i32) (result i64) (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "typed") (param i32 i32) (result i32)
    (select (result i32) (local.get 0) (local.get 1) (i32.lt_u (local.get 0) (local.get 1))))
  (func (export "min_s") (param i32 i32) (result i32)
    (select (local.get 0) (local.get 1) (i32.lt_s (local.get 0) (local.get 1))))
  (func (export "sel_const") (param i32) (result i64)
    (select (i64.const -1) (i64.const 0x100000000) (local.get 0)))
)
