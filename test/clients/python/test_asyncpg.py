"""typeid from asyncpg (Debian's python3-asyncpg), binary protocol.

asyncpg prepares every statement and exchanges values in binary where it
has a codec.  typeid's binary form is its text, so a codec that encodes and
decodes the UTF-8 bytes serves typeid in binary (needed by binary COPY).
Connection settings come from the libpq environment.
"""
import asyncio
import io

import asyncpg

ORG_ID = "org_01h455vb4pex5vsknk084sn02q"


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")


def is_user_id(v):
    return isinstance(v, str) and v.startswith("user_") and len(v) == 31


async def main():
    conn = await asyncpg.connect()

    # nothing registered: typeid parameters and results go as text
    ids = [await conn.fetchval("INSERT INTO users (email) VALUES ($1) RETURNING id", f"u{i}@example.com")
           for i in range(3)]
    check(all(is_user_id(i) for i in ids), f"INSERT ... RETURNING id gives strings: {ids}")
    check(await conn.fetchval("SELECT email FROM users WHERE id = $1", ids[0]) == "u0@example.com",
          "SELECT by id")
    n = await conn.fetchval("SELECT count(*) FROM users WHERE id = ANY($1::text[])", ids[:2])
    check(n == 2, f"= ANY($1::text[]) found {n}")
    n = await conn.fetchval("SELECT count(*) FROM users WHERE id = ANY($1)", ids)
    check(n == 3, f"= ANY($1) found {n}")
    check(await conn.fetchval("SELECT email FROM users WHERE id = $1::varchar", ids[1]) == "u1@example.com",
          "SELECT by $1::varchar (what SQLAlchemy renders)")

    try:
        await conn.execute("INSERT INTO users (id, email) VALUES ($1, 'x')", ORG_ID)
        check(False, "org_ id stored in a typeid('user') column")
    except asyncpg.PostgresError as e:
        check(e.sqlstate == "22023", f"SQLSTATE {e.sqlstate}: {e}")

    await conn.execute("UPDATE users SET friends = $1 WHERE id = $2", ids[1:], ids[0])
    friends = await conn.fetchval("SELECT friends FROM users WHERE id = $1", ids[0])
    check(friends == ids[1:], f"typeid[] as a list: {friends}")

    # text COPY in and out
    await conn.copy_to_table("users", source=io.BytesIO(
        b"user_01h455vb4pex5vsknk084sn02q\tcopy@example.com\n"), columns=["id", "email"])
    out = io.BytesIO()
    await conn.copy_from_query("SELECT id, email FROM users WHERE email = $1", "copy@example.com", output=out)
    check(out.getvalue() == b"user_01h455vb4pex5vsknk084sn02q\tcopy@example.com\n",
          f"COPY out: {out.getvalue()!r}")

    # binary codec (the wire format is the text): then binary COPY of
    # records works too
    await conn.set_type_codec("typeid", schema="public", format="binary",
                              encoder=str.encode, decoder=bytes.decode)
    check(await conn.fetchval("SELECT id FROM users WHERE id = $1", ids[0]) == ids[0],
          "binary codec round trip")
    check(await conn.fetchval("SELECT friends FROM users WHERE id = $1", ids[0]) == ids[1:],
          "typeid[] with the binary codec")
    await conn.copy_records_to_table("users", records=[("user_01h455vb4pex5vsknk084sn02s", "bin@example.com")],
                                     columns=["id", "email"])
    check(await conn.fetchval("SELECT email FROM users WHERE id = $1", "user_01h455vb4pex5vsknk084sn02s")
          == "bin@example.com", "binary COPY in stored the row")
    try:
        await conn.copy_records_to_table("users", records=[(ORG_ID, "x")], columns=["id", "email"])
        check(False, "binary COPY stored an org_ id")
    except asyncpg.PostgresError as e:
        check(e.sqlstate == "22023", f"binary COPY SQLSTATE {e.sqlstate}: {e}")

    uuid = await conn.fetchval("SELECT typeid_uuid($1)", ids[2])
    check(await conn.fetchval("SELECT email FROM users WHERE id = typeid_from_uuid('user', $1)", uuid)
          == "u2@example.com", "lookup by UUID")
    await conn.close()


asyncio.run(main())
print("asyncpg", asyncpg.__version__, "ok")
