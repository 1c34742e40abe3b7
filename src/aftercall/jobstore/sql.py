"""The job store on SQLAlchemy Core: SQLite (WAL, embedded mode) or PostgreSQL."""

from __future__ import annotations

import functools
import os
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from aftercall.domain.events import progress_event, started_event, terminal_event
from aftercall.domain.jobs import CANCELLED_ERROR, Job, JobSpec, Progress, SourceType, Stage, Status
from aftercall.domain.recordings import Recording
from aftercall.errors import Conflict, InvalidRequest, StoreUnavailable
from aftercall.jobstore import EVERY_JOB, IDEMPOTENCY_WINDOW_SECONDS, OLDEST, Claim, JobFilter, JobTally, Page
from aftercall.jobstore.tables import idempotency_keys, jobs, recordings
from aftercall.jobstore.webhooks import emit, emit_if_subscribed

Clock = Callable[[], float]


def _own_pool_per_process(engine: sa.Engine) -> sa.Engine:
    """``engine``, whose pool a forked child (a worker's pool process) leaves to its parent: two processes on one
    connection interleave their statements ("can't change 'autocommit' now"), so the child opens its own."""
    ref = weakref.ref(engine)

    def forget_parents_connections() -> None:
        if (alive := ref()) is not None:
            alive.dispose(close=False)  # neither closes nor uses the parent's connections

    os.register_at_fork(after_in_child=forget_parents_connections)
    return engine


_ACTIVE = (Status.SUBMITTED.value, Status.PROCESSING.value)


def create_sql_engine(url: str) -> sa.Engine:
    """An engine; for SQLite: WAL, full fsync on commit, and write-locking transactions that wait, not fail."""
    if not url.startswith("sqlite"):
        return _own_pool_per_process(sa.create_engine(url, pool_pre_ping=True))
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _translating_outages(cls: type) -> type:
    """Make every public method raise ``StoreUnavailable`` when the database connection fails."""

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
                raise StoreUnavailable("The job store's database is unavailable; try again shortly") from exc

        return call

    for name, member in list(vars(cls).items()):
        if callable(member) and not name.startswith("_"):
            setattr(cls, name, wrap(member))
    return cls


