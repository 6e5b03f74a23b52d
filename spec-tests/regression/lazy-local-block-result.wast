;; A block's result must land in the block's result slot on every path, also when the last
;; value pushed before a `br` was a lazily read local (the stale operand entry once survived
;; the block's `end`).
(module
  (func (export "as-select-second") (param i32 i32) (result i32)
    (block (result i32)
      (select (local.get 0) (br 0 (i32.const 6)) (local.get 1)))))
(assert_return (invoke "as-select-second" (i32.const 0) (i32.const 6)) (i32.const 6))
(assert_return (invoke "as-select-second" (i32.const 1) (i32.const 6)) (i32.const 6))
