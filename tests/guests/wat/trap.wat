;; trap.wat: `boom` traps with `unreachable`; `ok` is a well-behaved export
;; (for "the instance is still usable after a trap" tests).
;; No __pack_alloc, so the host writes the input at offset 0.
(module
  (memory (export "memory") 1)

  (func (export "boom") (param i32 i32 i32 i32) (result i32)
    unreachable)

  ;; Returns the input buffer itself as the output (status 0), so whatever
  ;; CGRF value was sent comes back unchanged.
  (func (export "ok") (param $in_ptr i32) (param $in_len i32)
                      (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                      (result i32)
    (i32.store (local.get $out_ptr_ptr) (local.get $in_ptr))
    (i32.store (local.get $out_len_ptr) (local.get $in_len))
    (i32.const 0))
)
