;; throw + catch across `depth` Wasm frames (new encoding: try_table).
;; run(n, depth): n times, calls $down(depth - 1, i), which recurses until 0
;; and throws $e(i); the loop catches it and sums the payloads.
(module
  (tag $e (param i32))
  (func $down (param $d i32) (param $v i32)
    (if (i32.eqz (local.get $d)) (then (throw $e (local.get $v))))
    (call $down (i32.sub (local.get $d) (i32.const 1)) (local.get $v)))
  (func (export "run") (param $n i32) (param $depth i32) (result i32)
    (local $i i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum
          (i32.add (local.get $sum)
            (block $h (result i32)
              (try_table (catch $e $h)
                (call $down (i32.sub (local.get $depth) (i32.const 1)) (local.get $i)))
              (i32.const -1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
