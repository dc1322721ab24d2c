;; instantiation traps at the third of four active data segments (copied by the init
;; function's loop over its segment table): out of bounds by one byte
(module
  (memory 1)
  (data (i32.const 0) "one")
  (data (i32.const 8) "two")
  (data (i32.const 65534) "abc")
  (data (i32.const 16) "four")
  (func (export "never") (result i32) (i32.const 0))
)
