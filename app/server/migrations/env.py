"""Alembic environment of the central database: always handed an open connection by app.server.db (never reads an
.ini file). Its own version table, so a central database and a laptop file can never be mistaken for each other."""

from alembic import context

from app.server.models import server_metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=server_metadata, version_table="srv_schema_revision",
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
