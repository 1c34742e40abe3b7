"""Speaker-labelled transcripts: words, utterances, turns and subtitle cues. Pure functions only."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace
from statistics import fmean

UTTERANCE_GAP_SECONDS = 0.8  # a pause this long ends an utterance, as Deepgram's default utt_split
MAX_CUE_SECONDS = 10.0
MAX_CUE_LINES = 2
MAX_LINE_CHARS = 42
CLAUSE_ENDINGS = (".", ",", "?", "!", ";", ":", "。", "，", "？", "！")


@dataclass(frozen=True)
class Word:
    word: str  # normalised: lower case, no surrounding punctuation
    start: float
    end: float
    confidence: float
    speaker: int
    speaker_confidence: float
    punctuated_word: str
    channel: int = 0  # the source channel it was heard on (multichannel transcription), else 0


@dataclass(frozen=True)
class Transcript:
    words: tuple[Word, ...]
    duration: float
    channels: int
    language: str
    model: str  # "engine/model", e.g. "faster-whisper/tiny.en"
    language_confidence: float | None = None  # set when the language was detected
    diarized: bool = False  # speakers already told apart (by the engine, or one per channel)

    @property
    def text(self) -> str:
        return join_words(self.words)

    @property
    def confidence(self) -> float:
        return fmean(w.confidence for w in self.words) if self.words else 0.0


@dataclass(frozen=True)
class Utterance:
    speaker: int
    channel: int
    words: tuple[Word, ...]

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end

    @property
    def text(self) -> str:
        return join_words(self.words)

    @property
    def confidence(self) -> float:
        return fmean(w.confidence for w in self.words)


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]


def join_words(words: tuple[Word, ...] | list[Word]) -> str:
    return " ".join(w.punctuated_word for w in words)


def normalise_word(text: str) -> str:
    """Deepgram's ``word``: lower case without surrounding punctuation (the bare text if that leaves nothing)."""
    stripped = text.strip()
    core = stripped.strip("\"'“”‘’¿¡([{<>}]).,!?;:。，！？：、…-")
    return (core or stripped).lower()


def utterances(words: tuple[Word, ...], gap: float = UTTERANCE_GAP_SECONDS) -> list[Utterance]:
    """Split words into utterances at every change of speaker or channel and every pause longer than ``gap``."""
    result: list[Utterance] = []
    current: list[Word] = []
    for word in words:
        last = current[-1] if current else None
        if last and (word.speaker != last.speaker or word.channel != last.channel or word.start - last.end > gap):
            result.append(Utterance(last.speaker, last.channel, tuple(current)))
            current = []
        current.append(word)
    if current:
        result.append(Utterance(current[0].speaker, current[0].channel, tuple(current)))
    return result


def turns(utts: list[Utterance]) -> list[tuple[int, str]]:
    """Consecutive utterances of one speaker merged into ``(speaker, text)`` turns."""
    result: list[tuple[int, str]] = []
    for utt in utts:
        if result and result[-1][0] == utt.speaker:
            result[-1] = (utt.speaker, f"{result[-1][1]} {utt.text}")
        else:
            result.append((utt.speaker, utt.text))
    return result


def wrap(text: str, width: int) -> list[str]:
    """Greedy line wrap that never breaks a word (a single over-long word gets a line of its own)."""
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [""]


def cues(utts: list[Utterance], *, line_chars: int = MAX_LINE_CHARS) -> list[Cue]:
    """Subtitle cues: one or more per utterance, none longer than 10 s or 2 lines, in order, never overlapping."""
    groups: list[list[Word]] = []
    for utt in utts:
        current: list[Word] = []
        for word in utt.words:
            candidate = [*current, word]
            too_long = candidate[-1].end - candidate[0].start > MAX_CUE_SECONDS
            too_wide = len(wrap(join_words(candidate), line_chars)) > MAX_CUE_LINES
            if current and (too_long or too_wide):
                cut = _clause_break(current)
                groups.append(current[:cut])
                candidate = [*current[cut:], word]
            current = candidate
        if current:
            groups.append(current)
    raw = [Cue(g[0].start, g[-1].end, tuple(wrap(join_words(g), line_chars))) for g in groups]
    return _untangle(raw)


def _clause_break(words: list[Word]) -> int:
    """Where to end a full cue: after the last clause punctuation in its second half, else after every word."""
    for i in range(len(words) - 1, len(words) // 2 - 1, -1):
        if words[i].punctuated_word.endswith(CLAUSE_ENDINGS):
            return i + 1
    return len(words)


def _untangle(raw: list[Cue]) -> list[Cue]:
    """Clip cues so each ends by the next one's start and lasts at most ``MAX_CUE_SECONDS``."""
    result: list[Cue] = []
    for i, cue in enumerate(raw):
        start = max(cue.start, result[-1].end if result else 0.0)
        end = min(cue.end, start + MAX_CUE_SECONDS)
        if i + 1 < len(raw):
            end = min(end, raw[i + 1].start)
        result.append(replace(cue, start=start, end=max(start, end)))
    return result
