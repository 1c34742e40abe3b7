"""The ``aftercall`` command."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from aftercall import __version__

if TYPE_CHECKING:
    from aftercall.settings import Settings

Made = TypeVar("Made")


def _configure_logging(level: str, log_format: str) -> None:
    from aftercall.logs import configure

    configure(level, log_format)


def _settings(**overrides: object) -> Settings:
    """The settings, or a one-line error naming each invalid variable; unknown ``AFTERCALL_*`` variables are
    warned about."""
    from aftercall.errors import ConfigurationError
    from aftercall.settings import load, unknown_variables

    for warning in unknown_variables():
        click.echo(f"Warning: {warning}.", err=True)
    try:
        return load(**{name: value for name, value in overrides.items() if value is not None})
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
@click.version_option(__version__, prog_name="aftercall")
def main() -> None:
    """aftercall: self-hosted, Daily-compatible post-call processing.

    Every setting is an AFTERCALL_* environment variable: `aftercall config` lists them all, with their defaults,
    the values this environment gives them and what they mean (docs/deployment.md says which role reads which).
    """


@main.command()
def config() -> None:
    """List every setting: its AFTERCALL_* variable, default, value here (keys and passwords hidden), meaning."""
    from aftercall.settings import catalogue

    for entry in catalogue(_settings()):
        value = entry.value if entry.value == entry.default else f"{entry.value}  (default: {entry.default})"
        click.echo(f"{entry.variable} = {value}")
        click.echo(f"    {entry.meaning}")


@main.command()
@click.option("--database-url", default=None, help="SQLAlchemy URL [default: AFTERCALL_DATABASE_URL, or the data dir].")
def migrate(database_url: str | None) -> None:
    """Bring the database to this version's schema (safe to run again; run it before starting new versions)."""
    from aftercall.jobstore import schema
    from aftercall.jobstore.sql import create_sql_engine

    settings = _settings(database_url=database_url)
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_sql_engine(settings.resolved_database_url)
    before = schema.current(engine)
    schema.upgrade(engine, domain=settings.domain)
    click.echo(f"Database schema: {before or 'empty'} -> {schema.current(engine)}")


@main.command()
@click.option("--host", default=None, help="Address to listen on [default: 127.0.0.1, or AFTERCALL_HOST].")
@click.option("--port", type=int, default=None, help="Port to listen on [default: 8731, or AFTERCALL_PORT].")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Database, stored files, keys and model cache [default: ./aftercall-data, or AFTERCALL_DATA_DIR].",
)
@click.option("--log-level", default="info", show_default=True)
def serve(host: str | None, port: int | None, data_dir: Path | None, log_level: str) -> None:
    """Run the API, the workers and the stores in one process (embedded mode)."""
    import uvicorn

    from aftercall.api.app import create_app
    from aftercall.bootstrap import build_embedded

    settings = _settings(host=host, port=port, data_dir=data_dir)
    _configure_logging(log_level, settings.log_format)
    runtime = _one_line(lambda: build_embedded(settings))
    _one_line(runtime.start)
    click.echo(f"aftercall {__version__}: data in {settings.data_dir.resolve()}")
    if runtime.created_api_key:
        click.echo(
            f"Created an API key (stored in {settings.data_dir / 'api-key'}):\n\n    {runtime.created_api_key}\n"
        )
    elif not settings.configured_api_keys:
        click.echo(f"API key: in {settings.data_dir / 'api-key'}")
    click.echo(f"API on {settings.resolved_public_url}/v1 (docs: {settings.resolved_public_url}/docs)")
    try:
        uvicorn.run(
            create_app(runtime, manage_runtime=False),
            host=settings.host,
            port=settings.port,
            log_level=log_level.lower(),
            log_config=None,  # uvicorn's records go through our redacting handler (aftercall/logs.py)
        )
    finally:
        runtime.stop()


def _one_line(make: Callable[[], Made]) -> Made:
    """``make()``, with a problem of configuration (a data dir in use, a malformed storage URL, a missing setting,
    ...) shown as one line, not a traceback."""
    from aftercall.errors import AftercallError

    try:
        return make()
    except AftercallError as exc:
        raise click.ClickException(str(exc)) from exc


def _role_settings(log_level: str) -> Settings:
    settings = _settings()
    _configure_logging(log_level, settings.log_format)
    return settings


@main.command()
@click.option("--host", default=None, help="Address to listen on [default: AFTERCALL_HOST].")
@click.option("--port", type=int, default=None, help="Port to listen on [default: AFTERCALL_PORT].")
@click.option("--log-level", default="info", show_default=True)
def api(host: str | None, port: int | None, log_level: str) -> None:
    """Distributed mode: the HTTP API only; jobs go to the Celery broker (AFTERCALL_BROKER_URL)."""
    import uvicorn

    from aftercall.api.app import create_app
    from aftercall.bootstrap import build_api

    settings = _role_settings(log_level)
    runtime = _one_line(lambda: build_api(settings))
    _one_line(runtime.start)
    uvicorn.run(
        create_app(runtime, manage_runtime=False),
        host=host or settings.host,
        port=port or settings.port,
        log_level=log_level.lower(),
        log_config=None,
    )


