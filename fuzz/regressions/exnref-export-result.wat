;; Found by `npm run fuzz` (ttf seed 1): an exported function whose type has an
;; exnref result ran its body when JS called it, and only then threw the
;; TypeError for the result. The JS API throws the TypeError before converting
;; any argument or running anything, so "log" must never be called here.
(module
  (import "fuzz-eh" "log" (func $log (param i32)))
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (func (export "result") (result exnref)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $log (i32.const 1))
    (ref.null exn))
  (func (export "results") (param i32) (result i32 exnref)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $log (local.get 0))
    (local.get 0)
    (ref.null exn))
  (func (export "param") (param exnref)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $log (i32.const 3)))
  ;; Wasm itself may call them: only the JS boundary is closed to exnref.
  (func (export "inside") (result i32)
    (drop (call 1))
    (call 2 (i32.const 2))
    (drop)
    (drop)
    (global.get $calls))
)
