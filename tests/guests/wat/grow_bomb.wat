;; grow_bomb.wat: grows linear memory one page at a time until memory.grow
;; returns -1 (the host's memory limit, or 65,536 pages = 4 GiB). The new
;; pages are never touched, so without a limit this reserves but does not
;; commit memory.
;;
;; * `bomb`: after the failing grow, returns status 0 with the CGRF encoding
;;   of U32(memory size in pages). The 28-byte result is built in place from
;;   a template at offset 1024: header "CGRF" v2, node_count 1, root 0, then a
;;   U32 node (kind 0x0E, payload_len 4) whose value is patched.
;; * `bomb_then_spin`: the same growth, then an infinite loop.
;; No __pack_alloc (input goes to offset 0).
(module
  (memory (export "memory") 1)
  ;; "CGRF", version 2, flags 0, node_count 1, root 0,
  ;; node: kind 0x0E (U32), flags 0, reserved 0, payload_len 4, value 0
  (data (i32.const 1024)
    "CGRF\02\00\00\00\01\00\00\00\00\00\00\00"
    "\0e\00\00\00\04\00\00\00\00\00\00\00")

  (func $grow_until_failure
    (loop $more
      (br_if $more
        (i32.ne (memory.grow (i32.const 1)) (i32.const -1)))))

  (func (export "bomb") (param i32 i32 i32 i32) (result i32)
    (call $grow_until_failure)
    (i32.store (i32.const 1048) (memory.size))
    (i32.store (local.get 2) (i32.const 1024))
    (i32.store (local.get 3) (i32.const 28))
    (i32.const 0))

  (func (export "bomb_then_spin") (param i32 i32 i32 i32) (result i32)
    (call $grow_until_failure)
    (loop $forever
      (br $forever))
    unreachable)
)
