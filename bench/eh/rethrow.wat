;; Rethrow chain (new encoding): $level(k) catches whatever $level(k - 1)
;; throws with catch_all_ref and rethrows it with throw_ref; $level(0) throws
;; $e(v). run(n) calls $level(10, i) n times and catches at the top, so each
;; op is one throw, 10 catch + rethrow steps and a final catch.
(module
  (tag $e (param i32))
  (func $level (param $k i32) (param $v i32)
    (if (i32.eqz (local.get $k)) (then (throw $e (local.get $v))))
    (throw_ref
      (block $h (result exnref)
        (try_table (catch_all_ref $h)
          (call $level (i32.sub (local.get $k) (i32.const 1)) (local.get $v)))
        (return))))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i32.add (local.get $sum)
            (block $h (result i32)
              (try_table (catch $e $h)
                (call $level (i32.const 10) (local.get $i)))
              (i32.const -1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
