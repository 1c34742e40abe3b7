"""The migrations build exactly the schema ``tables.py`` describes, on every SQL backend."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from aftercall.jobstore import schema
from aftercall.jobstore.sql import create_sql_engine
from aftercall.jobstore.tables import metadata
from tests.services import postgres_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite":
        engine = create_sql_engine(f"sqlite:///{tmp_path / 'm.db'}")
        yield engine
        engine.dispose()
    else:
        with postgres_schema() as url:
            engine = create_sql_engine(url)
            yield engine
            engine.dispose()


def test_migrations_match_the_table_definitions(engine):
    schema.upgrade(engine, domain="local")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_upgrade_is_idempotent_and_reaches_head(engine):
    schema.upgrade(engine, domain="local")
    schema.upgrade(engine, domain="local")
    assert schema.current(engine) == schema.head()
    schema.require_current(engine)


def test_an_unmigrated_database_is_refused_with_the_command_to_run(engine):
    with pytest.raises(schema.SchemaOutOfDate, match="run `aftercall migrate`"):
        schema.require_current(engine)
    with engine.connect() as conn:
        assert "jobs" not in sa.inspect(conn).get_table_names()


def test_jobs_stored_before_the_replacement_stem_keep_it_on_the_newest_only(engine):
    from alembic import command

    from aftercall.domain.jobs import JobSpec, Preset, SourceType, TranscriptOptions
    from aftercall.domain.outputs import OutputTarget

    with engine.begin() as conn:
        command.upgrade(schema._config(conn), "0001")

    def stored(job_id: str, created: float, replacing: bool) -> dict:
        target = OutputTarget.resolve("calls/latest", use_replacement=replacing, domain="local", job_id=job_id)
        spec = JobSpec(Preset.TRANSCRIPT, SourceType.URI, "https://e.com/a.wav", target, TranscriptOptions())
        return {"id": job_id, "preset": "transcript", "status": "finished", "spec": spec.to_json(), "stage": "done",
                "percent": 100, "attempts": 1, "created_at": created, "updated_at": created}  # fmt: skip

    with engine.begin() as conn:
        conn.execute(sa.insert(metadata.tables["jobs"]), [stored("old", 1.0, True), stored("new", 2.0, True),
                                                          stored("plain", 3.0, False)])  # fmt: skip
    schema.upgrade(engine, domain="local")
    with engine.connect() as conn:
        held = dict(conn.execute(sa.text("SELECT id, replacement_stem FROM jobs")).all())
    assert held == {"old": None, "new": "calls/latest", "plain": None}


def test_jobs_stored_before_their_keys_were_get_the_keys_their_outputs_were_written_at(engine):
    from alembic import command

    from aftercall.domain.jobs import JobSpec
    from aftercall.domain.outputs import OutputTarget

    with engine.begin() as conn:
        command.upgrade(schema._config(conn), "0002")

    def stored(job_id: str, stem: str, replacing: bool) -> dict:
        spec = {
            "preset": "soap-notes",
            "sourceType": "uri",
            "source": "https://e.com/a.wav",
            "stem": stem,
            "useReplacement": replacing,
            "transcript": {
                "language": "en",
                "model": None,
                "punctuate": True,
                "profanity_filter": False,
                "redact": [],
                "diarize": True,
                "endpointing": None,
                "extra": {},
            },
        }
        return {"id": job_id, "preset": "soap-notes", "status": "finished", "spec": spec, "stage": "done",
                "percent": 100, "attempts": 1, "created_at": 1.0, "updated_at": 1.0}  # fmt: skip

    with engine.begin() as conn:
        conn.execute(sa.insert(metadata.tables["jobs"]), [stored("a", "calls/a", False), stored("b", "x/b", True)])
    schema.upgrade(engine, domain="clinic.example")
    with engine.connect() as conn:
        jobs = metadata.tables["jobs"]
        rows = conn.execute(sa.select(jobs.c.id, jobs.c.spec)).all()
    assert all("keys" in row.spec for row in rows)  # written by the migration, not filled in when read
    specs = {row.id: JobSpec.from_json(row.spec, legacy_domain="unused", job_id="unused") for row in rows}
    assert specs["a"].target.keys["transcript.vtt"] == "clinic.example/a/transcript/calls/a.vtt"
    assert specs["a"].target.keys["soap.json"] == "clinic.example/a/soap/calls/a.json"
    assert specs["b"].target.keys["transcript.srt"] == "x/b.srt"
    assert specs["b"].target.keys["concept.json"] == "x/b-concept.json"
    for job_id, spec in specs.items():  # the layout new jobs get is the one old jobs were written at
        assert spec.target == OutputTarget.resolve(
            spec.target.stem, use_replacement=spec.target.use_replacement, domain="clinic.example", job_id=job_id
        )
