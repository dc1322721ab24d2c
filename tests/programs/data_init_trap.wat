;; a data segment past the end of memory makes instantiation trap
(module
  (memory 1)
  (data (i32.const 65534) "abc")
  (func (export "never") (result i32) (i32.const 0))
)
