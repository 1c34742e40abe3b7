"""Finding the short verbatim spans a model quotes as its evidence in the transcript, tolerant of case, punctuation,
numbers written as digits or words, and a misheard or dropped word or two."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import SequenceMatcher

from aftercall.notes.numbers import numbers
from aftercall.notes.segments import Segment
from aftercall.notes.tokens import tokens

MIN_SHARE = 0.75  # of a quote's words that must be found in order in one segment
_SLACK = 3  # words a quoted stretch may run longer than the quote (a word split in two by speech recognition)
NEIGHBOURS = 2  # turns either side of a cited one where a quote is still accepted (models cite off by one)
_FILLERS = frozenset(("um", "uh", "er", "erm", "hmm", "mm", "ah", "oh", "like", "you", "know", "i", "mean", "so"))


def located(quotes: Iterable[str], cited: list[Segment], chunk: dict[int, Segment]) -> list[Segment] | None:
    """The segments where the quotes are found, searching the cited segments first and then their neighbours in the
    chunk; None if any quote is found nowhere near what the item cites."""
    near = _near(cited, chunk)
    found: dict[int, Segment] = {}
    for quote in quotes:
        words = _normalised(quote)
        if not words:
            continue
        segment = next((s for s in [*cited, *near] if _contains(_normalised(s.text), words)), None)
        if segment is None:
            return None
        found[segment.index] = segment
    return sorted(found.values(), key=lambda s: s.index) or None


def _near(cited: list[Segment], chunk: dict[int, Segment]) -> list[Segment]:
    numbers_cited = {s.index for s in cited}
    around = sorted(
        {n + d for n in numbers_cited for d in range(-NEIGHBOURS, NEIGHBOURS + 1)} - numbers_cited,
        key=lambda n: min(abs(n - c) for c in numbers_cited),
    )
    return [chunk[n] for n in around if n in chunk]


def _normalised(text: str) -> list[str]:
    """Tokens with every number (digits or a run of number words) as one "#", and fillers left out."""
    result: list[str] = []
    for token in tokens(text):
        if token in _FILLERS or token == "?":
            continue
        if (numbers(token, spoken=False) and not token.isalpha()) or _is_number_word(token):
            if result and result[-1] == "#":
                continue
            result.append("#")
        else:
            result.append(token)
    return result


def _is_number_word(token: str) -> bool:
    return token.isalpha() and token not in ("a", "an", "half", "couple", "dozen") and bool(numbers(token))


def _contains(text: list[str], quote: list[str]) -> bool:
    """Whether some stretch of ``text`` about as long as ``quote`` holds ``MIN_SHARE`` of its words in order (all of
    them for a quote of one or two words)."""
    if len(quote) <= 2:
        return any(text[i : i + len(quote)] == quote for i in range(len(text) - len(quote) + 1))
    size = len(quote) + _SLACK
    for start in range(max(1, len(text) - len(quote) + 1)):
        window = text[start : start + size]
        blocks = SequenceMatcher(None, window, quote, autojunk=False).get_matching_blocks()
        matched = sum(block.size for block in blocks)
        if matched >= MIN_SHARE * len(quote):
            return True
    return False
