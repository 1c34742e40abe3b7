"""The PostgreSQL engine in a worker's pool: each forked process talks to the database on its own connection (two
processes on one connection interleave their statements and break each other's transactions)."""

from __future__ import annotations

import os

import sqlalchemy as sa

from aftercall.jobstore.sql import create_sql_engine
from tests.services import postgres_schema

_BACKEND = sa.text("SELECT pg_backend_pid()")


def test_a_forked_process_opens_its_own_connection_and_leaves_the_parents_alone() -> None:
    with postgres_schema() as url:
        engine = create_sql_engine(url)
        try:
            with engine.connect() as conn:
                parent = conn.execute(_BACKEND).scalar_one()  # its connection stays in the pool
            read, write = os.pipe()
            child = os.fork()
            if child == 0:  # pragma: no cover (the child reports through the pipe and exits)
                try:
                    with engine.connect() as conn:
                        os.write(write, str(conn.execute(_BACKEND).scalar_one()).encode())
                finally:
                    os._exit(0)
            os.close(write)
            _, status = os.waitpid(child, 0)
            theirs = os.read(read, 64).decode()
            os.close(read)
            assert os.waitstatus_to_exitcode(status) == 0
            assert theirs, "the child could not query"
            assert int(theirs) != parent
            with engine.connect() as conn:
                assert conn.execute(_BACKEND).scalar_one() == parent  # the parent's connection is still its own
        finally:
            engine.dispose()
