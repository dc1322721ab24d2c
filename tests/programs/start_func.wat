;; the start function runs during init, after data segments
(module
  (memory 1)
  (global $g (mut i32) (i32.const 1))
  (data (i32.const 0) "\05\00\00\00")
  (func $start
    (global.set $g (i32.add (global.get $g) (i32.load (i32.const 0))))
    (i32.store (i32.const 4) (i32.const 0xabcd)))
  (start $start)
  (func (export "g") (result i32) (global.get $g))
  (func (export "mem4") (result i32) (i32.load (i32.const 4)))
)
