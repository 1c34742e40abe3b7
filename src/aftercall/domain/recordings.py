"""Stored recordings (docs/api.md §4), so that ``sourceType: recordingId`` has something to name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recording:
    id: str
    room_name: str
    start_ts: int
    duration: float
    key: str
    size: int
    content_type: str
    created_at: float
    filename: str | None = None  # the uploaded file's own name (extension), for people to tell recordings apart


MAX_FILENAME_CHARS = 255


def clean_filename(name: str | None) -> str | None:
    """An uploaded file's name as it is kept: its last path part, without control characters, at most 255
    characters; None when nothing is left."""
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in base if ord(c) >= 32 and c != "\x7f").strip()
    return kept[:MAX_FILENAME_CHARS] or None
