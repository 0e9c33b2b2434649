// typeid from postgres.js (npm postgres) with typeid-js: prepared statements,
// sql.array, typeid[] results, COPY in and out.
// Connection settings come from the libpq environment (PGHOST, PGDATABASE, ...).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import postgres from 'postgres';
import { typeid, TypeID } from 'typeid-js';

const ORG_ID = 'org_01h455vb4pex5vsknk084sn02q';
const sql = postgres({ onnotice: () => {} });

async function expectSqlstate(promise, sqlstate, what) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, sqlstate, `${what}: ${e.message}`);
    return true;
  }, what);
}

try {
  const ids = [];
  for (let i = 0; i < 3; i++) {
    const [row] = await sql`INSERT INTO users (email) VALUES (${`u${i}@example.com`}) RETURNING id`;
    ids.push(row.id);
  }
  for (const id of ids) assert.equal(TypeID.fromString(id).getType(), 'user');
  let rows = await sql`SELECT email FROM users WHERE id = ${ids[0]}`;
  assert.deepEqual([...rows], [{ email: 'u0@example.com' }], 'SELECT by id');
  // sql.array binds a text[]: needs the implicit cast
  rows = await sql`SELECT count(*)::int AS n FROM users WHERE id = ANY(${sql.array(ids.slice(0, 2))})`;
  assert.equal(rows[0].n, 2, '= ANY(sql.array(...))');
  rows = await sql`SELECT count(*)::int AS n FROM users WHERE id IN ${sql(ids)}`;
  assert.equal(rows[0].n, 3, 'IN sql(list)');

  // typeid-js ids are accepted; database order equals their order
  const mine = typeid('user');
  [{ id: rows }] = await sql`INSERT INTO users (id, email) VALUES (${mine.toString()}, 'js@example.com') RETURNING id`;
  assert.equal(rows, mine.toString());
  const batch = Array.from({ length: 50 }, () => typeid('user').toString());
  await sql`INSERT INTO users (id, email) SELECT x, 'batch' FROM unnest(${sql.array(batch)}::text[]) x`;
  rows = await sql`SELECT id FROM users WHERE email = 'batch' ORDER BY id`;
  assert.deepEqual(rows.map((r) => r.id), [...batch].sort(), 'ORDER BY id equals the string order');
  [rows] = await sql`SELECT email FROM users WHERE id = typeid_from_uuid('user', ${mine.toUUID()})`;
  assert.equal(rows.email, 'js@example.com', 'lookup by UUID');

  await expectSqlstate(sql`INSERT INTO users (id, email) VALUES (${ORG_ID}, 'x')`, '22023',
    "typeid('user') refuses an org_ id");
  await expectSqlstate(sql`SELECT 1 FROM users WHERE id = ${'nope'}`, '22P02', 'not a typeid');

  // typeid[] comes back as an array: postgres.js reads array types at connect
  await sql`UPDATE users SET friends = ${sql.array(ids.slice(1))} WHERE id = ${ids[0]}`;
  [rows] = await sql`SELECT friends FROM users WHERE id = ${ids[0]}`;
  assert.deepEqual(rows.friends, ids.slice(1), 'typeid[] as an array');

  // COPY in and out
  const copyIn = await sql`COPY users (id, email) FROM STDIN`.writable();
  await pipeline(Readable.from(['user_01h455vb4pex5vsknk084sn02q\tcopy@example.com\n',
    '01h455vb4pex5vsknk084sn02r\tnoprefix@example.com\n']), copyIn);
  const chunks = [];
  const copyOut = await sql`COPY (SELECT id, email FROM users WHERE email IN ('copy@example.com', 'noprefix@example.com') ORDER BY id) TO STDOUT`.readable();
  for await (const chunk of copyOut) chunks.push(chunk);
  assert.equal(Buffer.concat(chunks).toString(),
    'user_01h455vb4pex5vsknk084sn02q\tcopy@example.com\nuser_01h455vb4pex5vsknk084sn02r\tnoprefix@example.com\n', 'COPY out');
} finally {
  await sql.end();
}
const pkg = new URL('node_modules/postgres/package.json', import.meta.url);
console.log('postgres.js', JSON.parse(readFileSync(pkg)).version, 'ok');
