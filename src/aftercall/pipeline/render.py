"""Transcript files in Daily's formats (docs/api.md §3.1–§3.3): txt, srt, vtt and Deepgram-shaped json."""

from __future__ import annotations

import json
import uuid
from statistics import fmean
from typing import Any

from aftercall.domain.transcript import (
    MAX_LINE_CHARS,
    Cue,
    Transcript,
    Utterance,
    Word,
    cues,
    join_words,
    turns,
    utterances,
)
from aftercall.domain.wire import iso_time

VTT_PREFIX = "- "


def render_all(transcript: Transcript, *, request_id: str, created: float) -> dict[str, bytes]:
    """Every transcript format, keyed by extension."""
    utts = utterances(transcript.words)
    return {
        "txt": render_txt(utts).encode(),
        "srt": render_srt(cues(utts)).encode(),
        # The vtt cue carries "- " in front of its first line, so it wraps two characters narrower.
        "vtt": render_vtt(cues(utts, line_chars=MAX_LINE_CHARS - len(VTT_PREFIX)), transcript).encode(),
        "json": json.dumps(render_json(transcript, utts, request_id, created), ensure_ascii=False).encode(),
    }


def render_txt(utts: list[Utterance]) -> str:
    return "\n\n".join(f"Speaker {speaker}: {text}" for speaker, text in turns(utts)) + "\n"


def timestamp(seconds: float, separator: str) -> str:
    millis = round(max(seconds, 0.0) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def render_srt(cue_list: list[Cue]) -> str:
    blocks = [
        f"{i}\n{timestamp(c.start, ',')} --> {timestamp(c.end, ',')}\n" + "\n".join(c.lines)
        for i, c in enumerate(cue_list, start=1)
    ]
    return "\n\n".join(blocks) + "\n"


def render_vtt(cue_list: list[Cue], transcript: Transcript) -> str:
    header = (
        "WEBVTT\n\nNOTE\n"
        f"Transcribed by aftercall with {transcript.model}.\n"
        f"Media duration: {transcript.duration:.3f} s."
    )
    blocks = [
        f"{timestamp(c.start, '.')} --> {timestamp(c.end, '.')}\n{VTT_PREFIX}" + "\n".join(c.lines) for c in cue_list
    ]
    return "\n\n".join([header, *blocks]) + "\n"


def _word_json(w: Word) -> dict[str, Any]:
    return {
        "word": w.word,
        "start": round(w.start, 3),
        "end": round(w.end, 3),
        "confidence": round(w.confidence, 4),
        "speaker": w.speaker,
        "speaker_confidence": round(w.speaker_confidence, 4),
        "punctuated_word": w.punctuated_word,
    }


def _channel_json(transcript: Transcript, words: tuple[Word, ...]) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "alternatives": [
            {
                "transcript": join_words(words),
                "confidence": round(fmean(w.confidence for w in words), 4) if words else 0.0,
                "words": [_word_json(w) for w in words],
            }
        ]
    }
    if transcript.language_confidence is not None:
        channel["detected_language"] = transcript.language
        channel["language_confidence"] = round(transcript.language_confidence, 4)
    return channel


def render_json(transcript: Transcript, utts: list[Utterance], request_id: str, created: float) -> dict[str, Any]:
    """Deepgram's shape: one ``results.channels`` entry per channel transcribed (one unless multichannel)."""
    by_channel = [tuple(w for w in transcript.words if w.channel == c) for c in range(transcript.channels)]
    return {
        "metadata": {
            "request_id": request_id,
            "created": iso_time(created),
            "duration": round(transcript.duration, 3),
            "channels": transcript.channels,
            "models": [transcript.model],
            "language": transcript.language,
        },
        "results": {
            "channels": [_channel_json(transcript, words) for words in by_channel],
            "utterances": [
                {
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"aftercall:{request_id}:{i}")),
                    "start": round(u.start, 3),
                    "end": round(u.end, 3),
                    "confidence": round(u.confidence, 4),
                    "channel": u.channel,
                    "transcript": u.text,
                    "speaker": u.speaker,
                    "words": [_word_json(w) for w in u.words],
                }
                for i, u in enumerate(utts)
            ],
        },
    }
