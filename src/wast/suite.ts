// Running many scripts: the Tier 1 file list, the expected-failure list (baseline),
// the classification of each result against it, the text report's lines and the
// exit status of `wasm2es wast`. The JSON and JUnit reports are in report.ts.

import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { compile } from '../compile.js';
import type { CompileOptions } from '../api.js';
import { loadFactory } from '../load.js';
import { TESTSUITE_DIR } from './paths.js';
import { runWastSource, type AssertionResult, type Engine, type FileResult, type PreloadedModule } from './runner.js';

export { PROJECT_ROOT, TESTSUITE_DIR } from './paths.js';

/** The real compiler as an Engine (with extra compile options, e.g. `split`). */
export function defaultEngine(options: CompileOptions = {}): Engine {
  return {
    compile: (bytes) => compile(bytes, { ...options, format: 'factory' }),
    load: loadFactory,
  };
}

/** Tier 1 script paths (relative to the testsuite folder) as listed in SCOPE.md. */
export function tier1Files(testsuiteDir = TESTSUITE_DIR): string[] {
  const scope = readFileSync(resolve(testsuiteDir, 'SCOPE.md'), 'utf8');
  const start = scope.indexOf('Tier 1:');
  const end = scope.indexOf('Tier 2:', start);
  if (start < 0) throw new Error('SCOPE.md has no "Tier 1:" section');
  const files: string[] = [];
  for (const line of scope.slice(start, end < 0 ? undefined : end).split('\n')) {
    // The file names are the indented lines; the prose lines are not indented.
    if (!/^\s{2,}\S/.test(line)) continue;
    for (const name of line.trim().split(/\s+/)) files.push(`${name}.wast`);
  }
  return files;
}

/** Name of a script in reports and in the expected-failure list. */
export function reportName(path: string, testsuiteDir = TESTSUITE_DIR): string {
  // Real paths, so that a symlinked checkout or testsuite still yields stable names.
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const abs = real(path);
  const inSuite = relative(real(testsuiteDir), abs);
  const rel = !inSuite.startsWith('..') && !isAbsolute(inSuite) ? inSuite : relative(process.cwd(), abs);
  return rel.split(sep).join('/');
}

/**
 * Reads an expected-failure list (the baseline): `file.wast:LINE` per line, `#`
 * comments. A line of any other shape is an error naming the list's own file:line,
 * since a typo there would otherwise let a failure through unnoticed.
 */
export function readExpectFail(path: string): Set<string> {
  const set = new Set<string>();
  readFileSync(path, 'utf8').split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    if (!/^\S.*:\d+$/.test(line)) throw new Error(`${path}:${i + 1}: expected 'file.wast:LINE', got '${line}'`);
    set.add(line);
  });
  return set;
}

export function writeExpectFail(path: string, files: { file: string; results: AssertionResult[] }[]): void {
  const lines = [
    '# Known wast failures (the baseline): one `file.wast:LINE` per line, named as',
    '# `wasm2es wast` reports them (spec scripts relative to the testsuite folder,',
    '# other scripts relative to the working directory). `wasm2es wast --expect-fail`',
    '# fails only on failures not listed here. Regenerate with `--write-expect-fail`.',
  ];
  const keys = new Set<string>();
  for (const f of files) for (const r of f.results) if (r.status === 'fail') keys.add(`${f.file}:${r.line}`);
  lines.push(...keys);
  writeFileSync(path, lines.join('\n') + '\n');
}

export interface RunOptions {
  files: string[];
  /** The baseline: `file:LINE` keys of known failures. */
  expectFail?: Set<string>;
  /** Baseline entries that no longer fail make the run fail too (exit status 3). */
  strictExpect?: boolean;
  engine?: Engine;
  /** Modules every script starts with (`--module NAME=PATH`). */
  modules?: PreloadedModule[];
  /** Receives the per-file and summary lines (the text report). */
  log?: (line: string) => void;
  /** Also print every failure (default true). */
  verbose?: boolean;
}

/**
 * What a result means for the run, the baseline taken into account:
 * - `passed`, `skipped`: as run;
 * - `failed`: a failure not in the baseline (fails the run);
 * - `expected-failure`: a failure the baseline lists (does not fail the run);
 * - `now-passing`: passes although the baseline lists its line (and nothing on
 *   that line fails): the entry should be removed;
 * - `error`: the script itself is broken (fails the run as an input error).
 */
