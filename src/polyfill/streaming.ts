// compileStreaming / instantiateStreaming: WebAssembly from a fetch Response,
// following the WebAssembly Web API's "compile a potential WebAssembly
// response". The body is read whole and compiled like any bytes; what the
// streaming forms add are the Response checks, which this keeps exactly:
// a Response (or a promise of one), MIME type exactly `application/wasm`, a
// CORS-same-origin response, an ok status, a body not yet consumed.

/** The bytes of a potential WebAssembly response, or a TypeError. */
export async function responseBytes(source: unknown): Promise<Uint8Array> {
  const response = await source;
  const R = (globalThis as { Response?: Function }).Response;
  if (typeof R !== 'function' || !(response instanceof R)) {
    throw new TypeError('WebAssembly streaming: the argument must be a Response or a promise of one');
  }
  const res = response as Response;
  const mime = res.headers.get('Content-Type');
  // Leading and trailing HTTP tab or space bytes are removed; nothing else is
  // allowed: not even parameters (`application/wasm; charset=...`).
  if (mime === null || mime.replace(/^[\t ]+|[\t ]+$/g, '').toLowerCase() !== 'application/wasm') {
    throw new TypeError(`WebAssembly streaming: the response's MIME type must be application/wasm, not ${JSON.stringify(mime)}`);
  }
  // Opaque responses (no-cors fetches of other origins) cannot be read.
  if (res.type !== 'basic' && res.type !== 'cors' && res.type !== 'default') {
    throw new TypeError(`WebAssembly streaming: a response of type ${res.type} cannot be compiled`);
  }
  if (!res.ok) throw new TypeError(`WebAssembly streaming: the response has HTTP status ${res.status}`);
  if (res.bodyUsed) throw new TypeError('WebAssembly streaming: the response body was already used');
  return new Uint8Array(await res.arrayBuffer());
}
