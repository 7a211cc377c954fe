// `wasm2es/vite`: the plugin for Vite. Vite takes Rollup-style plugins, so this
// is the same object as `wasm2es/rollup`; `enforce: 'pre'` is what Vite reads.
export { wasm2es as default, wasm2es } from './index.js';
export type { Wasm2esPluginOptions, Wasm2esPlugin, Wasm2esPluginStats, FilterPattern } from './index.js';
