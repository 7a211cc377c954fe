;; NaN results and arguments checked by their bits (src/wast/bits.ts). Each
;; function makes its NaN inside Wasm; the comment says what the runner must
;; conclude. A runner that reads results through JS Numbers, or that accepts any
;; NaN for nan:canonical / nan:arithmetic, gets some of these wrong.
(module
  (func (export "snan32") (result f32) (f32.reinterpret_i32 (i32.const 0x7fa00000)))
  (func (export "qnan32") (result f32) (f32.reinterpret_i32 (i32.const 0x7fe00000)))
  (func (export "canon32") (result f32) (f32.reinterpret_i32 (i32.const 0xffc00000)))
  (func (export "snan64") (result f64) (f64.reinterpret_i64 (i64.const 0x7ff4000000000000)))
  (func (export "qnan64") (result f64) (f64.reinterpret_i64 (i64.const 0x7ffc000000000000)))
  (func (export "bits32") (param f32) (result i32) (i32.reinterpret_f32 (local.get 0)))
  (func (export "bits64") (param f64) (result i64) (i64.reinterpret_f64 (local.get 0)))
  (func (export "two") (result f32 f64)
    (f32.reinterpret_i32 (i32.const 0x7fa00000)) (f64.reinterpret_i64 (i64.const 0x7ff8000000000000)))
  (global (export "g32") f32 (f32.const nan:0x200000))
  (global (export "g64") (mut f64) (f64.const -nan:0x4000000000000))
)
(assert_return (invoke "snan32") (f32.const nan:arithmetic))            ;; fail: signalling
(assert_return (invoke "snan32") (f32.const nan:0x200000))              ;; pass
(assert_return (invoke "qnan32") (f32.const nan:arithmetic))            ;; pass
(assert_return (invoke "qnan32") (f32.const nan:canonical))             ;; fail: payload
(assert_return (invoke "canon32") (f32.const nan:canonical))            ;; pass (either sign)
(assert_return (invoke "snan64") (f64.const nan:arithmetic))            ;; fail: signalling
(assert_return (invoke "snan64") (f64.const nan:0x4000000000000))       ;; pass
(assert_return (invoke "qnan64") (f64.const nan:canonical))             ;; fail: payload
(assert_return (invoke "qnan64") (f64.const nan:arithmetic))            ;; pass
(assert_return (invoke "bits32" (f32.const nan:0x200000)) (i32.const 0x7fa00000))   ;; pass: arrives signalling
(assert_return (invoke "bits64" (f64.const -nan:0x4000000000000)) (i64.const 0xfff4000000000000)) ;; pass
(assert_return (invoke "two") (f32.const nan:0x200000) (f64.const nan:canonical))   ;; pass
(assert_return (invoke "two") (f32.const nan:arithmetic) (f64.const nan:canonical)) ;; fail: result 0
(assert_return (get "g32") (f32.const nan:0x200000))                    ;; pass
(assert_return (get "g32") (f32.const nan:canonical))                   ;; fail
(assert_return (get "g64") (f64.const -nan:0x4000000000000))            ;; pass (a mutable global)
(assert_return (get "g64") (f64.const nan:arithmetic))                  ;; fail
