# Alembic environment of the client tests: the usual online-only env.py.
from alembic import context
from sqlalchemy import engine_from_config, pool
from typeid_sqlalchemy import render_item

config = context.config
connectable = engine_from_config(config.get_section(config.config_ini_section),
                                 prefix="sqlalchemy.", poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=None, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()
