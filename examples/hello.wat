;; The smallest useful Mote program. Until WASI arrives, a program shows what it did through
;; its results, which `mote run` prints one per line:
;;
;;   $ mote run examples/hello.wat
;;   12
;;   1819043144
;;
;; `_start` writes "Hello, Mote!" into memory (the data segment) and returns the length of the
;; greeting, and its first four bytes read as a little-endian i32 ("Hell").
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "Hello, Mote!\00")

  ;; The length of the NUL-terminated string at `ptr`.
  (func $strlen (param $ptr i32) (result i32)
    (local $len i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $ptr) (local.get $len)))))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (br $next)))
    (local.get $len))

  (func (export "_start") (result i32 i32)
    (call $strlen (i32.const 0))
    (i32.load (i32.const 0))))
