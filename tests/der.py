"""Scoring diarization against the reference turns of the generated test calls (``tests/data/*.turns``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from aftercall.diarization import SpeakerTurn

DATA = Path(__file__).parent / "data"
STEP = 0.01  # seconds per scoring frame
COLLAR = 0.25  # seconds around each reference boundary left unscored, as NIST's md-eval does by default


@dataclass(frozen=True)
class Reference:
    turns: list[tuple[float, float, str]]  # start, end, speaker letter

    @classmethod
    def of(cls, name: str) -> Reference:
        rows = (line.split() for line in (DATA / f"{name}.turns").read_text().splitlines() if line.strip())
        return cls([(float(a), float(b), who) for a, b, who in rows])

    @property
    def speakers(self) -> list[str]:
        return sorted({who for *_, who in self.turns})

    def speaker_at(self, t: float) -> str | None:
        return next((who for a, b, who in self.turns if a <= t <= b), None)


def diarization_error_rate(reference: Reference, hypothesis: list[SpeakerTurn]) -> float:
    """(missed speech + false alarm + confusion) / scored reference speech, with the best one-to-one speaker map."""
    end = max([b for _, b, _ in reference.turns] + [t.end for t in hypothesis]) + 1.0
    frames = int(end / STEP)
    ref = np.full(frames, -1)
    scored = np.ones(frames, dtype=bool)
    for a, b, who in reference.turns:
        ref[int(a / STEP) : int(b / STEP)] = reference.speakers.index(who)
        for edge in (a, b):
            scored[max(0, int((edge - COLLAR) / STEP)) : int((edge + COLLAR) / STEP)] = False
    labels = sorted({t.speaker for t in hypothesis})
    hyp = np.full(frames, -1)
    for t in hypothesis:
        hyp[int(t.start / STEP) : int(t.end / STEP)] = labels.index(t.speaker)
    ref, hyp = ref[scored], hyp[scored]
    overlap = np.zeros((len(reference.speakers), max(len(labels), 1)))
    for r in range(len(reference.speakers)):
        for h in range(len(labels)):
            overlap[r, h] = np.sum((ref == r) & (hyp == h))
    rows, cols = linear_sum_assignment(-overlap)
    correct = overlap[rows, cols].sum()
    speech = np.sum(ref >= 0)
    missed = np.sum((ref >= 0) & (hyp < 0))
    false_alarm = np.sum((ref < 0) & (hyp >= 0))
    confusion = speech - missed - correct
    return float((missed + false_alarm + confusion) / speech)
