;; bad_out.wat: exports that return status 0 with bad result slots.
;; Memory is exactly 1 page (65,536 bytes) with no maximum growth needed.
;; No __pack_alloc/__pack_free (input goes to offset 0; nothing to free).
;;
;; | export        | out ptr     | out len     | what the host must do            |
;; |---------------|-------------|-------------|----------------------------------|
;; | out_of_bounds | 0x7FFF0000  | 16          | error (ptr beyond memory)        |
;; | huge_len      | 1024        | 0x7FFFFFFF  | error (len beyond memory/limits) |
;; | straddle      | 65528       | 16          | error (last 8 bytes in bounds)   |
;; | wrap          | 0xFFFFFFF0  | 32          | error (ptr+len wraps u32)        |
;; | negative_len  | 1024        | -1          | error (len 0xFFFFFFFF)           |
;; | garbage       | 32768       | 23          | decode error: bytes are not CGRF |
;; | empty         | 0           | 0           | decode error (0 bytes)           |
(module
  (memory (export "memory") 1)
  (data (i32.const 32768) "this is not CGRF at all")

  (func $set (param $pp i32) (param $lp i32) (param $ptr i32) (param $len i32)
    (i32.store (local.get $pp) (local.get $ptr))
    (i32.store (local.get $lp) (local.get $len)))

  (func (export "out_of_bounds") (param i32 i32 i32 i32) (result i32)
    (call $set (local.get 2) (local.get 3) (i32.const 0x7FFF0000) (i32.const 16))
    (i32.const 0))

  (func (export "huge_len") (param i32 i32 i32 i32) (result i32)
    (call $set (local.get 2) (local.get 3) (i32.const 1024) (i32.const 0x7FFFFFFF))
    (i32.const 0))

  (func (export "straddle") (param i32 i32 i32 i32) (result i32)
    (call $set (local.get 2) (local.get 3) (i32.const 65528) (i32.const 16))
    (i32.const 0))

  (func (export "wrap") (param i32 i32 i32 i32) (result i32)
    (call $set (local.get 2) (local.get 3) (i32.const 0xFFFFFFF0) (i32.const 32))
    (i32.const 0))

  (func (export "negative_len") (param i32 i32 i32 i32) (result i32)
    (call $set (local.get 2) (local.get 3) (i32.const 1024) (i32.const -1))
    (i32.const 0))

  (func (export "garbage") (param i32 i32 i32 i32) (result i32)
    (call $set (local.get 2) (local.get 3) (i32.const 32768) (i32.const 23))
    (i32.const 0))

  (func (export "empty") (param i32 i32 i32 i32) (result i32)
    (call $set (local.get 2) (local.get 3) (i32.const 0) (i32.const 0))
    (i32.const 0))
)
