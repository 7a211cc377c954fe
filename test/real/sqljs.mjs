// A real program on the polyfill: sql.js (SQLite compiled by emscripten) runs a
// few hundred SQL statements, failing ones included, twice: on Node's native
// WebAssembly, and under `node --noexpose-wasm` with wasm2es/polyfill installed
// as `WebAssembly`, exactly as an application would install it. The two
// transcripts (every result set, every error message, the exported database
// file) must be identical.
//
//   node test/real/sqljs.mjs            both runs, compared (exit 1 if they differ)
//   node --noexpose-wasm test/real/sqljs.mjs --polyfill     the polyfill run alone
//
// The workload also registers JS functions with SQLite (create_function,
// create_aggregate): emscripten then builds small Wasm modules at run time and
// stores their functions in the main module's table, the case the polyfill's
// tables must handle.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeAndPolyfill } from './both.mjs';

const require = createRequire(import.meta.url);

/** Deterministic pseudo-random numbers (LCG) for the data. */
function rng(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

const SPECIES = ['oak', 'pine', 'birch', 'maple', 'cedar', 'willow', 'ash', 'elm'];
const PARKS = ['North', 'South', 'Ëast', 'West 🌲', 'Centre'];

/** The workload: returns the transcript (JSON text) and the number of SQL texts run. */
export function workload(SQL) {
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

  exec(`CREATE TABLE trees (id INTEGER PRIMARY KEY, species TEXT NOT NULL, park TEXT, height REAL CHECK (height > 0),
        planted INTEGER, tag BLOB, UNIQUE (park, planted))`);
  exec('CREATE TABLE visits (tree_id INTEGER REFERENCES trees(id), day INTEGER, visitors INTEGER)');
  exec('CREATE INDEX visits_tree ON visits(tree_id, day)');

  const r = rng(7);
  exec('BEGIN');
  const ins = db.prepare('INSERT INTO trees (species, park, height, planted, tag) VALUES (?, ?, ?, ?, ?)');
  for (let i = 0; i < 150; i++) {
    statements++;
    const tag = new Uint8Array([i & 255, (i * 7) & 255, 0, 255]);
    ins.run([SPECIES[Math.floor(r() * SPECIES.length)], PARKS[i % PARKS.length], Math.round(r() * 4000) / 100 + 0.5, 1990 + i, tag]);
  }
  ins.free();
  const insV = db.prepare('INSERT INTO visits VALUES (?, ?, ?)');
  for (let i = 0; i < 150; i++) {
    statements++;
    insV.run([1 + Math.floor(r() * 150), i % 30, Math.floor(r() * 1000)]);
  }
  insV.free();
  exec('COMMIT');

  // Queries: point lookups, ranges, joins, aggregates, windows, recursion.
  for (let i = 0; i < 40; i++) {
    exec('SELECT id, species, park, height, hex(tag) FROM trees WHERE id = ?', [1 + ((i * 37) % 150)]);
    exec('SELECT count(*), round(avg(height), 3) FROM trees WHERE park = ? AND height BETWEEN ? AND ?', [PARKS[i % 5], i / 2, 20 + i]);
  }
  for (let i = 0; i < 10; i++) {
    exec(`SELECT t.species, count(v.tree_id) AS n, sum(v.visitors) AS total
          FROM trees t LEFT JOIN visits v ON v.tree_id = t.id
          WHERE t.planted >= ? GROUP BY t.species ORDER BY total DESC, t.species`, [1990 + i * 10]);
  }
  exec(`SELECT park, species, height, rank() OVER (PARTITION BY park ORDER BY height DESC) AS rk
        FROM trees ORDER BY park, rk, species LIMIT 40`);
  exec(`WITH RECURSIVE fib(a, b, n) AS (SELECT 0, 1, 0 UNION ALL SELECT b, a + b, n + 1 FROM fib WHERE n < 90)
        SELECT n, a FROM fib WHERE n % 10 = 0`);
  exec(`SELECT printf('%.6f|%e|%d|%x', 1.0 / 3, 6.02e23, 9223372036854775807, 255),
        9223372036854775807 + 1, -9223372036854775808 - 1, 1e308 * 10, -0.0, 0.1 + 0.2`);
  exec("SELECT upper('straße'), lower('ÀÉÎ'), length('🌲🌲'), unicode('€'), char(0x1F332), instr('wasm2es', 'es')");
  exec("SELECT typeof(1), typeof(1.0), typeof('1'), typeof(x'01'), typeof(NULL), CAST('12abc' AS INTEGER), CAST(3.99 AS INTEGER)");
  exec("SELECT json_object('a', 1, 'b', json_array(1, 2.5, 'x')), json_extract('{\"k\": [10, 20]}', '$.k[1]')");
  exec('SELECT date(0, \'unixepoch\'), datetime(1700000000, \'unixepoch\'), strftime(\'%Y-%j\', \'2024-03-01\')');
  exec('SELECT group_concat(species, \',\') FROM (SELECT DISTINCT species FROM trees ORDER BY species)');
  exec('SELECT abs(-5), round(2.5), round(-2.5), 7 / 2, 7 % 3, 7.0 / 2, max(1, 2.5, \'a\'), min(NULL, 1)');

  // JS functions called from SQL: emscripten adds them to the function table
  // through small run-time-built modules.
  db.create_function('js_double', (x) => (x === null ? null : x * 2));
  db.create_function('js_concat', (a, b) => `${a}|${b}`);
  db.create_function('js_fail', () => {
    throw new Error('thrown in JS');
  });
  db.create_aggregate('js_product', {
    init: () => 1,
    step: (acc, x) => acc * x,
    finalize: (acc) => acc,
  });
  exec('SELECT js_double(height), js_concat(species, park) FROM trees WHERE id <= 5 ORDER BY id');
  exec('SELECT js_double(NULL), js_double(21)');
  exec('SELECT js_fail()');
  exec('SELECT js_product(id) FROM trees WHERE id <= 10');

  // Changes in transactions, one rolled back.
  exec('BEGIN');
  for (let i = 0; i < 20; i++) {
    exec('UPDATE trees SET height = height * 1.5 WHERE id = ?', [1 + i * 7]);
    exec('DELETE FROM visits WHERE tree_id = ? AND visitors < ?', [2 + i * 5, 500]);
  }
  exec('COMMIT');
  exec('SAVEPOINT sp');
  exec("INSERT INTO trees (species, park, height, planted) VALUES ('yew', 'North', 3, 2500)");
  exec('ROLLBACK TO sp');
  exec('RELEASE sp');
  exec('SELECT count(*), round(sum(height), 2) FROM trees');
  exec('SELECT count(*), sum(visitors) FROM visits');

  // Failing statements: their messages are part of the transcript.
  exec('SELEC * FROM trees');
  exec('SELECT * FROM no_such_table');
  exec('SELECT no_such_column FROM trees');
  exec("INSERT INTO trees (species, park, height, planted) VALUES (NULL, 'North', 1, 3000)");
  exec("INSERT INTO trees (species, park, height, planted) VALUES ('oak', 'North', -1, 3001)");
  exec("INSERT INTO trees (species, park, height, planted) VALUES ('oak', 'North', 1, 1990)");
  exec('INSERT INTO trees (id, species) VALUES (1, \'dup\')');
  exec('CREATE TABLE trees (x)');
  exec('SELECT 1 +');
  exec('SELECT * FROM trees WHERE id = ?', [1, 2, 3]);
  exec('COMMIT');
  exec('SELECT json_extract(\'{bad json\', \'$.a\')');

  // A prepared statement stepped by hand, with named parameters.
  const st = db.prepare('SELECT id, species, height FROM trees WHERE park = :park AND height > :h ORDER BY id LIMIT 5');
  for (const park of PARKS) {
    statements++;
    st.bind({ ':park': park, ':h': 10 });
    const rows = [];
    while (st.step()) rows.push(st.getAsObject());
    out.push(rows);
    st.reset();
  }
  st.free();

  // The whole database file, then a copy opened from it.
  const file = db.export();
  out.push({ exported: createHash('sha256').update(file).digest('hex') });
  const copy = new SQL.Database(file);
  out.push(copy.exec('SELECT count(*), max(id), round(sum(height), 2) FROM trees'));
  statements++;
  copy.close();
  db.close();
  return { transcript: JSON.stringify(out), statements };
}

/** Loads sql.js (on whatever `WebAssembly` is installed) and runs the workload. */
async function runOnce() {
  const wasm = require.resolve('sql.js/dist/sql-wasm.wasm');
  const t0 = performance.now();
  const SQL = await require('sql.js')({ locateFile: () => wasm });
  const initMs = performance.now() - t0;
  const t1 = performance.now();
  const first = SQL.Database ? new SQL.Database().exec('SELECT 1') : null;
  const firstCallMs = performance.now() - t1;
  const t2 = performance.now();
  const { transcript, statements } = workload(SQL);
  const workloadMs = performance.now() - t2;
  return {
    initMs, firstCallMs, workloadMs, statements, first,
    hash: createHash('sha256').update(transcript).digest('hex').slice(0, 16),
    transcript,
  };
}

const main = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (!main) {
  // Imported for its workload (bench/polyfill.mjs).
} else {
  const { native, polyfill } = await nativeAndPolyfill(import.meta.url, runOnce);
  const ms = (x) => `${x.toFixed(0)} ms`;
  console.log(`sql.js, ${native.statements} SQL statements (prepared executions included):`);
  console.log(`  native     init ${ms(native.initMs)}, first query ${ms(native.firstCallMs)}, workload ${ms(native.workloadMs)}, transcript ${native.hash}`);
  console.log(`  polyfill   init ${ms(polyfill.initMs)} (compile + instantiate), first query ${ms(polyfill.firstCallMs)}, workload ${ms(polyfill.workloadMs)}, transcript ${polyfill.hash}`);
  if (polyfill.transcript !== native.transcript) {
    const a = JSON.parse(native.transcript), b = JSON.parse(polyfill.transcript);
    const i = a.findIndex((x, k) => JSON.stringify(x) !== JSON.stringify(b[k]));
    console.log(`  FAIL: transcripts differ at entry ${i}:\n    native:   ${JSON.stringify(a[i]).slice(0, 400)}\n    polyfill: ${JSON.stringify(b[i]).slice(0, 400)}`);
    process.exitCode = 1;
  } else {
    console.log('  transcripts identical');
  }
}
