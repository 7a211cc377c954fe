;; Found by the eh generator (seed 67): evaluation order of calls.
;; Expected (native): every export logs 1 then 2.
;; Root cause: `select`, and `call_indirect` / `call_ref` with one result, move
;; operands that may act (calls) into their slots ahead of time (JS would
;; evaluate them in the wrong order otherwise), but left effectful values pending
;; *below* those operands, which then ran later: log 2 then 1.
(module
  (import "fuzz-eh" "log" (func $log (param i32)))
  (type $ii (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $id)
  (func $id (type $ii) (local.get 0))
  (func $one (result i32) (call $log (i32.const 1)) (i32.const 10))
  (func $two (result i32) (call $log (i32.const 2)) (i32.const 20))
  ;; select: the first arm is a call; a call's result is pending below it.
  (func (export "select") (param i32) (result i32)
    (call $one)
    (select (call $two) (i32.const 0) (local.get 0))
    (i32.add))
  ;; call_indirect: an argument is a call; a call's result is pending below it.
  (func (export "call_indirect") (result i32)
    (call $one)
    (call_indirect (type $ii) (call $two) (i32.const 0))
    (i32.add))
  ;; call_ref: the same through a typed reference.
  (func (export "call_ref") (result i32)
    (call $one)
    (call_ref $ii (call $two) (ref.func $id))
    (i32.add))
  (elem declare func $id))
