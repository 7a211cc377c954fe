// A large real program on the polyfill: DuckDB-Wasm's exception-handling build
// (duckdb-eh.wasm, 34 MB of Wasm; C++ exceptions are Wasm exceptions) runs the
// same SQL on Node's native WebAssembly and under `node --noexpose-wasm` with
// wasm2es/polyfill installed; the transcripts (results and error messages) must
// be identical.
//
//   node test/real/duckdb.mjs
//
// Needs @duckdb/duckdb-wasm (not a dependency of this package: `npm install
// --no-save @duckdb/duckdb-wasm@1.32.0`, or installed elsewhere and named by
// $WASM2ES_REAL_DEPS); without it this prints a message and exits 0. The polyfill run compiles the whole module first: about 45 s of CPU
// and 3.7 GB of memory on the machine of docs/polyfill.md.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeAndPolyfill, compareTranscripts } from './both.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

// Resolved from this package, or from the directory in $WASM2ES_REAL_DEPS (one
// with its own node_modules, to try the program without touching this one's).
let require;
let dist;
for (const base of [root, process.env.WASM2ES_REAL_DEPS].filter(Boolean)) {
  try {
    require = createRequire(join(resolve(base), 'package.json'));
    dist = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
    break;
  } catch {
    dist = undefined;
  }
}
if (!dist) {
  console.log('duckdb: @duckdb/duckdb-wasm is not installed; skipped (npm install --no-save @duckdb/duckdb-wasm@1.32.0).');
  process.exit(0);
}

const QUERIES = [
  'SELECT 42 AS answer',
  'SELECT range AS i, i * i AS sq FROM range(10)',
  "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, grp INTEGER, price DECIMAL(10, 2), day DATE)",
  "INSERT INTO t SELECT i, 'item' || i, i % 7, (i * 37 % 1000) / 10.0, DATE '2024-01-01' + INTERVAL (i % 365) DAY FROM range(2000) r(i)",
  'SELECT count(*), sum(id), avg(price), min(day), max(day) FROM t',
  'SELECT grp, count(*), sum(price), list(id ORDER BY id)[1:3] FROM t GROUP BY grp ORDER BY grp',
  'SELECT name, price, rank() OVER (PARTITION BY grp ORDER BY price DESC, id) AS r FROM t QUALIFY r <= 2 ORDER BY grp, r',
  "SELECT strftime(day, '%Y-%m'), count(*) FROM t GROUP BY 1 ORDER BY 1 LIMIT 5",
  'WITH RECURSIVE fib(a, b, n) AS (SELECT 0::HUGEINT, 1::HUGEINT, 0 UNION ALL SELECT b, a + b, n + 1 FROM fib WHERE n < 150) SELECT n, a FROM fib WHERE n % 30 = 0',
  "SELECT upper('straße'), length('🦆🦆'), regexp_replace('a1b22c333', '[0-9]+', '#', 'g'), 'x' || NULL",
  "SELECT unnest([1, 2, 3]) AS v, unnest(['a', 'b', 'c']) AS s",
  "SELECT struct_pack(a := 1, b := 'x'), map([1, 2], ['one', 'two']), [1, 2, 3][2]",
  'SELECT 1 / 0, 2::DOUBLE / 3, 7 // 2, 7 % 3, -7 % 3, 1e308 * 10, 0.1 + 0.2',
  'SELECT 9223372036854775807::BIGINT + 1',
  "SELECT 'abc'::INTEGER",
  'SELECT * FROM no_such_table',
  'SELEC 1',
  "INSERT INTO t VALUES (1, 'dup', 0, 1, DATE '2024-01-01')",
  "INSERT INTO t VALUES (5000, NULL, 0, 1, DATE '2024-01-01')",
  'BEGIN TRANSACTION',
  'DELETE FROM t WHERE id < 1000',
  'SELECT count(*) FROM t',
  'ROLLBACK',
  'SELECT count(*) FROM t',
  'CREATE TABLE u AS SELECT id, grp FROM t WHERE id % 3 = 0',
  'SELECT t.grp, count(*), sum(u.id) FROM t JOIN u USING (id) GROUP BY t.grp ORDER BY t.grp',
  'SELECT a.id, b.id FROM t a ASOF JOIN t b ON a.grp = b.grp AND a.id > b.id WHERE a.id < 10 ORDER BY a.id',
  "SELECT md5('wasm2es'), sha256('wasm2es'), hash(42) % 1000",
  "SELECT '2024-02-30'::DATE",
  'SELECT sum(x) FROM (SELECT unnest(range(100000)) AS x)',
];

/** Runs every query; returns the transcript (JSON text) and timings. */
async function runOnce() {
  const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
  const bundles = {
    mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') },
    eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: join(dist, 'duckdb-node-eh.worker.cjs') },
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  const initMs = performance.now() - t0;
  const d = process.cpuUsage(cpu0);
  const initCpuMs = (d.user + d.system) / 1000;
  const conn = db.connect();
  const json = (v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
  const out = [];
  const t1 = performance.now();
  for (const sql of QUERIES) {
    try {
      out.push(json(conn.query(sql).toArray().map((r) => r.toJSON())));
    } catch (e) {
      out.push(`error: ${e.message}`);
    }
  }
  const queriesMs = performance.now() - t1;
  conn.close();
  return { initMs, initCpuMs, queriesMs, transcript: out };
}

const { native, polyfill } = await nativeAndPolyfill(import.meta.url, runOnce, ['--max-old-space-size=8192']);
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(`DuckDB-Wasm (eh build), ${QUERIES.length} statements:`);
console.log(`  native     init ${s(native.initMs)}, queries ${s(native.queriesMs)}`);
console.log(`  polyfill   init ${s(polyfill.initMs)} (${s(polyfill.initCpuMs)} CPU: compile + instantiate), queries ${s(polyfill.queriesMs)}`);
compareTranscripts(native.transcript, polyfill.transcript, (i) => JSON.stringify(QUERIES[i]), 'statements');
