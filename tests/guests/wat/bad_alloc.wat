;; bad_alloc.wat: `__pack_alloc` returns garbage: 0xFFFFFFF0 (far beyond the
;; 1-page memory; also negative as i32) for every size. The host must fail
;; cleanly when writing the input there, not crash or write elsewhere.
;; `echo` returns the input buffer in place. See bad_alloc_zero.wat for the
;; variant whose __pack_alloc returns 0 (=> fallback to offset 0).
(module
  (memory (export "memory") 1)

  (func (export "__pack_alloc") (param i32) (result i32)
    (i32.const 0xFFFFFFF0))

  (func (export "__pack_free") (param i32 i32))

  (func (export "echo") (param $in_ptr i32) (param $in_len i32)
                        (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                        (result i32)
    (i32.store (local.get $out_ptr_ptr) (local.get $in_ptr))
    (i32.store (local.get $out_len_ptr) (local.get $in_len))
    (i32.const 0))
)
