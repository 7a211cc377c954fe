// sql.js workload: the same few hundred SQL statements run on sql.js with its
// WebAssembly instantiated natively and with the module compiled by wasm2es
// (handed to sql.js through emscripten's `instantiateWasm` hook). Both
// transcripts (every result set and every error message) must be identical.
//
//   node bench/sqljs.mjs [--rounds N] [--warmup W]
//
// W warm-up rounds per engine (default 6) run first, interleaved, and are
// reported apart (the first one is the cold run); the N measured rounds
// (default 7) give the medians and the ratio. V8 keeps optimizing sql.js's
// ~2,000 compiled functions for several rounds (measured per round, from
// cold: 1,950, 1,280, 1,080, 1,075, 1,020, 1,010, 975, 960, 940, 930 ms),
// while native WebAssembly is at full speed from the second round.
//
// Writes bench/out/sqljs.json.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { ensureOut, loadCompiler, median, fmt, table, writeJson, nodeWarning } from './lib.mjs';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const ri = argv.indexOf('--rounds');
const ROUNDS = ri >= 0 ? Number(argv[ri + 1]) : 7;
const wi = argv.indexOf('--warmup');
const WARMUP = wi >= 0 ? Number(argv[wi + 1]) : 6;

/** A fresh copy of sql.js's loader (it caches its module promise per copy). */
function freshInitSqlJs() {
  const id = require.resolve('sql.js');
  delete require.cache[id];
  return require(id);
}

/** Deterministic pseudo-random numbers (LCG) for the data. */
function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

const CITIES = ['Lisbon', 'Oslo', 'Quito', 'Hanoi', 'Accra', 'Lima', 'Perth', 'Riga', 'Turin', 'Dakar'];
const ITEMS = ['lamp', 'desk', 'chair', 'pen', 'mug', 'book', 'rug', 'clock'];

/**
 * Runs the workload on one sql.js instance; returns { transcript, statements }.
 * Statement count = every SQL text executed (prepared-statement executions included).
 */
