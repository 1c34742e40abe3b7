"""Cutting text into what the evidence checks read: lower-case tokens (numbers kept whole, "n/v" kept whole,
"10mg" cut in two), sentences and clauses."""

from __future__ import annotations

import re

from aftercall.notes.lexicon import ABBREVIATIONS

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?(?:[./:][a-z0-9]+)*%?|\?")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_SENTENCE_END = re.compile(r"[.;!?]+(?:\s|$)|\n")
_CLAUSE_END = re.compile(r"[.;:?!]+(?:\s|$)|,\s*(?:but|however|though|although|whereas)\b|\s(?:but|however)\s")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; numbers keep their decimals and a slash keeps "150/92" and "n/v" whole."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\bq(\d+)", r"every \1", text)  # "q6-8h" is every 6 to 8 hours
    text = re.sub(r"(?<![a-z\d.])(\d+(?:\.\d+)?)([a-z])", r"\1 \2", text)  # "10mg" → "10 mg"; "hba1c" stays
    text = re.sub(r"\b(x)(\d)", r"\1 \2", text)  # "x2" → "x 2"
    text = re.sub(r"\b([a-z]+)-(\d+)\b", r"\1\2", text)  # a name with a number ("phq-9", "covid-19") is a word
    text = text.replace("-", " ")
    result = []
    for token in _TOKEN.findall(text):
        token = token.removesuffix("'s") if token not in ("it's", "let's", "that's", "what's") else token
        if "/" in token and token not in ABBREVIATIONS and not _DIGITS.fullmatch(token.replace("/", "")):
            result.extend(part for part in token.split("/") if part)
        else:
            result.append(token)
    return result


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def clauses(text: str) -> list[str]:
    return [part for part in _CLAUSE_END.split(text) if part.strip()]
