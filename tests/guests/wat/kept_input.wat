;; kept_input.wat: a hand-written guest with a checking allocator, to test the input buffer
;; the host keeps in each guest (allocated once, lent to one call at a time, freed only when a
;; larger one replaces it).
;;
;; * `__pack_alloc(size) -> ptr`: bump allocator from 64 KiB, growing memory when needed; every
;;   block has an 8-byte header holding its size; 0 for size <= 0. Counts live blocks and every
;;   allocation.
;; * `__pack_free(ptr, len)`: traps on a double free; counts a free whose `len` is not the
;;   block's size; marks the block freed (header -1) and overwrites its first 8 bytes with 0xEE,
;;   as a real allocator writes its free-list links into freed memory.
;; * `echo(in_ptr, in_len, out_ptr_ptr, out_len_ptr) -> i32`: traps if its input lies in a freed
;;   block, otherwise returns a copy of its input.
;; * `nested(...)`: calls the import `self.echo` with the CGRF of String("a\0b") (31 bytes at
;;   1024; result slots at 512), then returns a copy of its own input, read (and checked as in
;;   `echo`) only after the import returned.
;; * `fail(...)`: returns -1 with the message "failed on purpose" in an allocated buffer.
;; * `same(...)`: returns its input buffer itself as the result (which the ABI lets the host free).
;; * `live(...)`: returns three little-endian u32: live blocks (counting the result buffer
;;   itself), allocations so far, frees with a wrong length.
(module
  (import "self" "echo" (func $import_echo (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (global $bump (mut i32) (i32.const 65536))
  (global $live (mut i32) (i32.const 0))
  (global $allocs (mut i32) (i32.const 0))
  (global $bad_len (mut i32) (i32.const 0))
  (data (i32.const 1024) "\43\47\52\46\02\00\00\00\01\00\00\00\00\00\00\00\06\00\00\00\07\00\00\00\03\00\00\00\61\00\62")
  (data (i32.const 2048) "failed on purpose")

  (func $alloc (export "__pack_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (local $end i64)
    (local $have i64)
    (if (i32.le_s (local.get $size) (i32.const 0))
      (then (return (i32.const 0))))
    (local.set $ptr
      (i32.add (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8))
               (i32.const 8)))
    (local.set $end
      (i64.add (i64.extend_i32_u (local.get $ptr))
               (i64.extend_i32_u (local.get $size))))
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
    (i32.store (i32.sub (local.get $ptr) (i32.const 8)) (local.get $size))
    (global.set $bump (i32.wrap_i64 (local.get $end)))
    (global.set $live (i32.add (global.get $live) (i32.const 1)))
    (global.set $allocs (i32.add (global.get $allocs) (i32.const 1)))
    (local.get $ptr))

  (func (export "__pack_free") (param $ptr i32) (param $len i32)
    (local $size i32)
    (if (i32.eqz (local.get $ptr))
      (then (return)))
    (local.set $size (i32.load (i32.sub (local.get $ptr) (i32.const 8))))
    (if (i32.eq (local.get $size) (i32.const -1))
      (then (unreachable)))
    (if (i32.ne (local.get $size) (local.get $len))
      (then (global.set $bad_len (i32.add (global.get $bad_len) (i32.const 1)))))
    (i32.store (i32.sub (local.get $ptr) (i32.const 8)) (i32.const -1))
    (global.set $live (i32.sub (global.get $live) (i32.const 1)))
    (if (i32.ge_u (local.get $len) (i32.const 8))
      (then (i64.store (local.get $ptr) (i64.const 0xEEEEEEEEEEEEEEEE)))))

  ;; Traps if `len` (> 0) bytes at `ptr` start a freed block.
  (func $check_live (param $ptr i32) (param $len i32)
    (if (i32.gt_s (local.get $len) (i32.const 0))
      (then
        (if (i32.eq (i32.load (i32.sub (local.get $ptr) (i32.const 8))) (i32.const -1))
          (then (unreachable))))))

  ;; Returns a copy of `len` bytes at `ptr` through the slots.
  (func $reply (param $ptr i32) (param $len i32)
                (param $out_ptr_ptr i32) (param $out_len_ptr i32) (result i32)
    (local $buf i32)
    (local.set $buf (call $alloc (local.get $len)))
    (memory.copy (local.get $buf) (local.get $ptr) (local.get $len))
    (i32.store (local.get $out_ptr_ptr) (local.get $buf))
    (i32.store (local.get $out_len_ptr) (local.get $len))
    (i32.const 0))

  (func (export "echo") (param $in_ptr i32) (param $in_len i32)
                        (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                        (result i32)
    (call $check_live (local.get $in_ptr) (local.get $in_len))
    (call $reply (local.get $in_ptr) (local.get $in_len)
                 (local.get $out_ptr_ptr) (local.get $out_len_ptr)))

  (func (export "nested") (param $in_ptr i32) (param $in_len i32)
                          (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                          (result i32)
    (if (call $import_echo (i32.const 1024) (i32.const 31) (i32.const 512) (i32.const 516))
      (then (return (i32.const -1))))
    (call $check_live (local.get $in_ptr) (local.get $in_len))
    (call $reply (local.get $in_ptr) (local.get $in_len)
                 (local.get $out_ptr_ptr) (local.get $out_len_ptr)))

  (func (export "fail") (param $in_ptr i32) (param $in_len i32)
                        (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                        (result i32)
    (drop (call $reply (i32.const 2048) (i32.const 17)
                       (local.get $out_ptr_ptr) (local.get $out_len_ptr)))
    (i32.const -1))

  (func (export "same") (param $in_ptr i32) (param $in_len i32)
                        (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                        (result i32)
    (i32.store (local.get $out_ptr_ptr) (local.get $in_ptr))
    (i32.store (local.get $out_len_ptr) (local.get $in_len))
    (i32.const 0))

  (func (export "live") (param $in_ptr i32) (param $in_len i32)
                        (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                        (result i32)
    (local $buf i32)
    (local.set $buf (call $alloc (i32.const 12)))
    (i32.store (local.get $buf) (global.get $live))
    (i32.store offset=4 (local.get $buf) (global.get $allocs))
    (i32.store offset=8 (local.get $buf) (global.get $bad_len))
    (i32.store (local.get $out_ptr_ptr) (local.get $buf))
    (i32.store (local.get $out_len_ptr) (i32.const 12))
    (i32.const 0))
)
