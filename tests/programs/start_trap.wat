;; a start function that traps makes instantiation trap
(module
  (func $start (drop (i32.div_u (i32.const 1) (i32.const 0))))
  (start $start)
  (func (export "never") (result i32) (i32.const 0))
)
