"""Local speech-to-text with faster-whisper (CTranslate2, int8 on CPU), Silero VAD and word timestamps."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from aftercall.asr import AsrRequest, ProgressCallback, Recognition, RecognizedWord
from aftercall.asr import models as model_files
from aftercall.errors import ModelUnavailable, TranscriptionError
from aftercall.media import to_float

_DETECTION_WINDOWS = 5  # 30 s windows, spread across the whole file, that vote on the language (auto)
_WINDOW = 30 * 16_000
_SILENT_RMS = 1e-3  # a window this quiet has no speech to vote with
# A window says the call changes language only when it is this sure of its own (hold music, a line's noise or one
# "OK" give a language too, but a doubtful one).
_SURE = 0.7
# faster-whisper computes the spectrogram of all the audio it is given at once (a 2 h call needed 8 GB), so long
# audio is transcribed in blocks of at most this long, each ending at the quietest moment of its last seconds.
_BLOCK_SECONDS = 300
_CUT_SEARCH_SECONDS = 20
_RATE = 16_000
_LARGE_V3_ONLY = frozenset({"yue"})  # Cantonese: in faster-whisper's list, but only large-v3's tokenizer has it
# Whisper sometimes times a number in pieces ("38" then ".2", "1" then ",000"); a piece with no leading space that
# carries on the digits of the word before it belongs to that word.
_NUMBER_PIECE = re.compile(r"[.,:]?\d")


class WhisperEngine:
    """Loads each model on first use and keeps it; safe to share between worker threads. ``threads`` says how many
    CPU threads the next 5-minute block may use (``aftercall.cores``): a model is loaded once for each count asked."""

    def __init__(
        self,
        *,
        english_model: str,
        multilingual_model: str,
        cache_dir: Path,
        threads: Callable[[], int],
        beam_size: int,
        parallel: int = 1,
    ) -> None:
        self.english_model = english_model
        self.multilingual_model = multilingual_model
        self._cache_dir = cache_dir
        self._threads = threads
        self._beam_size = beam_size
        self._parallel = parallel  # concurrent transcribe() calls one loaded model serves (CTranslate2 workers)
        self._models: dict[str, dict[int, Any]] = {}
        self._lock = threading.Lock()

    @property
    def loaded_models(self) -> dict[str, dict[int, Any]]:
        """The models loaded so far, by name and then by thread count (a fresh engine has none: loading waits for
        the first job)."""
        with self._lock:
            return {name: dict(by_threads) for name, by_threads in self._models.items()}

    def knows_model(self, name: str) -> bool:
        return name in model_files.SHIPPED or name in (self.english_model, self.multilingual_model)

    def knows_language(self, code: str) -> bool:
        """Whisper's languages, with a multilingual model configured (the list ``WhisperModel.supported_languages``
        gives, which needs a loaded model)."""
        from faster_whisper.tokenizer import _LANGUAGE_CODES  # (faster-whisper loads CTranslate2 when imported)

        if code == "en":
            return True
        if not self.multilingual_model or code not in _LANGUAGE_CODES:
            return False
        return code not in _LARGE_V3_ONLY or "large-v3" in self.multilingual_model

    def labels_speakers(self, request: AsrRequest) -> bool:
        return False  # Whisper names no speakers

    def model_for(self, request: AsrRequest) -> str:
        if request.model:
            return request.model
        return self.english_model if request.language == "en" else self.multilingual_model

    def _load(self, name: str) -> Any:
        threads = max(1, self._threads())
        with self._lock:
            if threads not in self._models.get(name, {}):
                try:
                    from faster_whisper import WhisperModel
                except ImportError as exc:  # pragma: no cover - a broken install
                    raise ModelUnavailable("Failed to load the speech model: faster-whisper is not installed") from exc
                path = model_files.resolve(name, self._cache_dir)
                try:
                    model = WhisperModel(
                        path, device="cpu", compute_type="int8", cpu_threads=threads, num_workers=self._parallel
                    )
                except Exception as exc:
                    raise ModelUnavailable(f"Failed to load the speech model {name!r}: {exc}") from exc
                self._models.setdefault(name, {})[threads] = model
            return self._models[name][threads]

    def transcribe(self, samples: np.ndarray, request: AsrRequest, on_progress: ProgressCallback) -> Recognition:
        name = self.model_for(request)
        model = self._load(name)
        if request.language == "en" or request.language is None or model.model.is_multilingual:
            language = request.language
        else:
            raise TranscriptionError(f"Failed to transcribe: the model {name!r} only knows English")
        probability, mixed = None, False
        if language is None and model.model.is_multilingual:
            language, probability, mixed = detect_language(model, samples)
            mixed = mixed or request.mixed  # "multi": every 30 s of speech in its own language, whatever the vote
        words: list[RecognizedWord] = []
        for start, end in blocks(samples):
            offset = start / _RATE
            model = self._load(name)  # each block with the threads its share of the cores gives it now
            segments, info = model.transcribe(
                to_float(samples[start:end]),
                language=language,
                beam_size=self._beam_size,
                vad_filter=True,
                word_timestamps=True,
                hotwords=" ".join(request.terms) or None,
                # A call that changes language (an interpreter, a switch mid-call) is decoded 30 s of speech at a time,
                # each in the language detected for it: one language forced on speech in another sends Whisper into
                # its sampling fallback, whose output is noise that varies from run to run.
                multilingual=mixed,
            )
            language = info.language  # the first block's, when the English-only model decided it
            for segment in segments:  # a generator: recognition happens while we iterate
                for w in segment.words or ():
                    timed = RecognizedWord(w.word, offset + float(w.start), offset + float(w.end), float(w.probability))
                    add_word(words, timed)
                on_progress(offset + float(segment.end))
        return Recognition(
            words=words,
            language=language or "en",
            language_probability=probability if request.language is None else None,
            model=f"faster-whisper/{name}",
        )


def blocks(samples: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive ``(start, end)`` sample ranges covering ``samples``, each at most ``_BLOCK_SECONDS`` long and,
    but for the last, ending at the quietest 100 ms of its final ``_CUT_SEARCH_SECONDS`` (so no word is cut)."""
    size, search, frame = _BLOCK_SECONDS * _RATE, _CUT_SEARCH_SECONDS * _RATE, _RATE // 10
    ranges = []
    start = 0
    while len(samples) - start > size:
        tail = to_float(samples[start + size - search : start + size]).astype(np.float64)
        energy = (tail[: len(tail) // frame * frame].reshape(-1, frame) ** 2).mean(axis=1)
        cut = start + size - search + int(np.argmin(energy)) * frame + frame // 2
        ranges.append((start, cut))
        start = cut
    ranges.append((start, len(samples)))
    return ranges


def add_word(words: list[RecognizedWord], word: RecognizedWord) -> None:
    """Append ``word``, or join it to the last word when it is the next piece of the same number."""
    last = words[-1] if words else None
    if last and last.text[-1:].isdigit() and not word.text[:1].isspace() and _NUMBER_PIECE.match(word.text):
        probability = min(last.probability, word.probability)
        words[-1] = RecognizedWord(last.text + word.text, last.start, max(last.end, word.end), probability)
    else:
        words.append(word)


def detect_language(model: Any, samples: np.ndarray) -> tuple[str, float, bool]:
    """The language of the whole file: windows spread from its start to its end each give every language a
    probability; the language with the highest total wins (faster-whisper alone looks only at the start).
    Returns the language, its mean probability over the windows that had speech, and whether those windows
    surely heard different languages (a call in more than one language)."""
    last = max(len(samples) - _WINDOW, 0)
    starts = sorted({int(x) for x in np.linspace(0, last, _DETECTION_WINDOWS)})
    totals: dict[str, float] = {}
    voted = 0
    heard: set[str] = set()
    for start in starts:
        window = to_float(samples[start : start + _WINDOW])
        if float(np.sqrt(np.mean(window.astype(np.float64) ** 2))) < _SILENT_RMS:
            continue
        top, sureness, probabilities = model.detect_language(audio=window, vad_filter=True)
        if sureness >= _SURE:
            heard.add(top)
        for language, p in probabilities:
            totals[language] = totals.get(language, 0.0) + p
        voted += 1
    if not totals:
        return "en", 0.0, False
    best = max(totals, key=lambda k: totals[k])
    return best, totals[best] / voted, len(heard) > 1
