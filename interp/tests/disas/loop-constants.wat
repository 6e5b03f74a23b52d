;; Constants read inside loops by instructions without an immediate form come from slots that
;; the prologue at the function's start fills once per call, not from a `Const` per iteration.
(module
  (memory 1)
  ;; f64 constants (no float instruction has an immediate), a divisor and a stored constant;
  ;; the same constant used twice shares one slot.
  (func (export "fill") (param $n i32) (result f64)
    (local $i i32) (local $sum f64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (f64.add
            (f64.mul (f64.convert_i32_u (i32.rem_u (local.get $i) (i32.const 17)))
                     (f64.const 0.125))
            (f64.sub (local.get $sum) (f64.const 0.125))))
        (i32.store8 (local.get $i) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $sum))
  ;; Outside loops a constant is still written where it is used: no prologue.
  (func (export "once") (param $x f64) (result f64)
    (f64.mul (local.get $x) (f64.const 3))))
