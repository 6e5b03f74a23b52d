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
  ;; A constant value is written where the add was.
  (func (export "set") (param $p i32) (param $i i32)
    (i32.store8 (i32.add (local.get $p) (local.get $i)) (i32.const 1)))
  ;; ... but not when the add reads the slot the constant goes to.
  (func (export "set2") (param $p i32)
    (i32.store8 (i32.add (local.get $p) (i32.load (local.get $p))) (i32.const 1)))
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
    (local.get $a))
  ;; An exit test at the bottom of a loop: the back jump takes the inverted test.
  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.eq (local.get $i) (local.get $n)))
        (br $l)))
    (local.get $i))
  ;; a[i] = v for 64-bit elements: the shift and add fold into the store (the value is a local).
  (func (export "put_scaled") (param $a i32) (param $i i32) (param $v i64)
    (i64.store offset=8 (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3))) (local.get $v)))
  ;; A static offset beyond 16 bits keeps the two instructions.
  (func (export "get_far") (param $a i32) (param $i i32) (result i32)
    (i32.load offset=70000 (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))))
  ;; Bit-field extraction: `(x >> 5) & 0x3f` is one instruction; a shift by 37 is by 5.
  (func (export "field") (param $x i32) (result i32)
    (i32.add
      (i32.and (i32.shr_u (local.get $x) (i32.const 5)) (i32.const 0x3f))
      (i32.and (i32.shr_u (local.get $x) (i32.const 37)) (i32.const 1))))
  ;; Two increments of locals in a row are one instruction; not when a loop header is
  ;; between them (a jump lands on the second) or a constant needs more than 16 bits.
  (func (export "bump") (param $p i32) (param $q i32) (result i32)
    (local.set $p (i32.add (local.get $p) (i32.const 8)))
    (local.set $q (i32.add (local.get $q) (i32.const -4)))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (loop $l
      (local.set $q (i32.add (local.get $q) (i32.const 2)))
      (local.set $p (i32.add (local.get $p) (i32.const 100000)))
      (br_if $l (i32.lt_u (local.get $p) (i32.const 10))))
    (i32.add (local.get $p) (local.get $q)))
  ;; Setting a local to zero before anything wrote it is no instruction; after a write, or
  ;; inside a loop (the jump back brings the writes of the iteration before), it is one.
  (func (export "zeroing") (param $n i32) (result i64)
    (local $acc i64) (local $i i32) (local $t i32)
    (local.set $acc (i64.const 0))
    (local.set $i (i32.const 0))
    (local.set $acc (i64.const 5))
    (local.set $acc (i64.const 0))
    (loop $l
      (local.set $t (i32.const 0))
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (i32.add (local.get $i) (local.get $t)))))
      (local.set $t (i32.const 7))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i64.add (local.get $acc) (i64.extend_i32_u (local.get $t))))
  ;; A loop latch: the counter's increment and the `!=` test are one instruction; with a
  ;; label between them (the empty block's end) they stay two.
  (func (export "latch") (param $n i32) (result i32)
    (local $i i32) (local $s i32) (local $zero i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.ne (local.get $n) (local.get $i))))
    (loop $m
      (local.set $s (i32.add (local.get $s) (i32.const 3)))
      (local.set $i (i32.add (local.get $i) (i32.const -1)))
      (block)
      (br_if $m (i32.ne (local.get $i) (local.get $zero))))
    (local.get $s))
  ;; The same fusion on a forward branch out of a block: its target is patched later.
  (func (export "skip_to") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $out
      (local.set $i (i32.add (local.get $i) (i32.const 5)))
      (br_if $out (i32.ne (local.get $i) (local.get $n)))
      (local.set $s (i32.const 100)))
    (i32.add (local.get $s) (local.get $i)))
  ;; A bounds check on a sum that a local keeps (`i32.add; local.tee; i32.ge_u; br_if`) is one
  ;; `I32AddBrGeU`, its target in the `Br` after it; a loop's bottom test `j + i <= n` is one
  ;; `I32AddBrLeU` jumping back (the exit `I32AddBrGtU; Br exit; Br top` rotated).
  (func (export "bounded") (param $n i32) (param $i i32) (param $len i32) (result i32)
    (local $j i32) (local $k i32)
    (block $fail
      (loop $l
        (br_if $fail (i32.ge_u (local.tee $k (i32.add (local.get $j) (local.get $i)))
                               (local.get $len)))
        (local.set $j (i32.add (local.get $j) (local.get $k)))
        (br_if $fail (i32.gt_u (i32.add (local.get $j) (local.get $i)) (local.get $n)))
        (br $l)))
    (local.get $k))
  ;; Inside a loop, a load or store at `p + c` takes `c` from its loop-constant slot (the
  ;; `…Idx` forms); outside loops the `I32AddImm` stays.
  (func (export "at_distance") (param $p i32) (param $n i32) (result i32)
    (local $s i32)
    (i32.store8 (i32.add (local.get $p) (i32.const 70000)) (local.get $n))
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.load offset=4 (i32.add (local.get $p) (i32.const 70000)))))
      (i32.store16 (i32.add (local.get $p) (i32.const 80000)) (local.get $s))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  ;; Rotations and unsigned shifts by constants fused into the `xor` that uses them (SHA-2).
  (func (export "sigma") (param $x i32) (param $y i32) (result i32)
    (i32.xor
      (i32.xor (i32.xor (i32.rotl (local.get $x) (i32.const 25)) (i32.rotl (local.get $x) (i32.const 14)))
               (i32.shr_u (local.get $x) (i32.const 3)))
      (i32.xor (i32.rotl (local.get $x) (i32.const 7)) (local.get $y))))
  ;; An exit test at the bottom of a loop, after the increment: rotated into the jump back,
  ;; then fused with the increment (the old exit jump after it is not reached).
  (func (export "bottom_latch") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $out
      (loop $l
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 3)))
        (br_if $out (i32.eq (local.get $i) (local.get $n)))
        (br $l)))
    (local.get $s))
  ;; A sum or difference masked by a constant is one instruction (`I32AddAndImm`,
  ;; `I32SubAndImm`); so is `acc + x * y` (`F64AddMul`, rounded twice).
  (func (export "masked") (param $a i32) (param $b i32) (result i32)
    (i32.xor (i32.and (i32.sub (local.get $a) (local.get $b)) (i32.const 0xffff))
             (i32.and (i32.add (local.get $a) (local.get $b)) (i32.const 0x7fff))))
  (func (export "add_mul") (param $acc f64) (param $x f64) (param $y f64) (result f64)
    (f64.add (local.get $acc) (f64.mul (local.get $x) (local.get $y))))
  ;; An `i32` operation reads a wrapped `i64`'s slot: no `I32WrapI64`.
  (func (export "wrapped") (param $a i32) (param $x i64) (result i32)
    (i32.and (i32.add (local.get $a) (i32.wrap_i64 (local.get $x)))
             (i32.wrap_i64 (i64.shr_u (local.get $x) (i64.const 32)))))
  ;; A branch on a byte that only the branch reads loads it itself (`BrLoad8UIdxNez`); two
  ;; increments with an instruction between that does not read the first are one
  ;; `I32AddImm2` after it.
  (func (export "flags") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $c i32) (local $q i32)
    (loop $l
      (block $skip
        (br_if $skip (i32.load8_u (i32.add (local.get $p) (local.get $i))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (local.set $q (i32.add (local.get $q) (local.get $n)))
        (local.set $p (i32.add (local.get $p) (i32.const 2))))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (local.get $c) (local.get $q)))
  ;; `c[j] += x`: load, add and store back at the same address are one `I32AddStore32`; not
  ;; when something is computed between the load and the add.
  (func (export "accumulate") (param $p i32) (param $x i32)
    (i32.store offset=4 (local.get $p)
      (i32.add (i32.mul (local.get $x) (local.get $x)) (i32.load offset=4 (local.get $p))))
    (i32.store offset=4 (local.get $p)
      (i32.add (i32.load offset=4 (local.get $p)) (i32.mul (local.get $x) (local.get $x))))))
