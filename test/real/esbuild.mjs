// A real Go program on the polyfill: esbuild-wasm (esbuild compiled by Go to
// 13 MB of Wasm) transforms TypeScript/JSX and bundles a few in-memory files,
// once on Node's native WebAssembly and once under `node --noexpose-wasm` with
// wasm2es/polyfill installed; the transcripts (output code, warnings, error
// messages) must be identical. Both runs at Node's default stack.
//
//   node test/real/esbuild.mjs [--stack-size=N]
//
// --stack-size=N is passed to the polyfill run.
//
// esbuild's Node API (lib/main.js) runs the Wasm in a separate `node`
// process of its own; its browser API (lib/browser.js) with `worker: false`
// runs it in this process on whatever `WebAssembly` is installed, so that is
// the one used here (it needs `self`, as in a page). Go's scheduler resumes
// the Wasm from JS callbacks (syscall/js), so calls cross the host boundary
// in both directions.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { nativeAndPolyfill, compareTranscripts } from './both.mjs';

const require = createRequire(import.meta.url);

// In-memory sources for the bundle, resolved by a plugin.
const FILES = {
  '/src/main.ts': `import { greet, type Named } from './greet';
import { sum } from './math/sum';
import data from './data.json';
import './style.css';
const people: Named[] = data.people;
export function main(): string {
  return people.map(greet).join('\\n') + '\\n' + sum(...people.map((p) => p.age ?? 0));
}
console.log(main());
`,
  '/src/greet.ts': `export interface Named { name: string; age?: number }
export const greet = ({ name, age }: Named): string => \`hello \${name}\${age === undefined ? '' : \` (\${age})\`}\`;
export const unused = () => 'tree-shaken away';
`,
  '/src/math/sum.ts': `export function sum(...xs: number[]): number {
  let total = 0n;
  for (const x of xs) total += BigInt(x);
  return Number(total);
}
`,
  '/src/data.json': '{ "people": [{ "name": "Ada", "age": 36 }, { "name": "Grace", "age": 85 }, { "name": "Linus" }] }',
  '/src/style.css': '.a { color: red; } .b { composes: a; display: flex }',
};

const TRANSFORMS = [
  ['let x: number = 1 + 2; export const f = (a?: string) => a?.length ?? x;', { loader: 'ts' }],
  ['enum Color { Red, Green = 4, Blue } namespace N { export const k = Color.Blue } class C { constructor(private readonly p: number) {} @dec m() {} }', { loader: 'ts' }],
  ['const App = () => <div className="x">{items.map((i) => <Item key={i} {...props} />)}</div>;', { loader: 'jsx', jsx: 'automatic' }],
  ['async function* g() { for await (const x of y) yield x ** 2; } const { a, ...rest } = obj; label: for (;;) break label;', { loader: 'js', target: 'es2015' }],
  ['export default class { static #count = 0; get n() { return this.constructor.#count++ } }', { loader: 'js', minify: true }],
  ['function keep(a, b) { return a + b } /* comment */ const unusedLocal = 1; keep(1, 2);', { loader: 'js', minify: true, sourcemap: 'inline', sourcefile: 'keep.js' }],
  ['.a { color: #ff0000; margin: 0px 0px 0px 0px } @media (min-width: 10px) { .b { color: rgba(0, 0, 0, 1) } }', { loader: 'css', minify: true }],
  ['let = ;', { loader: 'js' }], // a syntax error
  ['const x: = 1', { loader: 'ts' }], // another one
  ['with (o) { x }', { loader: 'js', format: 'esm' }], // not allowed in strict mode (ES modules)
];

function memPlugin() {
  return {
    name: 'mem',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        const base = args.importer ? args.importer.slice(0, args.importer.lastIndexOf('/')) : '/src';
        const parts = `${base}/${args.path}`.split('/');
        const out = [];
        for (const p of parts) {
          if (p === '..') out.pop();
          else if (p && p !== '.') out.push(p);
        }
        const path = '/' + out.join('/');
        for (const candidate of [path, `${path}.ts`, `${path}.js`]) if (candidate in FILES) return { path: candidate, namespace: 'mem' };
        return { errors: [{ text: `not found: ${args.path}` }] };
      });
      build.onLoad({ filter: /.*/, namespace: 'mem' }, (args) => {
        const ext = args.path.slice(args.path.lastIndexOf('.') + 1);
        return { contents: FILES[args.path], loader: ext === 'json' ? 'json' : ext === 'css' ? 'local-css' : 'ts' };
      });
    },
  };
}

const messages = (list) => list.map((m) => `${m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ` : ''}${m.text}`);

/** Loads esbuild on whatever `WebAssembly` is installed; returns the transcript and timings. */
async function runOnce() {
  globalThis.self ??= globalThis;
  const esbuild = require('esbuild-wasm/lib/browser.js');
  const bytes = readFileSync(require.resolve('esbuild-wasm/esbuild.wasm'));
  const t0 = performance.now();
  await esbuild.initialize({ wasmModule: new WebAssembly.Module(bytes), worker: false });
  const initMs = performance.now() - t0;
  const out = [];
  const t1 = performance.now();
  for (const [code, options] of TRANSFORMS) {
    try {
      const r = await esbuild.transform(code, options);
      out.push(JSON.stringify({ code: r.code, map: r.map, warnings: messages(r.warnings) }));
    } catch (e) {
      out.push(`error: ${e.message}`);
    }
  }
  for (const options of [
    { format: 'esm' },
    { format: 'iife', minify: true, globalName: 'app', target: 'es2019' },
    { format: 'cjs', treeShaking: true, metafile: true },
  ]) {
    try {
      const r = await esbuild.build({ entryPoints: ['./main.ts'], bundle: true, write: false, outdir: '/out', plugins: [memPlugin()], logLevel: 'silent', ...options });
      out.push(JSON.stringify({
        files: r.outputFiles.map((f) => [f.path, f.text]),
        warnings: messages(r.warnings),
        inputs: r.metafile ? Object.keys(r.metafile.inputs).sort() : null,
      }));
    } catch (e) {
      out.push(`error: ${e.message}`);
    }
  }
  // A bundle that fails: a name exported twice (and an import nobody provides).
  FILES['/src/bad.ts'] = "import { nope } from './missing'; export const a = 1; export const a = 2;";
  try {
    await esbuild.build({ entryPoints: ['./bad.ts'], bundle: true, write: false, plugins: [memPlugin()], logLevel: 'silent' });
    out.push('built');
  } catch (e) {
    out.push(`error: ${e.message}`);
  }
  const workMs = performance.now() - t1;
  return { initMs, workMs, transcript: out };
}

const stack = process.argv.find((a) => a.startsWith('--stack-size='));
const t = performance.now();
const { native, polyfill } = await nativeAndPolyfill(import.meta.url, runOnce, stack ? [stack] : []);
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`esbuild-wasm, ${TRANSFORMS.length} transforms and 4 bundles (${((performance.now() - t) / 1000).toFixed(0)} s in all)${stack ? `, polyfill run with ${stack}` : ''}:`);
console.log(`  native     init ${s(native.initMs)}, work ${s(native.workMs)}`);
console.log(`  polyfill   init ${s(polyfill.initMs)} (compile + instantiate + Go start), work ${s(polyfill.workMs)}`);
compareTranscripts(native.transcript, polyfill.transcript, (i) => (i < TRANSFORMS.length ? JSON.stringify(TRANSFORMS[i][0]) : `bundle ${i - TRANSFORMS.length}`), 'calls');
// Go's scheduler keeps a timer pending: leave explicitly.
process.exit();
