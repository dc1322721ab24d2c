;; A memory that may grow (1 page, maximum 4): loops over a table inside the first page keep
;; no bounds check (range analysis proves them below the initial size, which memory never
;; drops under), while accesses past the first page keep theirs and trap until the memory
;; has grown that far
(module
  (memory 1 4)
  (func $fill (param $seed i32)
    (local $i i32)
    (loop $next
      (i32.store offset=256 (local.get $i) (i32.add (local.get $seed) (i32.mul (local.get $i) (i32.const 7))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 4000)))))
  (func (export "sum_table") (param $seed i32) (result i32)
    (local $i i32) (local $s i32)
    (call $fill (local.get $seed))
    (loop $next
      (local.set $s (i32.xor (i32.rotl (local.get $s) (i32.const 5))
                             (i32.load offset=256 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 4000))))
    (local.get $s))
  ;; Words 65532 + 4k for k < n: past the first page from k = 1; traps unless grown.
  (func (export "sum_past_first_page") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (local.set $n (i32.and (local.get $n) (i32.const 63)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i32.add (local.get $s)
                               (i32.load offset=65532 (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s))
  (func (export "grow") (param $pages i32) (result i32)
    (memory.grow (i32.and (local.get $pages) (i32.const 3))))
  (func (export "size") (result i32) (memory.size))
)
