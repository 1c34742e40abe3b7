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
from aftercall.asr.languages import detect_language, language_parts
from aftercall.asr.pauses import quietest
from aftercall.errors import ModelUnavailable, TranscriptionError
from aftercall.media import to_float

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
            mixed = mixed or request.mixed  # "multi": each part in its own language, whatever the vote
        # An interpreter, a switch mid-call: one language forced on speech in another sends Whisper into its sampling
        # fallback, whose output is noise that varies from run to run.
        parts = language_parts(model, samples, language) if mixed else [(0, len(samples), language)]
        words: list[RecognizedWord] = []
        for first, last, spoken in parts:
            for start, end in blocks(samples[first:last]):
                offset = (first + start) / _RATE
                model = self._load(name)  # each block with the threads its share of the cores gives it now
                segments, info = model.transcribe(
                    to_float(samples[first + start : first + end]),
                    language=spoken,
                    beam_size=self._beam_size,
                    vad_filter=True,
                    word_timestamps=True,
                    hotwords=" ".join(request.terms) or None,
                )
                spoken = info.language  # the first block's, when the English-only model decided it
                language = language or spoken
                for segment in segments:  # a generator: recognition happens while we iterate
                    for w in segment.words or ():
                        timed = RecognizedWord(
                            w.word, offset + float(w.start), offset + float(w.end), float(w.probability)
                        )
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
    size, search = _BLOCK_SECONDS * _RATE, _CUT_SEARCH_SECONDS * _RATE
    ranges = []
    start = 0
    while len(samples) - start > size:
        cut = quietest(samples, start + size - search, start + size)
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
