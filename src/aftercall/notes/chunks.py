"""Splitting a transcript into pieces a model's context can hold, on segment boundaries, never dropping any."""

from __future__ import annotations

from collections.abc import Callable

from aftercall.notes.segments import Segment, Segments


def line(segment: Segment) -> str:
    """How a model sees one segment: its number (what it cites), speaker and time."""
    minutes, seconds = divmod(int(segment.start), 60)
    return f"[{segment.index}] Speaker {segment.speaker} ({minutes:02d}:{seconds:02d}): {segment.text}"


def chunks(segments: Segments, *, budget: int, count_tokens: Callable[[str], int]) -> list[tuple[Segment, ...]]:
    """Consecutive runs of segments whose lines fit ``budget`` tokens each. A segment too long for a chunk on its
    own is cut into word runs that share its number, so no words are ever left out."""
    result: list[tuple[Segment, ...]] = []
    current: list[Segment] = []
    used = 0
    for segment, cost in _fitting(segments.items, budget, count_tokens):
        if current and used + cost > budget:
            result.append(tuple(current))
            current, used = [], 0
        current.append(segment)
        used += cost
    if current:
        result.append(tuple(current))
    return result


def _fitting(items: tuple[Segment, ...], budget: int, count_tokens: Callable[[str], int]) -> list[tuple[Segment, int]]:
    """Each segment with its cost in tokens (its line and a newline), long ones cut into pieces that fit."""
    result: list[tuple[Segment, int]] = []
    for segment in items:
        cost = count_tokens(line(segment)) + 1
        if cost <= budget:
            result.append((segment, cost))
            continue
        words = segment.text.split()
        pieces = max(2, -(-cost // (budget // 2)))
        size = -(-len(words) // pieces)
        step = (segment.end - segment.start) / pieces
        for i in range(0, len(words), size):
            part = i // size
            piece = Segment(
                segment.index,
                segment.speaker,
                round(segment.start + part * step, 2),
                round(segment.start + (part + 1) * step, 2),
                " ".join(words[i : i + size]),
            )
            result.append((piece, count_tokens(line(piece)) + 1))
    return result
