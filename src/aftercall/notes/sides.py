"""Checks of the side a claim gives: the side said for that thing, not the other side's words or numbers, not a
side where the turns deny the finding, and a comparison of two sides the right way round (see ``checks``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from aftercall.notes.evidence import Evidence
from aftercall.notes.lexicon import ABBREVIATIONS, NEGATIONS, SIDES
from aftercall.notes.numbers import mentions
from aftercall.notes.polarity import readings, word_readings
from aftercall.notes.tokens import clauses, sentences, tokens
from aftercall.notes.words import is_finding, keys


def laterality(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """Each side the claim gives is given in the evidence, and what the claim puts on that side (the words after
    it, the numbers beside it) is not what the evidence puts on the other: "tingling in the right foot" is not "my
    left foot ... Right one's fine"; "168/94 left arm" is not "one sixty-eight over ninety-four in the right arm"."""
    text = unsided(evidence.text)
    said = _sides(text)
    claim = _SIDED.sub(lambda m: _SIDED_ABBREVIATIONS[m.group().lower()], claim)  # "RLE" is the right leg
    heard = {SIDES[w] for w in tokens(text) if w in SIDES}
    denial = bool(set(tokens(claim)) & NEGATIONS)  # ("no edema bilat ankles": the rules of polarity hold it)
    plural = any(w.endswith("s") and len(w) > 3 for w in tokens(text))  # ("my ankles": both)
    spelt = {side for side, _, _ in _sides(claim)}
    for side, about, values in _sides(claim, CLAIM_SIDES):
        same = [(c, v) for s, c, v in said if s == side]
        both = side == "both" and plural and bool(about & keys(text))
        # A side a note abbreviates ("R wrist XR") may come from elsewhere in the visit, where the side was said; one
        # spelt out is said in these turns. (A side said only in a comparison, "right weaker than left", is said.)
        known = heard if side in spelt else heard | evidence.sides_said
        if not same and side not in known and not denial and not both:
            return "laterality"
        other = [(c, v) for s, c, v in said if s != side]
        for mine, theirs in ((about, 0), (values, 1)):
            if mine and not any(mine & pair[theirs] for pair in same) and any(mine & pair[theirs] for pair in other):
                return "laterality"
    placed = _placed(sentences(text), SIDES)
    for side, finding in _placed(clauses(claim), CLAIM_SIDES):
        if not any(finding & theirs for s, theirs in placed if s == side) and any(
            finding & theirs for s, theirs in placed if s != side
        ):
            return "laterality"
    their_comparisons = _comparisons(text, SIDES)
    compared = {CLAIM_SIDES[w] for p in clauses(claim) for piece in p.split(",") if "than" in tokens(piece)
                for w in tokens(piece) if w in CLAIM_SIDES}  # fmt: skip
    if compared - heard:
        return "laterality"  # a comparison of sides the evidence never gives
    if their_comparisons and _comparisons(claim, CLAIM_SIDES) - their_comparisons:
        return "laterality"  # "left tonsil larger than right" is not "the right one is bigger than the left"
    return None


# Comparatives, by which way they point: a side that is larger, worse, higher or weaker has more of what is being
# compared (swelling, pain, deficit); one that is smaller, better, lower or stronger has less.
_COMPARATIVES = {
    **dict.fromkeys(("larger", "bigger", "greater", "fuller", "wider", "thicker", "worse", "more", "higher", "weaker",
                     "puffier", "redder"), 1),
    **dict.fromkeys(("smaller", "narrower", "thinner", "better", "less", "lower", "stronger"), -1),
}  # fmt: skip


def _comparisons(text: str, named: dict[str, str]) -> set[str]:
    """The side each comparison of two sides in ``text`` says has more of what is compared: "the right one is a bit
    bigger than the left" says right; "right stronger than left" says left."""
    found = set()
    for part in clauses(text):
        for piece in part.split(","):
            words = tokens(piece)
            sides = [(i, named[w]) for i, w in enumerate(words) if w in named]
            if len(sides) < 2 or "than" not in words:
                continue
            than = words.index("than")
            first = [(i, s) for i, s in sides if i < than]
            second = [(i, s) for i, s in sides if i > than]
            compared = [_COMPARATIVES[w] for w in words[first[-1][0] if first else 0 : than] if w in _COMPARATIVES]
            if first and second and compared and first[-1][1] != second[0][1]:
                found.add(first[-1][1] if compared[-1] > 0 else second[0][1])
    return found


