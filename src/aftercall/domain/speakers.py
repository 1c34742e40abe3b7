"""Speaker names (an extension, docs/api.md §2): a job's speakers may be named ("Dr. Patel", "Patient") after it
is transcribed. The names are kept with the job; the transcript files it stored are never changed, and a named copy
of each is made from them on request. Pure functions only."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MAX_NAME_CHARS = 64
_NUMBER = re.compile(r"[0-9]{1,3}")  # a speaker's number, in ASCII digits ("²" is a digit to str.isdigit)
_LABEL = re.compile(r"^Speaker (\d+): ", re.MULTILINE)  # a turn of the txt, a line of the json's paragraphs
_CUE_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)[,.](\d{3}) --> ", re.MULTILINE)


def names_problem(names: Any) -> str | None:
    """Why ``names`` (``{"0": "Dr. Patel"}``) cannot be a job's speaker names, or None."""
    if not isinstance(names, dict) or not names:
        return 'must be an object naming at least one speaker by number, such as {"0": "Dr. Patel"}'
    for number, name in names.items():
        if not (isinstance(number, str) and _NUMBER.fullmatch(number)):
            return f"{number!r} is not a speaker number"
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
            return f"the name of speaker {number} must be 1 to {MAX_NAME_CHARS} characters"
        if any(ord(c) < 32 or c in "<>&" for c in name):
            return f"the name of speaker {number} may not hold control characters or < > &"
    return None


def label(speaker: int, names: Mapping[int, str]) -> str:
    return names.get(speaker) or f"Speaker {speaker}"


def named_txt(text: str, names: Mapping[int, str]) -> str:
    return _LABEL.sub(lambda m: f"{label(int(m.group(1)), names)}: ", text)


def named_json(document: dict[str, Any], names: Mapping[int, str]) -> dict[str, Any]:
    """The transcript JSON with ``speaker_name`` beside each utterance's and paragraph's ``speaker`` (extension),
    and the names in the paragraphs' transcript."""
    results = document["results"]
    for utterance in results.get("utterances") or []:
        utterance["speaker_name"] = label(int(utterance["speaker"]), names)
    for channel in results["channels"]:
        paragraphs = channel["alternatives"][0].get("paragraphs")
        if paragraphs:
            paragraphs["transcript"] = named_txt(paragraphs["transcript"], names)
            for paragraph in paragraphs["paragraphs"]:
                paragraph["speaker_name"] = label(int(paragraph["speaker"]), names)
    return document


def named_captions(text: str, document: dict[str, Any], names: Mapping[int, str], *, vtt: bool) -> str:
    """An srt or vtt whose cues say who speaks: a WebVTT voice tag (``<v Dr. Patel>``), or ``Dr. Patel: `` in srt.
    A cue's speaker is that of the utterance it starts in (a cue never spans two)."""
    spans = [(float(u["start"]), float(u["end"]), int(u["speaker"])) for u in document["results"]["utterances"]]
    blocks = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        timed = next((n for n, line in enumerate(lines) if _CUE_TIME.match(line)), None)
        if timed is not None and timed + 1 < len(lines):
            start = _seconds(_CUE_TIME.match(lines[timed]))
            speaker = next((s for begin, end, s in spans if begin - 0.001 <= start < end), None)
            if speaker is not None:
                name = label(speaker, names)
                lines[timed + 1] = f"<v {name}>{lines[timed + 1]}" if vtt else f"{name}: {lines[timed + 1]}"
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _seconds(timing: re.Match[str] | None) -> float:
    assert timing is not None
    hours, minutes, seconds, millis = (int(part) for part in timing.groups())
    return hours * 3600 + minutes * 60 + seconds + millis / 1000
