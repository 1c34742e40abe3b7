"""How ``Speech.recognise`` brings words and speakers together: the diarizer hears the audio while the engine
recognises the words (a job alone uses the core the engine leaves idle), and runs after it only when an engine that
was to label speakers itself did not."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from aftercall.asr import AsrRequest, ProgressCallback, Recognition, RecognizedWord
from aftercall.diarization import SpeakerCount, SpeakerTurn
from aftercall.domain.jobs import Stage, TranscriptOptions
from aftercall.media import Audio
from aftercall.pipeline.speech import Speech

_WAIT = 10.0  # seconds either side waits for the other before the test fails


class _Stages:
    stage = Stage.QUEUED

    def __init__(self) -> None:
        self.entered: list[Stage] = []

    def enter(self, stage: Stage, *, duration: float | None = None) -> None:
        self.stage = stage
        self.entered.append(stage)

    def fraction(self, done: float) -> None:
        pass


class _Engine:
    """Hears 'hello there' over two seconds; ``labels`` says it will label the speakers itself, ``speaker`` is the
    speaker it gives them (None: it gives none after all). It can wait, while recognising, for ``wait_for``."""

    def __init__(self, *, labels: bool = False, speaker: int | None = None) -> None:
        self.labels, self.speaker = labels, speaker
        self.wait_for: threading.Event | None = None
        self.recognising = threading.Event()

    def knows_model(self, name: str) -> bool:
        return False

    def knows_language(self, code: str) -> bool:
        return False

    def labels_speakers(self, request: AsrRequest) -> bool:
        return self.labels and request.diarize

    def transcribe(self, samples: np.ndarray, request: AsrRequest, on_progress: ProgressCallback) -> Recognition:
        self.recognising.set()
        if self.wait_for is not None:
            assert self.wait_for.wait(_WAIT), "the diarizer did not run while the words were being recognised"
        words = [
            RecognizedWord("hello", 0.1, 0.6, 0.9, self.speaker),
            RecognizedWord("there", 1.2, 1.8, 0.9, self.speaker),
        ]
        return Recognition(words, "en", None, "test/engine")


class _Diarizer:
    """Two voices, one a second; records each call and sets ``started`` when one begins, ``finished`` when it ends.
    With ``release`` set to an event, it waits for that first."""

    def __init__(self) -> None:
        self.started, self.finished = threading.Event(), threading.Event()
        self.release: threading.Event | None = None
        self.calls = 0

    def diarize(self, samples: np.ndarray, count: SpeakerCount) -> list[SpeakerTurn]:
        self.calls += 1
        self.started.set()
        if self.release is not None:
            self.release.wait(_WAIT)
        self.finished.set()
        return [SpeakerTurn(0.0, 1.0, 4), SpeakerTurn(1.0, 2.0, 9)]


def _audio() -> Audio:
    return Audio(np.zeros(32_000, dtype=np.float32), channels=1)


def test_the_diarizer_runs_while_the_engine_recognises_the_words():
    engine, diarizer = _Engine(), _Diarizer()
    engine.wait_for = diarizer.started  # a diarizer run only after the engine returns would never set it
    transcript = Speech(engine, diarizer).recognise(_audio(), TranscriptOptions(), _Stages())
    assert [(w.word, w.speaker) for w in transcript.words] == [("hello", 0), ("there", 1)]
    assert diarizer.calls == 1


def test_an_engine_that_labels_speakers_itself_is_not_second_guessed():
    engine, diarizer = _Engine(labels=True, speaker=3), _Diarizer()
    transcript = Speech(engine, diarizer).recognise(_audio(), TranscriptOptions(), _Stages())
    assert diarizer.calls == 0
    assert transcript.diarized


def test_an_engine_that_was_to_label_speakers_and_did_not_is_followed_by_the_diarizer():
    engine, diarizer = _Engine(labels=True, speaker=None), _Diarizer()
    stages = _Stages()
    transcript = Speech(engine, diarizer).recognise(_audio(), TranscriptOptions(), stages)
    assert diarizer.calls == 1
    assert [w.speaker for w in transcript.words] == [0, 1]
    assert stages.entered == [Stage.TRANSCRIBING, Stage.DIARIZING]


def test_no_diarizer_runs_when_the_job_asks_for_no_speakers():
    engine, diarizer = _Engine(), _Diarizer()
    transcript = Speech(engine, diarizer).recognise(_audio(), TranscriptOptions(diarize=False), _Stages())
    assert diarizer.calls == 0
    assert {w.speaker for w in transcript.words} == {0}


class _FailingEngine(_Engine):
    def transcribe(self, samples: np.ndarray, request: AsrRequest, on_progress: ProgressCallback) -> Recognition:
        raise RuntimeError("the engine failed")


def test_a_failed_transcription_is_reported_without_waiting_for_the_diarizer():
    diarizer = _Diarizer()
    diarizer.release = threading.Event()  # it would go on for a long call's minutes
    try:
        with pytest.raises(RuntimeError, match="the engine failed"):
            Speech(_FailingEngine(), diarizer).recognise(_audio(), TranscriptOptions(), _Stages())
        assert not diarizer.finished.is_set(), "the failure waited for the diarizer to finish"
    finally:
        diarizer.release.set()