export type Outcome = 'passed' | 'failed' | 'expected-failure' | 'now-passing' | 'skipped' | 'error';

export interface ReportedResult extends AssertionResult {
  outcome: Outcome;
}

export interface Counts {
  total: number;
  /** Every passing result, `now-passing` ones included. */
  passed: number;
  /** Unexpected failures only. */
  failed: number;
  expectedFailures: number;
  nowPassing: number;
  skipped: number;
  errors: number;
}

export interface FileReport {
  /** Name in reports and in the baseline. */
  file: string;
  /** Start of the file's run, ISO 8601 (UTC). */
  startedAt: string;
  ms: number;
  results: ReportedResult[];
  counts: Counts;
}

/** A baseline entry for a file that ran, on whose line nothing fails any more. */
export interface StaleEntry {
  key: string;
  /** `passes`: the command there passes now; `skipped`/`error`: it no longer runs to a result; `no command`: nothing is on that line. */
  why: 'passes' | 'skipped' | 'error' | 'no command';
}

export interface BaselineReport {
  entries: number;
  stillFailing: string[];
  stale: StaleEntry[];
  /** Entries naming files that were not run: ignored. */
  notRun: string[];
  strict: boolean;
}

export type ExitCode = 0 | 1 | 2 | 3;

export interface RunSummary {
  files: FileReport[];
  totals: Counts;
  baseline?: BaselineReport;
  exitCode: ExitCode;
  /** Shortcuts: `totals.passed`, `totals.failed` (unexpected only), `totals.skipped`. */
  passed: number;
  failed: number;
  skipped: number;
}

function emptyCounts(): Counts {
  return { total: 0, passed: 0, failed: 0, expectedFailures: 0, nowPassing: 0, skipped: 0, errors: 0 };
}

function addCounts(into: Counts, c: Counts): void {
  for (const k of Object.keys(into) as (keyof Counts)[]) into[k] += c[k];
}

/** The file part of a baseline key (`dir/a.wast:12` -> `dir/a.wast`). */
function keyFile(key: string): string {
  return key.slice(0, key.lastIndexOf(':'));
}

/** Gives each result of one file its outcome; returns the file's stale baseline entries. */
function classify(result: FileResult, expect: Set<string>): { results: ReportedResult[]; counts: Counts; stale: StaleEntry[]; stillFailing: string[] } {
  const byKey = new Map<string, AssertionResult[]>();
  for (const r of result.results) {
    const key = `${result.file}:${r.line}`;
    const list = byKey.get(key);
    if (list) list.push(r);
    else byKey.set(key, [r]);
  }
  // A line with two commands is one baseline entry: it is still needed while either fails.
  const failingKeys = new Set<string>();
  for (const [key, rs] of byKey) if (rs.some((r) => r.status === 'fail')) failingKeys.add(key);
  const counts = emptyCounts();
  const results = result.results.map((r): ReportedResult => {
    const key = `${result.file}:${r.line}`;
    const listed = expect.has(key);
    let outcome: Outcome;
    if (r.status === 'pass') outcome = listed && !failingKeys.has(key) ? 'now-passing' : 'passed';
    else if (r.status === 'fail') outcome = listed ? 'expected-failure' : 'failed';
    else if (r.status === 'skip') outcome = 'skipped';
    else outcome = 'error';
    counts.total++;
    if (r.status === 'pass') counts.passed++;
    if (outcome === 'now-passing') counts.nowPassing++;
    else if (outcome === 'failed') counts.failed++;
    else if (outcome === 'expected-failure') counts.expectedFailures++;
    else if (outcome === 'skipped') counts.skipped++;
    else if (outcome === 'error') counts.errors++;
    return { ...r, outcome };
  });
  const stale: StaleEntry[] = [];
  const stillFailing: string[] = [];
  for (const key of expect) {
    if (keyFile(key) !== result.file) continue;
    if (failingKeys.has(key)) {
      stillFailing.push(key);
      continue;
    }
    const statuses = new Set((byKey.get(key) ?? []).map((r) => r.status));
    const why = statuses.has('pass') ? 'passes' : statuses.has('skip') ? 'skipped' : statuses.has('error') ? 'error' : 'no command';
    stale.push({ key, why });
  }
  return { results, counts, stale, stillFailing };
}

