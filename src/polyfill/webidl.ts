// The WebIDL shapes the JS API specifies, for the objects the polyfill defines
// itself (the namespace, Module, Instance). The JS-API tests inspect them
// directly: property attributes, function names and lengths, brand checks, and
// the conversions of arguments (BufferSource, object, DOMString).

/** A regular operation or namespace member: writable, enumerable, configurable. */
export function defineOperation(target: object, name: string, fn: Function, length: number): void {
  Object.defineProperty(fn, 'name', { value: name, configurable: true });
  Object.defineProperty(fn, 'length', { value: length, configurable: true });
  Object.defineProperty(target, name, { value: fn, writable: true, enumerable: true, configurable: true });
}

/** A read-only attribute: an enumerable, configurable accessor named `get <name>`. */
export function defineGetter(target: object, name: string, get: () => unknown): void {
  Object.defineProperty(get, 'name', { value: `get ${name}`, configurable: true });
  Object.defineProperty(get, 'length', { value: 0, configurable: true });
  Object.defineProperty(target, name, { get, set: undefined, enumerable: true, configurable: true });
}

/** An interface's [Symbol.toStringTag]: not writable, not enumerable, configurable. */
export function defineToStringTag(target: object, tag: string): void {
  Object.defineProperty(target, Symbol.toStringTag, { value: tag, writable: false, enumerable: false, configurable: true });
}

/** The constructor's `length` is the number of its required arguments. */
export function setLength(fn: Function, length: number): void {
  Object.defineProperty(fn, 'length', { value: length, configurable: true });
}

/**
 * Static members of a class are non-enumerable by default; WebIDL makes static
 * operations enumerable like every other operation.
 */
export function makeEnumerable(target: object, names: string[]): void {
  for (const name of names) {
    const d = Object.getOwnPropertyDescriptor(target, name)!;
    Object.defineProperty(target, name, { ...d, enumerable: true });
  }
}

// The ArrayBuffer brand check: the byteLength getter throws a TypeError for
// anything that is not an ArrayBuffer (a SharedArrayBuffer included), whichever
// realm made it; `instanceof` would miss buffers of other realms.
const abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!;
const isArrayBuffer = (v: unknown): v is ArrayBuffer => {
  try {
    abByteLength.call(v);
    return true;
  } catch {
    return false;
  }
};

/**
 * WebIDL [AllowShared] BufferSource, copied ("get a copy of the bytes held by the buffer
 * source"): the module must not change if the caller's buffer changes later.
 * A detached buffer gives no bytes. Anything else is a TypeError.
 */
export function copyBufferSource(v: unknown, what: string): Uint8Array {
  if (ArrayBuffer.isView(v)) {
    // [AllowShared]: a view on a SharedArrayBuffer is accepted too.
    const buf = v.buffer;
    if (isArrayBuffer(buf) && isDetached(buf)) return new Uint8Array(0);
    return new Uint8Array(buf, v.byteOffset, v.byteLength).slice();
  }
  if (isArrayBuffer(v)) return isDetached(v) ? new Uint8Array(0) : new Uint8Array(v).slice();
  throw new TypeError(`${what}: argument must be an ArrayBuffer or a typed array view`);
}

function isDetached(b: ArrayBuffer): boolean {
  const d = (b as { detached?: boolean }).detached;
  if (typeof d === 'boolean') return d;
  // Before ArrayBuffer.prototype.detached (Node 20): a detached buffer has no
  // bytes, and making a view on it throws.
  if (b.byteLength !== 0) return false;
  try {
    new Uint8Array(b);
    return false;
  } catch {
    return true;
  }
}

/** WebIDL `optional object`: undefined, or an object (functions are objects). */
export function optionalObject(v: unknown, what: string): object | undefined {
  if (v === undefined) return undefined;
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) throw new TypeError(`${what} must be an object`);
  return v as object;
}

/** WebIDL DOMString: ECMAScript ToString, which refuses Symbols with a TypeError. */
export function toDOMString(v: unknown): string {
  return `${v as string}`;
}
