"""typeid from SQLAlchemy 1.4 (Core and ORM, psycopg2 and asyncpg) and Alembic.

Covers the TypeID column type of typeid_sqlalchemy.py (DDL, reflection,
Alembic autogenerate rendering and comparison), plain String mappings of a
typeid column (what SQLModel's `id: str` and most existing code have), and
am.add_typeid / am.add_timestamps run from an Alembic migration.
Connection settings come from the libpq environment.
"""
import asyncio
import os
import sys
import warnings

import sqlalchemy as sa
from sqlalchemy import exc, orm
from sqlalchemy.ext.asyncio import create_async_engine

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from typeid_sqlalchemy import TypeID, register_psycopg2_arrays, render_item  # noqa: E402

ORG_ID = "org_01h455vb4pex5vsknk084sn02q"
warnings.simplefilter("error", exc.SAWarning)


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")


def is_id(v, prefix):
    return isinstance(v, str) and v.startswith(prefix + "_") and len(v) == len(prefix) + 27


engine = sa.create_engine("postgresql+psycopg2://", future=True)
register_psycopg2_arrays(engine)

# --- Core with the TypeID type: DDL, insert, select, in_, prefix check
meta = sa.MetaData()
accounts = sa.Table(
    "accounts", meta,
    sa.Column("id", TypeID("acct"), primary_key=True, server_default=sa.text("typeid_generate('acct')")),
    sa.Column("owner_id", TypeID("user")),
    sa.Column("email", sa.Text, nullable=False),
)
meta.create_all(engine)
with engine.begin() as conn:
    t = conn.execute(sa.text("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                             "WHERE attrelid = 'accounts'::regclass AND attname = 'id'")).scalar()
    check(t == "typeid('acct')", f"create_all made {t}")
    ids = [conn.execute(accounts.insert().values(email=f"a{i}@example.com").returning(accounts.c.id)).scalar()
           for i in range(3)]
    check(all(is_id(i, "acct") for i in ids), f"insert().returning(id): {ids}")
    email = conn.execute(sa.select(accounts.c.email).where(accounts.c.id == ids[0])).scalar()
    check(email == "a0@example.com", "select where id ==")
    n = conn.execute(sa.select(sa.func.count()).where(accounts.c.id.in_(ids[:2]))).scalar()
    check(n == 2, f"in_ found {n}")
    n = conn.execute(sa.select(sa.func.count()).where(accounts.c.id == sa.any_(sa.literal(ids)))).scalar()
    check(n == 3, f"== any_(list) found {n}")
try:
    with engine.begin() as conn:
        conn.execute(accounts.insert().values(id=ORG_ID, email="x"))
    check(False, "org_ id stored in a typeid('acct') column")
except exc.DBAPIError as e:
    check(e.orig.pgcode == "22023", f"SQLSTATE {e.orig.pgcode}: {e}")

# --- reflection: typeid('user') and typeid[] columns, no SAWarning
reflected = sa.Table("users", sa.MetaData(), autoload_with=engine)
check(isinstance(reflected.c.id.type, TypeID) and reflected.c.id.type.prefix == "user",
      f"reflected users.id: {reflected.c.id.type!r}")
check(isinstance(reflected.c.friends.type, sa.ARRAY) and isinstance(reflected.c.friends.type.item_type, TypeID),
      f"reflected users.friends: {reflected.c.friends.type!r}")
with engine.begin() as conn:
    uid = conn.execute(reflected.insert().values(email="r@example.com").returning(reflected.c.id)).scalar()
    conn.execute(reflected.update().where(reflected.c.id == uid).values(friends=[uid]))
    friends = conn.execute(sa.select(reflected.c.friends).where(reflected.c.id == uid)).scalar()
    check(friends == [uid], f"typeid[] through the reflected table: {friends}")

# --- a typeid column mapped as String: binds as VARCHAR (asyncpg renders
# $1::VARCHAR), which the implicit varchar -> typeid cast accepts
plain = sa.Table("users", sa.MetaData(),
                 sa.Column("id", sa.String, primary_key=True, server_default=sa.FetchedValue()),
                 sa.Column("email", sa.String), sa.Column("friends", sa.ARRAY(sa.String)))


async def core_asyncpg():
    aengine = create_async_engine("postgresql+asyncpg://")
    async with aengine.begin() as conn:
        for table in (plain, reflected):
            email = (await conn.execute(sa.select(table.c.email).where(table.c.id == uid))).scalar()
            check(email == "r@example.com", f"asyncpg select where id == ({table.c.id.type!r})")
            n = (await conn.execute(sa.select(sa.func.count()).select_from(table)
                                    .where(table.c.id.in_([uid, "user_01h455vb4pex5vsknk084sn02q"])))).scalar()
            check(n == 1, f"asyncpg in_ ({table.c.id.type!r}) found {n}")
        new = (await conn.execute(plain.insert().values(email="s@example.com").returning(plain.c.id))).scalar()
        check(is_id(new, "user"), f"asyncpg insert returning: {new}")
        friends = (await conn.execute(sa.select(plain.c.friends).where(plain.c.id == uid))).scalar()
        check(friends == [uid], f"asyncpg typeid[]: {friends}")
        try:
            async with conn.begin_nested():
                await conn.execute(plain.insert().values(id=ORG_ID, email="x"))
            check(False, "asyncpg: org_ id stored")
        except exc.DBAPIError as e:
            check(e.orig.sqlstate == "22023", f"asyncpg SQLSTATE {e.orig.sqlstate}: {e}")
    await aengine.dispose()

asyncio.run(core_asyncpg())
with engine.begin() as conn:
    n = conn.execute(sa.select(sa.func.count()).select_from(plain).where(plain.c.id.in_([uid]))).scalar()
    check(n == 1, "psycopg2 in_ with a String-mapped id")


# --- ORM
class Base(orm.declarative_base()):
    __abstract__ = True


class Account(Base):
    __tablename__ = "orm_accounts"
    id = sa.Column(TypeID("acct"), primary_key=True, server_default=sa.text("typeid_generate('acct')"))
    email = sa.Column(sa.Text, nullable=False)
    posts = orm.relationship("Note", back_populates="account")


class Note(Base):
    __tablename__ = "orm_notes"
    id = sa.Column(TypeID("note"), primary_key=True, server_default=sa.text("typeid_generate('note')"))
    account_id = sa.Column(TypeID("acct"), sa.ForeignKey("orm_accounts.id"), nullable=False)
    account = orm.relationship(Account, back_populates="posts")


Base.metadata.create_all(engine)
with orm.Session(engine, future=True) as session:
    a = Account(email="orm@example.com")
    a.posts = [Note(), Note()]
    session.add(a)
    session.commit()
    check(is_id(a.id, "acct") and all(is_id(p.id, "note") for p in a.posts), f"ORM ids: {a.id}")
    aid = a.id
with orm.Session(engine, future=True) as session:
    a = session.get(Account, aid)
    check(a is not None and a.email == "orm@example.com" and len(a.posts) == 2, "Session.get and relationship")
    n = session.query(Note).filter(Note.account_id.in_([aid])).count()
    check(n == 2, f"ORM in_ found {n}")
    session.add(Account(id=ORG_ID, email="x"))
    try:
        session.commit()
        check(False, "ORM stored an org_ id")
    except exc.DBAPIError as e:
        check(e.orig.pgcode == "22023", f"ORM SQLSTATE {e.orig.pgcode}: {e}")

# --- Alembic: a migration that runs am.add_typeid and am.add_timestamps
from alembic import command  # noqa: E402
from alembic.autogenerate import produce_migrations, render_python_code  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402

cfg = Config()
cfg.set_main_option("script_location", os.path.join(here, "migrations"))
cfg.set_main_option("sqlalchemy.url", "postgresql+psycopg2://")
command.upgrade(cfg, "head")
with engine.begin() as conn:
    cols = conn.execute(sa.text(
        "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) "
        "FROM pg_attribute WHERE attrelid = 'posts'::regclass AND attnum > 0 AND NOT attisdropped")).scalar()
    check(cols == "title text, id typeid('post'), created_at timestamp with time zone, "
                  "updated_at timestamp with time zone", f"posts after the migration: {cols}")
    row = conn.execute(sa.text("INSERT INTO posts (title) VALUES ('hello') "
                               "RETURNING id, created_at IS NOT NULL")).one()
    check(is_id(row[0], "post") and row[1], f"posts row: {row}")

# --- Alembic autogenerate: renders TypeID, compares typeid('prefix')
target = sa.MetaData()
sa.Table("posts", target,
         sa.Column("title", sa.Text, nullable=False),
         sa.Column("id", TypeID("post"), primary_key=True, server_default=sa.text("typeid_generate('post'::text)")),
         sa.Column("created_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=sa.text("now()")),
         sa.Column("updated_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=sa.text("now()")))
sa.Table("comments", target,
         sa.Column("id", TypeID("comment"), primary_key=True),
         sa.Column("post_id", TypeID("post"), sa.ForeignKey("posts.id")),
         sa.Column("mentions", sa.ARRAY(TypeID())))
with engine.connect() as conn:
    ctx = MigrationContext.configure(conn, opts={
        "compare_type": True,
        "include_name": lambda name, type_, parent: type_ != "table" or name in ("posts", "comments")})
    code = render_python_code(produce_migrations(ctx, target).upgrade_ops, render_item=render_item)
check("sa.Column('id', TypeID(prefix='comment'), nullable=False)" in code
      and "TypeID(prefix='post')" in code
      and "sa.ARRAY(TypeID())" in code, f"autogenerate rendering:\n{code}")
check("alter_column" not in code and "'posts'" not in code.replace("['posts.id']", ""),
      f"autogenerate sees posts as it is:\n{code}")
target.tables["posts"].c.id.type = TypeID("article")
with engine.connect() as conn:
    ctx = MigrationContext.configure(conn, opts={
        "compare_type": True, "include_name": lambda name, type_, parent: type_ != "table" or name == "posts"})
    code = render_python_code(produce_migrations(ctx, target).upgrade_ops, render_item=render_item)
check("type_=TypeID(prefix='article')" in code
      and "existing_type=TypeID(prefix='post')" in code,
      f"autogenerate sees a prefix change:\n{code}")
command.downgrade(cfg, "base")
print("SQLAlchemy", sa.__version__, "ok")
