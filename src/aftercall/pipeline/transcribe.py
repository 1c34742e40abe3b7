"""Step 3: speech to a ``Transcript`` of normalised, time-ordered words (all speaker 0 until diarization)."""

from __future__ import annotations

from aftercall.asr import AsrRequest, ProgressCallback, Recognition, SpeechToText
from aftercall.domain.jobs import TranscriptOptions, language_code
from aftercall.domain.transcript import Transcript, Word, normalise_word
from aftercall.errors import TranscriptionError
from aftercall.pipeline.decode import Audio

SILENT_ERROR = "Failed to transcribe. May be invalid audio or silent file"


def asr_request(options: TranscriptOptions) -> AsrRequest:
    keywords = options.extra.get("keywords") or ()
    return AsrRequest(
        language=language_code(options.language),
        model=options.model,
        keywords=tuple(str(k) for k in keywords),
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
                speaker=0,
                speaker_confidence=0.0,
                punctuated_word=text if punctuate else normalise_word(text),
            )
        )
    return tuple(words)
