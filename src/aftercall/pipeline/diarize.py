"""Step 4: label each word with its speaker, from the diarizer's turns.

A word takes the speaker whose turns overlap it most (its ``speaker_confidence`` is the share of the word they
cover); a word outside every turn (the VAD heard no speech there) takes the nearest turn's speaker, with confidence
0. Speakers are numbered 0, 1, ... in order of first appearance, as Deepgram numbers them.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from aftercall.diarization import SpeakerTurn
from aftercall.domain.transcript import Word


def assign_speakers(words: Sequence[Word], turns: Sequence[SpeakerTurn]) -> tuple[Word, ...]:
    if not turns:
        return tuple(replace(w, speaker=0, speaker_confidence=0.0) for w in words)
    turns = sorted(turns, key=lambda t: t.start)
    starts = [t.start for t in turns]
    labelled = [_label(word, turns, starts) for word in words]
    numbers: dict[int, int] = {}
    for _, label, _ in labelled:
        numbers.setdefault(label, len(numbers))
    return tuple(
        replace(word, speaker=numbers[label], speaker_confidence=round(share, 4)) for word, label, share in labelled
    )


def _label(word: Word, turns: Sequence[SpeakerTurn], starts: list[float]) -> tuple[Word, int, float]:
    overlap: dict[int, float] = {}
    i = bisect.bisect_right(starts, word.end) - 1
    while i >= 0 and turns[i].end > word.start:  # turns do not overlap: the earlier ones end earlier
        shared = min(word.end, turns[i].end) - max(word.start, turns[i].start)
        if shared > 0:
            overlap[turns[i].speaker] = overlap.get(turns[i].speaker, 0.0) + shared
        i -= 1
    if overlap:
        speaker = max(overlap, key=lambda s: overlap[s])
        length = word.end - word.start
        return word, speaker, min(1.0, overlap[speaker] / length) if length > 0 else 1.0
    middle = (word.start + word.end) / 2
    i = bisect.bisect_right(starts, middle)
    nearest = min(turns[max(i - 1, 0) : i + 1], key=lambda t: max(t.start - middle, middle - t.end))
    return word, nearest.speaker, 0.0
