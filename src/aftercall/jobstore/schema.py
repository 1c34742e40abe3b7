"""Bringing a database to the schema this version of aftercall expects (``aftercall migrate``)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from aftercall.errors import AftercallError

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaOutOfDate(AftercallError):
    """The database is not at this version's schema; run ``aftercall migrate``."""


def _config(connection: sa.Connection | None = None, *, domain: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["domain"] = domain  # the deployment's, for keys of jobs stored before they were (0003)
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, *, domain: str) -> None:
    """Apply every migration the database lacks (idempotent); ``domain``: the deployment's (settings.domain)."""
    with engine.begin() as conn:
        command.upgrade(_config(conn, domain=domain), "head")


def require_current(engine: sa.Engine) -> None:
    found = current(engine)
    if found != head():
        raise SchemaOutOfDate(
            f"The database schema is at {found or 'nothing'}, this aftercall needs {head()}: run `aftercall migrate`"
        )
