// Machine-readable reports of a `wasm2es wast` run: JSON (our own documented shape,
// docs/ci.md) and JUnit XML (what CI dashboards read). Both carry the baseline
// classification of runFiles; neither decides anything the exit status does not.

import { VERSION } from '../version.js';
import type { Counts, ReportedResult, RunSummary, StaleEntry } from './suite.js';

/** Bumped only when a field changes meaning or disappears; new fields may be added. */
export const JSON_REPORT_VERSION = 1;

const ms3 = (ms: number): number => Math.round(ms * 1000) / 1000;

function jsonCounts(c: Counts): Counts {
  return { total: c.total, passed: c.passed, failed: c.failed, expectedFailures: c.expectedFailures, nowPassing: c.nowPassing, skipped: c.skipped, errors: c.errors };
}

export function jsonReport(summary: RunSummary, baselinePath?: string): string {
  const b = summary.baseline;
  return JSON.stringify(
    {
      format: 'wasm2es-wast-report',
      version: JSON_REPORT_VERSION,
      wasm2es: VERSION,
      exitCode: summary.exitCode,
      totals: { files: summary.files.length, ...jsonCounts(summary.totals) },
      baseline: b
        ? {
            file: baselinePath ?? null,
            entries: b.entries,
            strict: b.strict,
            stillFailing: b.stillFailing,
            nowPassing: b.stale.filter((s) => s.why === 'passes').map((s) => s.key),
            stale: b.stale.map((s) => ({ key: s.key, reason: s.why })),
            notRun: b.notRun,
          }
        : null,
      files: summary.files.map((f) => ({
        file: f.file,
        startedAt: f.startedAt,
        durationMs: ms3(f.ms),
        totals: jsonCounts(f.counts),
        results: f.results.map((r) => {
          const o: Record<string, unknown> = { line: r.line, kind: r.kind, name: r.name, status: r.status, outcome: r.outcome };
          if (r.reason !== undefined) o.message = r.reason;
          o.durationMs = ms3(r.ms);
          return o;
        }),
      })),
    },
    null,
    1,
  );
}

// ---- JUnit XML -------------------------------------------------------------------

/**
 * Characters XML 1.0 does not allow at all, not even as character references:
 * C0 controls other than tab/newline/carriage return, U+FFFE/U+FFFF and unpaired
 * surrogates (with the `u` flag a proper pair is one code point and does not match).
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;

/**
 * Escapes text from user files (names, messages) for an XML attribute value or
 * element content. Forbidden characters become a visible `\uXXXX` instead of
 * vanishing, so a name stays recognizable. In attributes, tab/newline/CR are
 * written as references: a parser would otherwise normalize them to spaces.
 */
