"""Transcript files in Daily's formats (docs/api.md §3.1–§3.3): txt, srt, vtt and Deepgram-shaped json."""

from __future__ import annotations

import json
import uuid
from statistics import fmean
from typing import Any

from aftercall import __version__
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


def render_all(transcript: Transcript, *, request_id: str, created: float, sha256: str) -> dict[str, bytes]:
    """Every transcript format, keyed by extension; ``sha256`` is the media's, as Deepgram's metadata gives it."""
    utts = utterances(transcript.words)
    return {
        "txt": render_txt(utts).encode(),
        "srt": render_srt(cues(utts)).encode(),
        # The vtt cue carries "- " in front of its first line, so it wraps two characters narrower.
        "vtt": render_vtt(
            cues(utts, line_chars=MAX_LINE_CHARS - len(VTT_PREFIX)), transcript, request_id=request_id, created=created
        ).encode(),
        "json": json.dumps(render_json(transcript, utts, request_id, created, sha256), ensure_ascii=False).encode(),
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


def render_vtt(cue_list: list[Cue], transcript: Transcript, *, request_id: str, created: float) -> str:
    """Numbered cues, as Daily's example has them, after a NOTE block with the fields of Deepgram's own."""
    header = "\n".join(
        (
            "WEBVTT",
            "",
            "NOTE",
            f"Transcription provided by aftercall ({transcript.model})",
            f"Request Id: {request_id}",
            f"Created: {iso_time(created)}",
            f"Duration: {transcript.duration:.3f}",
            f"Channels: {transcript.channels}",
        )
    )
    blocks = [
        f"{i}\n{timestamp(c.start, '.')} --> {timestamp(c.end, '.')}\n{VTT_PREFIX}" + "\n".join(c.lines)
        for i, c in enumerate(cue_list, start=1)
    ]
    return "\n\n".join([header, *blocks]) + "\n"


# A word is never shorter than this in the json: Deepgram's words all last, and clients divide by their length.
MIN_WORD_SECONDS = 0.01


def _word_json(w: Word) -> dict[str, Any]:
    return {
        "word": w.word,
        "start": round(w.start, 3),
        "end": round(max(w.end, w.start + MIN_WORD_SECONDS), 3),
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
                "paragraphs": _paragraphs(words),
            }
        ]
    }
    if transcript.language_confidence is not None:
        channel["detected_language"] = transcript.language
        channel["language_confidence"] = round(transcript.language_confidence, 4)
    return channel


def _paragraphs(words: tuple[Word, ...]) -> dict[str, Any]:
    """Deepgram's ``paragraphs`` of one channel: a paragraph per utterance (a change of speaker or a long pause),
    each cut into sentences at their final punctuation, and the whole as ``"\nSpeaker 0: ..."`` text."""
    paragraphs = []
    for utt in utterances(words):
        sentences, current = [], []
        for word in utt.words:
            current.append(word)
            if word.punctuated_word.endswith(_SENTENCE_ENDINGS):
                sentences.append(current)
                current = []
        if current:
            sentences.append(current)
        paragraphs.append(
            {
                "sentences": [
                    {"text": join_words(s), "start": round(s[0].start, 3), "end": round(s[-1].end, 3)}
                    for s in sentences
                ],
                "speaker": utt.speaker,
                "num_words": len(utt.words),
                "start": round(utt.start, 3),
                "end": round(utt.end, 3),
            }
        )
    text = "".join(
        f"\nSpeaker {p['speaker']}: " + " ".join(s["text"] for s in p["sentences"]) + "\n" for p in paragraphs
    )
    return {"transcript": text, "paragraphs": paragraphs}


_SENTENCE_ENDINGS = (".", "?", "!", "。", "？", "！", "…")


def render_json(
    transcript: Transcript, utts: list[Utterance], request_id: str, created: float, sha256: str
) -> dict[str, Any]:
    """Deepgram's shape: one ``results.channels`` entry per channel transcribed (one unless multichannel)."""
    by_channel = [tuple(w for w in transcript.words if w.channel == c) for c in range(transcript.channels)]
    model = str(uuid.uuid5(uuid.NAMESPACE_URL, f"aftercall:{transcript.model}"))  # Deepgram names models by uuid
    engine, _, name = transcript.model.rpartition("/")
    return {
        "metadata": {
            "transaction_key": "deprecated",  # what Deepgram itself sends there now
            "request_id": request_id,
            "sha256": sha256,
            "created": iso_time(created),
            "duration": round(transcript.duration, 3),
            "channels": transcript.channels,
            "models": [model],
            "model_info": {model: {"name": name, "version": f"aftercall-{__version__}", "arch": engine or name}},
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