@main.command()
@click.option(
    "--concurrency",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Jobs this worker runs at once, each in its own process with its share of the cores (0: one per usable "
    "core, up to 8).",
)
@click.option("--queues", default="speech,llm", show_default=True, help="Queues to take jobs from (speech, llm).")
@click.option(
    "--name",
    default="",
    callback=lambda _ctx, _param, value: _no_at(value),
    help="This worker's node name before '@host' (default: aftercall-<pid>-<random>, so workers on one host never "
    "share one).",
)
@click.option("--log-level", default="info", show_default=True)
def worker(concurrency: int, queues: str, name: str, log_level: str) -> None:
    """Distributed mode: a Celery worker that runs jobs (SIGTERM lets running jobs finish within
    AFTERCALL_SHUTDOWN_GRACE_SECONDS, then puts them back in the queue)."""
    settings = _role_settings(log_level)
    if settings.metrics_port:
        _serve_pool_metrics(settings.metrics_port)  # before anything imports prometheus_client
    from aftercall.bootstrap import build_worker
    from aftercall.cores import jobs_at_once
    from aftercall.taskqueue.celery import hand_back_after_grace, register_worker_task

    concurrency = jobs_at_once(concurrency)
    built = _one_line(lambda: build_worker(settings, concurrency=concurrency))  # its jobs start with Celery's loop
    app = built.queue.app
    register_worker_task(app, built.runner.run, built.queue)
    hand_back_after_grace(settings.shutdown_grace_seconds, built.runner.release_running)
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            f"--queues={queues}",
            f"--hostname={name or _node_name()}@%h",  # Celery's own default is one name per host
            f"--loglevel={log_level.upper()}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


def _node_name() -> str:
    """A Celery node name of this worker's own: its pid, and a random part (in containers, every pid is 1)."""
    import secrets

    return f"aftercall-{os.getpid()}-{secrets.token_hex(3)}"


def _no_at(name: str) -> str:
    if "@" in name:
        raise click.BadParameter("the name goes before '@host': leave '@' out of it")
    return name


def _serve_pool_metrics(port: int) -> None:
    """Serve the metrics of this worker and of each process of its pool on ``port``. The pool's processes write
    theirs to a folder, which prometheus_client must know of before it is first imported."""
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="aftercall-metrics-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    from aftercall.metrics import serve_pool_metrics

    serve_pool_metrics(port)


@main.command()
@click.option("--log-level", default="info", show_default=True)
def dispatcher(log_level: str) -> None:
    """Distributed mode: deliver webhooks and re-enqueue stranded jobs (run one)."""
    import signal
    import threading

    from aftercall.bootstrap import build_dispatcher

    settings = _role_settings(log_level)
    parts = _one_line(lambda: build_dispatcher(settings))
    _one_line(parts.start)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    click.echo("aftercall dispatcher: delivering webhooks and sweeping stranded jobs")
    done.wait()
    parts.stop()


@main.command()
@click.argument("source")
@click.option(
    "--preset",
    type=click.Choice(["transcript", "summarize", "soap-notes"]),
    default="transcript",
    show_default=True,
)
@click.option("--language", default="en", show_default=True, help="A language tag of docs/api.md §2, or auto.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the output files.",
)
def run(source: str, preset: str, language: str, out_dir: Path) -> None:
    """Process one recording or transcript (a file or an http(s) URL) without a server, showing each stage's
    progress, and write its files into --out: the transcript (txt, srt, vtt, json) of a recording, and the summary
    or the SOAP note and concepts of the notes presets (a .txt/.srt/.vtt/.json source is read as a transcript).
    Settings come from AFTERCALL_* variables."""
    import sys

    from rich.console import Console

    from aftercall.domain.jobs import crash_sentence
    from aftercall.errors import AftercallError
    from aftercall.oneshot import StageBars, is_url, job_spec, run_once

    if not is_url(source) and not Path(source).is_file():
        raise click.BadParameter(f"{source!r} is neither a file nor an http(s) URL", param_hint="SOURCE")
    settings = _settings()
    console = Console(stderr=True)
    bars = StageBars(console)
    try:
        spec = job_spec(source, preset=preset, language=language, settings=settings)
        with bars:
            written = run_once(source, spec, out_dir, settings, bars)
    except KeyboardInterrupt:
        console.print("Stopped; nothing was written.")
        sys.exit(130)
    except AftercallError as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:
        raise click.ClickException(f"{crash_sentence(bars.stage)} ({type(exc).__name__}: {exc})") from exc
    for path in written:
        click.echo(path)