export function xmlEscape(s: string, attribute = true): string {
  let out = s.replace(NOT_XML, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  out = out.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
  if (attribute) out = out.replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
  return out;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function attrs(list: Record<string, string | number | undefined>): string {
  let out = '';
  for (const [k, v] of Object.entries(list)) if (v !== undefined) out += ` ${k}="${xmlEscape(String(v))}"`;
  return out;
}

/** JUnit's `failures`, `skipped` and `errors` for a set of results (see testcase()). */
function junitCounts(results: ReportedResult[], extra: number, strict: boolean) {
  let failures = extra;
  let skipped = 0;
  let errors = 0;
  for (const r of results) {
    if (r.outcome === 'failed' || (strict && r.outcome === 'now-passing')) failures++;
    else if (r.outcome === 'skipped' || r.outcome === 'expected-failure') skipped++;
    else if (r.outcome === 'error') errors++;
  }
  return { tests: results.length + extra, failures, errors, skipped };
}

/**
 * One `<testcase>`. A baseline failure is `<skipped>` (a dashboard stays green for
 * it, and still shows it apart from passes); a result that passes although the
 * baseline lists it is a pass with a note, or a `<failure>` under --strict-expect;
 * a broken script is an `<error>`.
 */
function testcase(file: string, r: ReportedResult, strict: boolean, ind: string): string {
  const key = `${file}:${r.line}`;
  const head = `${ind}<testcase${attrs({ classname: file, name: `${key} ${r.name}`, file, line: r.line, time: seconds(r.ms) })}`;
  const reason = r.reason ?? '';
  const body = (s: string) => `${head}>\n${ind}  ${s}\n${ind}</testcase>\n`;
  switch (r.outcome) {
    case 'passed':
      return `${head}/>\n`;
    case 'failed':
      return body(`<failure${attrs({ message: reason, type: r.kind })}>${xmlEscape(`${key} ${r.name}\n${reason}`, false)}</failure>`);
    case 'expected-failure':
      return body(`<skipped${attrs({ message: `expected failure (listed in the baseline): ${reason}` })}/>`);
    case 'skipped':
      return body(`<skipped${attrs({ message: reason })}/>`);
    case 'error':
      return body(`<error${attrs({ message: reason, type: 'script error' })}>${xmlEscape(`${key} ${r.name}\n${reason}`, false)}</error>`);
    case 'now-passing': {
      const note = `passes now, but the baseline lists ${key}: remove it from the baseline`;
      return strict
        ? body(`<failure${attrs({ message: `${note} (--strict-expect)`, type: 'now-passing' })}/>`)
        : body(`<system-out>${xmlEscape(note, false)}</system-out>`);
    }
  }
}

/** Under --strict-expect, a stale entry with no passing command of its own to carry the failure. */
function staleCase(file: string, s: StaleEntry, ind: string): string {
  const why = s.why === 'no command' ? 'no command on this line' : s.why === 'skipped' ? 'the command is skipped now' : 'the script has an error there now';
  return `${ind}<testcase${attrs({ classname: file, name: `${s.key} baseline entry`, file, line: s.key.slice(s.key.lastIndexOf(':') + 1), time: '0.000' })}>\n` +
    `${ind}  <failure${attrs({ message: `the baseline lists ${s.key}, which does not fail: ${why}; remove it (--strict-expect)`, type: 'stale-baseline' })}/>\n` +
    `${ind}</testcase>\n`;
}

/** JUnit XML: `<testsuites>` with one `<testsuite>` per script, one `<testcase>` per command. */
export function junitReport(summary: RunSummary): string {
  const strict = !!summary.baseline?.strict;
  const staleByFile = new Map<string, StaleEntry[]>();
  if (strict) {
    for (const s of summary.baseline!.stale) {
      if (s.why === 'passes') continue; // its passing testcase carries the failure
      const file = s.key.slice(0, s.key.lastIndexOf(':'));
      staleByFile.set(file, [...(staleByFile.get(file) ?? []), s]);
    }
  }
  const suites: string[] = [];
  // <testsuites> carries no `skipped`: the Jenkins schema (junit-10.xsd) does not allow it there.
  const all = { tests: 0, failures: 0, errors: 0, ms: 0 };
  for (const f of summary.files) {
    const stale = staleByFile.get(f.file) ?? [];
    const c = junitCounts(f.results, stale.length, strict);
    all.tests += c.tests;
    all.failures += c.failures;
    all.errors += c.errors;
    all.ms += f.ms;
    let xml = `  <testsuite${attrs({ name: f.file, tests: c.tests, failures: c.failures, errors: c.errors, skipped: c.skipped, time: seconds(f.ms), timestamp: f.startedAt.slice(0, 19), file: f.file })}>\n`;
    for (const r of f.results) xml += testcase(f.file, r, strict, '    ');
    for (const s of stale) xml += staleCase(f.file, s, '    ');
    xml += '  </testsuite>\n';
    suites.push(xml);
  }
  return '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites${attrs({ name: 'wasm2es wast', tests: all.tests, failures: all.failures, errors: all.errors, time: seconds(all.ms) })}>\n` +
    suites.join('') +
    '</testsuites>\n';
}