/** The exit status of a finished run (docs/ci.md): input errors, then failures, then a stale strict baseline. */
export function exitCodeOf(totals: Counts, baseline: BaselineReport | undefined): ExitCode {
  if (totals.errors > 0) return 2;
  if (totals.failed > 0) return 1;
  if (baseline?.strict && baseline.stale.length > 0) return 3;
  return 0;
}

/** Messages can quote names from the script: keep each report line one line. */
const oneLine = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * `N passed, M failed, K skipped`, the line CI log readers look for, with `failed`
 * counting unexpected failures only; baseline failures and errors follow when any.
 */
function countsLine(c: Counts): string {
  return `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped` +
    (c.expectedFailures ? `, ${plural(c.expectedFailures, 'expected failure')}` : '') +
    (c.errors ? `, ${plural(c.errors, 'error')}` : '');
}

const STALE_TEXT: Record<StaleEntry['why'], string> = {
  passes: 'now passing',
  skipped: 'no longer failing (skipped now)',
  error: 'no longer failing (script error now)',
  'no command': 'no command on this line',
};

export async function runFiles(opts: RunOptions): Promise<RunSummary> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const engine = opts.engine ?? defaultEngine();
  const expect = opts.expectFail ?? new Set<string>();
  const files: FileReport[] = [];
  const totals = emptyCounts();
  const stale: StaleEntry[] = [];
  const stillFailing: string[] = [];
  for (const path of opts.files) {
    const name = reportName(path);
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    let result: FileResult;
    try {
      result = runWastSource(readFileSync(path), name, engine, { baseDir: dirname(path), preload: opts.modules });
    } catch (e) {
      // Only reading the file can get here (the runner catches everything else), and
      // the command line checks the files first: a file that vanished meanwhile.
      const reason = `cannot read the script: ${(e as Error).message}`;
      result = { file: name, results: [{ line: 0, kind: 'script', name: 'script', status: 'error', reason, ms: 0 }], passed: 0, failed: 0, skipped: 0, errors: 1 };
    }
    const c = classify(result, expect);
    files.push({ file: name, startedAt, ms: performance.now() - t0, results: c.results, counts: c.counts });
    addCounts(totals, c.counts);
    stale.push(...c.stale);
    stillFailing.push(...c.stillFailing);
    for (const r of c.results) {
      if (r.outcome === 'error') log(`  ERROR ${name}:${r.line} ${r.name}: ${oneLine(r.reason ?? '')}`);
      else if (r.outcome === 'failed' && opts.verbose !== false) log(`  FAIL ${name}:${r.line} ${r.name}: ${oneLine(r.reason ?? '')}`);
    }
    log(`${name}: ${countsLine(c.counts)}`);
  }
  let baseline: BaselineReport | undefined;
  if (opts.expectFail) {
    const ran = new Set(files.map((f) => f.file));
    const notRun = [...expect].filter((k) => !ran.has(keyFile(k)));
    baseline = { entries: expect.size, stillFailing, stale, notRun, strict: !!opts.strictExpect };
    log(`expected failures: ${stillFailing.length} still failing, ${stale.filter((s) => s.why === 'passes').length} now passing` +
      (stale.length > stale.filter((s) => s.why === 'passes').length ? `, ${stale.filter((s) => s.why !== 'passes').length} no longer failing` : ''));
    for (const s of stale) log(`  ${STALE_TEXT[s.why]}: ${s.key} — remove from the baseline${opts.strictExpect ? ' (--strict-expect: fails the run)' : ''}`);
    if (notRun.length) {
      const eg = notRun.slice(0, 3).join(', ') + (notRun.length > 3 ? ', ...' : '');
      log(`note: ${notRun.length} baseline ${notRun.length === 1 ? 'entry names a file' : 'entries name files'} not run here, ignored (${eg})`);
    }
  }
  log(countsLine(totals));
  const exitCode = exitCodeOf(totals, baseline);
  return { files, totals, baseline, exitCode, passed: totals.passed, failed: totals.failed, skipped: totals.skipped };
}

export function testsuiteAvailable(dir = TESTSUITE_DIR): boolean {
  return existsSync(resolve(dir, 'SCOPE.md'));
}
