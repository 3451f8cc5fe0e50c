;; relay.wat: a hand-written packr-guest-0.5.4-style guest that hands one import's result on
;; as the argument of the next import, without copying it.
;;
;; * `__pack_alloc(size) -> ptr`: bump allocator from 64 KiB, 8-byte aligned (no growth: two
;;   pages are plenty for the tests).
;; * `__pack_free(ptr, len)`: overwrites the first 8 bytes of the freed block with 0xEE, as a
;;   real allocator writes its free-list links into freed memory.
;; * `relay(in_ptr, in_len, out_ptr_ptr, out_len_ptr) -> i32`: calls `host.first` with its input,
;;   then `host.second` with the buffer `host.first` returned (its result slots are at 512), and
;;   returns what `host.second` returned (the host wrote it straight into the output slots).
(module
  (import "host" "first" (func $first (param i32 i32 i32 i32) (result i32)))
  (import "host" "second" (func $second (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $bump (mut i32) (i32.const 65536))

  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (if (i32.le_s (local.get $size) (i32.const 0))
      (then (return (i32.const 0))))
    (local.set $ptr
      (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (if (i32.gt_u (i32.add (local.get $ptr) (local.get $size)) (i32.const 131072))
      (then (return (i32.const 0))))
    (global.set $bump (i32.add (local.get $ptr) (local.get $size)))
    (local.get $ptr))

  (func (export "__pack_free") (param $ptr i32) (param $len i32)
    (if (i32.ge_u (local.get $len) (i32.const 8))
      (then (i64.store (local.get $ptr) (i64.const 0xEEEEEEEEEEEEEEEE)))))

  (func (export "relay") (param $in_ptr i32) (param $in_len i32)
                         (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                         (result i32)
    (if (call $first (local.get $in_ptr) (local.get $in_len) (i32.const 512) (i32.const 516))
      (then (return (i32.const -1))))
    (call $second (i32.load (i32.const 512)) (i32.load (i32.const 516))
                  (local.get $out_ptr_ptr) (local.get $out_len_ptr)))
)