@_translating_outages
class SqlJobStore:
    """Jobs and recordings in SQL. The schema comes from the migrations (``aftercall.jobstore.schema``)."""

    def __init__(
        self, engine: sa.Engine, *, domain: str, clock: Clock = time.time, on_event: Callable[[], None] = lambda: None
    ) -> None:
        self.engine = engine
        self.domain = domain  # the deployment's: the output keys of a job an older version stored without them
        self.clock = clock
        self.on_event = on_event  # told after a commit that wrote an event (embedded mode wakes its dispatcher)

    def check(self) -> None:
        """Raise ``StoreUnavailable`` if the database does not answer."""
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    # -- jobs -----------------------------------------------------------------------------------------
    def create_job(self, job_id: str, spec: JobSpec, *, idempotency: tuple[str, str] | None = None) -> tuple[str, bool]:
        try:
            return self._create_job(job_id, spec, idempotency)
        except sa.exc.IntegrityError:
            # A concurrent request won the insert (the same idempotency key, or the same replacement stem); this
            # time we read its job, or refuse the stem it now holds.
            return self._create_job(job_id, spec, idempotency)

    def _create_job(self, job_id: str, spec: JobSpec, idempotency: tuple[str, str] | None) -> tuple[str, bool]:
        now = self.clock()
        with self.engine.begin() as conn:
            if idempotency is not None:
                earlier = self._idempotent_job(conn, *idempotency, now=now)
                if earlier is not None:
                    return earlier, False
                conn.execute(
                    idempotency_keys.insert().values(
                        key=idempotency[0], body_hash=idempotency[1], job_id=job_id, created_at=now
                    )
                )
            recording_id = spec.source if spec.source_type is SourceType.RECORDING_ID else None
            stem = spec.target.stem if spec.target.use_replacement else None
            if stem is not None:
                self._refuse_a_held_stem(conn, stem)
            conn.execute(
                jobs.insert().values(
                    id=job_id,
                    preset=spec.preset.value,
                    status=Status.SUBMITTED.value,
                    spec=spec.to_json(),
                    recording_id=recording_id,
                    stage=Stage.QUEUED.value,
                    percent=0,
                    attempts=0,
                    created_at=now,
                    updated_at=now,
                    replacement_stem=stem,
                )
            )
        return job_id, True

    @staticmethod
    def _refuse_a_held_stem(conn: Connection, stem: str) -> None:
        """A job writing with ``useReplacement`` may not take over the keys another job holds: the other job's
        links would serve this job's files, and deleting either would delete the other's (docs/api.md)."""
        holder = conn.execute(sa.select(jobs.c.id).where(jobs.c.replacement_stem == stem)).scalar()
        if holder is not None:
            raise InvalidRequest(
                "outParams.s3Config.s3KeyTemplate",
                f"the key stem {stem!r} already holds the outputs of job {holder}; delete that job first, or put "
                "{job_id} in the template",
            )

    def _idempotent_job(self, conn: Connection, key: str, body_hash: str, *, now: float) -> str | None:
        row = conn.execute(sa.select(idempotency_keys).where(idempotency_keys.c.key == key)).first()
        if row is None:
            return None
        if row.created_at < now - IDEMPOTENCY_WINDOW_SECONDS:
            conn.execute(idempotency_keys.delete().where(idempotency_keys.c.key == key))
            return None
        if row.body_hash != body_hash:
            raise Conflict("This Idempotency-Key was already used with a different request body")
        return str(row.job_id)

    def get_job(self, job_id: str) -> Job | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
        return self._job(row) if row else None

    def list_jobs(
        self, page: Page, *, recording_id: str | None = None, where: JobFilter = EVERY_JOB
    ) -> tuple[int, list[Job]]:
        filters = [jobs.c.recording_id == recording_id] if recording_id else []
        filters += _matching(where)
        total, rows = self._paginate(jobs, filters, page)
        return total, [self._job(r) for r in rows]

    def delete_job(self, job_id: str) -> Job | None:
        """Delete a job; one still active is cancelled first, so it ends with a ``Job was cancelled`` event."""
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
            if row is None:
                return None
            job = self._job(row)
            if not job.status.terminal:
                cancelled = replace(job, status=Status.ERROR, error=CANCELLED_ERROR)
                emit(conn, terminal_event(cancelled), self.clock())
            conn.execute(jobs.delete().where(jobs.c.id == job_id))
            conn.execute(idempotency_keys.delete().where(idempotency_keys.c.job_id == job_id))
        if not job.status.terminal:
            self.on_event()
        return job

    def tally(self) -> JobTally:
        """Counts over every job, read in one transaction (every process that asks sees the same)."""
        finished = jobs.c.status == Status.FINISHED.value
        with self.engine.connect() as conn:
            counts = conn.execute(
                sa.select(jobs.c.preset, jobs.c.status, sa.func.count()).group_by(jobs.c.preset, jobs.c.status)
            ).all()
            waiting = (jobs.c.status == Status.SUBMITTED.value) & (jobs.c.stage == Stage.QUEUED.value)
            oldest = conn.execute(  # (a job between its stages was created before its whole transcription)
                sa.select(sa.func.min(jobs.c.created_at)).where(waiting)
            ).scalar_one()
            media = conn.execute(
                sa.select(jobs.c.preset, sa.func.sum(jobs.c.duration)).where(finished).group_by(jobs.c.preset)
            ).all()
        return JobTally(
            jobs={(str(r[0]), str(r[1])): int(r[2]) for r in counts},
            oldest_waiting_at=oldest,
            media_seconds={str(r[0]): float(r[1] or 0.0) for r in media},
        )

    def unfinished_job_ids(self) -> list[str]:
        query = sa.select(jobs.c.id).where(jobs.c.status.in_(_ACTIVE)).order_by(jobs.c.created_at, jobs.c.id)
        with self.engine.connect() as conn:
            return [str(r.id) for r in conn.execute(query)]

    def stranded_job_ids(self, now: float, *, submitted_before: float) -> list[str]:
        waiting = (jobs.c.status == Status.SUBMITTED.value) & (jobs.c.updated_at < submitted_before)
        orphaned = (jobs.c.status == Status.PROCESSING.value) & (jobs.c.lease_expires_at < now)
        with self.engine.begin() as conn:
            ids = [
                str(r.id)
                for r in conn.execute(sa.select(jobs.c.id).where(waiting | orphaned).order_by(jobs.c.created_at))
            ]
            if ids:  # so a job waiting in a long queue is re-sent once per period, not every sweep
                conn.execute(jobs.update().where(jobs.c.id.in_(ids) & waiting).values(updated_at=now))
        return ids

    def expire_leases(self) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                jobs.update().where(jobs.c.status == Status.PROCESSING.value).values(lease_expires_at=0.0)
            )
        return result.rowcount

    # -- claims and fenced writes ----------------------------------------------------------------------
    def claim(
        self,
        job_id: str,
        owner: str,
        *,
        lease_seconds: float,
        max_attempts: int,
        gone: Callable[[str], bool] = lambda holder: False,
    ) -> Claim | None:
        now = self.clock()
        taken_from = None
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
            if row is None or row.status not in _ACTIVE:
                return None
            if row.status == Status.PROCESSING.value and (row.lease_expires_at or 0.0) > now:
                if not (row.lease_owner and gone(row.lease_owner)):
                    return None  # another worker holds a live lease
                taken_from = row.lease_owner  # its process is gone: no need to wait for its lease to run out
            same_attempt = (jobs.c.id == job_id) & (jobs.c.attempts == row.attempts)
            if row.attempts >= max_attempts:
                error = f"Failed to process: the worker stopped during each of {row.attempts} attempts"
                emitted = self._end(conn, job_id, same_attempt, now, status=Status.ERROR.value, error=error)
                claim = None
            else:
                claim = self._take(conn, job_id, same_attempt, row.attempts + 1, owner, now + lease_seconds, now)
                emitted = claim is not None and emit_if_subscribed(conn, started_event(claim.job), now)
        if emitted:
            self.on_event()
        return replace(claim, taken_from=taken_from) if claim is not None and taken_from else claim

    def _take(
        self, conn: Connection, job_id: str, where: Any, attempt: int, owner: str, expires: float, now: float
    ) -> Claim | None:
        values = dict(status=Status.PROCESSING.value, attempts=attempt, lease_owner=owner, lease_expires_at=expires)
        if conn.execute(jobs.update().where(where).values(updated_at=now, **values)).rowcount != 1:
            return None
        return Claim(job=self._job(conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).one()), attempt=attempt)

    def _end(self, conn: Connection, job_id: str, where: Any, now: float, **values: Any) -> bool:
        """Move a job to a terminal status and write its event, in the caller's transaction."""
        done = dict(lease_owner=None, lease_expires_at=None, updated_at=now, **values)
        if conn.execute(jobs.update().where(where).values(**done)).rowcount != 1:
            return False
        job = self._job(conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).one())
        emit(conn, terminal_event(job), now)
        return True

    def _fence(self, job_id: str, attempt: int) -> Any:
        return (jobs.c.id == job_id) & (jobs.c.attempts == attempt) & (jobs.c.status == Status.PROCESSING.value)

    def _fenced_update(self, job_id: str, attempt: int, **values: Any) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                jobs.update().where(self._fence(job_id, attempt)).values(updated_at=self.clock(), **values)
            )
        return result.rowcount == 1

    def _fenced_progress(self, job_id: str, attempt: int, **values: Any) -> bool:
        """A progress write, and the job's progress event when it passes a new mark and someone subscribes."""
        now = self.clock()
        with self.engine.begin() as conn:
            if (
                conn.execute(
                    jobs.update().where(self._fence(job_id, attempt)).values(updated_at=now, **values)
                ).rowcount
                != 1
            ):
                return False
            event = progress_event(self._job(conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).one()))
            emitted = event is not None and emit_if_subscribed(conn, event, now)
        if emitted:
            self.on_event()
        return True

    def _fenced_end(self, job_id: str, attempt: int, **values: Any) -> bool:
        with self.engine.begin() as conn:
            ended = self._end(conn, job_id, self._fence(job_id, attempt), self.clock(), **values)
        if ended:
            self.on_event()
        return ended

    def name_speakers(self, job_id: str, names: Mapping[int, str]) -> Job | None:
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id).with_for_update()).first()
            if row is None:
                return None
            merged = {**(row.speaker_names or {}), **{str(n): name for n, name in names.items()}}
            conn.execute(jobs.update().where(jobs.c.id == job_id).values(speaker_names=merged))
            return self._job(conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).one())

    def release(self, job_id: str, attempt: int) -> bool:
        """Put a job this attempt holds back in the queue as if it had not been claimed: a graceful shutdown that
        could not wait for it spends none of its attempts."""
        return self._unclaim(job_id, attempt, stage=Stage.QUEUED.value, percent=0)

    def hand_over(self, job_id: str, attempt: int, output: dict[str, Any]) -> bool:
        return self._unclaim(job_id, attempt, output=output)

    def _unclaim(self, job_id: str, attempt: int, **values: Any) -> bool:
        """Back in the queue, this attempt's claim fenced off and the attempt not counted."""
        return self._fenced_update(
            job_id,
            attempt,
            status=Status.SUBMITTED.value,
            attempts=attempt - 1,
            lease_owner=None,
            lease_expires_at=None,
            **values,
        )

    def heartbeat(self, job_id: str, attempt: int, *, lease_seconds: float) -> bool:
        return self._fenced_update(job_id, attempt, lease_expires_at=self.clock() + lease_seconds)

    def set_progress(
        self, job_id: str, attempt: int, stage: Stage, percent: int, *, duration: float | None = None
    ) -> bool:
        """The attempt's progress, where it is ahead of what the job showed: a retry is shown at the furthest point
        an attempt reached until it passes it, so the progress clients see never goes back."""
        ahead = jobs.c.percent <= percent
        values: dict[str, Any] = {
            "stage": sa.case((ahead, stage.value), else_=jobs.c.stage),
            "percent": sa.case((ahead, percent), else_=jobs.c.percent),
        }
        if duration is not None:
            values["duration"] = duration
        return self._fenced_progress(job_id, attempt, **values)

    def finish(self, job_id: str, attempt: int, output: dict[str, Any]) -> bool:
        return self._fenced_end(
            job_id, attempt, status=Status.FINISHED.value, output=output, stage=Stage.DONE.value, percent=100
        )

    def fail(self, job_id: str, attempt: int, error: str, output: dict[str, Any] | None = None) -> bool:
        return self._fenced_end(job_id, attempt, status=Status.ERROR.value, error=error, output=output)

    # -- recordings -----------------------------------------------------------------------------------
    def add_recording(self, recording: Recording) -> None:
        with self.engine.begin() as conn:
            conn.execute(recordings.insert().values(**vars(recording)))

    def get_recording(self, recording_id: str) -> Recording | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(recordings).where(recordings.c.id == recording_id)).first()
        return Recording(**row._mapping) if row else None

    def list_recordings(self, page: Page, *, room_name: str | None = None) -> tuple[int, list[Recording]]:
        filters = [recordings.c.room_name == room_name] if room_name else []
        total, rows = self._paginate(recordings, filters, page)
        return total, [Recording(**r._mapping) for r in rows]

    def delete_recording(self, recording_id: str) -> Recording | None:
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(recordings).where(recordings.c.id == recording_id)).first()
            if row is None:
                return None
            conn.execute(recordings.delete().where(recordings.c.id == recording_id))
        return Recording(**row._mapping)

    # -- pagination (docs/api.md §1: newest first, cursors by id) --------------------------------------------
    def _paginate(self, table: sa.Table, filters: list[Any], page: Page) -> tuple[int, Sequence[Row[Any]]]:
        position = sa.tuple_(table.c.created_at, table.c.id)
        newest_first = (table.c.created_at.desc(), table.c.id.desc())
        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(table).where(*filters)).scalar_one()
            query = sa.select(table).where(*filters).limit(page.limit)
            if page.starting_after:
                cursor = self._cursor(conn, table, page.starting_after, "starting_after")
                rows = conn.execute(query.where(position < cursor).order_by(*newest_first)).all()
            elif page.ending_before:
                if page.ending_before != OLDEST:
                    query = query.where(position > self._cursor(conn, table, page.ending_before, "ending_before"))
                oldest_first = (table.c.created_at.asc(), table.c.id.asc())
                rows = list(reversed(conn.execute(query.order_by(*oldest_first)).all()))
            else:
                rows = conn.execute(query.order_by(*newest_first)).all()
        return total, rows

    @staticmethod
    def _cursor(conn: Connection, table: sa.Table, item_id: str, field: str) -> Any:
        row = conn.execute(sa.select(table.c.created_at, table.c.id).where(table.c.id == item_id)).first()
        if row is None:
            raise InvalidRequest(field, f"there is no item with id {item_id!r}")
        return sa.tuple_(sa.literal(row.created_at), sa.literal(row.id))

    def _job(self, row: Row[Any]) -> Job:
        return Job(
            id=row.id,
            spec=JobSpec.from_json(row.spec, legacy_domain=self.domain, job_id=row.id),
            status=Status(row.status),
            progress=Progress(Stage(row.stage), row.percent),
            created_at=row.created_at,
            updated_at=row.updated_at,
            output=row.output,
            error=row.error,
            speaker_names={int(n): str(name) for n, name in (row.speaker_names or {}).items()},
            duration=row.duration,
            attempts=row.attempts,
        )


