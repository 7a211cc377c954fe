// `wasm2es wast` as a CI step (docs/ci.md): the reporters, the baseline of expected
// failures, the exit statuses and a user's own module, run as a user would: the
// built bin/wasm2es.js in a child process, on fixtures/ci.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findAll, parseXml, XmlError, type XmlElement } from '../testing/xml.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'wasm2es.js');
const built = existsSync(join(root, 'dist', 'wast', 'report.js'));
const fixture = join(root, 'fixtures', 'ci');

function run(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, 'wast', ...args], { encoding: 'utf8', cwd });
  return { code: r.status, out: r.stdout, err: r.stderr, all: r.stdout + r.stderr };
}

const lastLine = (s: string) => s.trim().split('\n').pop();

/** The JUnit document's testcases with what each holds (failure/skipped/error/none). */
function cases(doc: XmlElement) {
  return findAll(doc, 'testcase').map((tc) => ({
    name: tc.attrs.name,
    line: tc.attrs.line,
    result: tc.children.find((c) => c.name !== 'system-out')?.name ?? 'pass',
    message: tc.children.find((c) => c.name !== 'system-out')?.attrs.message ?? '',
    out: tc.children.find((c) => c.name === 'system-out')?.text,
  }));
}

describe('the strict XML reader used on the reports', () => {
  it('reads elements, attributes and references', () => {
    const doc = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a x="1 &amp; &lt;2&gt; &quot;q&quot; &#10;"><b/>t&#x1F600;<c y=\'z\'>u</c></a>\n');
    expect(doc.attrs.x).toBe('1 & <2> "q" \n');
    expect(doc.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(doc.text).toBe('t\u{1F600}');
  });

  it('rejects what XML 1.0 forbids', () => {
    const bad = [
      '<a>\u0001</a>', // control character
      '<a>&#1;</a>', // ... also as a reference
      '<a>\uFFFE</a>',
      '<a>\uD800</a>', // unpaired surrogate
      '<a x="<"/>',
      '<a x="&"/>',
      '<a>&nbsp;</a>',
      '<a x=1/>',
      '<a x="1" x="2"/>',
      '<a><b></a></b>',
      '<a>',
      '<a/><b/>',
      'text<a/>',
      '<a>]]></a>',
      '<a><!-- c --></a>',
    ];
    for (const doc of bad) expect(() => parseXml(doc), JSON.stringify(doc)).toThrow(XmlError);
  });
});

describe.skipIf(!built)('wasm2es wast in CI', () => {
  let dir: string;
  /** A copy of mylib.wast whose first assertion (line 8) expects a wrong value. */
  let broken: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wasm2es-ci-'));
    copyFileSync(join(fixture, 'mylib.wasm'), join(dir, 'mylib.wasm'));
    const src = readFileSync(join(fixture, 'mylib.wast'), 'utf8');
    const wrong = src.replace('(i32.const 1) (i32.const 2)) (i32.const 3))', '(i32.const 1) (i32.const 2)) (i32.const 4))');
    expect(wrong).not.toBe(src);
    expect(wrong.split('\n')[7]).toContain('(i32.const 4)'); // line 8
    broken = join(dir, 'broken.wast');
    writeFileSync(broken, wrong);
  });

  it('the committed mylib.wasm is mylib.wat built as its README says', async () => {
    // `wat2wasm --enable-exceptions`, through the same wabt package.
    const wabt = await (await import('wabt')).default();
    const mod = wabt.parseWat('mylib.wat', readFileSync(join(fixture, 'mylib.wat'), 'utf8'), { exceptions: true });
    try {
      const built = mod.toBinary({}).buffer;
      expect(Buffer.from(built).equals(readFileSync(join(fixture, 'mylib.wasm')))).toBe(true);
    } finally {
      mod.destroy();
    }
  });

  it('text: passes the fixture, one line per file and the summary line', () => {
    const r = run(['fixtures/ci/mylib.wast']);
    expect(r.code, r.all).toBe(0);
    expect(r.out).toBe('fixtures/ci/mylib.wast: 19 passed, 0 failed, 0 skipped\n19 passed, 0 failed, 0 skipped\n');
  });

  it('json: the documented shape, on standard output', () => {
    const r = run(['fixtures/ci/mylib.wast', '--reporter', 'json']);
    expect(r.code, r.all).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep.format).toBe('wasm2es-wast-report');
    expect(rep.version).toBe(1);
    expect(rep.exitCode).toBe(0);
    expect(rep.baseline).toBe(null);
    expect(rep.totals).toEqual({ files: 1, total: 19, passed: 19, failed: 0, expectedFailures: 0, nowPassing: 0, skipped: 0, errors: 0 });
    expect(rep.files).toHaveLength(1);
    const f = rep.files[0];
    expect(f.file).toBe('fixtures/ci/mylib.wast');
    expect(f.results).toHaveLength(19);
    for (const a of f.results) {
      expect(a.status).toBe('pass');
      expect(a.outcome).toBe('passed');
      expect(typeof a.durationMs).toBe('number');
    }
    const kinds = new Set(f.results.map((a: { kind: string }) => a.kind));
    for (const k of ['input', 'register', 'assert_return', 'assert_trap', 'assert_exception', 'module', 'assert_unlinkable', 'assert_invalid']) expect(kinds).toContain(k);
    expect(f.results.find((a: { line: number }) => a.line === 11)).toMatchObject({
      kind: 'assert_trap',
      name: 'assert_trap (invoke $mylib "div" (i32.const 1) (i32.const 0)) "integer divide by zero"',
    });
    // The progress lines go to standard error when standard output carries the report.
    expect(lastLine(r.err)).toBe('19 passed, 0 failed, 0 skipped');
  });

  it('junit: well-formed, one testsuite per file and one testcase per command', () => {
    const out = join(dir, 'reports', 'all.xml'); // the folder is created
    const r = run(['fixtures/ci/mylib.wast', 'fixtures/ci/known-bugs.wast', '--reporter', 'junit', '-o', out]);
    expect(r.code).toBe(1); // known-bugs.wast fails without its baseline
    expect(lastLine(r.out)).toBe('21 passed, 1 failed, 0 skipped');
    const doc = parseXml(readFileSync(out, 'utf8'));
    expect(doc.name).toBe('testsuites');
    expect(doc.attrs).toMatchObject({ tests: '22', failures: '1', errors: '0' });
    const suites = findAll(doc, 'testsuite');
    expect(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.skipped])).toEqual([
      ['fixtures/ci/mylib.wast', '19', '0', '0'],
      ['fixtures/ci/known-bugs.wast', '3', '1', '0'],
    ]);
    expect(findAll(doc, 'testcase')).toHaveLength(22);
    expect(findAll(doc, 'failure')).toHaveLength(1);
    expect(findAll(doc, 'skipped')).toHaveLength(0);
    const failed = cases(doc).filter((c) => c.result === 'failure');
    expect(failed).toEqual([
      expect.objectContaining({
        name: 'fixtures/ci/known-bugs.wast:9 assert_return (invoke $mylib "div" (i32.const -7) (i32.const 2))',
        line: '9',
        message: 'expected i32 -4, got -3',
      }),
    ]);
    for (const s of suites) expect(Number(s.attrs.time)).toBeGreaterThanOrEqual(0);
  });

  it('text -o writes the console lines to a file; --json FILE adds the JSON report', () => {
    const text = join(dir, 'out', 'report.txt');
    const json = join(dir, 'out', 'report.json');
    const r = run(['fixtures/ci/mylib.wast', '-o', text, '--json', json]);
    expect(r.code, r.all).toBe(0);
    expect(r.out).toBe('');
    expect(readFileSync(text, 'utf8')).toBe('fixtures/ci/mylib.wast: 19 passed, 0 failed, 0 skipped\n19 passed, 0 failed, 0 skipped\n');
    expect(JSON.parse(readFileSync(json, 'utf8')).totals.passed).toBe(19);
  });

  it('an unexpected failure fails the run (exit 1) and is named with file:line', () => {
    const r = run([broken], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('  FAIL broken.wast:8 assert_return (invoke $mylib "add" (i32.const 1) (i32.const 2)): expected i32 4, got 3\n');
    expect(lastLine(r.out)).toBe('18 passed, 1 failed, 0 skipped');
  });

  it('the same failure listed in the baseline passes the run (exit 0), shown as expected', () => {
    const baseline = join(dir, 'baseline.txt');
    writeFileSync(baseline, '# known\nbroken.wast:8\n');
    const text = run([broken, '--expect-fail', baseline], dir);
    expect(text.code, text.all).toBe(0);
    expect(text.out).toContain('broken.wast: 18 passed, 0 failed, 0 skipped, 1 expected failure\n');
    expect(text.out).toContain('expected failures: 1 still failing, 0 now passing\n');
    expect(text.out).not.toContain('FAIL');

    const json = JSON.parse(run([broken, '--expect-fail', baseline, '--reporter', 'json'], dir).out);
    expect(json.exitCode).toBe(0);
    expect(json.totals).toMatchObject({ passed: 18, failed: 0, expectedFailures: 1 });
    expect(json.baseline).toMatchObject({ file: baseline, entries: 1, stillFailing: ['broken.wast:8'], nowPassing: [], notRun: [], strict: false });
    expect(json.files[0].results.find((a: { line: number }) => a.line === 8)).toMatchObject({ status: 'fail', outcome: 'expected-failure', message: 'expected i32 4, got 3' });

    // A dashboard stays green: the expected failure is a skipped testcase.
    const xml = run([broken, '--expect-fail', baseline, '--reporter', 'junit'], dir);
    expect(xml.code).toBe(0);
    const doc = parseXml(xml.out);
    expect(doc.attrs).toMatchObject({ failures: '0', errors: '0' });
    expect(findAll(doc, 'testsuite')[0].attrs).toMatchObject({ tests: '19', failures: '0', skipped: '1' });
    const skipped = cases(doc).filter((c) => c.result === 'skipped');
    expect(skipped.map((c) => [c.line, c.message])).toEqual([['8', 'expected failure (listed in the baseline): expected i32 4, got 3']]);
  });

  it('a baseline entry that passes now is reported; it fails the run only with --strict-expect (exit 3)', () => {
    const baseline = join(dir, 'stale.txt');
    writeFileSync(baseline, 'broken.wast:8\nbroken.wast:9\nbroken.wast:7\nelsewhere.wast:3\n');
    const r = run([broken, '--expect-fail', baseline], dir);
    expect(r.code, r.all).toBe(0);
    expect(r.out).toContain('  now passing: broken.wast:9 — remove from the baseline\n');
    expect(r.out).toContain('  no command on this line: broken.wast:7 — remove from the baseline\n');
    expect(r.out).toContain('note: 1 baseline entry names a file not run here, ignored (elsewhere.wast:3)\n');

    const strict = run([broken, '--expect-fail', baseline, '--strict-expect'], dir);
    expect(strict.code).toBe(3);
    expect(strict.out).toContain('now passing: broken.wast:9 — remove from the baseline (--strict-expect: fails the run)');

    const json = JSON.parse(run([broken, '--expect-fail', baseline, '--strict-expect', '--reporter', 'json'], dir).out);
    expect(json.exitCode).toBe(3);
    expect(json.baseline).toMatchObject({
      strict: true,
      stillFailing: ['broken.wast:8'],
      nowPassing: ['broken.wast:9'],
      stale: [{ key: 'broken.wast:9', reason: 'passes' }, { key: 'broken.wast:7', reason: 'no command' }],
      notRun: ['elsewhere.wast:3'],
    });
    expect(json.files[0].results.find((a: { line: number }) => a.line === 9).outcome).toBe('now-passing');

    const loose = parseXml(run([broken, '--expect-fail', baseline, '--reporter', 'junit'], dir).out);
    expect(loose.attrs.failures).toBe('0');
    expect(cases(loose).find((c) => c.line === '9')?.out).toBe('passes now, but the baseline lists broken.wast:9: remove it from the baseline');
    const tight = parseXml(run([broken, '--expect-fail', baseline, '--strict-expect', '--reporter', 'junit'], dir).out);
    expect(tight.attrs.failures).toBe('2');
    expect(cases(tight).filter((c) => c.result === 'failure').map((c) => c.name)).toEqual([
      'broken.wast:9 assert_return (invoke $mylib "add" (i32.const 0x7fffffff) (i32.const 1))',
      'broken.wast:7 baseline entry',
    ]);
  });

  it('an unexpected failure outranks --strict-expect (exit 1)', () => {
    const baseline = join(dir, 'other.txt');
    writeFileSync(baseline, 'broken.wast:9\n');
    expect(run([broken, '--expect-fail', baseline, '--strict-expect'], dir).code).toBe(1);
  });

  it('--write-expect-fail writes a baseline that the next run accepts', () => {
    const baseline = join(dir, 'written.txt');
    expect(run([broken, '--write-expect-fail', baseline], dir).code).toBe(1);
    const entries = readFileSync(baseline, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(entries).toEqual(['broken.wast:8']);
    expect(run([broken, '--expect-fail', baseline, '--strict-expect'], dir).code).toBe(0);
  });

  it('the fixture folder passes with its example baseline', () => {
    const r = run(['fixtures/ci', '--expect-fail', 'fixtures/ci/expected-failures.txt']);
    expect(r.code, r.all).toBe(0);
    expect(lastLine(r.out)).toBe('21 passed, 0 failed, 0 skipped, 1 expected failure');
  });

  it('a folder runs the .wast files below it, in name order, leaving out node_modules and dot folders', () => {
    const tree = join(dir, 'tree');
    for (const d of ['b', 'node_modules/dep', '.cache']) mkdirSync(join(tree, d), { recursive: true });
    const ok = '(module (func (export "f") (result i32) (i32.const 1)))\n(assert_return (invoke "f") (i32.const 1))\n';
    const bad = '(module (func (export "f") (result i32) (i32.const 1)))\n(assert_return (invoke "f") (i32.const 2))\n';
    writeFileSync(join(tree, 'b', 'two.wast'), ok);
    writeFileSync(join(tree, 'a.wast'), ok);
    writeFileSync(join(tree, 'notes.txt'), bad);
    writeFileSync(join(tree, 'node_modules', 'dep', 'x.wast'), bad);
    writeFileSync(join(tree, '.cache', 'y.wast'), bad);
    const r = run(['tree'], dir);
    expect(r.code, r.all).toBe(0);
    expect(r.out).toBe('tree/a.wast: 2 passed, 0 failed, 0 skipped\ntree/b/two.wast: 2 passed, 0 failed, 0 skipped\n4 passed, 0 failed, 0 skipped\n');
  });

  it('--module defines $NAME and registers "NAME" before the script', () => {
    const script = join(dir, 'uses-module.wast');
    writeFileSync(script, `(assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))
(assert_trap (invoke $mylib "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_exception (invoke $mylib "checked_sqrt_floor" (i32.const -1)))
(module (import "mylib" "mul64" (func $m (param i64 i64) (result i64)))
  (func (export "sq") (param i64) (result i64) (call $m (local.get 0) (local.get 0))))
(assert_return (invoke "sq" (i64.const 0x10000)) (i64.const 0x100000000))
`);
    const r = run(['--module', `mylib=${join(fixture, 'mylib.wasm')}`, script, '--reporter', 'json'], dir);
    expect(r.code, r.all).toBe(0);
    const res = JSON.parse(r.out).files[0].results;
    expect(res.map((a: { line: number; outcome: string }) => `${a.line} ${a.outcome}`)).toEqual(['0 passed', '1 passed', '2 passed', '3 passed', '4 passed', '6 passed']);
    expect(res[0].name).toBe(`module $mylib (--module mylib=${join(fixture, 'mylib.wasm')})`);
    // The text form works too (assembled with wabt first).
    expect(run(['--module', `mylib=${join(fixture, 'mylib.wat')}`, script], dir).code).toBe(0);
  });

  it('a trap with another message than the script expects is a failure', () => {
    const script = join(dir, 'wrong-trap.wast');
    writeFileSync(script, '(input "mylib.wasm")\n(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer overflow")\n');
    const r = run([script], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('FAIL wrong-trap.wast:2 assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer overflow": expected trap "integer overflow", got RuntimeError: integer divide by zero');
  });

  describe('input and usage errors exit with 2', () => {
    it('a missing script, named before anything runs', () => {
      const r = run(['fixtures/ci/mylib.wast', 'no/such.wast', 'nor/this.wast']);
      expect(r.code).toBe(2);
      expect(r.err).toBe('wast: no/such.wast: no such file\nwast: nor/this.wast: no such file\n');
      expect(r.out).toBe('');
    });

    it('a script that does not parse, with its file:line', () => {
      const script = join(dir, 'unclosed.wast');
      writeFileSync(script, '(module)\n(assert_return (invoke "f")\n');
      const r = run([script], dir);
      expect(r.code).toBe(2);
      expect(r.out).toContain('  ERROR unclosed.wast:2 script: script does not parse: unclosed (\n');
      const doc = parseXml(run([script, '--reporter', 'junit'], dir).out);
      expect(doc.attrs.errors).toBe('1');
      expect(findAll(doc, 'error')[0].attrs.message).toBe('script does not parse: unclosed (');
    });

    it('an unknown command (a typo must not pass silently) and a missing (input) file', () => {
      const script = join(dir, 'typo.wast');
      writeFileSync(script, '(input $m "missing.wasm")\n(assert_retrun (invoke "f") (i32.const 1))\n');
      const r = run([script], dir);
      expect(r.code).toBe(2);
      expect(r.out).toContain('  ERROR typo.wast:1 input $m "missing.wasm": cannot read missing.wasm: no such file\n');
      expect(r.out).toContain('  ERROR typo.wast:2 assert_retrun (invoke "f") (i32.const 1): unknown script command assert_retrun\n');
    });

    it('bad options, a bad baseline line and a missing --module file', () => {
      const bad = join(dir, 'bad-baseline.txt');
      writeFileSync(bad, 'broken.wast:8\nbroken.wast line 9\n');
      const cases: [string[], RegExp][] = [
        [['fixtures/ci/mylib.wast', '--reporter', 'xml'], /--reporter expects one of text, json, junit, got 'xml'/],
        [['fixtures/ci/mylib.wast', '--no-such-option'], /unknown option '--no-such-option'/],
        [['fixtures/ci/mylib.wast', '--strict-expect'], /--strict-expect needs --expect-fail/],
        [['fixtures/ci/mylib.wast', '--expect-fail', 'no-such-baseline.txt'], /no-such-baseline\.txt: no such file/],
        [['fixtures/ci/mylib.wast', '--expect-fail', bad], /bad-baseline\.txt:2: expected 'file\.wast:LINE', got 'broken\.wast line 9'/],
        [['fixtures/ci/mylib.wast', '--module', 'mylib=nowhere.wasm'], /nowhere\.wasm: no such file/],
        [['fixtures/ci/mylib.wast', '--module', 'nopath'], /--module expects NAME=PATH/],
        [[], /no scripts given/],
      ];
      for (const [args, msg] of cases) {
        const r = run(args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.err, args.join(' ')).toMatch(msg);
      }
    });

    it('help still exits with 0', () => {
      expect(run(['--help']).code).toBe(0);
    });
  });

  it('escapes names and messages from the script for XML', () => {
    // An export name with quotes, markup characters, C0 controls, U+FFFE and an
    // emoji; the second assertion's failure message quotes a name with CR/LF.
    const name = String.raw`a\"<&>'\01\1f]]>\u{fffe}\u{1F600}`;
    const script = join(dir, 'names.wast');
    writeFileSync(script, `(module (func (export "${name}") (result i32) (i32.const 1)))
(assert_return (invoke "${name}") (i32.const 2))
(assert_return (invoke "x\\0d\\0a\\01<y>") (i32.const 2))
`);
    const r = run([script, '--reporter', 'junit'], dir);
    expect(r.code).toBe(1);
    const doc = parseXml(r.out);
    const [, first, second] = cases(doc);
    // The name is the script's own spelling; U+FFFE, which XML cannot carry, is spelled out.
    expect(first.name).toBe(String.raw`names.wast:2 assert_return (invoke "a\"<&>'\01\1f]]>\ufffe` + '\u{1F600}")');
    expect(first.message).toBe('expected i32 2, got 1');
    expect(second.name).toBe(String.raw`names.wast:3 assert_return (invoke "x\0d\0a\01<y>")`);
    // Newlines in an attribute survive as references; the control character is spelled out.
    expect(second.message).toBe('no exported function "x\r\n\\u0001<y>"');
  });
});
