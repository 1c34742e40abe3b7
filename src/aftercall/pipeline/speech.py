"""From fetched media to a transcript with speakers: decoding, transcription, diarization and redaction (the stages
``pipeline.run`` strings together)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from aftercall.asr import SpeechToText
from aftercall.diarization import Diarizer
from aftercall.domain.jobs import Stage, TranscriptOptions
from aftercall.domain.transcript import Transcript
from aftercall.media import Audio, decode
from aftercall.pipeline import redact as redaction
from aftercall.pipeline.channels import per_channel_if_separate
from aftercall.pipeline.diarize import assign_speakers
from aftercall.pipeline.transcribe import asr_request, transcribe, transcribe_channels


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
        early = diarizer is not None and not self.engine.labels_speakers(asr_request(options))
        with ThreadPoolExecutor(1, thread_name_prefix="diarize") as pool:  # (leaving it waits for the diarizer)
            turns = pool.submit(diarizer.diarize, audio.samples, options.speakers) if early and diarizer else None
            transcript = transcribe(self.engine, audio, options, on_seconds)
            if diarizer is None or transcript.diarized:
                return transcript
            progress.enter(Stage.DIARIZING)  # what is left of it
            found = turns.result() if turns else diarizer.diarize(audio.samples, options.speakers)
        return replace(transcript, words=assign_speakers(transcript.words, found))
