;; err_status.wat: exports that return a non-zero status.
;; Has __pack_alloc (bump from 64 KiB, no growth) and a no-op __pack_free,
;; so the normal alloc / call / free sequence is exercised.
;;
;; | export       | status | slots point at                          |
;; |--------------|--------|-----------------------------------------|
;; | fail         | -1     | UTF-8 "nope: something went wrong" (26) |
;; | fail_empty   | -1     | (0, 0): an empty message                |
;; | fail_utf8    | -1     | 6 bytes "nope: " + 0xFF 0xFE (invalid)  |
;; | fail_oob     | -1     | (0x7FFF0000, 16): message out of bounds |
;; | fail_huge    | -1     | (1024, 0x7FFFFFFF): absurd length       |
;; | weird_status | 7      | "nope: status 7" (14); neither 0 nor -1 |
;; | ok           | 0      | the input buffer itself (echo in place) |
(module
  (memory (export "memory") 2)
  (global $bump (mut i32) (i32.const 65536))
  (data (i32.const 1024) "nope: something went wrong")
  (data (i32.const 1100) "nope: \ff\fe")
  (data (i32.const 1200) "nope: status 7")

  (func (export "__pack_alloc") (param $size i32) (result i32)
    (local $ptr i32)
    (if (i32.le_s (local.get $size) (i32.const 0))
      (then (return (i32.const 0))))
    (if (i32.gt_u (local.get $size) (i32.const 65536))
      (then (return (i32.const 0))))
    (if (i32.gt_u (i32.add (global.get $bump) (local.get $size)) (i32.const 131072))
      (then (global.set $bump (i32.const 65536))))
    (local.set $ptr (global.get $bump))
    (global.set $bump (i32.add (global.get $bump) (local.get $size)))
    (local.get $ptr))

  (func (export "__pack_free") (param i32 i32))

  (func $ret (param $pp i32) (param $lp i32) (param $ptr i32) (param $len i32)
             (param $status i32) (result i32)
    (i32.store (local.get $pp) (local.get $ptr))
    (i32.store (local.get $lp) (local.get $len))
    (local.get $status))

  (func (export "fail") (param i32 i32 i32 i32) (result i32)
    (call $ret (local.get 2) (local.get 3) (i32.const 1024) (i32.const 26) (i32.const -1)))

  (func (export "fail_empty") (param i32 i32 i32 i32) (result i32)
    (call $ret (local.get 2) (local.get 3) (i32.const 0) (i32.const 0) (i32.const -1)))

  (func (export "fail_utf8") (param i32 i32 i32 i32) (result i32)
    (call $ret (local.get 2) (local.get 3) (i32.const 1100) (i32.const 8) (i32.const -1)))

  (func (export "fail_oob") (param i32 i32 i32 i32) (result i32)
    (call $ret (local.get 2) (local.get 3) (i32.const 0x7FFF0000) (i32.const 16) (i32.const -1)))

  (func (export "fail_huge") (param i32 i32 i32 i32) (result i32)
    (call $ret (local.get 2) (local.get 3) (i32.const 1024) (i32.const 0x7FFFFFFF) (i32.const -1)))

  (func (export "weird_status") (param i32 i32 i32 i32) (result i32)
    (call $ret (local.get 2) (local.get 3) (i32.const 1200) (i32.const 14) (i32.const 7)))

  (func (export "ok") (param i32 i32 i32 i32) (result i32)
    (call $ret (local.get 2) (local.get 3) (local.get 0) (local.get 1) (i32.const 0)))
)
