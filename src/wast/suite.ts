// Running many scripts: the Tier 1 file list, the expected-failure list, summary
// lines and the JSON report used by `wasm2es wast`.

import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { compile } from '../compile.js';
import type { CompileOptions } from '../api.js';
import { loadFactory } from '../load.js';
import { TESTSUITE_DIR } from './paths.js';
import { runWastSource, type Engine, type FileResult } from './runner.js';
import { initTextParsers } from './text.js';

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

/** Reads an expected-failure list: `file.wast:LINE` per line, `#` comments. */
export function readExpectFail(path: string): Set<string> {
  const set = new Set<string>();
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line) set.add(line);
  }
  return set;
}

export function writeExpectFail(path: string, files: FileResult[]): void {
  const lines = [
    '# Known spec-test failures: one `file.wast:LINE` per line (paths relative to the',
    '# testsuite folder). `wasm2es wast --expect-fail` fails only on failures not listed',
    '# here. Regenerate with `--write-expect-fail`.',
  ];
  for (const f of files) for (const r of f.results) if (r.status === 'fail') lines.push(`${f.file}:${r.line}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

export interface RunOptions {
  files: string[];
  expectFail?: Set<string>;
  engine?: Engine;
  /** Receives the per-file and summary lines. */
  log?: (line: string) => void;
  /** Also print every failure (default true). */
  verbose?: boolean;
}

export interface RunSummary {
  files: FileResult[];
  passed: number;
  /** Failures not in the expected-failure list. */
  failed: number;
  skipped: number;
  expectedStillFailing: number;
  expectedNowPassing: string[];
}

export async function runFiles(opts: RunOptions): Promise<RunSummary> {
  const log = opts.log ?? ((l: string) => console.log(l));
  await initTextParsers();
  const engine = opts.engine ?? defaultEngine();
  const expect = opts.expectFail ?? new Set<string>();
  const summary: RunSummary = { files: [], passed: 0, failed: 0, skipped: 0, expectedStillFailing: 0, expectedNowPassing: [] };
  for (const path of opts.files) {
    const name = reportName(path);
    let result: FileResult;
    try {
      result = runWastSource(readFileSync(path), name, engine);
    } catch (e) {
      // Only reading the file can get here; the runner itself catches everything.
      result = { file: name, results: [{ line: 0, kind: 'script', status: 'fail', reason: String((e as Error).message ?? e) }], passed: 0, failed: 1, skipped: 0 };
    }
    summary.files.push(result);
    let unexpected = 0;
    for (const r of result.results) {
      const key = `${name}:${r.line}`;
      if (r.status === 'pass') {
        summary.passed++;
        if (expect.has(key)) summary.expectedNowPassing.push(key);
      } else if (r.status === 'skip') {
        summary.skipped++;
      } else if (expect.has(key)) {
        summary.expectedStillFailing++;
      } else {
        unexpected++;
        summary.failed++;
        if (opts.verbose !== false) log(`  FAIL ${key} ${r.kind}: ${r.reason ?? ''}`);
      }
    }
    log(`${name}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped` +
      (result.failed !== unexpected ? ` (${result.failed - unexpected} expected)` : ''));
  }
  if (opts.expectFail) {
    log(`expected failures: ${summary.expectedStillFailing} still failing, ${summary.expectedNowPassing.length} now passing`);
    for (const k of summary.expectedNowPassing) log(`  fixed: ${k}`);
  }
  log(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  return summary;
}

export function jsonReport(summary: RunSummary): string {
  return JSON.stringify(
    {
      passed: summary.passed,
      failed: summary.failed,
      skipped: summary.skipped,
      expectedStillFailing: summary.expectedStillFailing,
      expectedNowPassing: summary.expectedNowPassing,
      files: summary.files.map((f) => ({
        file: f.file,
        passed: f.passed,
        failed: f.failed,
        skipped: f.skipped,
        assertions: f.results,
      })),
    },
    null,
    1,
  );
}

export function testsuiteAvailable(dir = TESTSUITE_DIR): boolean {
  return existsSync(resolve(dir, 'SCOPE.md'));
}
