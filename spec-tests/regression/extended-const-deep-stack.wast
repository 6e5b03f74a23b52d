;; Extended constant expressions may keep more than 8 operands on their stack. The evaluator
;; at instantiation once had a fixed 8-slot stack and refused such valid modules with
;; "malformed constant expression" (found by the `differential` and `execute` fuzz targets with
;; wasm-smith modules; minimized by hand: 9 operands fail, 8 pass).
(module
  (import "spectest" "global_i32" (global $h i32))
  (global (export "g8") i32 (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 6) (i32.const 7) (i32.const 8) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add))
  (global (export "g9") i32 (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add))
  (global (export "g20") i64 (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8) (i64.const 9) (i64.const 10) (i64.const 11) (i64.const 12) (i64.const 13) (i64.const 14) (i64.const 15) (i64.const 16) (i64.const 17) (i64.const 18) (i64.const 19) (i64.const 20) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add))
  (global (export "mixed") i32
    (global.get $h) (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)
    (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9)
    (i32.mul) (i32.sub) (i32.add) (i32.mul) (i32.sub) (i32.add) (i32.mul) (i32.sub) (i32.add)))
(assert_return (get "g8") (i32.const 36))
(assert_return (get "g9") (i32.const 45))
(assert_return (get "g20") (i64.const 210))
(assert_return (get "mixed") (i32.const 63))
