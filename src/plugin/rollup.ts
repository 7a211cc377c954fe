// `wasm2es/rollup`: the plugin for Rollup (and Rolldown), the same object as
// `wasm2es/vite`.
export { wasm2es as default, wasm2es } from './index.js';
export type { Wasm2esPluginOptions, Wasm2esPlugin, Wasm2esPluginStats, FilterPattern } from './index.js';
