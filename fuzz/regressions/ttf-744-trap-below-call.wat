;; Found by `npm run fuzz -- --gen ttf --split 0,20,2` (seed 744): a value that
;; may trap (i32.trunc_f64_u of an out-of-range constant) was left pending below
;; a `select` whose condition is a call, and the call was moved into a slot ahead
;; of it, so the callee ran (and logged) before the trap. In the fuzzed module the
;; callee decremented binaryen's hang-limit global, and a later loop trapped one
;; iteration early. Expected (native): the trap, and no "log 1".
;; Same root cause as eh-67-effect-order.wat (there the pending value is a call).
(module
  (import "fuzz-eh" "log" (func $log (param i32)))
  (type $v_i (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $one)
  (func $one (result i32) (call $log (i32.const 1)) (i32.const 1))
  (func $take (param i32 i32))
  (func (export "f")
    (call $take
      (i32.trunc_f64_u (f64.const 17179869183))
      (select (i32.const 1) (i32.const 2) (call_indirect (type $v_i) (i32.const 0))))))
