"""``aftercall run``: one file or URL through the same pipeline as a job, with no server, database or queue."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn, TimeElapsedColumn

from aftercall.bootstrap import engines, fetch_client, speech_to_text
from aftercall.domain.jobs import JobSpec, Preset, SourceType, Stage, TranscriptOptions, language_problem
from aftercall.domain.outputs import NOTE_FILES, TRANSCRIPT_FILES, OutputTarget
from aftercall.errors import InvalidRequest
from aftercall.net import url_problem
from aftercall.pipeline import run as pipeline
from aftercall.pipeline.fetch import download
from aftercall.services import check_preset
from aftercall.settings import Settings

_TRANSCRIPT_SUFFIXES = (".txt", ".srt", ".vtt", ".json")  # a source named so is read as a transcript, not media


class StageBars:
    """One progress bar per stage, each filled as its stage goes; the current stage is ``stage``."""

    def __init__(self, console: Console) -> None:
        self.stage = Stage.QUEUED
        self._bars = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self._task: TaskID | None = None

    def enter(self, stage: Stage, *, duration: float | None = None) -> None:
        self._finish_current()
        self.stage = stage
        self._task = self._bars.add_task(stage.value, total=1.0)

    def fraction(self, done: float) -> None:
        if self._task is not None:
            self._bars.update(self._task, completed=min(max(done, 0.0), 1.0))

    def _finish_current(self) -> None:
        if self._task is not None:
            self._bars.update(self._task, completed=1.0)

    def __enter__(self) -> StageBars:
        self._bars.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: BaseException | TracebackType | None) -> None:
        if kind is None:
            self._finish_current()
        self._bars.stop()


def job_spec(source: str, *, preset: str, language: str, settings: Settings) -> JobSpec:
    """The job a client would have submitted for ``source``, refused as the API refuses it (same sentences). Its
    files are named as a ``useReplacement`` job's keys, after the source: ``call.srt``, ``call-soap.json``."""
    problem = language_problem(language, speech_to_text(settings).knows_language)
    if problem:
        raise InvalidRequest("inParams.language", problem)
    spec = JobSpec(
        preset=Preset(preset),
        source_type=SourceType.TRANSCRIPT_URI if is_transcript(source) else SourceType.URI,
        source=source,
        target=OutputTarget.resolve(_stem(source), use_replacement=True, domain=settings.domain, job_id="run"),
        transcript=TranscriptOptions(language=language),
    )
    check_preset(spec)
    return spec


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def is_transcript(source: str) -> bool:
    return source.split("?", 1)[0].lower().endswith(_TRANSCRIPT_SUFFIXES)


def run_once(source: str, spec: JobSpec, out_dir: Path, settings: Settings, progress: StageBars) -> list[Path]:
    """Process ``source`` (a local path or an http(s) URL) and write its files into ``out_dir``; returns them.
    Nothing is written unless every step succeeded."""
    job_engines = engines(settings, speech_to_text(settings))
    with tempfile.TemporaryDirectory(prefix="aftercall-run-") as tmp:
        local = Path(source)
        if is_url(source):
            local = Path(tmp) / "source"
            _fetch(source, local, settings, progress, transcript=spec.source_type is SourceType.TRANSCRIPT_URI)
        outputs = pipeline.run(
            local,
            spec,
            job_engines,
            progress,
            request_id="aftercall-run",
            created=time.time(),
            max_media_seconds=settings.max_media_seconds,
        )
    target = spec.target
    named = {
        target.key(file): outputs.transcripts[file.extension]
        for file in TRANSCRIPT_FILES
        if file.extension in outputs.transcripts
    }
    named |= {target.key(NOTE_FILES[section]): content for section, content in outputs.notes.items()}
    return _write(named, out_dir)


def _fetch(url: str, destination: Path, settings: Settings, progress: StageBars, *, transcript: bool) -> None:
    progress.enter(Stage.DOWNLOADING)
    problem = url_problem(url, allow_private=settings.allow_private_urls)
    if problem:
        raise InvalidRequest("inParams.uri", problem)
    with fetch_client(settings) as client:
        download(
            client,
            url,
            destination,
            max_bytes=settings.max_download_bytes,
            time_limit=settings.download_timeout_seconds,
            on_bytes=lambda done, total: progress.fraction(done / total) if total else None,
            transcript=transcript,
        )


def _stem(source: str) -> str:
    name = source.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    return Path(name).stem or "transcript"


def _write(named: dict[str, bytes], out_dir: Path) -> list[Path]:
    """All files or none: each is written beside its final name, then all are renamed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged = []
    for name, content in named.items():
        final = out_dir / name
        part = final.with_name(final.name + ".part")
        part.write_bytes(content)
        staged.append((part, final))
    for part, final in staged:
        part.replace(final)
    return [final for _, final in staged]
