;; a memory with zero initial pages: every access traps until it grows
;; @args load_at (0,) (1,) (100,)
(module
  (memory 0 2)
  (func (export "size") (result i32) (memory.size))
  (func (export "load_at") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "grow_and_store") (param i32) (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.and (local.get 0) (i32.const 0xfffc)) (local.get 0))
    (i32.load (i32.and (local.get 0) (i32.const 0xfffc))))
)
