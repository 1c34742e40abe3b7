"""Checking a model's claims against the transcript: a claim must cite segments that exist, and those segments must
say what it says (its words, every number and every medication in it). This is what keeps a small model from
putting an invented drug or dose into a patient's note. Pure functions only."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from aftercall.notes import drugs
from aftercall.notes.segments import Segment

# fmt: off
_STOPWORDS = frozenset((
    "about", "above", "after", "again", "against", "also", "because", "been", "before", "being", "below", "between",
    "both", "could", "does", "doing", "down", "during", "each", "from", "further", "have", "having", "here", "hers",
    "herself", "himself", "into", "itself", "just", "more", "most", "myself", "once", "only", "other", "ours",
    "ourselves", "over", "same", "should", "some", "such", "than", "that", "their", "theirs", "them", "themselves",
    "then", "there", "these", "they", "this", "those", "through", "under", "until", "very", "were", "what", "when",
    "where", "which", "while", "whom", "will", "with", "would", "your", "yours", "yourself", "yourselves",
    # words every clinical statement uses, which prove nothing about its source
    "patient", "patients", "reports", "reported", "report", "states", "stated", "says", "said", "speaker", "doctor",
    "visit", "today",
))
_NUMBER_WORDS = {word: str(value) for value, word in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
))}
_NEGATIONS = frozenset((
    "no", "not", "denies", "denied", "deny", "without", "never", "negative", "none", "nor", "hasn't", "haven't",
    "don't", "doesn't", "didn't", "isn't", "wasn't",
))
_ALLERGY = frozenset(("allergic", "allergy", "allergies", "reaction"))
# fmt: on
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CLAUSE_END = re.compile(r"[.;:?!]|,\s*(?:but|and|however)\b")


def span(segment: Segment) -> dict[str, float | int]:
    return {"start": round(segment.start, 2), "end": round(segment.end, 2), "speaker": segment.speaker}


def cited(numbers: Iterable[int], chunk: Mapping[int, Segment]) -> list[Segment] | None:
    """The segments a claim cites, in order, or None if it cites none or one that is not in the chunk it read."""
    found = []
    for number in dict.fromkeys(numbers):
        if number not in chunk:
            return None
        found.append(chunk[number])
    return sorted(found, key=lambda s: s.index) or None


def relevant(claim: str, cited: list[Segment]) -> list[Segment]:
    """The cited segments that share a content word with ``claim``: a model that cites a whole passage for one
    sentence is held to the segments that say it."""
    mine = {_stem(w) for w in content_words(claim)}
    return [s for s in cited if mine & {_stem(w) for w in content_words(s.text)}]


def content_words(text: str) -> list[str]:
    return [w for w in (word.lower() for word in drugs.words(text)) if len(w) >= 4 and w not in _STOPWORDS]


def supports(claim: str, evidence: list[Segment], *, every_word: bool = False) -> bool:
    """Whether ``evidence`` says what ``claim`` says: it shares at least one content word with it (every one, with
    ``every_word``), and contains each of its numbers and medications."""
    said = " ".join(segment.text for segment in evidence)
    heard = {_stem(w) for w in content_words(said)}
    mine = [_stem(w) for w in content_words(claim)]
    overlap = [w for w in mine if w in heard]
    if not overlap or (every_word and len(overlap) < len(mine)):
        return False
    if not _numbers(claim) <= _numbers(said):
        return False
    return {m.name for m in drugs.find(claim)} <= {m.name for m in drugs.find(said)}


def negated(term: str, evidence: list[Segment]) -> bool:
    """Whether the first mention of ``term`` in ``evidence`` follows a negation in its own clause ("denies chest
    pain"; "no fever, but a cough" negates fever only)."""
    return preceded_by(term, evidence, _NEGATIONS)


def allergy(term: str, evidence: list[Segment]) -> bool:
    """Whether ``term`` is mentioned as something the patient is allergic to ("allergic to penicillin")."""
    return preceded_by(term, evidence, _ALLERGY)


def preceded_by(term: str, evidence: list[Segment], cues: frozenset[str], window: int = 6) -> bool:
    """Whether one of ``cues`` comes at most ``window`` words before the first mention of ``term`` in ``evidence``,
    within the same clause."""
    key = content_words(term)
    if not key:
        return False
    target = _stem(key[0])
    for segment in evidence:
        for clause in _CLAUSE_END.split(segment.text):
            tokens = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z']*", clause)]
            for i, token in enumerate(tokens):
                if _stem(token) == target:
                    return any(t in cues for t in tokens[max(0, i - window) : i])
    return False


def _stem(word: str) -> str:
    return word[:5]


def _numbers(text: str) -> set[str]:
    found = {n.rstrip("0").rstrip(".") if "." in n else n for n in _NUMBER.findall(text)}
    return found | {_NUMBER_WORDS[w] for w in (t.lower() for t in drugs.words(text)) if w in _NUMBER_WORDS}
