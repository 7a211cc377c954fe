;; Found by the eh generator (seed 964): NaN bits through multi-value returns.
;; A NaN constant returned next to other values and read back by the caller
;; must keep its bits (returns and drops are not arithmetic): every export
;; returns the bits 0x7ff4000000000001 (or 0x7fa00001 for the f32).
;; Root cause: several results come back in a JS array literal; V8 may build it
;; with unboxed double elements first (depending on the allocation site's
;; feedback), quieting or canonicalizing a NaN, even with a BigInt or an i32
;; next to it (codegen/function.ts emitReturn, exceptions.ts branchWithValues).
(module
  (tag $t (param f64 i32))
  (func $f64_i64 (param i64) (result f64 i64) (f64.const nan:0x4000000000001) (local.get 0))
  (func $f64_i32 (result f64 i32) (f64.const nan:0x4000000000001) (i32.const 5))
  (func $i32_f32 (result i32 f32) (i32.const 5) (f32.const nan:0x200001))
  ;; a catch clause that branches straight to the function's results
  (func $caught (result f64 i32)
    (try_table (catch $t 0) (throw $t (f64.const nan:0x4000000000001) (i32.const 1)))
    (f64.const 0)
    (i32.const 0))
  (func (export "f64_i64") (result i64)
    (drop (call $f64_i64 (i64.const -5)))
    (i64.reinterpret_f64))
  (func (export "f64_i32") (result i64)
    (drop (call $f64_i32))
    (i64.reinterpret_f64))
  (func (export "i32_f32") (result i32)
    (call $i32_f32)
    (i32.reinterpret_f32)
    (i32.add))
  (func (export "caught") (result i64)
    (drop (call $caught))
    (i64.reinterpret_f64)))
