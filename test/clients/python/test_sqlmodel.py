"""typeid from SQLModel (Debian's python3-sqlmodel, on SQLAlchemy 1.4).

Models with `id: str` (bound as VARCHAR) and with the TypeID column type of
typeid_sqlalchemy.py, through psycopg2 and asyncpg.
Connection settings come from the libpq environment.
"""
import asyncio
import os
import sys
from typing import List, Optional

import sqlmodel
from sqlalchemy import ARRAY, Column, exc, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import Field, Session, SQLModel, col, create_engine, select
from sqlmodel.ext.asyncio.session import AsyncSession

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from typeid_sqlalchemy import TypeID, register_psycopg2_arrays  # noqa: E402

ORG_ID = "org_01h455vb4pex5vsknk084sn02q"


def check(cond, what):
    if not cond:
        raise SystemExit(f"FAILED: {what}")


def is_id(v, prefix):
    return isinstance(v, str) and v.startswith(prefix + "_") and len(v) == len(prefix) + 27


class User(SQLModel, table=True):
    """The users table of run.sh, its id mapped as a plain str."""
    __tablename__ = "users"
    id: Optional[str] = Field(default=None, primary_key=True,
                              sa_column_kwargs={"server_default": text("typeid_generate('user')")})
    email: str
    friends: List[str] = Field(default_factory=list, sa_column=Column(ARRAY(TypeID()), nullable=False,
                                                                      server_default=text("'{}'")))


class Team(SQLModel, table=True):
    """A new table whose id is typeid('team'), created by SQLModel."""
    id: Optional[str] = Field(default=None, sa_column=Column(
        TypeID("team"), primary_key=True, server_default=text("typeid_generate('team')")))
    name: str
    owner_id: Optional[str] = Field(default=None, sa_column=Column(TypeID("user")))


engine = create_engine("postgresql+psycopg2://")
register_psycopg2_arrays(engine)
SQLModel.metadata.create_all(engine, tables=[Team.__table__])
with Session(engine) as session:
    users = [User(email=f"u{i}@example.com") for i in range(3)]
    session.add_all(users)
    session.commit()
    ids = [u.id for u in users]
    check(all(is_id(i, "user") for i in ids), f"ids: {ids}")
    u = session.exec(select(User).where(User.id == ids[0])).one()
    check(u.email == "u0@example.com", "select where User.id ==")
    check(session.get(User, ids[1]).email == "u1@example.com", "Session.get")
    n = len(session.exec(select(User).where(col(User.id).in_(ids[:2]))).all())
    check(n == 2, f"in_ found {n}")
    u.friends = ids[1:]
    session.add(u)
    team = Team(name="core", owner_id=ids[0])
    session.add(team)
    session.commit()
    session.refresh(u)
    check(u.friends == ids[1:], f"typeid[] as a list: {u.friends}")
    check(is_id(team.id, "team"), f"team id: {team.id}")
    t = session.exec(text("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                          "WHERE attrelid = 'team'::regclass AND attname = 'id'")).scalar()
    check(t == "typeid('team')", f"create_all made {t}")
    session.add(Team(name="bad", owner_id=ORG_ID))
    try:
        session.commit()
        check(False, "owner_id typeid('user') stored an org_ id")
    except exc.DBAPIError as e:
        check(e.orig.pgcode == "22023", f"SQLSTATE {e.orig.pgcode}: {e}")


async def with_asyncpg():
    aengine = create_async_engine("postgresql+asyncpg://")
    async with AsyncSession(aengine) as session:
        # str ids bind as $1::VARCHAR here
        rows = (await session.exec(select(User).where(col(User.id).in_(ids)))).all()
        check(sorted(r.id for r in rows) == sorted(ids), f"asyncpg in_: {rows}")
        u = (await session.exec(select(User).where(User.id == ids[2]))).one()
        check(u.email == "u2@example.com", "asyncpg select where User.id ==")
        session.add(User(id=ORG_ID, email="x"))
        try:
            await session.commit()
            check(False, "asyncpg: org_ id stored")
        except exc.DBAPIError as e:
            check(e.orig.sqlstate == "22023", f"asyncpg SQLSTATE {e.orig.sqlstate}: {e}")
    await aengine.dispose()

asyncio.run(with_asyncpg())
print("SQLModel", sqlmodel.__version__, "ok")