def denied_on_side(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A finding the claim places on a side that the evidence denies on that side and nowhere affirms there:
    "numbness of the right foot" is not "Any numbness in the right leg?" "No. The right one's fine."."""
    for part in clauses(claim):
        side = one_side(part, CLAIM_SIDES)
        if side is None:
            continue

        def on_side(piece: str, side: str = side) -> bool:
            return one_side(piece, SIDES) == side

        for word, denied, conditional in word_readings(part):
            if is_finding(word) and not denied and not conditional and readings(word, evidence, on_side) == {True}:
                return "laterality"
    return None


def _placed(pieces: list[str], sides: dict[str, str]) -> list[tuple[str, frozenset[str]]]:
    """Each piece that gives one side (left, right or both) with what it says is there: "a little wheeze on the right
    side, down low" places the wheeze on the right, so "wheeze, left base" places it wrong."""
    found = []
    for piece in pieces:
        compared = _COMPARED.search(piece)  # "L>R calf swelling" places nothing on one side alone
        for words in [tokens(piece)] if compared else _one_sided(tokens(piece), sides):
            given = {sides[w] for w in words if w in sides}
            if len(given) == 1:
                found.append((given.pop(), keys(" ".join(w for w in words if w not in sides and w not in _SIDE_WORDS))))
    return found


_COMPARED = re.compile(r"[<>]|\b(?:than|compared|versus|vs)\b", re.IGNORECASE)


def _one_sided(words: list[str], sides: dict[str, str]) -> list[list[str]]:
    """``words`` as it places things: whole when it gives one side; else cut at "and" (and the commas tokens lose,
    read from the side words) into runs that each begin at a side, so "the right wrist, it's swollen, and my knuckles
    on both hands are stiff" places the swelling on the right and the stiffness on both."""
    if len({sides[w] for w in words if w in sides}) <= 1:
        return [words]
    runs: list[list[str]] = [[]]
    for word in words:
        if word == "and" or (word in sides and any(w in sides for w in runs[-1])):
            runs.append([])
        if word != "and":
            runs[-1].append(word)
    merged: list[list[str]] = []
    for run in runs:
        if merged and not any(w in sides for w in run):
            merged[-1] += run  # a run without a side goes with the side before it
        elif run:
            merged.append(run)
    return merged


_NUMBER = re.compile(r"\d")
_SIDE_WORDS = frozenset(("side", "sided", "sides", "one", "ones"))
# Abbreviations of a limb on one side ("RLE", "LLE"), which a claim gives as it gives "right leg". (A quadrant or a
# lobe names a test or a place more than a side: "RUQ ultrasound".)
_SIDED_ABBREVIATIONS = {
    short: place
    for short, place in ABBREVIATIONS.items()
    if place.split()[0] in ("left", "right") and place.split()[-1] in ("leg", "arm")  # (BLE: "my legs" is both)
}
_SIDED = re.compile(rf"\b(?:{'|'.join(map(re.escape, _SIDED_ABBREVIATIONS))})\b", re.IGNORECASE)
# A note writes "L knee" and "LUQ pain"; speech never says a lone "L".
CLAIM_SIDES = {**SIDES, "l": "left", "r": "right", "luq": "left", "llq": "left", "ruq": "right", "rlq": "right"}


def _sides(text: str, named: dict[str, str] = SIDES) -> list[tuple[str, frozenset[str], set[float]]]:
    """Each side word of ``text`` (left, right, both; ``named`` gives a note's "L", "R" and quadrants too) with what
    it is about (the words after it, else before) and the numbers said beside it (in its comma-separated part). An
    "L" after a number is litres ("NS 1 L", "2 L NC"), not a side."""
    found = []
    for part in clauses(text):
        for piece in part.split(","):
            words = tokens(piece)
            if _COMPARED.search(piece):
                continue  # a comparison of two sides ("left larger than right", "L>R"): see ``_comparisons``
            values = {v for mention in mentions(piece) for v in mention.values}
            litres = {i for i, w in enumerate(words) if w == "l" and i and _NUMBER.search(words[i - 1])}
            at = [i for i, w in enumerate(words) if w in named and i not in litres]
            for n, i in enumerate(at):
                end = at[n + 1] if n + 1 < len(at) else len(words)
                after = _about(words[i + 1 : min(end, i + 4)])
                about = after or _about(words[max(0, i - 3) : i])
                found.append((named[words[i]], about, values))
    return found


def _about(words: list[str]) -> frozenset[str]:
    """What words beside a side say is there, without the words that only name a side ("the right side")."""
    return keys(" ".join(w for w in words if w not in _SIDE_WORDS))


_INTENSIFIED = re.compile(
    r"(?<!\bthe )(?<!\bmy )(?<!\byour )(?<!\bhis )(?<!\bher )(?<!\bon )(?<!\bto )"
    r"\bright(?=\s+(?:above|below|behind|next|over|under|beside|between|across|through|around|along)\b)",
    re.IGNORECASE,
)


def unsided(text: str) -> str:
    """``text`` without the "right" that says where exactly, not which side ("tender right above the ear")."""
    return _INTENSIFIED.sub("", text)


def said(texts: Iterable[str]) -> frozenset[str]:
    """The sides (left, right, both) that ``texts`` name anywhere."""
    return frozenset(SIDES[w] for text in texts for w in tokens(unsided(text)) if w in SIDES)


def one_side(text: str, named: dict[str, str]) -> str | None:
    """The one side ``text`` gives, or None (no side, or more than one)."""
    given = {named[w] for w in tokens(text) if w in named}
    return given.pop() if len(given) == 1 else None
