;; Lazily read locals: a value read before the local is overwritten keeps its old value; a value
;; below a block is copied to its own slot at the block's entry.
(module
  (func (export "swap") (param i32 i32) (result i32)
    (local.get 0) (local.get 1) (local.set 0) (local.set 1)
    (i32.sub (local.get 0) (local.get 1)))
  (func (export "below_if") (param i32 i32) (result i32)
    (local.get 0) (if (local.get 1) (then (nop))) (i32.const 100) (i32.add))
  (func (export "br_table") (param i32) (result i32)
    (block (result i32)
      (block (result i32)
        (br_table 0 1 (i32.const 7) (local.get 0)))
      (i32.const 1) (i32.add))))
