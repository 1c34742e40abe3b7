"""What an answered item rests on in the transcript: the turns where its quotes are, each question with its answer
(and each answer with its question), and the turns before them where a pronoun's referent may be named."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aftercall.notes.lexicon import PRONOUNS
from aftercall.notes.segments import Segment
from aftercall.notes.tokens import clauses, tokens

_ANTECEDENT_TURNS = 3  # turns before the evidence searched for what "it" refers to


@dataclass(frozen=True)
class Evidence:
    """What an item rests on: the turns where its quotes are, with the question each answers (or the answer each
    question got), and the turns before them where a pronoun's referent may be named."""

    turns: tuple[Segment, ...]
    antecedents: tuple[Segment, ...] = ()
    sides_said: frozenset[str] = frozenset()  # the sides (left, right, both) said anywhere in the conversation

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.turns)

    @property
    def context(self) -> str:
        return "\n".join(s.text for s in (*self.antecedents, *self.turns))


def gather(found: list[Segment], transcript: dict[int, Segment], sides_said: frozenset[str] = frozenset()) -> Evidence:
    """The evidence of quotes ``found`` in these segments: each with its question or answer, and antecedents."""
    turns: dict[int, Segment] = {s.index: s for s in found}
    for segment in found:
        before, after = transcript.get(segment.index - 1), transcript.get(segment.index + 1)
        if before is not None and before.speaker != segment.speaker and asks(before.text):
            turns[before.index] = before
        if after is not None and after.speaker != segment.speaker and asks(segment.text):
            turns[after.index] = after
    ordered = tuple(sorted(turns.values(), key=lambda s: s.index))
    antecedents: tuple[Segment, ...] = ()
    if any(t in PRONOUNS for s in ordered for t in tokens(s.text)):
        first = ordered[0].index
        antecedents = tuple(transcript[n] for n in range(first - _ANTECEDENT_TURNS, first) if n in transcript)
    return Evidence(ordered, antecedents, sides_said)


def asks(text: str) -> bool:
    return "?" in text


def parts(text: str) -> list[tuple[str, bool]]:
    """The clauses of ``text``, each with whether it belongs to a question."""
    found = []
    for sentence in re.split(r"(?<=[.?!])\s+", text.strip()):
        asked = sentence.rstrip().endswith("?")
        found.extend((clause, asked) for clause in clauses(sentence))
    return found
