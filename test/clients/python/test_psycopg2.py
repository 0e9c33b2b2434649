"""typeid from psycopg2 (Debian's python3-psycopg2).

psycopg2 interpolates parameters on the client: a str becomes a quoted
literal (untyped, resolved as typeid) and a list an ARRAY[...] of text.
Connection settings come from the libpq environment.
"""
import io

import psycopg2
import psycopg2.errorcodes
import psycopg2.extensions

ORG_ID = "org_01h455vb4pex5vsknk084sn02q"


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")


def is_user_id(v):
    return isinstance(v, str) and v.startswith("user_") and len(v) == 31


conn = psycopg2.connect("")
conn.autocommit = True
cur = conn.cursor()

ids = []
for i in range(3):
    cur.execute("INSERT INTO users (email) VALUES (%s) RETURNING id", (f"u{i}@example.com",))
    ids.append(cur.fetchone()[0])
check(all(is_user_id(i) for i in ids), f"INSERT ... RETURNING id gives strings: {ids}")
cur.execute("SELECT email FROM users WHERE id = %s", (ids[0],))
check(cur.fetchone() == ("u0@example.com",), "SELECT by id")
# a Python list is sent as ARRAY['…','…'], a text[]: needs the implicit cast
cur.execute("SELECT count(*) FROM users WHERE id = ANY(%s)", (ids[:2],))
n = cur.fetchone()[0]
check(n == 2, f"= ANY(list) found {n}")
cur.execute("SELECT count(*) FROM users WHERE id IN %s", (tuple(ids),))
n = cur.fetchone()[0]
check(n == 3, f"IN (tuple) found {n}")

try:
    cur.execute("INSERT INTO users (id, email) VALUES (%s, 'x')", (ORG_ID,))
    check(False, "org_ id stored in a typeid('user') column")
except psycopg2.Error as e:
    check(e.pgcode == "22023", f"SQLSTATE {e.pgcode}: {e}")

# typeid[]: psycopg2 gives unknown arrays as their text form; registering
# the array OID (it differs per database) gives lists
cur.execute("UPDATE users SET friends = %s WHERE id = %s", (ids[1:], ids[0]))
cur.execute("SELECT friends FROM users WHERE id = %s", (ids[0],))
raw = cur.fetchone()[0]
check(raw == "{" + ",".join(ids[1:]) + "}", f"unregistered typeid[]: {raw}")
cur.execute("SELECT 'typeid[]'::regtype::oid")
typeid_array = psycopg2.extensions.new_array_type(
    (cur.fetchone()[0],), "TYPEID[]", psycopg2.STRING)
psycopg2.extensions.register_type(typeid_array, conn)
cur.execute("SELECT friends FROM users WHERE id = %s", (ids[0],))
friends = cur.fetchone()[0]
check(friends == ids[1:], f"typeid[] as a list: {friends}")

# COPY in and out (text format)
cur.copy_expert("COPY users (id, email) FROM STDIN",
                io.StringIO("user_01h455vb4pex5vsknk084sn02q\tcopy@example.com\n"
                            "01h455vb4pex5vsknk084sn02r\tnoprefix@example.com\n"))
out = io.StringIO()
cur.copy_expert("COPY (SELECT id, email FROM users WHERE email LIKE 'copy%' "
                "OR email LIKE 'noprefix%' ORDER BY id) TO STDOUT", out)
check(out.getvalue() == "user_01h455vb4pex5vsknk084sn02q\tcopy@example.com\n"
      "user_01h455vb4pex5vsknk084sn02r\tnoprefix@example.com\n", f"COPY out: {out.getvalue()!r}")
try:
    cur.copy_expert("COPY users (id, email) FROM STDIN",
                    io.StringIO("org_01h455vb4pex5vsknk084sn02q\tx\n"))
    check(False, "COPY stored an org_ id")
except psycopg2.Error as e:
    check(e.pgcode == "22023", f"COPY SQLSTATE {e.pgcode}: {e}")

# a row looked up by a bare UUID
cur.execute("SELECT typeid_uuid(%s)::text", (ids[2],))
uuid = cur.fetchone()[0]
cur.execute("SELECT email FROM users WHERE id = typeid_from_uuid('user', %s)", (uuid,))
check(cur.fetchone() == ("u2@example.com",), "lookup by UUID")
conn.close()
print("psycopg2", psycopg2.__version__, "ok")
