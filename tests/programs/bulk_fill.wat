;; memory.fill: values truncated to a byte, lengths, edge and out-of-bounds fills
;; @args fill (0, 0x41, 4) (3, 0x1ff, 9) (0, 0, 0) (65535, 7, 1) (65535, 7, 2) (65536, 7, 0) (10, -1, 20)
(module
  (memory 1)
  (func (export "fill") (param i32 i32 i32) (result i64)
    (memory.fill (local.get 0) (local.get 1) (local.get 2))
    (i64.add (i64.load (i32.const 0))
      (i64.add (i64.load (i32.const 8)) (i64.add (i64.load (i32.const 16)) (i64.extend_i32_u (i32.load8_u (i32.const 65535)))))))
)
