"""Alembic scripts of the central database (app.server.db runs them; docs/architecture.md, "Central server")."""
