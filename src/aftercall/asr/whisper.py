"""Local speech-to-text with faster-whisper (CTranslate2, int8 on CPU), Silero VAD and word timestamps."""

from __future__ import annotations

import itertools
import math
import re
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
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
# audio is transcribed in blocks of about this long at most, each ending at the quietest moment of its last seconds.
# No more are cut than that: Whisper loses the text it conditions on at a cut, and calls read in more, shorter
# blocks came out worse (docs/deployment.md, "Cores"). A job with several cores transcribes up to that many of its
# blocks at once, rather than one at a time: a block's beam search runs on one thread (``_WideEncoder``), and would
# leave the other cores idle most of its time.
_BLOCK_SECONDS = 300
_CUT_SEARCH_SECONDS = 20
_PROGRESS_SECONDS = 1.0  # how often a job's progress is reported while its blocks are transcribed
_RATE = 16_000
_LARGE_V3_ONLY = frozenset({"yue"})  # Cantonese: in faster-whisper's list, but only large-v3's tokenizer has it
# Whisper sometimes times a number in pieces ("38" then ".2", "1" then ",000"); a piece with no leading space that
# carries on the digits of the word before it belongs to that word.
_NUMBER_PIECE = re.compile(r"[.,:]?\d")


class WhisperEngine:
    """Loads each model on first use and keeps it; safe to share between worker threads. ``threads`` says how many
    CPU threads a job may use now (``aftercall.cores``): a call of several blocks has up to that many transcribed at
    once, the threads shared among them; a call of one block gets them all for its encoder (the decoder runs on one
    thread always, ``_WideEncoder``). A model is loaded once for each thread count asked for, and once for one thread.
    ``parallel`` is the most transcriptions one loaded model runs at once (of jobs and their blocks together)."""

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
        self._parallel = parallel  # concurrent transcriptions one loaded model serves (CTranslate2 workers)
        self._models: dict[str, dict[int, Any]] = {}
        self._lock = threading.Lock()
        self._spectrograms = threading.Lock()  # held while a block's spectrogram is computed (``_OneAtATime``)

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

    def _load(self, name: str, threads: int) -> Any:
        """The model ``name`` encoding on ``threads`` threads. Its decoder runs on one whatever ``threads`` says: that
        of the model loaded for one thread (``_WideEncoder``)."""
        with self._lock:
            loaded = dict(self._models.get(name, {}))
            for count in sorted({1, threads}):
                if count not in loaded:
                    model = self._whisper(name, count)
                    if count > 1:
                        model.model = _WideEncoder(model.model, loaded[1].model)
                    loaded[count] = model
                    self._models[name] = dict(loaded)
            return loaded[threads]

    def _whisper(self, name: str, threads: int) -> Any:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ModelUnavailable("Failed to load the speech model: faster-whisper is not installed") from exc
        path = model_files.resolve(name, self._cache_dir)
        # every transcription running decodes on the one-thread model; one with more threads only encodes, for a
        # job at a time each of the jobs that can have that many threads at once
        workers = self._parallel if threads == 1 else max(1, self._parallel // threads)
        try:
            model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=threads, num_workers=workers)
        except Exception as exc:
            raise ModelUnavailable(f"Failed to load the speech model {name!r}: {exc}") from exc
        model.feature_extractor = _OneAtATime(model.feature_extractor, self._spectrograms)
        return model

    def transcribe(self, samples: np.ndarray, request: AsrRequest, on_progress: ProgressCallback) -> Recognition:
        name = self.model_for(request)
        share = max(1, self._threads())
        # the model its blocks will use (but for the parts of a call that changes language, when their blocks differ)
        model = self._load(name, max(1, share // block_count(len(samples))))
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
            found, spoken = self._transcribe_part(name, samples, first, last, spoken, request, on_progress)
            language = language or spoken  # the English-only model's, when no language was asked for
            for word in found:
                add_word(words, word)
        return Recognition(
            words=words,
            language=language or "en",
            language_probability=probability if request.language is None else None,
            model=f"faster-whisper/{name}",
        )

    def _transcribe_part(
        self,
        name: str,
        samples: np.ndarray,
        first: int,
        last: int,
        language: str | None,
        request: AsrRequest,
        on_progress: ProgressCallback,
    ) -> tuple[list[RecognizedWord], str | None]:
        """The words of ``samples[first:last]``, spoken in ``language``, and the language the model heard. Its
        blocks run as many at once as the job's share of the cores allows when each starts (``threads``), each on
        that share divided by the blocks it may run at once."""
        ranges = [(first + start, first + end) for start, end in blocks(samples[first:last])]
        together = min(len(ranges), max(1, self._threads()))
        done = [0.0] * len(ranges)  # seconds of each block recognised so far
        found: list[tuple[list[RecognizedWord], str]] = [([], "")] * len(ranges)
        stop = threading.Event()  # the job failed or was abandoned: the blocks running end at their next segment

        def block(i: int) -> None:
            if stop.is_set():
                return
            try:
                transcribe_block(i)
            except BaseException:
                stop.set()  # the others need not go on
                raise

        def transcribe_block(i: int) -> None:
            start, end = ranges[i]
            model = self._load(name, max(1, self._threads() // together))
            segments, info = model.transcribe(
                to_float(samples[start:end]),
                language=language,
                beam_size=self._beam_size,
                vad_filter=True,
                word_timestamps=True,
                hotwords=" ".join(request.terms) or None,
            )
            offset, words = start / _RATE, []
            for segment in segments:  # a generator: recognition happens while we iterate
                if stop.is_set():
                    return
                for w in segment.words or ():
                    words.append(
                        RecognizedWord(w.word, offset + float(w.start), offset + float(w.end), float(w.probability))
                    )
                done[i] = float(segment.end)
            found[i] = (words, info.language)

        waiting = list(range(len(ranges)))
        running: set[Future[None]] = set()
        with ThreadPoolExecutor(together, thread_name_prefix="transcribe") as pool:
            try:
                while waiting or running:
                    while waiting and len(running) < min(together, max(1, self._threads())):
                        running.add(pool.submit(block, waiting.pop(0)))
                    finished, running = wait(running, timeout=_PROGRESS_SECONDS, return_when=FIRST_EXCEPTION)
                    for future in finished:
                        future.result()  # a block that failed fails the job
                    on_progress(first / _RATE + sum(done))  # (raises when the job was abandoned)
            except BaseException:
                stop.set()  # leaving the pool waits for the blocks running: they stop at their next segment
                raise
        return [word for words, _ in found for word in words], found[0][1]


class _WideEncoder:
    """A Whisper network (CTranslate2's) that encodes on ``wide``, loaded with several threads, and does the rest on
    ``narrow``, loaded with one: beam search, word timing and language detection. The encoder's large matrix products
    run faster on more threads; the decoder's, a few tokens at a time, run slower, the threads waiting on each other
    more than they work (benchmarks/whisper_threads.py: on 2 cores tiny.en encoded a 30-second window in about 0.6 of
    the time on two threads, and searched its words in 1.4 to 1.8 times the time). Both are safe to share between
    threads."""

    def __init__(self, wide: Any, narrow: Any) -> None:
        self._wide = wide
        self._narrow = narrow

    def encode(self, *args: Any, **kwargs: Any) -> Any:
        return self._wide.encode(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # generate, align, detect_language, is_multilingual...
        return getattr(self._narrow, name)


class _OneAtATime:
    """A model's feature extractor, computing one spectrogram at a time in the process. Computing a block's takes a
    fraction of a second but for that while about 330 MB (5 minutes of audio): blocks and jobs that start at once
    would otherwise hold that much each (benchmarks/decode_memory.py --job)."""

    def __init__(self, extractor: Any, lock: threading.Lock) -> None:
        self._extractor = extractor
        self._lock = lock

    def __call__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        with self._lock:
            return self._extractor(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # its settings (sampling_rate, hop_length...), which faster-whisper reads
        return getattr(self._extractor, name)


def block_count(samples: int) -> int:
    """How many blocks ``samples`` of audio are transcribed in."""
    return max(1, math.ceil(samples / (_BLOCK_SECONDS * _RATE)))


def blocks(samples: np.ndarray) -> list[tuple[int, int]]:
    """Consecutive ``(start, end)`` sample ranges covering ``samples``, as few as keep them about ``_BLOCK_SECONDS``
    long at most and about as long as each other (blocks run at once end together), each cut at the quietest 100 ms
    of the ``_CUT_SEARCH_SECONDS`` before an even division (so no word is cut)."""
    count = block_count(len(samples))
    search = _CUT_SEARCH_SECONDS * _RATE
    evens = (len(samples) * i // count for i in range(1, count))
    return list(
        itertools.pairwise([0, *(quietest(samples, max(0, even - search), even) for even in evens), len(samples)])
    )


def add_word(words: list[RecognizedWord], word: RecognizedWord) -> None:
    """Append ``word``, or join it to the last word when it is the next piece of the same number."""
    last = words[-1] if words else None
    if last and last.text[-1:].isdigit() and not word.text[:1].isspace() and _NUMBER_PIECE.match(word.text):
        probability = min(last.probability, word.probability)
        words[-1] = RecognizedWord(last.text + word.text, last.start, max(last.end, word.end), probability)
    else:
        words.append(word)
