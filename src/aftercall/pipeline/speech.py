"""From fetched media to a transcript with speakers: decoding, transcription, diarization and redaction (the stages
``pipeline.run`` strings together)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from aftercall.asr import SpeechToText
from aftercall.diarization import Diarizer
from aftercall.domain.jobs import Stage, TranscriptOptions
from aftercall.domain.transcript import Transcript
from aftercall.media import Audio, decode
from aftercall.pipeline import redact as redaction
from aftercall.pipeline.channels import per_channel_if_separate
from aftercall.pipeline.diarize import diarize
from aftercall.pipeline.transcribe import transcribe, transcribe_channels


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
        """Words with speakers: one speaker per channel when the audio kept its channels, else transcription then
        diarization."""
        progress.enter(Stage.TRANSCRIBING, duration=audio.duration)
        on_seconds = lambda seconds: progress.fraction(seconds / audio.duration)  # noqa: E731
        if audio.tracks is not None:
            return transcribe_channels(self.engine, audio.tracks, options, on_seconds)
        transcript = transcribe(self.engine, audio, options, on_seconds)
        if options.diarize and self.diarizer is not None and not transcript.diarized:
            progress.enter(Stage.DIARIZING)
            transcript = diarize(self.diarizer, audio.samples, transcript, options.speakers)
        return transcript
