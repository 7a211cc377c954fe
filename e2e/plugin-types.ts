// Type-checked by e2e/plugin.test.ts (never run): the plugin, as the package
// exports it, must be accepted where Vite and Rollup take plugins.
import type { Plugin as VitePlugin, UserConfig } from 'vite';
import type { Plugin as RollupPlugin, RollupOptions } from 'rollup';
import viteWasm from 'wasm2es/vite';
import { wasm2es as rollupWasm } from 'wasm2es/rollup';

export const asVitePlugin: VitePlugin = viteWasm();
export const viteConfig: UserConfig = { plugins: [viteWasm({ include: '**/*.wasm', exclude: [/vendor/] })] };
export const asRollupPlugin: RollupPlugin = rollupWasm({ sourceMap: false });
export const rollupConfig: RollupOptions = { input: 'main.js', plugins: [rollupWasm()] };
