;; A JS import that throws, caught in Wasm by catch_all (new encoding).
;; run(n) calls env.fail(i) n times; each call throws a JS value that a
;; try_table catch_all clause catches; returns the number of catches.
(module
  (import "env" "fail" (func $fail (param i32)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (block $skip
          (block $caught
            (try_table (catch_all $caught) (call $fail (local.get $i)))
            (br $skip))
          (local.set $sum (i32.add (local.get $sum) (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
