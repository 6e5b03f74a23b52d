;; A value read by `local.get` and still on the operand stack below an `if` must survive the
;; path where the condition is false. The translator reads locals lazily; it once copied such
;; values into their own slots only on the then-path (found by the random-program property test).
(module
  (func (export "below_if") (param i32 i32) (result i32)
    (local.get 0) (if (local.get 1) (then (nop))) (i32.const 100) (i32.add))
  (func (export "below_if_else") (param i32 i32) (result i32)
    (local.get 0) (if (result i32) (local.get 1) (then (i32.const 5)) (else (i32.const 7))) (i32.add))
  (func (export "below_if_set") (param i32 i32) (result i32)
    (local.get 0) (if (local.get 1) (then (local.set 0 (i32.const 50)))) (local.get 0) (i32.sub)))
(assert_return (invoke "below_if" (i32.const 1) (i32.const 0)) (i32.const 101))
(assert_return (invoke "below_if" (i32.const 1) (i32.const 1)) (i32.const 101))
(assert_return (invoke "below_if_else" (i32.const 1) (i32.const 0)) (i32.const 8))
(assert_return (invoke "below_if_else" (i32.const 1) (i32.const 1)) (i32.const 6))
(assert_return (invoke "below_if_set" (i32.const 9) (i32.const 0)) (i32.const 0))
(assert_return (invoke "below_if_set" (i32.const 9) (i32.const 1)) (i32.const -41))
