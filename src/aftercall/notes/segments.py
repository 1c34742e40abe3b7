"""A transcript as numbered segments (speaker, start, end, text): what the notes read and what evidence cites.

Read from aftercall's own transcript JSON, or from a transcript a client points at (``transcriptUri``): txt
(``Speaker N: text`` lines), srt, vtt, or aftercall's own Deepgram-shaped transcript JSON. Pure functions only."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from aftercall.domain.transcript import Transcript, utterances
from aftercall.errors import JobFailed

# A plain-text transcript has no times: each turn is placed on a clock running at this speaking rate, and the notes
# say so in their metadata ("timing": "estimated").
_WORDS_PER_SECOND = 2.5


@dataclass(frozen=True)
class Segment:
    index: int  # 1-based, the number a model cites
    speaker: int
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Segments:
    items: tuple[Segment, ...]
    timing: str  # "media" (times from the recording) or "estimated" (a txt transcript)

    @property
    def duration(self) -> float:
        return self.items[-1].end if self.items else 0.0


class TranscriptFormatError(JobFailed):
    """The file at ``transcriptUri`` is not a transcript aftercall can read."""


def parse_transcript(data: bytes) -> Segments:
    """Segments of a transcript in any of the four formats, recognised by content (not by name or type)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TranscriptFormatError("Failed to read the transcript: it is not UTF-8 text") from None
    stripped = text.lstrip()
    if stripped.startswith("{"):
        segments = from_json(_json(stripped))
    elif stripped.startswith("WEBVTT") or re.match(r"\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{3}\s*-->", stripped):
        segments = Segments(_numbered(_cues(stripped)), "media")
    else:
        segments = Segments(_numbered(_txt(stripped)), "estimated")
    if not segments.items:
        raise TranscriptFormatError("Failed to read the transcript: it contains no speech")
    return segments


def from_json(document: dict[str, Any]) -> Segments:
    """Segments of a Deepgram-shaped transcript JSON: its utterances, else its words as one speaker-0 segment."""
    try:
        results = document["results"]
        utterances = results.get("utterances")
        if utterances:
            raw = [
                (int(u.get("speaker", 0)), float(u["start"]), float(u["end"]), str(u["transcript"])) for u in utterances
            ]
        else:
            alternative = results["channels"][0]["alternatives"][0]
            words = alternative.get("words") or []
            raw = (
                [(0, float(words[0]["start"]), float(words[-1]["end"]), str(alternative["transcript"]))]
                if words
                else []
            )
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise TranscriptFormatError(
            f"Failed to read the transcript: the JSON is not a transcript of Deepgram's shape ({exc!r} is missing or "
            "malformed)"
        ) from None
    return Segments(_numbered(raw), "media")


def from_transcript(transcript: Transcript) -> Segments:
    """Segments of a transcript aftercall made: its utterances, timed as its JSON output times them."""
    raw = [(u.speaker, round(u.start, 3), round(u.end, 3), u.text) for u in utterances(transcript.words)]
    return Segments(_numbered(raw), "media")


def _json(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptFormatError(f"Failed to read the transcript: invalid JSON ({exc.msg})") from None
    if not isinstance(document, dict):
        raise TranscriptFormatError("Failed to read the transcript: the JSON is not an object")
    return document


_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{3})"
_CUE_TIMES = re.compile(rf"{_TIME}\s*-->\s*{_TIME}")
_VOICE = re.compile(r"^<v\s+(?:Speaker\s*)?(\d+)[^>]*>|^Speaker\s+(\d+):\s*", re.IGNORECASE)


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _cues(text: str) -> list[tuple[int, float, float, str]]:
    """(speaker, start, end, text) of each srt/vtt cue; the speaker from ``<v N>`` or ``Speaker N:``, else 0."""
    result = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip().split("\n")
        for i, line in enumerate(lines):
            times = _CUE_TIMES.search(line)
            if times:
                start, end = _seconds(*times.groups()[:4]), _seconds(*times.groups()[4:])
                body = " ".join(part.strip() for part in lines[i + 1 :]).strip()
                body = re.sub(r"^-\s+", "", body)  # Daily's vtt style
                voice = _VOICE.match(body)
                speaker = int(voice.group(1) or voice.group(2)) if voice else 0
                body = re.sub(r"</?[a-z][^>]*>", "", body[voice.end() :] if voice else body).strip()
                if body:
                    result.append((speaker, start, end, body))
                break
    return result


def _txt(text: str) -> list[tuple[int, float, float, str]]:
    """(speaker, start, end, text) of each ``Speaker N: text`` turn, on the estimated clock."""
    turns: list[tuple[int, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        match = re.match(r"Speaker\s+(\d+):\s*(.*)", line, re.IGNORECASE)
        if match:
            turns.append((int(match.group(1)), match.group(2)))
        elif turns:
            turns[-1] = (turns[-1][0], f"{turns[-1][1]} {line}")
        else:
            turns.append((0, line))
    result, clock = [], 0.0
    for speaker, words in turns:
        length = max(len(words.split()), 1) / _WORDS_PER_SECOND
        result.append((speaker, round(clock, 2), round(clock + length, 2), words))
        clock += length
    return result


def _numbered(raw: list[tuple[int, float, float, str]]) -> tuple[Segment, ...]:
    return tuple(
        Segment(i, speaker, start, max(start, end), text.strip())
        for i, (speaker, start, end, text) in enumerate((r for r in raw if r[3].strip()), start=1)
    )
