// The bundler plugin end to end, as a user runs it: the `vite` and `rollup`
// command lines build the example app (fixtures/plugin-app) with the packaged
// `wasm2es/vite` and `wasm2es/rollup` (dist/, so `npm run build` first: the
// test:e2e script does), the bundles run under `node --noexpose-wasm`, and
// headless Chromium shows the built page without WebAssembly, with it forbidden
// by CSP and with it, and the dev server's page without it. Also: a failing Vite
// build and the dev server's error overlay name the file and offset, and the
// plugin's types fit both bundlers.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname, extname, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { SourceMapConsumer } from 'source-map';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
// @ts-expect-error: a plain JS module of the example app, without types
import { EXPECTED_REPORT } from '../fixtures/plugin-app/expected.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const app = join(root, 'fixtures', 'plugin-app');
const VITE = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const ROLLUP = join(root, 'node_modules', 'rollup', 'dist', 'bin', 'rollup');
const TSC = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const CHROMIUM = process.env.WASM2ES_CHROMIUM ?? '/usr/bin/chromium';
/** A module whose section id (14, at byte 8) does not exist. */
const BAD_WASM = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 14, 0]);

let dir: string;
beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'plugin', 'vite.js'))) throw new Error('dist/ is not built: run `npm run build` (npm run test:e2e does)');
  dir = mkdtempSync(join(tmpdir(), 'wasm2es-e2e-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a Node script (a bundler's CLI) and returns its status and output. */
function node(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** Runs a built ES module under Node with WebAssembly removed; its printed output. */
function runWithoutWasm(file: string): string {
  // The output directories have no package.json of their own: say that .js is ESM.
  writeFileSync(join(dirname(file), 'package.json'), '{"type":"module"}');
  return execFileSync(process.execPath, ['--noexpose-wasm', file], { encoding: 'utf8' }).trim();
}

const viteOut = () => join(dir, 'vite-dist');

describe('builds', () => {
  it('`vite build` of the example app: the bundle runs without WebAssembly', () => {
    const r = node([VITE, 'build', app, '--configLoader', 'native', '--outDir', viteOut(), '--emptyOutDir']);
    expect(r.status, r.output).toBe(0);
    expect(readFileSync(join(viteOut(), 'index.html'), 'utf8')).toContain('<pre id="result">');
    const scripts = readdirSync(join(viteOut(), 'assets')).filter((f) => f.endsWith('.js'));
    expect(scripts).toHaveLength(1);
    expect(runWithoutWasm(join(viteOut(), 'assets', scripts[0]))).toBe(EXPECTED_REPORT);
  });

  it("the Vite bundle's source map leads through the minifier to the .wat's lines and columns", async () => {
    const assets = join(viteOut(), 'assets');
    const script = readdirSync(assets).find((f) => f.endsWith('.js'))!;
    const code = readFileSync(join(assets, script), 'utf8');
    const map = JSON.parse(readFileSync(join(assets, script + '.map'), 'utf8'));
    const consumer = await new SourceMapConsumer(map);
    // The plugin maps a .wat's compiled code to the positions of its instructions.
    const source = join(app, 'factorial.wat');
    const text = readFileSync(source, 'utf8').split('\n');
    /** `token`'s position on the first line holding `needle` (1-based line, 0-based column). */
    const inText = (needle: string, token: string) => {
      const line = text.findIndex((l) => l.includes(needle));
      return `${line + 1}:${text[line].indexOf(token)}`;
    };
    /** Where each occurrence of `token` in the bundle maps to in the .wat. */
    const origins = (token: string) => {
      const found: string[] = [];
      const lines = code.split('\n');
      for (let i = 0; i < lines.length; i++) {
        for (let c = lines[i].indexOf(token); c >= 0; c = lines[i].indexOf(token, c + 1)) {
          const pos = consumer.originalPositionFor({ line: i + 1, column: c });
          if (pos.source !== null && resolve(assets, pos.source) === source) found.push(`${pos.line}:${pos.column}`);
        }
      }
      return found;
    };
    // Every compiled function starts at its body's first instruction.
    expect(origins('function ').sort()).toEqual([
      inText('(local.set $acc (i64.const 1))', 'i64.const'),
      inText('(block $caught (result i32)', 'block'),
      inText('(local.set $n (i32.const 1))', 'i32.const'),
    ].sort());
    // The only `throw` in the module, in $factorial.
    expect(origins('throw ')).toEqual([inText('(throw $overflow', 'throw')]);
  });

  it('`rollup -c` of the example app: the bundle runs without WebAssembly', () => {
    const out = join(dir, 'rollup-dist');
    const r = node([ROLLUP, '-c', join(app, 'rollup.config.js'), '-d', out]);
    expect(r.status, r.output).toBe(0);
    expect(existsSync(join(out, 'main.js.map'))).toBe(true);
    expect(runWithoutWasm(join(out, 'main.js'))).toBe(EXPECTED_REPORT);
  });

  it('`vite build` of a project importing a malformed .wasm fails, naming the file and the offset', () => {
    const p = join(dir, 'vite-bad');
    mkdirSync(p);
    writeFileSync(join(p, 'bad.wasm'), BAD_WASM);
    writeFileSync(join(p, 'main.js'), "import { instantiate } from './bad.wasm';\ninstantiate();\n");
    writeFileSync(join(p, 'index.html'), '<script type="module" src="./main.js"></script>\n');
    const plugin = pathToFileURL(join(root, 'dist', 'plugin', 'vite.js')).href;
    writeFileSync(join(p, 'vite.config.mjs'), `import wasm2es from ${JSON.stringify(plugin)};\nexport default { plugins: [wasm2es()] };\n`);
    const r = node([VITE, 'build', '--configLoader', 'native', '--outDir', join(p, 'out')], p);
    expect(r.status).toBe(1);
    expect(r.output).toContain('[plugin wasm2es]');
    expect(r.output).toContain('bad.wasm:8: malformed section id');
  });

  it('the plugin object type-checks as a Vite and as a Rollup plugin', () => {
    const r = node([TSC, '-p', join(root, 'e2e', 'tsconfig.json')]);
    expect(r.status, r.output).toBe(0);
  });
});

/** A static file server for a built site on 127.0.0.1 (random port), optionally with a CSP. */
async function serve(rootDir: string, csp?: string): Promise<{ url: string; server: Server }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
  const server = createHttpServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(rootDir, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(rootDir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      ...(csp ? { 'content-security-policy': csp } : {}),
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/**
 * Headless Chromium, with WebAssembly removed unless `wasm`. The flag that does
 * it is V8's --jitless (no generated code, hence no Wasm: Safari's Lockdown Mode
 * is the same situation). --noexpose_wasm alone no longer does: in Chromium 156,
 * `--js-flags=--noexpose_wasm` leaves `typeof WebAssembly` at 'object' (checked
 * with --dump-dom), so every run below checks what the page really has.
 */
async function launch(wasm: boolean): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set WASM2ES_CHROMIUM)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-dev-shm-usage',
      ...(wasm ? [] : ['--js-flags=--jitless']),
    ],
  });
}

