// The package as a user gets it (`npm run test:package`, run by .ci/run): `npm pack`
// here, then `npm install --omit=dev <tarball>` into an empty project in a
// temporary folder (dependencies from the npm registry), and there:
//   - the install runs no install scripts and brings no devDependencies;
//   - `npx wasm2es compile` (with --dts and --source-map), `npx wasm2es wast`;
//   - `import { compile } from 'wasm2es'`, `wasm2es/runtime`, `wasm2es/polyfill`
//     under `node --noexpose-wasm`, `wasm2es/rollup` and `wasm2es/vite` in a
//     Rollup build (this repository's Rollup: the user's bundler);
//   - `tsc --strict` (this repository's TypeScript) on .ts files that use a
//     compiled module's declarations, a `.wasm` import through `wasm2es/client`
//     and the API's types; misuses must fail to type-check.
// Also: package.json is the same after `npm pack` as before (the pack strips
// scripts from the tarball's copy only: scripts/pack-manifest.mjs).
//
//   node test/package/run.mjs [--keep]     (--keep: leave the temporary folder)
//
// About a minute and a half on a quiet 2-core machine (the pack builds dist/).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const keep = process.argv.includes('--keep');
const node = process.execPath;
// npm as the user runs it, on this Node (npm's own script, not a PATH lookup).
const npmCli = process.env.npm_execpath && process.env.npm_execpath.endsWith('.js')
  ? process.env.npm_execpath
  : join(dirname(node), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const TSC = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const ROLLUP = pathToFileURL(join(root, 'node_modules', 'rollup', 'dist', 'es', 'rollup.js')).href;

const tmp = mkdtempSync(join(tmpdir(), 'wasm2es-package-'));
let failed = 0;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '', all: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
const npm = (args, cwd) => sh(node, [npmCli, ...args], { cwd, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });

async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n${String(e && e.stack ? e.stack : e).replace(/^/gm, '     ')}`);
  }
}

const app = join(tmp, 'app');
let tarball = '';

await step('npm pack: a tarball without scripts, devDependencies, source maps or tests; package.json unchanged', () => {
  const before = readFileSync(join(root, 'package.json'), 'utf8');
  const r = npm(['pack', '--pack-destination', tmp, '--json'], root);
  assert.equal(r.code, 0, r.all);
  assert.equal(readFileSync(join(root, 'package.json'), 'utf8'), before, 'package.json must be restored after npm pack');
  const info = JSON.parse(r.out.slice(r.out.indexOf('[')))[0];
  tarball = join(tmp, info.filename);
  const files = info.files.map((f) => f.path);
  for (const required of ['package.json', 'README.md', 'bin/wasm2es.js', 'client.d.ts', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/polyfill/index.js', 'dist/plugin/vite.js', 'dist/runtime/index.js']) {
    assert.ok(files.includes(required), `${required} is in the tarball`);
  }
  const unwanted = files.filter((f) => /\.map$|\.test\.|^src\/|^scripts\/|^test\/|^fixtures\/|^node_modules\//.test(f));
  assert.deepEqual(unwanted, []);
  const x = sh('tar', ['-xzf', tarball, '-C', tmp, 'package/package.json']);
  assert.equal(x.code, 0, x.all);
  const pkg = JSON.parse(readFileSync(join(tmp, 'package', 'package.json'), 'utf8'));
  assert.equal(pkg.scripts, undefined, 'no scripts in the packed package.json');
  assert.equal(pkg.devDependencies, undefined, 'no devDependencies in the packed package.json');
  console.log(`     ${info.filename}: ${info.size} bytes packed, ${info.unpackedSize} unpacked, ${files.length} files`);
});

await step('npm install --omit=dev <tarball> into an empty project: no install scripts, no devDependencies', () => {
  assert.ok(tarball, 'the tarball exists');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }, null, 2));
  const r = npm(['install', '--omit=dev', '--no-audit', '--no-fund', tarball], app);
  assert.equal(r.code, 0, r.all);
  // npm 11 warns about dependencies' install scripts; older npm runs them silently: the manifest decides.
  assert.doesNotMatch(r.all, /install.?scripts|postinstall|prepare/i, 'npm reports no install scripts');
  const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'wasm2es', 'package.json'), 'utf8'));
  assert.deepEqual([manifest.scripts, manifest.devDependencies], [undefined, undefined]);
  const installed = readdirSync(join(app, 'node_modules')).filter((d) => !d.startsWith('.'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const dev of Object.keys(pkg.devDependencies)) {
    assert.ok(!existsSync(join(app, 'node_modules', dev)), `devDependency ${dev} is not installed`);
  }
  for (const dep of Object.keys(pkg.dependencies)) assert.ok(existsSync(join(app, 'node_modules', dep)), `dependency ${dep} is installed`);
  console.log(`     node_modules: ${installed.join(', ')}`);
});

const ADD_WAT = '(module (import "env" "k" (global i32)) (func (export "add") (param i32 i32) (result i32) (i32.add (i32.add (local.get 0) (local.get 1)) (global.get 0))) (func (export "big") (result i64) (i64.const 1234567890123)))';

await step('npx wasm2es compile (--dts, --source-map): the output runs under node --noexpose-wasm', () => {
  writeFileSync(join(app, 'add.wat'), ADD_WAT);
  const v = sh(node, [npmCli, 'exec', '--', 'wasm2es', '--version'], { cwd: app });
  assert.equal(v.out.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version, v.all);
  const r = sh(node, [npmCli, 'exec', '--', 'wasm2es', 'compile', 'add.wat', '-o', 'out/add.mjs', '--dts', '--source-map'], { cwd: app });
  assert.equal(r.code, 0, r.all);
  for (const f of ['out/add.mjs', 'out/add.d.mts', 'out/add.mjs.map']) assert.ok(existsSync(join(app, f)), f);
  const run = sh(node, ['--noexpose-wasm', '--input-type=module', '-e',
    "import { instantiate } from './out/add.mjs'; const { instance } = await instantiate({ env: { k: 100 } }); console.log(typeof WebAssembly, instance.exports.add(2, 3), String(instance.exports.big()));"], { cwd: app });
  assert.equal(run.out.trim(), 'undefined 105 1234567890123', run.all);
});

await step('npx wasm2es compile --runtime import: the output imports wasm2es/runtime from the installed package', () => {
  const r = sh(node, [npmCli, 'exec', '--', 'wasm2es', 'compile', 'add.wat', '-o', 'out/add-import.mjs', '--runtime', 'import'], { cwd: app });
  assert.equal(r.code, 0, r.all);
  const js = readFileSync(join(app, 'out/add-import.mjs'), 'utf8');
  assert.match(js, /^import \{ runtime as \$runtime \} from 'wasm2es\/runtime';$/m);
  const run = sh(node, ['--noexpose-wasm', '--input-type=module', '-e',
    "import { instantiate } from './out/add-import.mjs'; import { runtime, Memory } from 'wasm2es/runtime'; const { instance } = await instantiate({ env: { k: 100 } }); console.log(instance.exports.add(2, 3), Object.keys(runtime.installed).length, typeof Memory);"], { cwd: app });
  // Importing wasm2es/runtime installs every part (src/runtime/install.ts RUNTIME_PARTS: 13 with atomics and simd).
  assert.equal(run.out.trim(), '105 13 function', run.all);
});

await step('npx wasm2es wast: runs a script; --tier1 without the spec testsuite fails loudly (exit 2)', () => {
  writeFileSync(join(app, 'mine.wast'), '(module (func (export "sq") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0))))\n(assert_return (invoke "sq" (i32.const 12)) (i32.const 144))\n');
  const r = sh(node, [npmCli, 'exec', '--', 'wasm2es', 'wast', 'mine.wast'], { cwd: app });
  assert.equal(r.code, 0, r.all);
  assert.match(r.out, /^2 passed, 0 failed, 0 skipped$/m); // the module and its assertion
  const t = sh(node, [npmCli, 'exec', '--', 'wasm2es', 'wast', '--tier1'], { cwd: app });
  assert.equal(t.code, 2, t.all);
  assert.match(t.err, /testsuite is not at .*nothing was run/);
});

await step("the API (import { compile } from 'wasm2es') and wasm2es/runtime", () => {
  const script = `
    import { compile, VERSION } from 'wasm2es';
    import { RuntimeError, Memory } from 'wasm2es/runtime';
    import { writeFileSync } from 'node:fs';
    const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,7,7,1,3,100,105,118,0,0,10,9,1,7,0,32,0,32,1,109,11]);
    const { js, dts } = compile(bytes, { dts: true, filename: 'div.wasm' });
    writeFileSync('div.mjs', js);
    const { instance } = await import('./div.mjs').then((m) => m.instantiate());
    let trap = null;
    try { instance.exports.div(1, 0); } catch (e) { trap = e; }
    console.log(instance.exports.div(7, 2), trap instanceof RuntimeError, trap.message, new Memory({ initial: 1 }).buffer.byteLength, typeof VERSION, dts.includes('"div": (p0: number, p1: number) => number'));`;
  const r = sh(node, ['--noexpose-wasm', '--input-type=module', '-e', script], { cwd: app });
  assert.equal(r.out.trim(), '3 true integer divide by zero 65536 string true', r.all);
});

await step('wasm2es/polyfill is a WebAssembly namespace under node --noexpose-wasm', () => {
  const script = `
    import { WebAssembly as W } from 'wasm2es/polyfill';
    const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,7,1,96,2,127,127,1,127,3,2,1,0,7,7,1,3,97,100,100,0,0,10,9,1,7,0,32,0,32,1,106,11]);
    const { module, instance } = await W.instantiate(bytes);
    console.log(typeof WebAssembly, W.validate(bytes), module instanceof W.Module, instance.exports.add(40, 2), W.validate(new Uint8Array([1, 2])));`;
  const r = sh(node, ['--noexpose-wasm', '--input-type=module', '-e', script], { cwd: app });
  assert.equal(r.out.trim(), 'undefined true true 42 false', r.all);
});

await step('wasm2es/rollup and wasm2es/vite in a Rollup build; the bundle runs without WebAssembly and the plugin wrote lib.d.wat.ts', () => {
  mkdirSync(join(app, 'src'));
  writeFileSync(join(app, 'src', 'lib.wat'), ADD_WAT);
  writeFileSync(join(app, 'src', 'main.js'), "import { instantiateSync } from './lib.wat';\nconsole.log(instantiateSync({ env: { k: 1 } }).instance.exports.add(20, 21));\n");
  const script = `
    import { rollup } from ${JSON.stringify(ROLLUP)};
    import wasm2es from 'wasm2es/rollup';
    import viteWasm2es from 'wasm2es/vite';
    if (typeof viteWasm2es !== 'function' || viteWasm2es().name !== 'wasm2es' || viteWasm2es().enforce !== 'pre') throw new Error('wasm2es/vite');
    const bundle = await rollup({ input: 'src/main.js', plugins: [wasm2es()] });
    await bundle.write({ file: 'dist/main.mjs', format: 'es' });
    await bundle.close();`;
  const b = sh(node, ['--input-type=module', '-e', script], { cwd: app });
  assert.equal(b.code, 0, b.all);
  const r = sh(node, ['--noexpose-wasm', join(app, 'dist', 'main.mjs')]);
  assert.equal(r.out.trim(), '42', r.all);
  assert.ok(existsSync(join(app, 'src', 'lib.d.wat.ts')), 'the plugin writes the declarations beside the module');
});

await step('tsc --strict: the declarations of a compiled module, wasm2es/client, the API types; misuses fail', () => {
  const tsconfig = (files, extra = {}) => JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: [], ...extra },
    files,
  });
  // A compiled module (CLI --dts) and the API, NodeNext resolution.
  writeFileSync(join(app, 'use.mts'), `import { instantiate, type Exports } from './out/add.mjs';
