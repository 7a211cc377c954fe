;; Rethrow chain (legacy encoding): $level(k) catches with catch_all and
;; rethrows with `rethrow 0`. Same computation as rethrow.wat.
(module
  (tag $e (param i32))
  (func $level (param $k i32) (param $v i32)
    (if (i32.eqz (local.get $k)) (then (throw $e (local.get $v))))
    (try
      (do (call $level (i32.sub (local.get $k) (i32.const 1)) (local.get $v)))
      (catch_all (rethrow 0))))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i32.add (local.get $sum)
            (try (result i32)
              (do
                (call $level (i32.const 10) (local.get $i))
                (i32.const -1))
              (catch $e))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