/**
 * Opens `url`; returns what native WebAssembly can do there ('absent', 'usable',
 * or 'blocked: <why>'), the page's own note of it (#wasm) and its #result.
 */
async function showPage(browser: Browser, url: string) {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'running…', null, { timeout: 20_000 });
  const result = {
    webAssembly: await page.evaluate(async () => {
      if (typeof WebAssembly === 'undefined') return 'absent';
      try {
        await WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
        return 'usable';
      } catch (e) {
        return `blocked: ${e}`;
      }
    }),
    shown: await page.textContent('#wasm'),
    result: await page.textContent('#result'),
    errors,
  };
  await page.close();
  return result;
}

describe('in Chromium', () => {
  const dev: ViteDevServer[] = [];
  afterAll(async () => {
    await Promise.all(dev.map((server) => server.close()));
  });

  // The built page three ways: WebAssembly missing; present but forbidden by the
  // page's Content-Security-Policy (no 'wasm-unsafe-eval'); and usable.
  const runs = [
    { name: 'without WebAssembly', wasm: false, csp: false, native: /^absent$/, shown: 'off' },
    { name: 'with WebAssembly forbidden by CSP', wasm: true, csp: true, native: /^blocked: CompileError/, shown: 'on' },
    { name: 'with WebAssembly', wasm: true, csp: false, native: /^usable$/, shown: 'on' },
  ];
  for (const run of runs) {
    it(`the built page shows the report ${run.name}`, async () => {
      expect(existsSync(join(viteOut(), 'index.html')), 'the vite build test runs first').toBe(true);
      const { url, server } = await serve(viteOut(), run.csp ? "script-src 'self'" : undefined);
      const browser = await launch(run.wasm);
      try {
        const page = await showPage(browser, url);
        expect(page.webAssembly).toMatch(run.native);
        expect(page.shown).toBe(run.shown);
        expect(page.errors).toEqual([]);
        expect(page.result).toBe(EXPECTED_REPORT);
      } finally {
        await browser.close();
        server.close();
      }
    });
  }

  it("Vite's dev server: the page works without WebAssembly, and a bad .wasm shows in the error overlay", async () => {
    const p = join(dir, 'dev-bad');
    mkdirSync(p);
    writeFileSync(join(p, 'bad.wasm'), BAD_WASM);
    writeFileSync(join(p, 'main.js'), "import { instantiate } from './bad.wasm';\ninstantiate();\n");
    writeFileSync(join(p, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>\n');
    const { wasm2es } = await import('wasm2es/vite');
    const common = { logLevel: 'silent' as const, server: { host: '127.0.0.1', port: 0 } };
    // The example app with its own config, and the broken project configured inline.
    dev.push(await createViteServer({ ...common, root: app, configLoader: 'native', cacheDir: join(dir, 'vite-cache-app') }));
    dev.push(await createViteServer({ ...common, root: p, configFile: false, cacheDir: join(dir, 'vite-cache-bad'), plugins: [wasm2es()] }));
    const [appUrl, badUrl] = await Promise.all(
      dev.map(async (server) => {
        await server.listen();
        return `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}/`;
      }),
    );
    const browser = await launch(false);
    try {
      const page = await showPage(browser, appUrl);
      expect(page.webAssembly).toBe('absent');
      expect(page.result).toBe(EXPECTED_REPORT);

      const bad = await browser.newPage();
      await bad.goto(badUrl);
      // The overlay is a custom element with a shadow root; Playwright's CSS
      // selectors pierce it.
      const message = bad.locator('vite-error-overlay .message-body');
      await message.waitFor({ timeout: 20_000 });
      expect(await message.textContent()).toContain('bad.wasm:8: malformed section id');
      expect(await bad.locator('vite-error-overlay .file').textContent()).toContain(join(p, 'bad.wasm'));
    } finally {
      await browser.close();
    }
  });
});
