// wasm2es/polyfill: a `WebAssembly` namespace that compiles modules to
// JavaScript at run time, for hosts without a usable native engine. Install it
// only where there is none (docs/polyfill.md):
//
//   import { WebAssembly } from 'wasm2es/polyfill';
//   if (typeof globalThis.WebAssembly === 'undefined') globalThis.WebAssembly = WebAssembly;
import { WebAssembly } from './namespace.js';

export { WebAssembly };
export default WebAssembly;
