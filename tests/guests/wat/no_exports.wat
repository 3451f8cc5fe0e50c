;; no_exports.wat: exports only `memory`. Any call must fail with a
;; "function not found"-style error; `types()` must fail (no __pack_types).
(module
  (memory (export "memory") 1)
)
