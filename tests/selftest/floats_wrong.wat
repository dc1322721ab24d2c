;; Exports floats_wrong.c gets wrong (fzero, squiet, dswap) or legitimately different
;; (qnan: another quiet NaN, which wasm allows for an arithmetic result).
(module
  (func (export "fzero") (param f32) (result f32) (f32.const -0))
  (func (export "squiet") (param f32) (result f32) (local.get 0))
  (func (export "dswap") (param f64 f64) (result f64) (local.get 1))
  (func (export "qnan") (param f32 f32) (result f32) (f32.add (local.get 0) (local.get 1)))
)
