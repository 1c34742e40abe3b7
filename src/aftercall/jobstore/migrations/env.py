"""Alembic's environment: runs on the connection ``aftercall.jobstore.schema`` hands it."""

from alembic import context

from aftercall.jobstore.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
