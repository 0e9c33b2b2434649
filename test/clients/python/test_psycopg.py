"""typeid from psycopg 3 (Debian's python3-psycopg), text and binary.

Connection settings come from the libpq environment (PGHOST, PGDATABASE, ...);
the database has the extension and the users table of test/clients/run.sh.
"""
import psycopg
from psycopg.types import TypeInfo
from psycopg.types.string import StrBinaryDumper, TextBinaryLoader

ORG_ID = "org_01h455vb4pex5vsknk084sn02q"


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")


def is_user_id(v):
    return isinstance(v, str) and v.startswith("user_") and len(v) == 31


with psycopg.connect(autocommit=True) as conn:
    # text mode, nothing registered: typeid comes back as str
    ids = [conn.execute("INSERT INTO users (email) VALUES (%s) RETURNING id",
                        [f"u{i}@example.com"]).fetchone()[0] for i in range(3)]
    check(all(is_user_id(i) for i in ids), f"INSERT ... RETURNING id gives strings: {ids}")
    row = conn.execute("SELECT email FROM users WHERE id = %s", [ids[0]]).fetchone()
    check(row == ("u0@example.com",), f"SELECT by id: {row}")
    n = conn.execute("SELECT count(*) FROM users WHERE id = ANY(%s)", [ids[:2]]).fetchone()[0]
    check(n == 2, f"= ANY(list) found {n}")
    # %b binds the string as text in binary format: needs the implicit cast
    row = conn.execute("SELECT email FROM users WHERE id = %b", [ids[1]]).fetchone()
    check(row == ("u1@example.com",), f"SELECT by id bound with %b: {row}")
    n = conn.execute("SELECT count(*) FROM users WHERE id = ANY(%b)", [ids]).fetchone()[0]
    check(n == 3, f"= ANY(%b list) found {n}")

    # a typeid('user') column refuses an org_ id: SQLSTATE 22023
    try:
        conn.execute("INSERT INTO users (id, email) VALUES (%s, 'x')", [ORG_ID])
        check(False, "org_ id stored in a typeid('user') column")
    except psycopg.Error as e:
        check(e.sqlstate == "22023", f"SQLSTATE {e.sqlstate}: {e}")
    # and a string that is not a typeid: 22P02
    try:
        conn.execute("SELECT 1 FROM users WHERE id = %b", ["nope"])
        check(False, "'nope' accepted as a typeid")
    except psycopg.Error as e:
        check(e.sqlstate == "22P02", f"SQLSTATE {e.sqlstate}: {e}")

    # typeid[]: register the array type once per connection (type OIDs
    # differ per database), then lists come back
    conn.execute("UPDATE users SET friends = %s WHERE id = %s", [ids[1:], ids[0]])
    raw = conn.execute("SELECT friends FROM users WHERE id = %s", [ids[0]]).fetchone()[0]
    check(raw == "{" + ",".join(ids[1:]) + "}", f"unregistered typeid[] is its text form: {raw}")
    info = TypeInfo.fetch(conn, "typeid")
    info.register(conn)
    friends = conn.execute("SELECT friends FROM users WHERE id = %s", [ids[0]]).fetchone()[0]
    check(friends == ids[1:], f"typeid[] as a list: {friends}")

    # binary mode: the wire format of typeid is its text, so the text loader
    # for binary data reads it; register it for typeid
    conn.adapters.register_loader(info.oid, TextBinaryLoader)
    cur = conn.cursor(binary=True)
    row = cur.execute("SELECT id, friends FROM users WHERE id = %s", [ids[0]]).fetchone()
    check(row == (ids[0], ids[1:]), f"binary results: {row}")

    # COPY in and out, text format
    with conn.cursor().copy("COPY users (id, email) FROM STDIN") as copy:
        copy.write_row(["user_01h455vb4pex5vsknk084sn02q", "copy@example.com"])
        copy.write_row(["01h455vb4pex5vsknk084sn02r", "noprefix@example.com"])
    with conn.cursor().copy("COPY (SELECT id, email FROM users WHERE email LIKE 'copy%%' "
                            "OR email LIKE 'noprefix%%' ORDER BY id) TO STDOUT") as copy:
        rows = list(copy.rows())
    check(rows == [("user_01h455vb4pex5vsknk084sn02q", "copy@example.com"),
                   ("user_01h455vb4pex5vsknk084sn02r", "noprefix@example.com")],
          f"COPY out: {rows}")

    # COPY in and out, binary format: a dumper for typeid is the str binary
    # dumper with typeid's OID, used by set_types only
    class TypeidBinaryDumper(StrBinaryDumper):
        oid = info.oid

    conn.adapters.register_dumper(None, TypeidBinaryDumper)
    with conn.cursor().copy("COPY users (id, email) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["typeid", "text"])
        copy.write_row(["user_01h455vb4pex5vsknk084sn02s", "bin@example.com"])
    with conn.cursor().copy("COPY (SELECT id, friends FROM users WHERE email = 'u0@example.com') "
                            "TO STDOUT (FORMAT BINARY)") as copy:
        copy.set_types(["typeid", "typeid[]"])
        rows = list(copy.rows())
    check(rows == [(ids[0], ids[1:])], f"binary COPY out: {rows}")
    n = conn.execute("SELECT count(*) FROM users WHERE id = %s",
                     ["user_01h455vb4pex5vsknk084sn02s"]).fetchone()[0]
    check(n == 1, "binary COPY in stored the row")

    # a row looked up by a bare UUID, with the index
    uuid = conn.execute("SELECT typeid_uuid(%s)", [ids[2]]).fetchone()[0]
    row = conn.execute("SELECT email FROM users WHERE id = typeid_from_uuid('user', %s)",
                       [uuid]).fetchone()
    check(row == ("u2@example.com",), f"lookup by UUID: {row}")
    plan = "\n".join(r[0] for r in conn.execute(
        "EXPLAIN SELECT email FROM users WHERE id = typeid_from_uuid('user', %s)", [uuid]))
    check("Index" in plan, f"lookup by UUID uses the index:\n{plan}")
print("psycopg", psycopg.__version__, "ok")
