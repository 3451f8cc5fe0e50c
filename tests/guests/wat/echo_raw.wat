;; echo_raw.wat: a minimal packr guest written by hand (no packr-guest).
;;
;; * `__pack_alloc(size) -> ptr`: bump allocator starting at 64 KiB, 8-byte
;;   aligned, growing linear memory when needed. size <= 0 returns 0 (like
;;   packr-guest); returns 0 when memory.grow fails.
;; * `__pack_free(ptr, len)`: no-op.
;; * `echo(in_ptr, in_len, out_ptr_ptr, out_len_ptr) -> i32`: copies the
;;   input into a freshly bump-allocated buffer, writes (ptr, len) to the two
;;   slots and returns 0. It never looks at the bytes, so any CGRF value
;;   round-trips unchanged (NO 1-tuple unwrapping, unlike packr-guest's
;;   Value mode). If the allocation fails it returns -1 with the static
;;   message "echo_raw: out of memory".
;; * The bump pointer is the mutable global `bump`, exported so a host test
;;   can look at it if it wants.
(module
  (memory (export "memory") 2)
  (global $bump (export "bump") (mut i32) (i32.const 65536))
  (data (i32.const 1024) "echo_raw: out of memory")

  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local $end i64)
    (local $have i64)
    (if (i32.le_s (local.get $size) (i32.const 0))
      (then (return (i32.const 0))))
    ;; ptr = align8(bump)
    (local.set $ptr
      (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    ;; end = ptr + size, computed in i64 so it cannot wrap
    (local.set $end
      (i64.add (i64.extend_i32_u (local.get $ptr))
               (i64.extend_i32_u (local.get $size))))
    (if (i64.gt_u (local.get $end) (i64.const 0xFFFFFFFF))
      (then (return (i32.const 0))))
    (local.set $have (i64.shl (i64.extend_i32_u (memory.size)) (i64.const 16)))
    (if (i64.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq
              (memory.grow
                (i32.wrap_i64
                  (i64.shr_u
                    (i64.add (i64.sub (local.get $end) (local.get $have))
                             (i64.const 65535))
                    (i64.const 16))))
              (i32.const -1))
          (then (return (i32.const 0))))))
    (global.set $bump (i32.wrap_i64 (local.get $end)))
    (local.get $ptr))

  (func (export "__pack_free") (param i32 i32))

  (func (export "echo") (param $in_ptr i32) (param $in_len i32)
                        (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                        (result i32)
    (local $buf i32)
    (local.set $buf (call $alloc (local.get $in_len)))
    (if (i32.and (i32.eqz (local.get $buf))
                 (i32.gt_s (local.get $in_len) (i32.const 0)))
      (then
        (i32.store (local.get $out_ptr_ptr) (i32.const 1024))
        (i32.store (local.get $out_len_ptr) (i32.const 23))
        (return (i32.const -1))))
    (memory.copy (local.get $buf) (local.get $in_ptr) (local.get $in_len))
    (i32.store (local.get $out_ptr_ptr) (local.get $buf))
    (i32.store (local.get $out_len_ptr) (local.get $in_len))
    (i32.const 0))
)
