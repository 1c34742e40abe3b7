"""From fetched media to a transcript with speakers: decoding, transcription, diarization and redaction (the stages
``pipeline.run`` strings together)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, TypeVar

from aftercall.asr import SpeechToText
from aftercall.diarization import Diarizer
from aftercall.domain.jobs import Stage, TranscriptOptions
from aftercall.domain.transcript import Transcript
from aftercall.media import Audio, decode
from aftercall.pipeline import redact as redaction
from aftercall.pipeline.channels import per_channel_if_separate
from aftercall.pipeline.diarize import assign_speakers
from aftercall.pipeline.transcribe import asr_request, transcribe, transcribe_channels

T = TypeVar("T")


class Progress(Protocol):
    """Where a job reports the stage it entered and how far into that stage it is."""

    stage: Stage

    def enter(self, stage: Stage, *, duration: float | None = None) -> None: ...

    def fraction(self, done: float) -> None: ...


def decode_media(media: Path, options: TranscriptOptions, progress: Progress, *, max_seconds: float) -> Audio:
    """16 kHz samples of ``media``; its channels too when they may carry one voice each."""
    progress.enter(Stage.DECODING)
    audio = decode(
        media,
        max_seconds=max_seconds,
        on_seconds=lambda done, total: progress.fraction(done / total) if total else None,
        keep_channels=options.multichannel is not False,
    )
    return per_channel_if_separate(audio, asked=options.multichannel)


@dataclass(frozen=True)
class Speech:
    """The engines that turn audio into words with speakers."""

    engine: SpeechToText
    diarizer: Diarizer | None

    def transcript(self, audio: Audio, options: TranscriptOptions, progress: Progress) -> Transcript:
        """The transcript of ``audio`` with the job's options applied (redaction included)."""
        return redaction.apply(self.recognise(audio, options, progress), options)

    def recognise(self, audio: Audio, options: TranscriptOptions, progress: Progress) -> Transcript:
        """Words with speakers: one speaker per channel when the audio kept its channels, else the diarizer's
        speakers, told apart from the audio alone while the words are being recognised (the speech engine leaves a
        core idle most of the time: a job alone finishes sooner)."""
        progress.enter(Stage.TRANSCRIBING, duration=audio.duration)
        on_seconds = lambda seconds: progress.fraction(seconds / audio.duration)  # noqa: E731
        if audio.tracks is not None:
            return transcribe_channels(self.engine, audio.tracks, options, on_seconds)
        diarizer = self.diarizer if options.diarize else None
        if diarizer is None:
            return transcribe(self.engine, audio, options, on_seconds)
        speakers = lambda: diarizer.diarize(audio.samples, options.speakers)  # noqa: E731
        early = None if self.engine.labels_speakers(asr_request(options)) else _beside(speakers)
        transcript = transcribe(self.engine, audio, options, on_seconds)  # (if it fails, nothing waits for early)
        if transcript.diarized:
            return transcript
        progress.enter(Stage.DIARIZING)  # what is left of it
        found = early.result() if early else speakers()
        return replace(transcript, words=assign_speakers(transcript.words, found))


def _beside(work: Callable[[], T]) -> Future[T]:
    """``work`` started in a daemon thread: a job that fails meanwhile does not wait for it, nor does the process's
    exit (it runs to its end, unread)."""
    future: Future[T] = Future()

    def run() -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(work())
            except BaseException as exc:  # handed to whoever reads the result
                future.set_exception(exc)

    threading.Thread(target=run, name="diarize", daemon=True).start()
    return future