import { compile, type CompileOptions } from 'wasm2es';
const { instance } = await instantiate({ env: { k: 1 } });
const sum: number = instance.exports.add(1, 2);
const big: bigint = instance.exports.big();
const add: Exports['add'] = instance.exports.add;
const options: CompileOptions = { dts: true, sourceMap: true, format: 'esm' };
const dts: string | undefined = compile(new Uint8Array(8), options).dts;
export { sum, big, add, dts };
`);
  writeFileSync(join(app, 'tsconfig.json'), tsconfig(['use.mts']));
  let r = sh(node, [TSC, '-p', 'tsconfig.json'], { cwd: app });
  assert.equal(r.code, 0, r.all);
  // Misuses, one per line: each must be an error at its line.
  const misuses = [
    "import { instantiate } from './out/add.mjs';",
    "await instantiate({ env: { k: 'one' } });", // 2: an i32 global is a number
    'await instantiate();', // 3: imports are needed
    "const r = await instantiate({ env: { k: 1 } });",
    "r.instance.exports.add('1', 2);", // 5
    'const n: number = r.instance.exports.big();', // 6: i64 is a bigint
    'r.instance.exports.sub(1, 2);', // 7: no such export
    "import { compile } from 'wasm2es';",
    "compile(new Uint8Array(8), { format: 'cjs' });", // 9: no such format
    'export {};',
  ];
  writeFileSync(join(app, 'misuse.mts'), misuses.join('\n') + '\n');
  writeFileSync(join(app, 'tsconfig.misuse.json'), tsconfig(['misuse.mts']));
  r = sh(node, [TSC, '-p', 'tsconfig.misuse.json'], { cwd: app });
  assert.notEqual(r.code, 0, 'the misuses must not type-check');
  const lines = [...r.out.matchAll(/misuse\.mts\((\d+),\d+\): error/g)].map((m) => Number(m[1]));
  assert.deepEqual([...new Set(lines)], [2, 3, 5, 6, 7, 9], r.out);
  // A .wasm import through wasm2es/client (bundler resolution, as in a Vite app).
  writeFileSync(join(app, 'src', 'app.ts'), `import { instantiate } from './other.wasm';
