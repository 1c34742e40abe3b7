"""The whisper engine's own handling of audio and words: number pieces joined into one word, long audio cut at quiet
moments, the language of a call and where a call that changes language changes it."""

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from aftercall.asr import AsrRequest, RecognizedWord
from aftercall.asr.languages import detect_language, language_parts
from aftercall.asr.pauses import pauses
from aftercall.asr.whisper import _BLOCK_SECONDS, _CUT_SEARCH_SECONDS, WhisperEngine, _OneAtATime, add_word, blocks
from aftercall.errors import ModelUnavailable


def joined(*pieces: tuple[str, float, float]) -> list[tuple[str, float, float]]:
    words: list[RecognizedWord] = []
    for text, start, end in pieces:
        add_word(words, RecognizedWord(text, start, end, 0.9))
    return [(w.text, w.start, w.end) for w in words]


def test_a_decimal_timed_in_two_pieces_is_one_word():
    assert joined((" is", 0.0, 0.2), (" 38", 0.2, 0.6), (".2,", 0.6, 0.9), (" and", 1.0, 1.2)) == [
        (" is", 0.0, 0.2),
        (" 38.2,", 0.2, 0.9),
        (" and", 1.0, 1.2),
    ]


def test_thousands_and_times_are_joined_too():
    assert joined((" 1", 0.0, 0.3), (",000", 0.3, 0.6)) == [(" 1,000", 0.0, 0.6)]
    assert joined((" at", 0.0, 0.2), (" 10", 0.2, 0.4), (":30", 0.4, 0.7)) == [(" at", 0.0, 0.2), (" 10:30", 0.2, 0.7)]


def test_spaced_words_and_unspaced_scripts_stay_apart():
    assert joined((" 38", 0.0, 0.3), (" 2", 0.3, 0.5)) == [(" 38", 0.0, 0.3), (" 2", 0.3, 0.5)]
    assert joined(("今日は", 0.0, 0.5), ("いい", 0.5, 0.8)) == [("今日は", 0.0, 0.5), ("いい", 0.5, 0.8)]
    assert joined((" Dr", 0.0, 0.2), (".", 0.2, 0.3)) == [(" Dr", 0.0, 0.2), (".", 0.2, 0.3)]


def test_long_audio_is_cut_into_blocks_at_its_quiet_moments():
    rate = 16_000
    rng = np.random.default_rng(0)
    samples = (0.1 * rng.standard_normal(int(2.5 * _BLOCK_SECONDS * rate))).astype(np.float32)
    pause = (len(samples) // 3) - 7 * rate  # a 300 ms pause 7 s before the first third
    samples[pause : pause + rate * 3 // 10] = 0.0
    ranges = blocks(samples)
    assert len(ranges) == 3, "as few as keep each about 5 minutes long at most"
    assert ranges[0][0] == 0
    assert ranges[-1][1] == len(samples)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges)), "contiguous"
    assert all(end - start <= (_BLOCK_SECONDS + _CUT_SEARCH_SECONDS) * rate for start, end in ranges)
    assert pause <= ranges[0][1] <= pause + rate * 3 // 10, "the first cut falls in the pause"
    assert blocks(samples[: 10 * rate]) == [(0, 10 * rate)]


class _Model:
    """Stands in for a loaded faster-whisper model: it hears one word in each second of the audio it is given, named
    for the second of the call it is at (``_clock``), and notes how many blocks it was transcribing at once."""

    def __init__(
        self, *, fail_at: float | None = None, on_start: Callable[[], None] = lambda: None, pace: float = 0.002
    ) -> None:
        self.model = SimpleNamespace(is_multilingual=False)
        self.running = self.most = self.heard = 0
        self.starts: list[int] = []  # the blocks running as each started, itself included
        self.lock = threading.Lock()
        self.fail_at = fail_at
        self.on_start = on_start
        self.pace = pace  # seconds to hear each second of audio

    def transcribe(self, audio: np.ndarray, **options: object) -> tuple[Iterator[SimpleNamespace], SimpleNamespace]:
        return self._segments(audio), SimpleNamespace(language="en")

    def _segments(self, audio: np.ndarray) -> Iterator[SimpleNamespace]:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.starts.append(self.running)
        self.on_start()
        try:
            values, firsts = np.unique(audio, return_index=True)
            for first, value in sorted(zip(firsts, values, strict=True)):
                time.sleep(self.pace)
                if value == 0:
                    continue
                if value - 1 == self.fail_at:
                    raise RuntimeError("the model failed")
                start = first / 16_000
                self.heard += 1
                word = SimpleNamespace(word=f" {value - 1:g}", start=start, end=start + 0.5, probability=0.9)
                yield SimpleNamespace(words=[word], end=start + 0.5)
        finally:
            with self.lock:
                self.running -= 1


def _engine(model: _Model, cores: list[int]) -> WhisperEngine:
    engine = WhisperEngine(
        english_model="tiny.en", multilingual_model="", cache_dir=Path("."), threads=lambda: cores[0], beam_size=5
    )
    engine._models["tiny.en"] = {threads: model for threads in range(1, 9)}  # no real model: the scheduling alone
    return engine


