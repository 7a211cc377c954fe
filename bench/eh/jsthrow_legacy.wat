;; A JS import that throws, caught in Wasm by catch_all (legacy encoding).
;; Same computation as jsthrow.wat.
(module
  (import "env" "fail" (func $fail (param i32)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (try
          (do (call $fail (local.get $i)))
          (catch_all (local.set $sum (i32.add (local.get $sum) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