const { instance } = await instantiate({ env: {} });
const f = instance.exports.f;
if (typeof f === 'function') f();
export {};
`);
  writeFileSync(join(app, 'src', 'bad.ts'), `import { instantiateSync } from './other.wasm';
instantiateSync(42);
export {};
`);
  const bundler = { module: 'ESNext', moduleResolution: 'Bundler', types: ['wasm2es/client'] };
  writeFileSync(join(app, 'tsconfig.client.json'), tsconfig(['src/app.ts'], bundler));
  r = sh(node, [TSC, '-p', 'tsconfig.client.json'], { cwd: app });
  assert.equal(r.code, 0, r.all);
  writeFileSync(join(app, 'tsconfig.client-bad.json'), tsconfig(['src/bad.ts'], bundler));
  r = sh(node, [TSC, '-p', 'tsconfig.client-bad.json'], { cwd: app });
  assert.match(r.out, /bad\.ts\(2,17\): error TS2559|bad\.ts\(2,17\): error TS2345/, r.all);
  // The plugin's own declarations, read with allowArbitraryExtensions, are exact.
  writeFileSync(join(app, 'src', 'exact.ts'), `import { instantiateSync } from './lib.wat';
const x = instantiateSync({ env: { k: 1 } }).instance.exports;
const s: number = x.add(1, 2);
// @ts-expect-error: big returns a bigint
const wrong: number = x.big();
export { s, wrong };
`);
  writeFileSync(join(app, 'tsconfig.exact.json'), tsconfig(['src/exact.ts'], { ...bundler, allowArbitraryExtensions: true }));
  r = sh(node, [TSC, '-p', 'tsconfig.exact.json'], { cwd: app });
  assert.equal(r.code, 0, r.all);
});

if (keep) console.log(`kept ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
console.log(failed ? `${failed} step(s) failed` : 'package: all steps passed');
process.exitCode = failed ? 1 : 0;