function workload(SQL) {
  const db = new SQL.Database();
  const out = [];
  let statements = 0;
  const exec = (sql, params) => {
    statements++;
    try {
      out.push(db.exec(sql, params));
    } catch (e) {
      out.push({ error: String(e.message) });
    }
  };
  exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER, city TEXT, email TEXT UNIQUE)`);
  exec(`CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), amount REAL, item TEXT, ts INTEGER)`);
  exec(`CREATE INDEX orders_user ON orders(user_id)`);
  exec(`CREATE INDEX users_city_age ON users(city, age)`);

  const r = rng(42);
  exec('BEGIN');
  const insU = db.prepare('INSERT INTO users (id, name, age, city, email) VALUES (?, ?, ?, ?, ?)');
  for (let i = 1; i <= 2000; i++) {
    statements++;
    insU.run([i, `user${i}`, 18 + Math.floor(r() * 60), CITIES[Math.floor(r() * CITIES.length)], `u${i}@example.org`]);
  }
  insU.free();
  exec('COMMIT');
  exec('BEGIN');
  const insO = db.prepare('INSERT INTO orders (user_id, amount, item, ts) VALUES (?, ?, ?, ?)');
  for (let i = 0; i < 12000; i++) {
    statements++;
    insO.run([1 + Math.floor(r() * 2000), Math.round(r() * 100000) / 100, ITEMS[Math.floor(r() * ITEMS.length)], 1700000000 + i * 37]);
  }
  insO.free();
  exec('COMMIT');

  // Indexed point queries and range scans.
  for (let i = 0; i < 100; i++) {
    const id = 1 + ((i * 7919) % 2000);
    exec('SELECT id, name, age, city FROM users WHERE id = ?', [id]);
    exec('SELECT count(*), round(sum(amount), 2), max(amount) FROM orders WHERE user_id = ?', [id]);
  }
  for (let i = 0; i < 40; i++) {
    exec('SELECT count(*) FROM users WHERE city = ? AND age BETWEEN ? AND ?', [CITIES[i % 10], 20 + i, 40 + i]);
  }
  // Joins and aggregates.
  for (let i = 0; i < 30; i++) {
    exec(`SELECT u.city, count(*) AS n, round(sum(o.amount), 2) AS total, round(avg(o.amount), 4) AS mean
          FROM users u JOIN orders o ON o.user_id = u.id
          WHERE u.age BETWEEN ? AND ? GROUP BY u.city ORDER BY total DESC`, [18 + i, 30 + i]);
  }
  for (let i = 0; i < 20; i++) {
    exec(`SELECT o.item, count(DISTINCT o.user_id), min(o.ts), group_concat(DISTINCT u.city)
          FROM orders o JOIN users u ON u.id = o.user_id
          WHERE o.amount > ? GROUP BY o.item HAVING count(*) > 10 ORDER BY o.item`, [i * 40]);
  }
  exec(`SELECT city, name, amount FROM (
          SELECT u.city, u.name, o.amount, row_number() OVER (PARTITION BY u.city ORDER BY o.amount DESC, o.id) AS rk
          FROM users u JOIN orders o ON o.user_id = u.id) WHERE rk <= 3 ORDER BY city, rk`);
  exec(`WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < 500)
        SELECT sum(x * x), total(1.0 / x) FROM seq`);
  exec(`SELECT printf('%.3f', variance) FROM (SELECT avg(amount * amount) - avg(amount) * avg(amount) AS variance FROM orders)`);
  // Updates and deletes inside a transaction.
  exec('BEGIN');
  for (let i = 0; i < 30; i++) {
    exec('UPDATE orders SET amount = amount * 1.1 WHERE user_id = ?', [1 + i * 13]);
    exec('DELETE FROM orders WHERE user_id = ? AND amount < ?', [2 + i * 17, 300]);
  }
  exec('COMMIT');
  exec('SELECT count(*), round(sum(amount), 2) FROM orders');
  // Failing statements (their error messages are part of the transcript).
  exec('SELEC * FROM users');
  exec('SELECT * FROM no_such_table');
  exec("INSERT INTO users (id, name, age, city, email) VALUES (3000, 'dup', 30, 'Oslo', 'u1@example.org')");
  exec('INSERT INTO users (id, name) VALUES (1, NULL)');
  exec('SELECT nosuchcolumn FROM orders');
  exec('BEGIN');
  exec("INSERT INTO users (id, name, age, city, email) VALUES (3001, 'tmp', 1, 'Riga', 'tmp@example.org')");
  exec('ROLLBACK');
  exec('SELECT count(*) FROM users');
  exec("SELECT hex(zeroblob(2)), typeof(1.5), length('wasm2es'), upper('abc'), 7 / 2, 7 % 3, 1e308 * 10");
  db.close();
  return { transcript: JSON.stringify(out), statements };
}

async function main() {
  const compiler = await loadCompiler();
  const wasmPath = require.resolve('sql.js/dist/sql-wasm.wasm');
  const wasmBytes = readFileSync(wasmPath);
  const result = { node: process.version, rounds: ROUNDS, warmupRounds: WARMUP, wasm: 'sql.js/dist/sql-wasm.wasm', wasmBytes: wasmBytes.length };

  // Native.
  let t0 = performance.now();
  const SQLnative = await freshInitSqlJs()();
  result.nativeInitMs = performance.now() - t0;

  // wasm2es: compile, then instantiate through the instantiateWasm hook.
  let SQLes = null;
  try {
    t0 = performance.now();
    const { js } = compiler.compile(wasmBytes, { format: 'factory', filename: 'sql-wasm.wasm' });
    result.wasm2esCompileMs = performance.now() - t0;
    result.wasm2esJsBytes = js.length;
    t0 = performance.now();
    const mod = compiler.loadFactory(js);
    const init = freshInitSqlJs();
    SQLes = await init({
      instantiateWasm(imports, successCallback) {
        const { instance } = mod.instantiateSync(imports);
        successCallback(instance);
        return {};
      },
    });
    result.wasm2esInitMs = performance.now() - t0;
  } catch (e) {
    result.error = `wasm2es: ${e?.stack ?? e}`;
  }

  const times = { native: [], wasm2es: [] };
  const warmupTimes = { native: [], wasm2es: [] };
  let ref = null;
  let got = null;
  try {
    t0 = performance.now();
    ref = workload(SQLnative); // the cold run, and the reference transcript
    warmupTimes.native.push(performance.now() - t0);
    result.statements = ref.statements;
    if (SQLes) {
      t0 = performance.now();
      got = workload(SQLes); // the cold run, and the correctness check
      warmupTimes.wasm2es.push(performance.now() - t0);
      for (let r = 0; r < WARMUP - 1 + ROUNDS; r++) {
        const order = r % 2 ? ['wasm2es', 'native'] : ['native', 'wasm2es'];
        for (const e of order) {
          t0 = performance.now();
          const w = workload(e === 'native' ? SQLnative : SQLes);
          (r < WARMUP - 1 ? warmupTimes : times)[e].push(performance.now() - t0);
          if (w.transcript !== ref.transcript) throw new Error(`${e} transcript differs in round ${r}`);
        }
      }
    }
  } catch (e) {
    result.error = (result.error ? result.error + '\n' : '') + `workload: ${e?.stack ?? e}`;
  }
  const hash = (s) => createHash('sha256').update(s).digest('hex').slice(0, 16);
  if (ref) result.nativeTranscript = hash(ref.transcript);
  if (got) {
    result.wasm2esTranscript = hash(got.transcript);
    result.identical = got.transcript === ref.transcript;
    if (!result.identical) {
      const a = JSON.parse(ref.transcript), b = JSON.parse(got.transcript);
      const i = a.findIndex((x, k) => JSON.stringify(x) !== JSON.stringify(b[k]));
      result.firstDifference = { index: i, native: JSON.stringify(a[i]).slice(0, 300), wasm2es: JSON.stringify(b[i]).slice(0, 300) };
    }
  }
  result.times = times;
  result.warmupTimes = warmupTimes;
  if (times.native.length && times.wasm2es.length) {
    result.nativeMs = median(times.native);
    result.wasm2esMs = median(times.wasm2es);
    result.ratio = result.wasm2esMs / result.nativeMs;
  }

  process.stdout.write(nodeWarning());
  console.log(`sql.js workload (${result.statements ?? '?'} statements incl. prepared executions, ${ROUNDS} interleaved rounds after ${WARMUP} warm-up rounds, median ms)`);
  if (result.error) console.log(`  ERROR: ${result.error}`);
  console.log(table(
    ['engine', 'setup ms', 'workload ms', 'ratio', 'transcript'],
    [
      ['native', fmt(result.nativeInitMs), fmt(result.nativeMs), '1.00x', result.nativeTranscript ?? '-'],
      ['wasm2es', result.wasm2esCompileMs !== undefined ? `${fmt(result.wasm2esCompileMs)} compile + ${fmt(result.wasm2esInitMs)} init` : '-',
        fmt(result.wasm2esMs), result.ratio ? fmt(result.ratio, 2) + 'x' : '-',
        got ? `${result.wasm2esTranscript} ${result.identical ? 'identical' : 'FAIL: differs'}` : 'FAIL'],
    ],
  ));
  if (result.firstDifference) console.log('  first difference:', result.firstDifference);
  const rounds = (a) => a.map((x) => x.toFixed(0)).join(', ');
  if (warmupTimes.wasm2es.length) {
    console.log(`warm-up rounds, ms: native ${rounds(warmupTimes.native)}; wasm2es ${rounds(warmupTimes.wasm2es)}`);
  }
  ensureOut();
  console.log(`written ${writeJson('sqljs.json', result)}\n`);
  if (result.error || (got && !result.identical)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
