// typeid from node-postgres (npm pg) with typeid-js, text and binary results.
// Connection settings come from the libpq environment (PGHOST, PGDATABASE, ...).
'use strict';

const assert = require('node:assert/strict');
const pg = require('pg');
const { typeid, TypeID } = require('typeid-js');

const ORG_ID = 'org_01h455vb4pex5vsknk084sn02q';

async function expectSqlstate(promise, sqlstate, what) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, sqlstate, `${what}: ${e.message}`);
    return true;
  }, what);
}

async function main() {
  const client = new pg.Client();
  await client.connect();
  try {
    // ids made by the database come back as strings typeid-js parses
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const r = await client.query('INSERT INTO users (email) VALUES ($1) RETURNING id', [`u${i}@example.com`]);
      ids.push(r.rows[0].id);
    }
    for (const id of ids) {
      const t = TypeID.fromString(id);
      assert.equal(t.getType(), 'user');
      assert.equal(t.toString(), id);
    }
    let r = await client.query('SELECT email FROM users WHERE id = $1', [ids[0]]);
    assert.deepEqual(r.rows, [{ email: 'u0@example.com' }], 'SELECT by id');
    r = await client.query('SELECT count(*)::int AS n FROM users WHERE id = ANY($1)', [ids.slice(0, 2)]);
    assert.equal(r.rows[0].n, 2, '= ANY($1) with an array');
    r = await client.query('SELECT count(*)::int AS n FROM users WHERE id = ANY($1::text[])', [ids]);
    assert.equal(r.rows[0].n, 3, '= ANY($1::text[])');

    // ids made by typeid-js are accepted, with its TypeID objects too
    const mine = typeid('user');
    r = await client.query('INSERT INTO users (id, email) VALUES ($1, $2) RETURNING id', [mine.toString(), 'js@example.com']);
    assert.equal(r.rows[0].id, mine.toString());
    r = await client.query('SELECT typeid_uuid(id)::text AS uuid FROM users WHERE id = $1', [mine.toString()]);
    assert.equal(r.rows[0].uuid, mine.toUUID(), 'same UUID on both sides');
    // a row looked up by a bare UUID
    r = await client.query("SELECT email FROM users WHERE id = typeid_from_uuid('user', $1)", [mine.toUUID()]);
    assert.equal(r.rows[0].email, 'js@example.com', 'lookup by UUID');

    // database order equals typeid-js order (string order of the ids)
    const batch = [];
    for (let i = 0; i < 50; i++) batch.push(typeid('user').toString());
    await client.query('INSERT INTO users (id, email) SELECT x, $2 FROM unnest($1::text[]) x', [batch, 'batch']);
    r = await client.query("SELECT id FROM users WHERE email = 'batch' ORDER BY id");
    const sorted = [...batch].sort();
    assert.deepEqual(r.rows.map((x) => x.id), sorted, 'ORDER BY id equals the sort order of the strings');
    assert.deepEqual(sorted, batch, 'typeid-js generates ids in order');

    await expectSqlstate(client.query('INSERT INTO users (id, email) VALUES ($1, $2)', [ORG_ID, 'x']),
      '22023', "typeid('user') refuses an org_ id");
    await expectSqlstate(client.query('INSERT INTO users (id, email) VALUES ($1, $2)', [typeid('org').toString(), 'x']),
      '22023', "typeid('user') refuses a typeid-js org id");
    await expectSqlstate(client.query('SELECT 1 FROM users WHERE id = $1', ['nope']), '22P02', 'not a typeid');

    // typeid[]: without a parser it is its text form; the text[] parser reads it
    await client.query('UPDATE users SET friends = $1 WHERE id = $2', [ids.slice(1), ids[0]]);
    r = await client.query('SELECT friends FROM users WHERE id = $1', [ids[0]]);
    assert.equal(r.rows[0].friends, `{${ids.slice(1).join(',')}}`);
    r = await client.query("SELECT 'typeid'::regtype::oid AS oid, 'typeid[]'::regtype::oid AS array_oid");
    const { oid, array_oid: arrayOid } = r.rows[0];
    const types = {
      getTypeParser(id, format) {
        if (id === arrayOid && format !== 'binary') return pg.types.getTypeParser(1009); // text[]
        if (id === oid && format === 'binary') return (buf) => buf.toString('utf8');
        return pg.types.getTypeParser(id, format);
      },
    };
    r = await client.query({ text: 'SELECT friends FROM users WHERE id = $1', values: [ids[0]], types });
    assert.deepEqual(r.rows[0].friends, ids.slice(1), 'typeid[] as an array');

    // binary results: typeid's binary form is its text
    r = await client.query({ text: 'SELECT id FROM users WHERE id = $1', values: [ids[0]], binary: true, types });
    assert.equal(r.rows[0].id, ids[0], 'binary result');
  } finally {
    await client.end();
  }
  console.log('node-postgres', require('pg/package.json').version, 'ok');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
