// A real C program on the polyfill: PGlite (Postgres compiled by emscripten,
// 9 MB of Wasm plus initdb's) creates a database in memory, builds a schema,
// inserts, queries, and runs statements that fail with Postgres errors (one
// raised by a PL/pgSQL function), once on Node's native WebAssembly and once
// under `node --noexpose-wasm` with wasm2es/polyfill installed; the
// transcripts (rows, field names and types, affected rows, error messages and
// SQLSTATE codes) must be identical. Both runs at Node's default stack.
//
//   node test/real/pglite.mjs [--stack-size=N]
//
// --stack-size=N is passed to the polyfill run.
//
// Postgres' grammar is a C switch of 2,032 cases (bison's action table): the
// nesting issue 17 is about.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { nativeAndPolyfill, compareTranscripts } from './both.mjs';

const require = createRequire(import.meta.url);

const STATEMENTS = [
  `CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL UNIQUE, email text CHECK (email LIKE '%@%'),
     joined date NOT NULL DEFAULT DATE '2024-01-01', score numeric(8, 2), tags text[])`,
  `CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), amount numeric(10, 2) NOT NULL,
     items jsonb NOT NULL, placed timestamp NOT NULL)`,
  'CREATE INDEX orders_user ON orders (user_id, placed)',
  `INSERT INTO users (name, email, joined, score, tags)
     SELECT 'user' || i, 'u' || i || '@example.com', DATE '2024-01-01' + (i * 7 % 365), (i * 37 % 1000) / 10.0,
            ARRAY['t' || (i % 3), 't' || (i % 5)]
     FROM generate_series(1, 200) AS i`,
  ['INSERT INTO orders (user_id, amount, items, placed) VALUES ($1, $2, $3, $4) RETURNING id, amount', 'params'],
  'SELECT count(*), sum(score), avg(score)::numeric(10, 4), min(joined), max(joined) FROM users',
  `SELECT u.name, count(o.id) AS n, sum(o.amount) AS total, jsonb_agg(o.items -> 'sku' ORDER BY o.id) AS skus
     FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.name ORDER BY total DESC, u.name LIMIT 5`,
  `SELECT name, score, rank() OVER (PARTITION BY tags[1] ORDER BY score DESC, id) AS r, tags
     FROM users ORDER BY tags[1], r LIMIT 9`,
  `WITH RECURSIVE fib(a, b, n) AS (SELECT 0::numeric, 1::numeric, 0 UNION ALL SELECT b, a + b, n + 1 FROM fib WHERE n < 120)
     SELECT n, a FROM fib WHERE n % 40 = 0`,
  `SELECT upper('straße'), length('🐘🐘'), regexp_replace('a1b22c333', '[0-9]+', '#', 'g'), format('%s-%L', 'x', 'it''s'),
     to_char(1234567.891, 'FM9,999,999.00'), md5('wasm2es'), 'x' || NULL`,
  `SELECT '{"a": [1, 2, {"b": null}]}'::jsonb #> '{a,2}', jsonb_path_query_array('[1, 5, 9]', '$[*] ? (@ > 2)'),
     to_jsonb(ARRAY[1.5, 2.25]), '2024-02-29'::date + interval '1 year', extract(dow FROM DATE '2024-06-01')`,
  'SELECT 2 ^ 0.5, 7 / 2, 7 % 3, -7 / 2.0, 1e300::float8 * 10, 0.1 + 0.2, 0.1::float8 + 0.2::float8',
  `CREATE FUNCTION check_amount(a numeric) RETURNS numeric LANGUAGE plpgsql AS $$
     BEGIN
       IF a < 0 THEN RAISE EXCEPTION 'negative amount: %', a USING ERRCODE = 'check_violation', HINT = 'use a refund';
       END IF;
       RETURN a * 2;
     END $$`,
  'SELECT check_amount(21.5)',
  'SELECT check_amount(-3)',
  'BEGIN',
  'DELETE FROM orders WHERE amount > 50',
  'SELECT count(*) FROM orders',
  'ROLLBACK',
  'SELECT count(*) FROM orders',
  "UPDATE users SET score = score * 2 WHERE name LIKE 'user1_' RETURNING name, score",
  // Failing statements: each error's message and SQLSTATE are in the transcript.
  'SELECT * FROM no_such_table',
  'SELEC 1',
  "INSERT INTO users (name, email) VALUES ('user1', 'dup@example.com')",
  "INSERT INTO users (name, email) VALUES ('nobody', 'no-at-sign')",
  "INSERT INTO orders (user_id, amount, items, placed) VALUES (9999, 1, '{}', '2024-01-01')",
  'SELECT 1 / 0',
  "SELECT 'abc'::int",
  'SELECT 9223372036854775807::bigint + 1',
  "SELECT '{bad json'::jsonb",
  'SELECT no_such_column FROM users',
  'SELECT count(*), sum(amount) FROM orders',
];

/** Loads PGlite (on whatever `WebAssembly` is installed) and runs the statements. */
async function runOnce() {
  const { PGlite } = await import(pathToFileURL(require.resolve('@electric-sql/pglite')).href);
  const t0 = performance.now();
  const db = await PGlite.create();
  const initMs = performance.now() - t0;
  const out = [];
  // Rows as arrays: several columns share the name ?column?.
  const ARRAYS = { rowMode: 'array' };
  const record = (r) => JSON.stringify({
    rows: r.rows,
    fields: r.fields.map((f) => `${f.name}:${f.dataTypeID}`),
    affected: r.affectedRows ?? null,
  });
  const t1 = performance.now();
  for (const s of STATEMENTS) {
    try {
      if (Array.isArray(s)) {
        for (let i = 0; i < 60; i++) {
          const items = { sku: `sku-${i % 13}`, qty: 1 + (i % 4), gift: i % 7 === 0 };
          const placed = new Date(Date.UTC(2024, i % 12, 1 + (i % 28), i % 24, i % 60)).toISOString().slice(0, 19);
          out.push(record(await db.query(s[0], [1 + ((i * 37) % 200), ((i * 913) % 10000) / 100, JSON.stringify(items), placed], ARRAYS)));
        }
      } else {
        out.push(record(await db.query(s, [], ARRAYS)));
      }
    } catch (e) {
      out.push(`error: ${e.message} [${e.code ?? '-'}]${e.hint ? ` hint: ${e.hint}` : ''}${e.detail ? ` detail: ${e.detail}` : ''}`);
    }
  }
  const workMs = performance.now() - t1;
  await db.close();
  return { initMs, workMs, transcript: out };
}

const stack = process.argv.find((a) => a.startsWith('--stack-size='));
const t = performance.now();
const { native, polyfill } = await nativeAndPolyfill(import.meta.url, runOnce, stack ? [stack] : []);
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(`PGlite, ${STATEMENTS.length} statements (${((performance.now() - t) / 1000).toFixed(0)} s in all)${stack ? `, polyfill run with ${stack}` : ''}:`);
console.log(`  native     init ${s(native.initMs)} (compile + instantiate + initdb), statements ${s(native.workMs)}`);
console.log(`  polyfill   init ${s(polyfill.initMs)}, statements ${s(polyfill.workMs)}`);
// The parameterized insert is one statement and 60 entries of the transcript.
const labels = STATEMENTS.flatMap((x) => (Array.isArray(x) ? Array.from({ length: 60 }, (_, k) => `${x[0]} (row ${k})`) : [x]));
compareTranscripts(native.transcript, polyfill.transcript, (i) => JSON.stringify(labels[i]), 'statements');
