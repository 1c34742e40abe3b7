"""The stages of one job, written once: from a fetched source to the job's output files. The worker runs it under a
lease and uploads what it returns; ``aftercall run`` runs it and writes the files to a folder.

    media:      decode → transcribe (→ diarize) → redact → render → [notes]
    transcript: read the transcript → notes

In distributed mode a notes job on media runs in two stages, one per queue: up to its rendered transcripts
(``notes=False``), then, on another worker, its notes from the transcript JSON it stored (``transcribed=True``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aftercall.domain.jobs import JobSpec, Preset, SourceType, Stage
from aftercall.notes.segments import from_transcript, parse_transcript
from aftercall.pipeline.notes import Notes
from aftercall.pipeline.render import render_all
from aftercall.pipeline.speech import Progress, Speech, decode_media

# Each stage's share of the job's overall percent: (first, last), for a transcript job, a notes job on media, and a
# notes job on a transcript (where the language model is nearly all the work).
_TRANSCRIPT_SPANS = {
    Stage.DOWNLOADING: (0, 10),
    Stage.DECODING: (10, 15),
    Stage.TRANSCRIBING: (15, 80),
    Stage.DIARIZING: (80, 90),
    Stage.RENDERING: (90, 95),
    Stage.UPLOADING: (95, 100),
}
_MEDIA_NOTES_SPANS = {
    Stage.DOWNLOADING: (0, 5),
    Stage.DECODING: (5, 8),
    Stage.TRANSCRIBING: (8, 40),
    Stage.DIARIZING: (40, 45),
    Stage.RENDERING: (45, 50),
    Stage.SUMMARIZING: (50, 97),
    Stage.UPLOADING: (97, 100),
}
_TRANSCRIPT_NOTES_SPANS = {Stage.DOWNLOADING: (0, 5), Stage.SUMMARIZING: (5, 97), Stage.UPLOADING: (97, 100)}


def percent_spans(spec: JobSpec) -> Mapping[Stage, tuple[int, int]]:
    """The share of a job's overall percent that each of its stages covers."""
    if spec.preset is Preset.TRANSCRIPT:
        return _TRANSCRIPT_SPANS
    if spec.source_type is SourceType.TRANSCRIPT_URI:
        return _TRANSCRIPT_NOTES_SPANS
    return _MEDIA_NOTES_SPANS


@dataclass(frozen=True)
class Engines:
    """What a job's stages run on."""

    speech: Speech
    notes: Notes


@dataclass(frozen=True)
class Outputs:
    """A job's files: its transcripts by extension (none for a transcript source) and its notes by output section."""

    transcripts: dict[str, bytes] = field(default_factory=dict)
    notes: dict[str, bytes] = field(default_factory=dict)


def run(
    source: Path,
    spec: JobSpec,
    engines: Engines,
    progress: Progress,
    *,
    request_id: str,
    created: float,
    max_media_seconds: float,
    on_transcripts: Callable[[dict[str, bytes]], None] = lambda files: None,
    transcribed: bool = False,
    notes: bool = True,
) -> Outputs:
    """Run ``spec`` over the fetched ``source`` (``transcribed``: the job's own transcript JSON, stored by its speech
    stage). ``on_transcripts`` gets the transcript files as soon as they are rendered, before any notes are written
    (the worker stores them then, so a failed notes step keeps them). ``notes=False`` stops there."""
    transcripts: dict[str, bytes] = {}
    if spec.source_type is SourceType.TRANSCRIPT_URI or transcribed:
        segments = parse_transcript(source.read_bytes())
    else:
        audio = decode_media(source, spec.transcript, progress, max_seconds=max_media_seconds)
        transcript = engines.speech.transcript(audio, spec.transcript, progress)
        progress.enter(Stage.RENDERING)
        transcripts = render_all(transcript, request_id=request_id, created=created, sha256=_sha256(source))
        on_transcripts(transcripts)
        segments = from_transcript(transcript)
    if spec.preset is Preset.TRANSCRIPT or not notes:
        return Outputs(transcripts)
    return Outputs(transcripts, engines.notes.files(segments, spec.preset, progress))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as media:
        while block := media.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
