;; i64.rotr with variable counts (incl. >= 64, 32-boundary, negative) and constant counts
(module
  (func (export "rotr") (param i64 i64) (result i64) (i64.rotr (local.get 0) (local.get 1)))
  (func (export "rotr_0") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 0)))
  (func (export "rotr_1") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 1)))
  (func (export "rotr_31") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 31)))
  (func (export "rotr_32") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 32)))
  (func (export "rotr_33") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 33)))
  (func (export "rotr_63") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 63)))
  (func (export "rotr_64") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 64)))
  (func (export "rotr_65") (param i64) (result i64) (i64.rotr (local.get 0) (i64.const 65)))
  (func (export "const_by") (param i64) (result i64) (i64.rotr (i64.const 0x8000000180000001) (local.get 0)))
)