def _clock(seconds: int) -> np.ndarray:
    """A call with a pause of 100 ms at the start of every second, and after it sound at a level that says which
    second of the call it is."""
    level = np.repeat(np.arange(1, seconds + 1, dtype=np.float32), 16_000).reshape(seconds, 16_000)
    level[:, :1600] = 0.0
    return level.reshape(-1)


def test_the_blocks_of_a_long_call_run_together_and_their_words_come_back_in_order():
    model, reported = _Model(), []
    recognition = _engine(model, [2]).transcribe(_clock(600), AsrRequest(language="en"), reported.append)
    assert model.most == 2, "two cores: two blocks at once"
    assert [w.text for w in recognition.words] == [f" {second}" for second in range(600)], "every word, in order"
    assert all(w.start == pytest.approx(float(w.text) + 0.1) for w in recognition.words), "timed in the call"
    assert reported, "progress is reported"
    assert reported[-1] >= 599

    model = _Model()
    _engine(model, [1]).transcribe(_clock(600), AsrRequest(language="en"), lambda seconds: None)
    assert model.most == 1, "one core: one block at a time"


def test_a_block_that_fails_fails_the_job_and_stops_the_others():
    model = _Model(fail_at=10)  # early in the first of four blocks of 5 minutes
    with pytest.raises(RuntimeError, match="the model failed"):
        _engine(model, [2]).transcribe(_clock(1200), AsrRequest(language="en"), lambda seconds: None)
    assert len(model.starts) == 2, "no block starts after one failed"
    assert model.heard < 100, "the block running beside it stopped at its next segment, not at its end"


def test_a_job_abandoned_while_its_blocks_run_stops_them():
    heard_then = []

    def abandoned(seconds: float) -> None:  # what reporting progress does when the job was deleted meanwhile
        heard_then.append(model.heard)
        raise RuntimeError("the job was deleted")

    model = _Model(pace=0.005)  # a block takes longer than the first progress report
    with pytest.raises(RuntimeError, match="deleted"):
        _engine(model, [2]).transcribe(_clock(1200), AsrRequest(language="en"), abandoned)
    assert len(model.starts) == 2, "no block starts once the job is gone"
    assert model.heard - heard_then[0] <= 10, "the blocks running stopped at their next segment, not at their end"


def test_a_job_whose_share_of_the_cores_shrinks_starts_fewer_blocks_at_once():
    cores = [2]
    model = _Model(on_start=lambda: cores.__setitem__(0, 1 if len(model.starts) >= 2 else 2))  # another job came
    recognition = _engine(model, cores).transcribe(_clock(1200), AsrRequest(language="en"), lambda seconds: None)
    assert len(recognition.words) == 1200
    assert model.starts[:2] == [1, 2], "two at once while it had two cores"
    assert model.starts[2:] == [1, 1], "then one at a time"


class _Detector:
    """Stands in for a loaded model's language detector: the level most of the window is at says which language it
    holds (a faint window, noise on the line, gets a doubtful guess)."""

    def detect_language(self, *, audio: np.ndarray, vad_filter: bool) -> tuple[str, float, list[tuple[str, float]]]:
        level = float(np.median(np.abs(audio)))
        if level < 0.1:
            return "de", 0.4, [("de", 0.4), ("en", 0.35), ("fr", 0.25)]
        language = "fr" if level > 0.5 else "en"
        other = "en" if language == "fr" else "fr"
        return language, 0.9, [(language, 0.9), (other, 0.1)]


def test_a_call_that_changes_language_is_told_apart_from_one_in_a_single_language():
    rate, minute = 16_000, 60 * 16_000
    english = np.full(2 * minute, 0.2, dtype=np.float32)
    french = np.full(3 * minute, 0.8, dtype=np.float32)

    language, probability, mixed = detect_language(_Detector(), np.concatenate([english, french]))
    assert (language, mixed) == ("fr", True)
    assert 0.4 < probability < 0.9  # the French windows' 0.9 and the English windows' 0.1, averaged

    assert detect_language(_Detector(), french) == ("fr", 0.9, False)
    noise = np.full(minute, 0.05, dtype=np.float32)  # a minute of hold music before a French call
    language, _, mixed = detect_language(_Detector(), np.concatenate([noise, french]))
    assert (language, mixed) == ("fr", False)
    assert detect_language(_Detector(), np.zeros(rate, dtype=np.float32)) == ("en", 0.0, False)  # no speech


