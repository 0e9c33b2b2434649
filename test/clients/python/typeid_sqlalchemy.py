"""A TypeID column type for SQLAlchemy 1.4 (Core, ORM, Alembic).

This is the snippet of the README's "SQLAlchemy and Alembic" section; the
client tests (test_sqlalchemy.py) import it from here.  TypeID() is a typeid column,
TypeID("user") a typeid('user') column.  Values are Python strings.
"""
from sqlalchemy import event
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.types import UserDefinedType


class TypeID(UserDefinedType):
    cache_ok = True

    def __init__(self, prefix=None):
        # reflection passes the type modifier as PostgreSQL prints it: 'user'
        self.prefix = prefix.strip("'") if prefix else None

    def get_col_spec(self, **kw):
        return f"typeid('{self.prefix}')" if self.prefix else "typeid"

    @property
    def python_type(self):
        return str

    def coerce_compared_value(self, op, value):
        # a string compared with a typeid column is bound as a typeid
        return self


# reflection (MetaData.reflect, autoload_with, Alembic autogenerate) maps
# typeid and typeid('prefix') columns to TypeID instead of NullType
ischema_names["typeid"] = TypeID


def render_item(type_, obj, autogen_context):
    """Alembic: context.configure(render_item=render_item, ...) in env.py
    makes autogenerate write TypeID(prefix='user') and import it."""
    if type_ == "type" and isinstance(obj, TypeID):
        autogen_context.imports.add(f"from {__name__} import TypeID")
        return repr(obj)
    return False


def register_psycopg2_arrays(engine):
    """psycopg2 reads typeid[] as one string unless the array type's OID,
    which differs per database, is registered on each connection."""
    @event.listens_for(engine, "connect")
    def connect(dbapi_connection, connection_record):
        import psycopg2
        import psycopg2.extensions

        with dbapi_connection.cursor() as cur:
            cur.execute("SELECT typarray FROM pg_type WHERE oid = 'typeid'::regtype")
            oid = cur.fetchone()[0]
        psycopg2.extensions.register_type(
            psycopg2.extensions.new_array_type((oid,), "TYPEID[]", psycopg2.STRING), dbapi_connection)
