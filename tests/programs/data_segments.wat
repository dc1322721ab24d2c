;; active data segments: several segments, overlapping writes (later wins), read back
(module
  (memory 1)
  (data (i32.const 0) "hello, world")
  (data (i32.const 7) "WASM")
  (data (i32.const 1000) "\01\02\03\04\05\06\07\08")
  (data (i32.const 65532) "\de\ad\be\ef")
  (func (export "byte") (param i32) (result i32) (i32.load8_u (i32.and (local.get 0) (i32.const 15))))
  (func (export "word_1000") (param i32) (result i32) (i32.load (i32.add (i32.const 1000) (i32.and (local.get 0) (i32.const 4)))))
  (func (export "last_word") (result i32) (i32.load (i32.const 65532)))
  (func (export "sum") (result i32) (local $i i32) (local $s i32)
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $i) (i32.const 16)))
      (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $s))
)
