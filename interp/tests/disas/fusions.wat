;; Fused forms: an `i32.add` address folded into loads and stores, a constant shift folded
;; into `i32.add`, rotations by constants, consecutive copies.
(module
  (memory 1)
  ;; a[i] for 32-bit elements: base + (i << 2), then the load adds `offset` itself.
  (func (export "get") (param $a i32) (param $i i32) (result i32)
    (i32.load offset=8 (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
  ;; Both operands in locals: the load takes them directly.
  (func (export "byte") (param $p i32) (param $i i32) (result i32)
    (i32.load8_u (i32.add (local.get $p) (local.get $i))))
  ;; A store whose value is a local: the address add is folded.
  (func (export "put") (param $p i32) (param $i i32) (param $v i64)
    (i64.store offset=16 (i32.add (local.get $p) (local.get $i)) (local.get $v)))
  ;; A store whose value is computed after the address: no folding.
  (func (export "put2") (param $p i32) (param $i i32) (param $v i32)
    (i32.store (i32.add (local.get $p) (local.get $i)) (i32.mul (local.get $v) (local.get $v))))
  (func (export "rot") (param $x i32) (param $y i64) (result i64)
    (i64.add
      (i64.extend_i32_u (i32.xor (i32.rotl (local.get $x) (i32.const 7)) (i32.rotr (local.get $x) (i32.const 3))))
      (i64.rotl (local.get $y) (i64.const 13))))
  ;; Loop variables moved at the end of each iteration.
  (func (export "fib") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $t i32)
    (local.set $b (i32.const 1))
    (block $done
      (loop $step
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i32.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $step)))
    (local.get $a)))
