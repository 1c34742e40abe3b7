"""Where audio is quiet: the quietest moment of a stretch, and the pauses between utterances (where a long
recording is cut into blocks, or a call that changes language into its parts)."""

from __future__ import annotations

import numpy as np

from aftercall.media import SAMPLE_RATE, to_float

# A pause between utterances: 20 dB under the stretch's loud moments (its 90th percentile: a stretch mostly quiet
# has a quiet median; a softer voice is seldom 20 dB under a louder one, a line's noise usually more).
_PAUSE_POWER = 0.01
_LOUD = 90


def frame_energy(samples: np.ndarray) -> np.ndarray:
    """The mean power of each whole 100 ms of ``samples``."""
    frame = SAMPLE_RATE // 10
    audio = to_float(samples).astype(np.float64)
    return (audio[: len(audio) // frame * frame].reshape(-1, frame) ** 2).mean(axis=1)


def quietest(samples: np.ndarray, start: int, end: int) -> int:
    """The middle of the quietest 100 ms of ``samples[start:end]``."""
    frame = SAMPLE_RATE // 10
    return start + int(np.argmin(frame_energy(samples[start:end]))) * frame + frame // 2


def pauses(samples: np.ndarray, start: int, end: int) -> list[int]:
    """The middle of each pause in ``samples[start:end]``: 200 ms or more 20 dB under its loud moments."""
    frame = SAMPLE_RATE // 10
    energy = frame_energy(samples[start:end])
    quiet = energy < _PAUSE_POWER * np.percentile(energy, _LOUD)
    middles, run = [], 0
    for i, still in enumerate([*quiet, False]):
        if still:
            run += 1
            continue
        if run >= 2:
            middles.append(start + (i - run) * frame + run * frame // 2)
        run = 0
    return middles
