"""Parsers and rule checks for the transcript formats of docs/api.md §3, shared by unit and end-to-end tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_TIME = r"(\d{2}):(\d{2}):(\d{2})[,.](\d{3})"
_CUE_TIMES = re.compile(rf"^{_TIME} --> {_TIME}$")


@dataclass
class ParsedCue:
    start: float
    end: float
    lines: list[str]


def _seconds(h: str, m: str, s: str, ms: str) -> float:
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def parse_srt(text: str) -> list[ParsedCue]:
    cues = []
    for number, block in enumerate(text.strip().split("\n\n"), start=1):
        lines = block.split("\n")
        assert lines[0] == str(number), f"srt cue numbers run 1, 2, ...: {block!r}"
        assert re.fullmatch(r"\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}", lines[1]), lines[1]
        match = _CUE_TIMES.match(lines[1])
        assert match
        g = match.groups()
        cues.append(ParsedCue(_seconds(*g[:4]), _seconds(*g[4:]), lines[2:]))
    return cues


def parse_vtt(text: str) -> tuple[str, list[ParsedCue]]:
    """Returns the NOTE block's text and the cues (with the "- " of Daily's style removed)."""
    blocks = text.strip().split("\n\n")
    assert blocks[0] == "WEBVTT"
    assert blocks[1].startswith("NOTE\n"), "a NOTE block naming the engine follows the header"
    cues = []
    for number, block in enumerate(blocks[2:], start=1):
        identifier, *lines = block.split("\n")
        assert identifier == str(number), "cues are numbered from 1, as in Daily's example"
        assert re.fullmatch(r"\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}", lines[0]), lines[0]
        match = _CUE_TIMES.match(lines[0])
        assert match
        assert lines[1].startswith("- "), f"vtt cue text starts with '- ': {block!r}"
        g = match.groups()
        cues.append(ParsedCue(_seconds(*g[:4]), _seconds(*g[4:]), lines[1:]))
    return blocks[1], cues


def check_cues(cues: list[ParsedCue], duration: float) -> None:
    """docs/api.md §3.3: in time order, never overlapping, at most 10 s and 2 lines of 42 characters each."""
    assert cues, "at least one cue"
    previous_end = 0.0
    for cue in cues:
        assert cue.start >= previous_end - 1e-9, f"cue at {cue.start} overlaps the previous one ending {previous_end}"
        assert cue.end >= cue.start
        assert cue.end - cue.start <= 10.0 + 1e-9
        assert cue.end <= duration + 0.001
        assert 1 <= len(cue.lines) <= 2, cue.lines
        assert all(len(line) <= 42 for line in cue.lines), cue.lines
        previous_end = cue.end


def check_txt(text: str) -> list[tuple[int, str]]:
    """docs/api.md §3.2: ``Speaker N: text`` per turn, a blank line between turns; returns the turns."""
    blocks = text.strip().split("\n\n")
    turns = []
    for block in blocks:
        match = re.fullmatch(r"Speaker (\d+): (\S.*)", block)
        assert match, f"txt turn is 'Speaker N: text': {block!r}"
        turns.append((int(match.group(1)), match.group(2)))
    return turns


def check_json(raw: bytes, *, job_id: str, duration: float) -> dict:
    """docs/api.md §3.1: Deepgram's shape; every word timed within the media; speakers numbered from 0."""
    doc = json.loads(raw)
    meta = doc["metadata"]
    assert meta["request_id"] == job_id
    assert abs(meta["duration"] - duration) < 0.01
    assert meta["channels"] == 1
    assert "/" in model_of(doc)
    assert len(meta["sha256"]) == 64
    alternative = doc["results"]["channels"][0]["alternatives"][0]
    assert 0 <= alternative["confidence"] <= 1
    words = alternative["words"]
    assert words
    keys = {"word", "start", "end", "confidence", "speaker", "speaker_confidence", "punctuated_word"}
    for word in words:
        assert set(word) == keys
        assert 0 <= word["start"] < word["end"] <= duration + 0.011, "every word lasts (Deepgram's never has 0 s)"
    paragraphs = alternative["paragraphs"]["paragraphs"]
    assert sum(p["num_words"] for p in paragraphs) == len(words), "paragraphs partition the words"
    assert alternative["paragraphs"]["transcript"].startswith(f"\nSpeaker {paragraphs[0]['speaker']}: ")
    assert words[0]["speaker"] == 0
    utterance_words = [w for u in doc["results"]["utterances"] for w in u["words"]]
    assert utterance_words == words, "utterances partition the words, in order"
    for utterance in doc["results"]["utterances"]:
        assert utterance["transcript"] == " ".join(w["punctuated_word"] for w in utterance["words"])
        assert utterance["start"] == utterance["words"][0]["start"]
        assert utterance["channel"] == 0
    return doc


def model_of(doc: dict) -> str:
    """The json's one model as "engine/name": Deepgram names it by a uuid, a key of ``model_info``."""
    [model] = doc["metadata"]["models"]
    info = doc["metadata"]["model_info"][model]
    return f"{info['arch']}/{info['name']}"
