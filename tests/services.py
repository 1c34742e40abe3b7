"""Real services of the machine for tests: PostgreSQL (and, later, Redis, RabbitMQ, S3 via moto).

A test that needs one skips when it is absent; with AFTERCALL_REQUIRE_SERVICES=1 (CI) that skip is a failure.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("AFTERCALL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL whose tables live in a fresh schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL, pool_pre_ping=True)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.orig}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def moto_s3_server() -> Iterator[str]:
    """moto's S3-compatible server on 127.0.0.1 (the S3 server the tests use); yields its endpoint URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        pytest.skip(f"moto[server] is not installed: {exc}")
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


S3_CREDENTIALS = {"access_key_id": "testing", "secret_access_key": "testing", "region": "us-east-1"}


def new_bucket(endpoint: str) -> str:
    import boto3

    name = f"b-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=name)
    return name


REDIS_URL = os.environ.get("AFTERCALL_TEST_REDIS_URL", "redis://127.0.0.1:6379")
AMQP_URL = os.environ.get("AFTERCALL_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672")


@contextmanager
def purge_broker(kind: str) -> Iterator[str]:
    """A broker URL for one test: a random Redis database (flushed), or RabbitMQ's default vhost with aftercall's
    queues purged. The broker must be reachable, else the test skips (fails in CI)."""
    if kind == "redis":
        import redis

        url = f"{REDIS_URL}/{random.randint(1, 15)}"
        client = redis.Redis.from_url(url)
        try:
            client.flushdb()
        except redis.exceptions.ConnectionError as exc:
            pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
        try:
            yield url
        finally:
            client.flushdb()
            client.close()
        return
    import kombu

    url = f"{AMQP_URL}//"
    with kombu.Connection(url, connect_timeout=3) as conn:
        try:
            conn.ensure_connection(max_retries=1)
        except Exception as exc:
            pytest.skip(f"RabbitMQ is not reachable at {AMQP_URL}: {exc}")
        for queue in ("speech", "llm"):
            try:
                with conn.channel() as channel:
                    channel.queue_purge(queue)
            except conn.channel_errors:  # not declared yet: nothing to purge
                pass
    yield url
