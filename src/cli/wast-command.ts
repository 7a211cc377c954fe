// The `wast` subcommand: runs spec-test scripts (the official suite, or a user's own
// scripts about their own modules) against the compiler, for people and for CI.
// Exit status (docs/ci.md): 0 passed (expected failures allowed), 1 unexpected
// failures, 2 usage or input errors, 3 stale baseline entries under --strict-expect.

import type { Command } from 'commander';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CompileOptions } from '../api.js';
import { junitReport, jsonReport } from '../wast/report.js';
import type { PreloadedModule } from '../wast/runner.js';
import {
  defaultEngine,
  readExpectFail,
  runFiles,
  testsuiteAvailable,
  TESTSUITE_DIR,
  tier1Files,
  writeExpectFail,
} from '../wast/suite.js';
import { assembleText } from '../text/index.js';

interface WastOptions {
  tier1?: boolean;
  reporter: string;
  output?: string;
  json?: string;
  expectFail?: string;
  strictExpect?: boolean;
  writeExpectFail?: string;
  module?: string[];
  quiet?: boolean;
  split?: string;
  flat?: string;
}

const REPORTERS = ['text', 'json', 'junit'];

/** Thrown for a usage or input problem: printed as `wast: message`, exit status 2. */
class InputError extends Error {}

export function addWastCommand(program: Command): void {
  program
    .command('wast')
    .description('run WebAssembly spec-test scripts (.wast) against the compiler')
    .argument('[files...]', '.wast scripts, or folders to search for them')
    .option('--tier1', 'run every Tier 1 script listed in ../shared/testsuite/SCOPE.md')
    .option('--reporter <name>', "report format: 'text', 'json' or 'junit'", 'text')
    .option('-o, --output <file>', 'write the report to FILE (default: standard output)')
    .option('--json <file>', 'also write the JSON report to FILE')
    .option('--expect-fail <file>', 'baseline of known failures (file.wast:LINE per line); only others fail the run')
    .option('--strict-expect', 'with --expect-fail: baseline entries that no longer fail also fail the run (exit 3)')
    .option('--write-expect-fail <file>', 'write the current failures as a new baseline')
    .option('--module <name=path>', "define module $NAME from a .wasm/.wat file before each script, registered as \"NAME\" (repeatable)", (v: string, acc: string[] | undefined) => [...(acc ?? []), v])
    .option('-q, --quiet', 'do not print each failure')
    .option('--split <sizes>', "function splitting: 'off', or ABOVE,TARGET,MIN in bytes (tests the splitter on small functions)")
    .option('--flat <height>', 'flatten frames with more than HEIGHT levels inside into dispatch loops (0: all; tests the flattening)')
    // A usage mistake must be told apart from failing tests in CI: exit 2, not
    // commander's 1 (help and version still exit 0).
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (files: string[], opts: WastOptions) => {
      try {
        process.exitCode = await wastMain(files, opts);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        console.error(`wast: ${e.message}`);
        process.exitCode = 2;
      }
    });
}

/** The scripts named on the command line; a folder stands for the .wast files under it (in name order). */
function scriptPaths(files: string[]): string[] {
  const paths: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, entry.name);
      // Dependencies' and tools' folders hold scripts of their own, not the project's.
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(p);
      }
      else if (entry.name.endsWith('.wast')) paths.push(p);
    }
  };
  for (const f of files) {
    const p = resolve(f);
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      missing.push(`${f}: no such file`);
      continue;
    }
    if (isDir) walk(p);
    else paths.push(p);
  }
  // Every missing file at once, before a possibly long run.
  if (missing.length) throw new InputError(missing.join('\nwast: '));
  return paths;
}

const ID_CHARS = /^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/;

