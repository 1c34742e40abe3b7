"""Redaction (``redact``) and profanity masking (``profanity_filter``) over transcript words. Pure functions.

Redaction finds entities in the word sequence and replaces each with one tag word (``[PHONE]``, ``[SSN]``, ...)
that keeps the entity's time span and speaker, so every format (txt, srt, vtt, json) shows the tag at the right
moment and no format can leak the original. The rules are English-first heuristics, stated here so an operator
knows what they catch:

- ``pci``: a run of 13–19 digits (spoken or written, however grouped); ``ssn``: a run of exactly 9 digits;
  ``phone``: a run of 7, 10 or 11 digits; ``numbers``: any other run of numerals or number words.
- ``email``: ``someone@example.com``, and the spoken ``someone at example dot com``.
- ``name``: capitalised words after a title (Dr, Mr, Mrs, Ms, Miss, Nurse, Professor) or "my name is"; and any
  capitalised word inside a sentence that is a census first name, with a following capitalised surname.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from aftercall.domain.transcript import Word

KINDS = ("pci", "ssn", "numbers", "email", "phone", "name")
# Deepgram's names for groups of entities, as the kinds above that come closest. ``phi`` finds the identifiers of a
# health record that these rules can see (names, contact details, SSNs, numbers such as dates and record numbers);
# conditions, drugs and procedures are not redacted (docs/api.md §2).
GROUPS = {
    "pii": ("name", "email", "phone", "ssn"),
    "phi": ("name", "email", "phone", "ssn", "numbers"),
    "aggressive_numbers": ("pci", "ssn", "phone", "numbers"),
}
OPTIONS = (*KINDS, *GROUPS)  # what ``redact`` may list


def kinds_of(options: Sequence[str]) -> tuple[str, ...]:
    """The kinds ``options`` (kinds and group names) ask for, each once, in ``KINDS`` order."""
    asked = {kind for option in options for kind in GROUPS.get(option, (option,))}
    return tuple(kind for kind in KINDS if kind in asked)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NUMBER_WORDS = _words(
    "zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million "
    "billion"
)
_DIGIT_WORDS = {
    w: i for i, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"))
}
_DIGIT_WORDS["oh"] = 0
_TITLES = _words("dr doctor mr mrs ms miss nurse professor prof")
_DOMAINS = _words("com org net edu gov io co uk us ca de fr info biz me")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
_DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)*\.[a-z]{2,}$")
_SENTENCE_END = (".", "?", "!")
_TRAILING = ".,?!;:"

W = TypeVar("W", bound=Word)


@dataclass(frozen=True)
class Lexicon:
    first_names: frozenset[str]  # lower case
    last_names: frozenset[str]
    profanities: frozenset[str]


@dataclass(frozen=True)
class Span:
    start: int  # index of the first word
    end: int  # one past the last
    kind: str


def redact(words: Sequence[Word], kinds: Sequence[str], lexicon: Lexicon) -> tuple[Word, ...]:
    """``words`` with every entity of ``kinds`` replaced by one tag word spanning its time."""
    if not kinds:
        return tuple(words)
    spans = find_entities(words, set(kinds), lexicon)
    out: list[Word] = []
    i = 0
    for span in spans:
        out.extend(words[i : span.start])
        out.append(_tag(words[span.start : span.end], span.kind))
        i = span.end
    out.extend(words[i:])
    return tuple(out)


def mask_profanity(words: Sequence[Word], lexicon: Lexicon) -> tuple[Word, ...]:
    """Each profane word as its first letter and asterisks (``f***``), punctuation and timing kept."""
    return tuple(_masked(w) if w.word in lexicon.profanities else w for w in words)


def find_entities(words: Sequence[Word], kinds: set[str], lexicon: Lexicon) -> list[Span]:
    """Non-overlapping entity spans in word order (an earlier, longer match wins)."""
    found: list[Span] = []
    if kinds & {"pci", "ssn", "phone", "numbers"}:
        found += _number_spans(words, kinds)
    if "email" in kinds:
        found += _email_spans(words)
    if "name" in kinds:
        found += _name_spans(words, lexicon)
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    spans: list[Span] = []
    for span in found:
        if not spans or span.start >= spans[-1].end:
            spans.append(span)
    return spans


def _is_number(word: Word) -> bool:
    parts = word.word.split("-")
    return any(c.isdigit() for c in word.word) or all(p in _NUMBER_WORDS for p in parts)


def _digit_count(run: Sequence[Word]) -> int:
    return sum(sum(c.isdigit() for c in w.word) or (1 if w.word in _DIGIT_WORDS else 0) for w in run)


def _number_spans(words: Sequence[Word], kinds: set[str]) -> list[Span]:
    spans = []
    i = 0
    while i < len(words):
        if not _is_number(words[i]) or words[i].word == "oh":
            i += 1
            continue
        j = i + 1
        while j < len(words) and (
            _is_number(words[j]) or (words[j].word == "and" and j + 1 < len(words) and _is_number(words[j + 1]))
        ):
            j += 1
        digits = _digit_count(words[i:j])
        kind = (
            "pci" if 13 <= digits <= 19 else "ssn" if digits == 9 else "phone" if digits in (7, 10, 11) else "numbers"
        )
        if kind in kinds or (kind != "numbers" and "numbers" in kinds):
            spans.append(Span(i, j, kind if kind in kinds else "numbers"))
        i = j
    return spans


def _email_spans(words: Sequence[Word]) -> list[Span]:
    spans = []
    for i, w in enumerate(words):
        text = w.punctuated_word.rstrip(_TRAILING).lower()
        if _EMAIL.match(text):
            spans.append(Span(i, i + 1, "email"))
        elif w.word == "at" and i > 0:
            after = [x.punctuated_word.rstrip(_TRAILING).lower() for x in words[i + 1 : i + 4]]
            if after and _DOMAIN.match(after[0]):
                spans.append(Span(i - 1, i + 2, "email"))  # someone at example.com
            elif len(after) == 3 and after[1] == "dot" and after[2] in _DOMAINS:
                spans.append(Span(i - 1, i + 4, "email"))  # someone at example dot com
    return spans


def _capitalised(w: Word) -> bool:
    core = w.punctuated_word.strip(_TRAILING + "\"'")
    return len(core) >= 2 and core[0].isupper() and core[1:].islower() and core.isalpha()


def _name_spans(words: Sequence[Word], lexicon: Lexicon) -> list[Span]:
    spans = []
    for i, w in enumerate(words):
        previous = words[i - 1] if i else None
        after_title = previous is not None and previous.word in _TITLES
        introduced = i >= 3 and [x.word for x in words[i - 3 : i]] == ["my", "name", "is"]
        mid_sentence = previous is not None and not previous.punctuated_word.endswith(_SENTENCE_END)
        is_name = _capitalised(w) and (after_title or introduced or (mid_sentence and w.word in lexicon.first_names))
        if not is_name:
            continue
        end = i + 1
        while (
            end < len(words)
            and end - i < 3
            and _capitalised(words[end])
            and not words[end - 1].punctuated_word.endswith(_SENTENCE_END)
        ):
            if words[end].word not in lexicon.last_names and words[end].word not in lexicon.first_names:
                break
            end += 1
        spans.append(Span(i, end, "name"))
    return spans


def _tag(run: Sequence[W], kind: str) -> W:
    label = f"[{kind.upper() if kind != 'numbers' else 'NUMBER'}]"
    last = run[-1].punctuated_word
    trailing = last[len(last.rstrip(_TRAILING)) :]
    return replace(
        run[0],
        word=label.lower(),
        end=run[-1].end,
        confidence=min(w.confidence for w in run),
        punctuated_word=label + trailing,
    )


def _masked(w: W) -> W:
    text = w.punctuated_word
    core_start = next((k for k, c in enumerate(text) if c.isalnum()), 0)
    core_end = len(text.rstrip(_TRAILING + "\"'"))
    core = text[core_start:core_end]
    masked = core[:1] + "*" * (len(core) - 1)
    return replace(w, word=masked.lower(), punctuated_word=text[:core_start] + masked + text[core_end:])
