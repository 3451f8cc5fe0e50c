;; loop.wat: `spin` never returns (`loop br 0`), the same code shape as
;; packr-guest's panic handler. Only fuel / epoch interruption stops it.
;; `ok` echoes the input in place (instance-reuse-after-interrupt tests).
(module
  (memory (export "memory") 1)

  (func (export "spin") (param i32 i32 i32 i32) (result i32)
    (loop $forever
      (br $forever))
    unreachable)

  (func (export "ok") (param $in_ptr i32) (param $in_len i32)
                      (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                      (result i32)
    (i32.store (local.get $out_ptr_ptr) (local.get $in_ptr))
    (i32.store (local.get $out_len_ptr) (local.get $in_len))
    (i32.const 0))
)
