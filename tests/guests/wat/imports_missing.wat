;; imports_missing.wat: imports `nowhere`.`nothing` with the packr ABI
;; signature (i32,i32,i32,i32)->i32, which no host provides. Instantiation
;; must fail with an unresolved-import error naming nowhere/nothing.
;; `call` forwards its arguments to the import (if a host did stub it).
(module
  (import "nowhere" "nothing" (func $nothing (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "call") (param i32 i32 i32 i32) (result i32)
    (call $nothing (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
)