/** `--module NAME=PATH`: read, and assemble if it is text, before anything runs. */
async function preloadModules(specs: string[]): Promise<PreloadedModule[]> {
  const out: PreloadedModule[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = eq > 0 ? spec.slice(0, eq).replace(/^\$/, '') : '';
    const path = eq > 0 ? spec.slice(eq + 1) : '';
    if (!name || !path || !ID_CHARS.test(name)) throw new InputError(`--module expects NAME=PATH with NAME a module name (letters, digits, _ . - ...), got '${spec}'`);
    if (out.some((m) => m.name === name)) throw new InputError(`--module ${name} is given twice`);
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (e) {
      throw new InputError(`${path}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const isBinary = bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
    if (!isBinary) {
      if (!/\.wat$/i.test(path)) throw new InputError(`${path}: neither a .wasm binary nor a .wat text module`);
      try {
        bytes = assembleText(bytes, path).bytes;
      } catch (e) {
        // `path:line:col: message`
        throw new InputError((e as Error).message);
      }
    }
    out.push({ name, bytes, source: path });
  }
  return out;
}

function writeReport(path: string, text: string): void {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, text);
  } catch (e) {
    throw new InputError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

async function wastMain(files: string[], opts: WastOptions): Promise<number> {
  if (!REPORTERS.includes(opts.reporter)) throw new InputError(`--reporter expects one of ${REPORTERS.join(', ')}, got '${opts.reporter}'`);
  if (opts.strictExpect && !opts.expectFail) throw new InputError('--strict-expect needs --expect-fail FILE');
  let split: CompileOptions['split'];
  if (opts.split !== undefined) {
    const m = /^(\d+),(\d+),(\d+)$/.exec(opts.split);
    if (opts.split === 'off') split = false;
    else if (m) split = { above: +m[1], target: +m[2], min: +m[3] };
    else throw new InputError(`--split expects 'off' or ABOVE,TARGET,MIN, got '${opts.split}'`);
  }
  let flatHeight: number | undefined;
  if (opts.flat !== undefined) {
    if (!/^\d+$/.test(opts.flat)) throw new InputError(`--flat expects a number of levels, got '${opts.flat}'`);
    flatHeight = Number(opts.flat);
  }
  const paths = scriptPaths(files);
  if (opts.tier1) {
    // Nothing to run is an input error, never a vacuous pass in CI.
    if (!testsuiteAvailable()) throw new InputError(`--tier1: the spec testsuite is not at ${TESTSUITE_DIR} (its SCOPE.md is missing); nothing was run`);
    for (const f of tier1Files()) paths.push(resolve(TESTSUITE_DIR, f));
  }
  if (paths.length === 0) throw new InputError('no scripts given (pass files or folders, or --tier1)');
  let expectFail: Set<string> | undefined;
  if (opts.expectFail) {
    try {
      expectFail = readExpectFail(opts.expectFail);
    } catch (e) {
      const err = e as Error & { code?: string };
      throw new InputError(err.code === 'ENOENT' ? `${opts.expectFail}: no such file (the --expect-fail baseline)` : err.message);
    }
  }
  const modules = await preloadModules(opts.module ?? []);

  // The text report goes to the output; with another reporter, the same lines are the
  // progress log, kept off standard output when the report itself is written there.
  const textLines: string[] = [];
  const log =
    opts.reporter === 'text'
      ? opts.output
        ? (l: string) => textLines.push(l)
        : (l: string) => console.log(l)
      : opts.output
        ? (l: string) => console.log(l)
        : (l: string) => console.error(l);
  const summary = await runFiles({
    engine: split === undefined && flatHeight === undefined ? undefined : defaultEngine({ split, flatHeight }),
    files: paths,
    expectFail,
    strictExpect: opts.strictExpect,
    modules,
    verbose: !opts.quiet,
    log,
  });

  const report =
    opts.reporter === 'junit' ? junitReport(summary) :
    opts.reporter === 'json' ? jsonReport(summary, opts.expectFail) + '\n' :
    textLines.join('\n') + '\n';
  if (opts.output) writeReport(opts.output, report);
  else if (opts.reporter !== 'text') process.stdout.write(report);
  if (opts.json) writeReport(opts.json, jsonReport(summary, opts.expectFail) + '\n');
  if (opts.writeExpectFail) writeExpectFail(opts.writeExpectFail, summary.files);
  return summary.exitCode;
}
