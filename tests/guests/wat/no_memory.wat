;; no_memory.wat: a guest-shaped export but NO exported memory. The host
;; must report a clean error (packr hard-codes the export name "memory").
(module
  (memory 1)
  (func (export "echo") (param $in_ptr i32) (param $in_len i32)
                        (param $out_ptr_ptr i32) (param $out_len_ptr i32)
                        (result i32)
    (i32.store (local.get $out_ptr_ptr) (local.get $in_ptr))
    (i32.store (local.get $out_len_ptr) (local.get $in_len))
    (i32.const 0))
)
