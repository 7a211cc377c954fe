;; Found by the eh generator (seed 5731): exception payload bits across a host frame.
;; "run" / "legacy" call the import call-back, whose JS code calls the export
;; "cb", which throws $t1 with NaN payloads; the exception passes through the JS
;; frame and is caught back in Wasm, which logs the payload's bits. An engine
;; keeps the exception object as it was thrown, so the bits are those of the
;; constants (f32 0x7fa00001, f64 high word 0xfff40000).
;; Root cause: leaving "cb" the exception became a native WebAssembly.Exception
;; (runtime/exceptions.ts, toHost) made from JS Numbers; catching that object
;; read the payload back through getArg, and the host exception had
;; canonicalized both NaNs (0x7fc00000, 0x7ff80000).
(module
  (import "fuzz-eh" "log" (func $log (param i32)))
  (import "fuzz-eh" "call-back" (func $call_back (param i32) (result i32)))
  (tag $t0 (export "t0") (param i32))
  (tag $t1 (export "t1") (param i32 f32 f64))
  (func (export "cb") (param i32) (result i32)
    (throw $t1 (i32.const 5) (f32.const nan:0x200001) (f64.const -nan:0x4000000000001)))
  (func (export "run") (result i32)
    (local f32 f64)
    (block $h (result i32 f32 f64)
      (try_table (catch $t1 $h) (drop (call $call_back (i32.const 0))))
      (return (i32.const -1)))
    (local.set 1)
    (local.set 0)
    (call $log)
    (call $log (i32.reinterpret_f32 (local.get 0)))
    (call $log (i32.wrap_i64 (i64.shr_u (i64.reinterpret_f64 (local.get 1)) (i64.const 32))))
    (call $log (i32.wrap_i64 (i64.reinterpret_f64 (local.get 1))))
    (i32.reinterpret_f32 (local.get 0)))
  (func (export "legacy") (result i32)
    (local i32)
    (try (result i32)
      (do (drop (call $call_back (i32.const 0))) (i32.const -1))
      (catch $t1
        (drop)
        (local.set 0 (i32.reinterpret_f32))
        (drop)
        (local.get 0)))))
