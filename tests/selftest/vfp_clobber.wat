;; wasm equivalent of vfp_clobber.c: both exports compute x + 1.
(module
  (func (export "keeps") (param f32) (result f32) (f32.add (local.get 0) (f32.const 1.0)))
  (func (export "clobbers") (param f32) (result f32) (f32.add (local.get 0) (f32.const 1.0))))
