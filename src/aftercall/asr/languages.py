"""Which language a call is in, and where each is spoken in a call that changes language, asked of a Whisper
model's language detector."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from aftercall.asr import pauses
from aftercall.media import SAMPLE_RATE, to_float

_DETECTION_WINDOWS = 5  # 30 s windows, spread across the whole file, that vote on the language (auto)
_WINDOW = 30 * SAMPLE_RATE
_SILENT_RMS = 1e-3  # a window this quiet has no speech to vote with
# A window says the call changes language only when it is this sure of its own (hold music, a line's noise or one
# "OK" give a language too, but a doubtful one).
_SURE = 0.7
# A call that changes language is mapped this many seconds at a time; where two differ, the utterances around
# their edge are heard one by one.
_REGION_SECONDS = 10


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
        if _silent(window):
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


def language_parts(model: Any, samples: np.ndarray, default: str) -> list[tuple[int, int, str]]:
    """Where each language is spoken in a call that changes language: contiguous ``(start, end, language)`` sample
    ranges covering ``samples``. Each ``_REGION_SECONDS`` says its language when it is sure of it (a pause, noise or
    a doubtful guess belongs with the speech before it); where two of them differ, the utterances around their edge
    are heard one by one and the cut falls in the pause before the first one in the new language."""
    step = _REGION_SECONDS * SAMPLE_RATE
    heard = [_sure_language(model, samples[start : start + step]) for start in range(0, len(samples), step)]
    languages, current = [], next((language for language in heard if language), default)
    for language in heard:
        current = language or current
        languages.append(current)
    parts, start, spoken = [], 0, languages[0] if languages else default
    for i in range(1, len(languages)):
        if languages[i] != languages[i - 1]:
            # (never before the last cut: a language heard for one window only keeps its part)
            cut = _change(model, samples, max((i - 1) * step, start), min((i + 1) * step, len(samples)), languages[i])
            if cut > start:
                parts.append((start, cut, spoken))
                start = cut
            spoken = languages[i]  # (a cut at the part's own start: the part is all in the new language)
    parts.append((start, len(samples), spoken))
    return parts


def _change(model: Any, samples: np.ndarray, lo: int, hi: int, new: str) -> int:
    """Where ``samples[lo:hi]`` turns to the language ``new``: the start of its first utterance sure to be in it
    (utterances run between pauses), or its quietest moment when none is."""
    edges = [lo, *pauses.pauses(samples, lo, hi), hi]
    for start, end in itertools.pairwise(edges):
        if _sure_language(model, samples[start:end]) == new:
            return start
    return pauses.quietest(samples, lo, hi)


def _sure_language(model: Any, samples: np.ndarray) -> str | None:
    """The language spoken in ``samples``, or None when they are under a second long, silent, or the model is not
    sure."""
    audio = to_float(samples)
    if len(audio) < SAMPLE_RATE or _silent(audio):
        return None
    top, sureness, _ = model.detect_language(audio=audio, vad_filter=True)
    return top if sureness >= _SURE else None


def _silent(audio: np.ndarray) -> bool:
    return float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))) < _SILENT_RMS
