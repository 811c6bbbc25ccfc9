"""Headquarters: the consolidated picture, outbreak alerts, weekly reports and exports over the central database.

No Qt here. Everything takes a SQLAlchemy ``Connection`` (SQLite or PostgreSQL); see docs/hq.md for the wiring.
"""
