;; i32.rotr with variable counts (incl. >= 32, negative) and constant counts
(module
  (func (export "rotr") (param i32 i32) (result i32) (i32.rotr (local.get 0) (local.get 1)))
  (func (export "rotr_0") (param i32) (result i32) (i32.rotr (local.get 0) (i32.const 0)))
  (func (export "rotr_1") (param i32) (result i32) (i32.rotr (local.get 0) (i32.const 1)))
  (func (export "rotr_31") (param i32) (result i32) (i32.rotr (local.get 0) (i32.const 31)))
  (func (export "rotr_32") (param i32) (result i32) (i32.rotr (local.get 0) (i32.const 32)))
  (func (export "rotr_33") (param i32) (result i32) (i32.rotr (local.get 0) (i32.const 33)))
  (func (export "rotr_m1") (param i32) (result i32) (i32.rotr (local.get 0) (i32.const -1)))
  (func (export "const_by") (param i32) (result i32) (i32.rotr (i32.const 0x80000001) (local.get 0)))
)
