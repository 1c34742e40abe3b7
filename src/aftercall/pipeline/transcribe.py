"""Step 3: speech to a ``Transcript`` of normalised, time-ordered words.

Mono: every word is speaker 0 until diarization. Multichannel: each channel is transcribed alone and is its own
speaker (channel 0 is speaker 0, ...), exactly, with no clustering.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from aftercall.asr import AsrRequest, ProgressCallback, Recognition, SpeechToText
from aftercall.domain.jobs import MULTI_LANGUAGE, TranscriptOptions, language_code
from aftercall.domain.transcript import Transcript, Word, normalise_word
from aftercall.errors import TranscriptionError
from aftercall.media import SAMPLE_RATE, Audio

SILENT_ERROR = "Failed to transcribe. May be invalid audio or silent file"


def asr_request(options: TranscriptOptions) -> AsrRequest:
    return AsrRequest(
        language=language_code(options.language),
        mixed=options.language == MULTI_LANGUAGE,
        model=options.model,
        keywords=options.keywords,
        keyterms=options.keyterms,
        punctuate=options.punctuate,
        diarize=options.diarize,
        profanity_filter=options.profanity_filter,
        redact=options.redact,
    )


def transcribe(
    engine: SpeechToText, audio: Audio, options: TranscriptOptions, on_progress: ProgressCallback
) -> Transcript:
    recognition = engine.transcribe(audio.samples, asr_request(options), on_progress)
    words = to_words(recognition, audio.duration, punctuate=options.punctuate)
    if not words:
        raise TranscriptionError(SILENT_ERROR)
    return Transcript(
        words=words,
        duration=audio.duration,
        channels=1,
        language=recognition.language,
        model=recognition.model,
        language_confidence=recognition.language_probability,
        diarized=any(w.speaker is not None for w in recognition.words),
    )


def transcribe_channels(
    engine: SpeechToText, tracks: np.ndarray, options: TranscriptOptions, on_progress: ProgressCallback
) -> Transcript:
    """``tracks`` (channels, samples): one recognition per channel, merged in time order."""
    count, duration = tracks.shape[0], tracks.shape[1] / SAMPLE_RATE
    words: list[Word] = []
    recognitions: list[Recognition] = []
    for channel, track in enumerate(tracks):
        done = channel * duration

        def report(seconds: float, done: float = done) -> None:
            on_progress((done + seconds) / count)  # in media seconds of the whole job's scale

        recognition = engine.transcribe(track, asr_request(options), report)
        recognitions.append(recognition)
        words.extend(
            replace(w, channel=channel, speaker=channel, speaker_confidence=1.0)
            for w in to_words(recognition, duration, punctuate=options.punctuate)
        )
    if not words:
        raise TranscriptionError(SILENT_ERROR)
    words.sort(key=lambda w: (w.start, w.channel))
    heard = next(r for r in recognitions if r.words)
    return Transcript(
        words=tuple(words),
        duration=duration,
        channels=count,
        language=heard.language,
        model=heard.model,
        language_confidence=heard.language_probability,
        diarized=True,
    )


def to_words(recognition: Recognition, duration: float, *, punctuate: bool = True) -> tuple[Word, ...]:
    """Engine words as domain words: text normalised, times clamped to the media and never running backwards.

    Without ``punctuate`` the text is Deepgram's unpunctuated form: every word lower case, punctuation dropped.
    """
    words: list[Word] = []
    previous_start = 0.0
    for raw in recognition.words:
        text = raw.text.strip()
        if not text:
            continue
        start = min(max(raw.start, previous_start), duration)
        end = min(max(raw.end, start), duration)
        previous_start = start
        words.append(
            Word(
                word=normalise_word(text),
                start=start,
                end=end,
                confidence=min(max(raw.probability, 0.0), 1.0),
                speaker=raw.speaker or 0,
                speaker_confidence=1.0 if raw.speaker is not None else 0.0,
                punctuated_word=text if punctuate else normalise_word(text),
            )
        )
    return tuple(words)
