// The smallest C++ exception runtime a freestanding clang -fwasm-exceptions
// program needs (no libc++abi, no libunwind): __cxa_throw throws the object's
// address with the C++ tag, as libunwind's _Unwind_RaiseException would. The
// program only catches with `catch (...)` (a catch-all needs no personality
// routine or LSDA) and reads the exception through sx_current(): every thrown
// type derives from one base class. Rethrow throws the same object again.
static char heap[8192];
static int top;
static void *stack[64];
static int depth;

void *__cxa_allocate_exception(unsigned long n) {
  if (top + n > sizeof heap) top = 0;
  void *p = heap + top;
  top += (int)((n + 15) & ~15ul);
  return p;
}
void __cxa_free_exception(void *p) { (void)p; }
__attribute__((noreturn)) void __cxa_throw(void *obj, void *tinfo, void (*dtor)(void *)) {
  (void)tinfo; (void)dtor;
  __builtin_wasm_throw(0, obj);
}
void *__cxa_begin_catch(void *p) {
  if (depth < 64) stack[depth++] = p;
  return p;
}
void __cxa_end_catch(void) {
  if (depth > 0) depth--;
}
__attribute__((noreturn)) void __cxa_rethrow(void) {
  // The handler being left calls __cxa_end_catch while unwinding.
  __builtin_wasm_throw(0, stack[depth - 1]);
}
void *sx_current(void) { return depth ? stack[depth - 1] : 0; }
void __cxa_pure_virtual(void) { __builtin_trap(); }
// std::terminate (reached only if a noexcept function threw).
__attribute__((noreturn)) void _ZSt9terminatev(void) { __builtin_trap(); }
