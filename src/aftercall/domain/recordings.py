"""Stored recordings (docs/api.md §4), so that ``sourceType: recordingId`` has something to name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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

    def public_view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "room_name": self.room_name,
            "start_ts": self.start_ts,
            "status": "finished",
            "duration": round(self.duration),
            "max_participants": 0,
            "tracks": [],
        }
