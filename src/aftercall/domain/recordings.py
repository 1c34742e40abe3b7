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
