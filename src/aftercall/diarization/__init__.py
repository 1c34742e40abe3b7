"""Who spoke when, behind one protocol. Backends: ``local`` (voice embeddings + spectral clustering on CPU)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from aftercall.domain.jobs import SpeakerCount

__all__ = ["Diarizer", "SpeakerCount", "SpeakerTurn"]


@dataclass(frozen=True)
class SpeakerTurn:
    start: float  # seconds
    end: float
    speaker: int  # a cluster label: the same voice has the same label within one call


class Diarizer(Protocol):
    def diarize(self, samples: np.ndarray, count: SpeakerCount) -> list[SpeakerTurn]:
        """Speaker turns of 16 kHz mono float32 ``samples``, in time order, not overlapping."""
