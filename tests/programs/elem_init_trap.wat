;; an element segment that does not fit the table makes instantiation trap
(module
  (table 2 funcref)
  (elem (i32.const 1) $f $f)
  (func $f (result i32) (i32.const 1))
  (func (export "never") (result i32) (i32.const 0))
)
