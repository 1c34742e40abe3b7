"""Who spoke when, behind one protocol. Backends: ``local`` (voice embeddings + spectral clustering on CPU)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class SpeakerTurn:
    start: float  # seconds
    end: float
    speaker: int  # a cluster label: the same voice has the same label within one call


@dataclass(frozen=True)
class SpeakerCount:
    """``num_speakers`` / ``min_speakers`` / ``max_speakers`` of a job's ``extra`` (docs/api.md §2)."""

    minimum: int = 1
    maximum: int = 8

    @classmethod
    def of(cls, extra: dict[str, object]) -> SpeakerCount:
        exact = extra.get("num_speakers")
        if isinstance(exact, int):
            return cls(exact, exact)
        low, high = extra.get("min_speakers"), extra.get("max_speakers")
        minimum = low if isinstance(low, int) else 1
        maximum = high if isinstance(high, int) else max(cls.maximum, minimum)
        return cls(minimum, max(minimum, maximum))


class Diarizer(Protocol):
    def diarize(self, samples: np.ndarray, count: SpeakerCount) -> list[SpeakerTurn]:
        """Speaker turns of 16 kHz mono float32 ``samples``, in time order, not overlapping."""
