;; throw + catch across `depth` Wasm frames (legacy encoding: try/catch).
;; Same computation as throw.wat.
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
            (try (result i32)
              (do
                (call $down (i32.sub (local.get $depth) (i32.const 1)) (local.get $i))
                (i32.const -1))
              (catch $e))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
