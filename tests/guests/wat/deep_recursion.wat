;; deep_recursion.wat: `recurse` recurses without bound (non-tail: each level
;; adds 1 to the result of the next), so the engine's stack limit must turn
;; it into a stack-overflow trap. `ok` echoes the input in place.
(module
  (memory (export "memory") 1)

  (func $down (param $n i32) (result i32)
    (i32.add
      (call $down (i32.add (local.get $n) (i32.const 1)))
      (i32.const 1)))

  (func (export "recurse") (param i32 i32 i32 i32) (result i32)
    (drop (call $down (i32.const 0)))
    (i32.const 0))

  (func (export "ok") (param $in_ptr i32) (param $in_len i32)
                      (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                      (result i32)
    (i32.store (local.get $out_ptr_ptr) (local.get $in_ptr))
    (i32.store (local.get $out_len_ptr) (local.get $in_len))
    (i32.const 0))
)
