;; bad_alloc_zero.wat: `__pack_alloc` always returns 0 ("allocation failed").
;; packr 0.5.4 then falls back to writing the input at offset 0 and does not
;; free it (spec 3.2).
;;
;; * `echo`: copies the input to a fixed output buffer at 32768 and returns
;;   it (status 0). Inputs must be at most 16,384 bytes (the host's result
;;   slots at 16384/16388 follow the fallback input buffer); longer inputs
;;   get -1 "input too long".
;; * `echo_at_zero`: same, but returns -1 "input not at offset 0" unless
;;   in_ptr == 0, so a test can assert the fallback.
;; * `__pack_free` traps with `unreachable` if it is called with ptr 0 and a
;;   non-zero length, i.e. if the host frees the fallback input buffer.
;;   Freeing the output buffer (ptr 32768) is fine.
(module
  (memory (export "memory") 1)
  (data (i32.const 40000) "input not at offset 0")
  (data (i32.const 40100) "input too long")

  (func (export "__pack_alloc") (param i32) (result i32)
    (i32.const 0))

  (func (export "__pack_free") (param $ptr i32) (param $len i32)
    (if (i32.and (i32.eqz (local.get $ptr)) (i32.ne (local.get $len) (i32.const 0)))
      (then unreachable)))

  (func $echo (param $in_ptr i32) (param $in_len i32)
              (param $out_ptr_ptr i32) (param $out_len_ptr i32)
              (result i32)
    (if (i32.gt_u (local.get $in_len) (i32.const 16384))
      (then
        (i32.store (local.get $out_ptr_ptr) (i32.const 40100))
        (i32.store (local.get $out_len_ptr) (i32.const 14))
        (return (i32.const -1))))
    (memory.copy (i32.const 32768) (local.get $in_ptr) (local.get $in_len))
    (i32.store (local.get $out_ptr_ptr) (i32.const 32768))
    (i32.store (local.get $out_len_ptr) (local.get $in_len))
    (i32.const 0))

  (func (export "echo") (param i32 i32 i32 i32) (result i32)
    (call $echo (local.get 0) (local.get 1) (local.get 2) (local.get 3)))

  (func (export "echo_at_zero") (param $in_ptr i32) (param $in_len i32)
                                (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                                (result i32)
    (if (i32.ne (local.get $in_ptr) (i32.const 0))
      (then
        (i32.store (local.get $out_ptr_ptr) (i32.const 40000))
        (i32.store (local.get $out_len_ptr) (i32.const 21))
        (return (i32.const -1))))
    (call $echo (local.get $in_ptr) (local.get $in_len)
                (local.get $out_ptr_ptr) (local.get $out_len_ptr)))
)
