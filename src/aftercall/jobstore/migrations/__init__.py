"""Alembic migrations of the job store; one history for SQLite and PostgreSQL."""