def _matching(where: JobFilter) -> list[Any]:
    """The conditions of a list's ``JobFilter``. A job between its two stages in distributed mode (submitted again,
    its progress past ``queued``: ``Job.between_stages``) is ``processing`` to clients, and is listed as such."""
    conditions: list[Any] = []
    between_stages = (jobs.c.status == Status.SUBMITTED.value) & (jobs.c.stage != Stage.QUEUED.value)
    if where.status == Status.PROCESSING.value:
        conditions.append((jobs.c.status == Status.PROCESSING.value) | between_stages)
    elif where.status == Status.SUBMITTED.value:
        conditions.append((jobs.c.status == Status.SUBMITTED.value) & ~between_stages)
    elif where.status:
        conditions.append(jobs.c.status == where.status)
    if where.preset:
        conditions.append(jobs.c.preset == where.preset)
    if where.search:
        pattern = "%" + where.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        searched = (jobs.c.id, jobs.c.spec["source"].as_string(), jobs.c.spec["sourceName"].as_string())
        conditions.append(sa.or_(*(column.ilike(pattern, escape="\\") for column in searched)))
    if where.created_after is not None:
        conditions.append(jobs.c.created_at >= where.created_after)
    if where.created_before is not None:
        conditions.append(jobs.c.created_at < where.created_before)
    return conditions
