;; no_alloc.wat: an echo guest WITHOUT __pack_alloc / __pack_free.
;; A packr 0.5.4 host must fall back to writing the input at offset 0
;; (INPUT_BUFFER_OFFSET) and must not try to free anything.
;;
;; * `echo`: returns the input buffer itself (status 0), wherever it is.
;; * `echo_at_zero`: same, but only if in_ptr == 0; otherwise returns -1 with
;;   the message "input not at offset 0". Lets a test assert the fallback.
;;
;; Memory is 2 pages. Keep inputs under 16,384 bytes: the host passes the
;; result slots at 16384/16388, which an input written at offset 0 would
;; overlap; since `echo` returns the input in place, storing the slots would
;; clobber bytes 16384..16391 of the returned value.
(module
  (memory (export "memory") 2)
  (data (i32.const 40000) "input not at offset 0")

  (func (export "echo") (param $in_ptr i32) (param $in_len i32)
                        (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                        (result i32)
    (i32.store (local.get $out_ptr_ptr) (local.get $in_ptr))
    (i32.store (local.get $out_len_ptr) (local.get $in_len))
    (i32.const 0))

  (func (export "echo_at_zero") (param $in_ptr i32) (param $in_len i32)
                                (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                                (result i32)
    (if (i32.ne (local.get $in_ptr) (i32.const 0))
      (then
        (i32.store (local.get $out_ptr_ptr) (i32.const 40000))
        (i32.store (local.get $out_len_ptr) (i32.const 21))
        (return (i32.const -1))))
    (i32.store (local.get $out_ptr_ptr) (local.get $in_ptr))
    (i32.store (local.get $out_len_ptr) (local.get $in_len))
    (i32.const 0))
)
