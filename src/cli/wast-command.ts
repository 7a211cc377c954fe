// The `wast` subcommand: runs spec-test scripts against the compiler.

import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CompileOptions } from '../api.js';
import {
  defaultEngine,
  jsonReport,
  readExpectFail,
  runFiles,
  testsuiteAvailable,
  TESTSUITE_DIR,
  tier1Files,
  writeExpectFail,
} from '../wast/suite.js';

interface WastOptions {
  tier1?: boolean;
  json?: string;
  expectFail?: string;
  writeExpectFail?: string;
  quiet?: boolean;
  split?: string;
}

export function addWastCommand(program: Command): void {
  program
    .command('wast')
    .description('run WebAssembly spec-test scripts (.wast) against the compiler')
    .argument('[files...]', '.wast scripts to run')
    .option('--tier1', 'run every Tier 1 script listed in ../shared/testsuite/SCOPE.md')
    .option('--json <file>', 'write a machine-readable report')
    .option('--expect-fail <file>', 'list of known failures (file.wast:LINE per line); others fail the run')
    .option('--write-expect-fail <file>', 'write the current failures as a new expected-failure list')
    .option('-q, --quiet', 'do not print each failure')
    .option('--split <sizes>', "function splitting: 'off', or ABOVE,TARGET,MIN in bytes (tests the splitter on small functions)")
    .action(async (files: string[], opts: WastOptions) => {
      process.exitCode = await wastMain(files, opts);
    });
}

async function wastMain(files: string[], opts: WastOptions): Promise<number> {
  const paths = files.map((f) => resolve(f));
  if (opts.tier1) {
    if (!testsuiteAvailable()) {
      console.log(`testsuite not found at ${TESTSUITE_DIR}; nothing to run`);
      console.log('0 passed, 0 failed, 0 skipped');
      return 0;
    }
    for (const f of tier1Files()) paths.push(resolve(TESTSUITE_DIR, f));
  }
  if (paths.length === 0) {
    console.error('wast: no scripts given (pass files or --tier1)');
    return 2;
  }
  let expectFail: Set<string> | undefined;
  if (opts.expectFail) {
    try {
      expectFail = readExpectFail(opts.expectFail);
    } catch (e) {
      console.error(`wast: cannot read the expected-failure list: ${(e as Error).message}`);
      return 2;
    }
  }
  let split: CompileOptions['split'];
  if (opts.split !== undefined) {
    const m = /^(\d+),(\d+),(\d+)$/.exec(opts.split);
    if (opts.split === 'off') split = false;
    else if (m) split = { above: +m[1], target: +m[2], min: +m[3] };
    else {
      console.error(`wast: --split expects 'off' or ABOVE,TARGET,MIN, got '${opts.split}'`);
      return 2;
    }
  }
  const summary = await runFiles({
    engine: split === undefined ? undefined : defaultEngine({ split }),
    files: paths,
    expectFail,
    verbose: !opts.quiet,
  });
  if (opts.json) writeFileSync(opts.json, jsonReport(summary));
  if (opts.writeExpectFail) writeExpectFail(opts.writeExpectFail, summary.files);
  return summary.failed > 0 ? 1 : 0;
}
