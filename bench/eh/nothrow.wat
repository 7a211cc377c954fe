;; Cost of a try region that never throws (new encoding). run_try(n) and
;; run_plain(n) do the same loop of n calls to $work; run_try wraps each call
;; in a try_table with a catch clause that is never taken.
(module
  (tag $e (param i32))
  (func $work (param $x i32) (result i32)
    (i32.xor (i32.mul (local.get $x) (i32.const 31)) (i32.shr_u (local.get $x) (i32.const 3))))
  (func (export "run_try") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i32.add (local.get $sum)
            (block $h (result i32)
              (try_table (result i32) (catch $e $h)
                (call $work (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  (func (export "run_plain") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (call $work (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
