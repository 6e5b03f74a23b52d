;; Fibonacci numbers, two ways. No `_start`: choose the function with `--invoke`.
;;
;;   $ mote run examples/fib.wat --invoke fib 90
;;   2880067194370816120
;;   $ mote run examples/fib.wat --invoke fib_recursive 20
;;   6765
;;   $ mote run examples/fib.wat --fuel 1000 --invoke fib_recursive 30
;;   mote: error: examples/fib.wat: calling `fib_recursive`: out of fuel after 1000 units
(module
  ;; Iterative: fib(n) in n steps, as an i64 (exact up to n = 92).
  (func (export "fib") (param $n i32) (result i64)
    (local $a i64) (local $b i64) (local $next i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $step
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $next (i64.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $next))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $step)))
    (local.get $a))

  ;; Recursive: exponential time, and a call depth of n.
  (func $fib_recursive (export "fib_recursive") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else
        (i32.add
          (call $fib_recursive (i32.sub (local.get $n) (i32.const 1)))
          (call $fib_recursive (i32.sub (local.get $n) (i32.const 2))))))))