def test_a_call_that_changes_language_is_cut_in_the_pause_before_the_first_utterance_in_the_new_one():
    rate = 16_000
    english, french, pause = np.full(rate, 0.2), np.full(rate, 0.8), np.zeros(rate // 2)
    # English sentences of 3 s, then French ones of 4 s, each after half a second of silence
    said = [np.concatenate([pause, english, english, english]) for _ in range(9)]
    said += [np.concatenate([pause, french, french, french, french]) for _ in range(8)]
    samples = np.concatenate(said).astype(np.float32)
    switch = 9 * int(3.5 * rate)
    parts = language_parts(_Detector(), samples, "fr")
    assert [language for _, _, language in parts] == ["en", "fr"]
    assert parts[0][0] == 0
    assert parts[-1][1] == len(samples)
    assert parts[0][1] == parts[1][0]
    assert switch <= parts[1][0] <= switch + rate // 2, "the cut falls in the pause before the first French sentence"
    assert language_parts(_Detector(), samples[:switch], "fr") == [(0, switch, "en")]
    back = np.concatenate([samples, samples[: 3 * int(3.5 * rate)]])  # three English sentences after the French
    assert [language for _, _, language in language_parts(_Detector(), back, "fr")] == ["en", "fr", "en"]
    brief = np.concatenate(said[:9] + said[9:11] + said[:9]).astype(np.float32)  # French for one window's time
    assert [language for _, _, language in language_parts(_Detector(), brief, "fr")] == ["en", "fr", "en"]
    assert language_parts(_Detector(), np.zeros(3 * rate, dtype=np.float32), "fr") == [(0, 3 * rate, "fr")]


def test_pauses_are_the_quiet_stretches_between_utterances():
    rate = 16_000
    samples = np.concatenate([np.full(rate, 0.3), np.zeros(rate // 2), np.full(rate, 0.3), np.zeros(rate // 20),
                              np.full(rate, 0.3)]).astype(np.float32)  # fmt: skip
    assert pauses(samples, 0, len(samples)) == [rate + rate // 4], "a 50 ms gap is no pause"
    sparse = np.concatenate([np.zeros(4 * rate), samples, np.zeros(4 * rate)]).astype(np.float32)
    assert rate * 4 + rate + rate // 4 in pauses(sparse, 0, len(sparse)), "mostly quiet: the pause is still one"


def test_spectrograms_are_computed_one_at_a_time_in_the_process():
    computing, most, lock = [0], [0], threading.Lock()

    class Extractor:
        sampling_rate = 16_000

        def __call__(self, audio: np.ndarray) -> np.ndarray:
            with lock:
                computing[0] += 1
                most[0] = max(most[0], computing[0])
            time.sleep(0.05)
            with lock:
                computing[0] -= 1
            return audio

    extractor = _OneAtATime(Extractor(), threading.Lock())
    threads = [threading.Thread(target=extractor, args=(np.zeros(4),)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1
    assert extractor.sampling_rate == 16_000, "its settings read through"


def test_a_model_on_several_threads_encodes_on_them_and_decodes_on_the_one_thread_models_network(monkeypatch):
    import faster_whisper

    from aftercall.asr import whisper

    loads: list[dict[str, object]] = []

    class Network:
        is_multilingual = False

        def __init__(self, threads: int) -> None:
            self.threads = threads

        def encode(self, features: str) -> tuple[str, int]:
            return ("encoded", self.threads)

        def generate(self, states: object, prompts: list[list[int]]) -> tuple[str, int]:
            return ("searched", self.threads)

    class WhisperModel:  # no real model: which network does what, and how each is loaded
        def __init__(self, path: str, **options: object) -> None:
            loads.append(options)
            self.model = Network(int(options["cpu_threads"]))  # type: ignore[call-overload]
            self.feature_extractor = lambda audio: audio

    monkeypatch.setattr(faster_whisper, "WhisperModel", WhisperModel)
    monkeypatch.setattr(whisper.model_files, "resolve", lambda name, cache_dir: name)
    engine = WhisperEngine(
        english_model="tiny.en", multilingual_model="", cache_dir=Path("."), threads=lambda: 4, beam_size=5, parallel=8
    )
    wide = engine._load("tiny.en", 4)
    assert [(o["cpu_threads"], o["num_workers"]) for o in loads] == [(1, 8), (4, 2)], (
        "the one-thread model first, serving every transcription; the wide one encodes for the jobs that can run"
        " on 4 threads at once"
    )
    assert wide.model.encode("spectrogram") == ("encoded", 4)
    assert wide.model.generate("states", [[1]]) == ("searched", 1)
    assert wide.model.is_multilingual is False, "the rest reads through"
    assert isinstance(wide.feature_extractor, _OneAtATime)
    assert engine._load("tiny.en", 1).model.generate("states", [[1]]) == ("searched", 1)
    assert engine._load("tiny.en", 2).model.encode("spectrogram") == ("encoded", 2)
    assert [o["cpu_threads"] for o in loads] == [1, 4, 2], "each loaded once"


def test_a_model_that_fails_to_load_leaves_nothing_loaded(monkeypatch):
    import faster_whisper

    from aftercall.asr import whisper

    def broken(path: str, **options: object) -> None:
        raise RuntimeError("invalid payload size")

    monkeypatch.setattr(faster_whisper, "WhisperModel", broken)
    monkeypatch.setattr(whisper.model_files, "resolve", lambda name, cache_dir: name)
    engine = WhisperEngine(
        english_model="tiny.en", multilingual_model="", cache_dir=Path("."), threads=lambda: 2, beam_size=5
    )
    with pytest.raises(ModelUnavailable, match=r"Failed to load the speech model 'tiny\.en': invalid payload size"):
        engine._load("tiny.en", 2)
    assert engine.loaded_models == {}
