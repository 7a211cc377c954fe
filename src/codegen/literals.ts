// JS source text for Wasm constants (codegen and emit both print them).

/** A number as JS source: exact, with -0 and infinities spelled out. */
export function numberLiteral(x: number): string {
  if (Object.is(x, -0)) return '(-0)';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '(-Infinity)';
  if (x !== x) return 'NaN';
  return x < 0 ? `(${x})` : String(x);
}
