"""The frames of a number: what it was said of besides its value. When (now, or before), how (at rest, or with
activity), which drug, whether a dose is a day's total or each dose's, and whether it was measured or is only a
threshold. A claim's number must be framed as the evidence frames it (see ``checks`` for the order)."""

from __future__ import annotations

import itertools
import re

from aftercall.notes import drugs
from aftercall.notes.evidence import Evidence, asks, parts
from aftercall.notes.numbers import Mention, bindings, standing
from aftercall.notes.quantities import as_measured, frequencies, spans_time
from aftercall.notes.tokens import clauses, tokens


def framed(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A number said of one time, state, drug or dosing is not another's: when (now, or before: "at worst", "last
    night"), how (at rest, or with activity), which drug, whether a dose is a day's total or each dose's, and
    whether it was measured or is only a threshold or target ("EPDS 10" is not "anything ten or above").
    "Pain 10/10 currently" is not "Right now? Like a nine. It was a ten that first night"; "Pain 9/10 at rest" is
    not "Sitting still? A six. When I put weight on it, a nine"; "Lisinopril 40 mg" is not "Lisinopril, the twenty
    milligram. And atorvastatin, forty"; "Amoxicillin 1350 mg BID" is not "thirteen fifty a day, split in two". The
    claim's number fails when every place its value is said is framed, in the same respect, the other way."""
    said = _framed_numbers(evidence)
    for clause in clauses(as_measured(claim)):
        for mention, own in _framing(bindings(clause, spoken=False)):
            if spans_time(mention):
                own = {"span": span} if (span := _span(mention, clause)) else {}  # a span: only its unit is held

            if "kind" not in own and not _BOUNDS.search(clause):
                own["kind"] = "measured"  # (a value said only as a threshold or a target was not measured)
            for value in mention.values:
                places = [frames for values, frames in said if value in values]
                for respect, frame in own.items():
                    if places and all(theirs.get(respect, frame) != frame for theirs in places):
                        return "number"
    return None


# Frames of a number, by respect: each phrase says one; a number framed both ways in one respect is framed in neither.
_FRAMES = {
    "when": {
        "now": ("now", "currently", "current", "present", "presently", "today", "at the moment"),
        "before": ("worst", "at its worst", "peak", "initially", "at onset", "first night", "first day",
                   "first week", "last night", "last week", "last time", "previously", "prior",
                   "earlier", "used to", "before it was", "tried"),
    },
    "day": {
        "today": ("today", "this morning", "this afternoon", "tonight"),
        "yesterday": ("yesterday", "last night"),
    },
    "how": {
        "rest": ("at rest", "resting", "sitting still", "lying still", "sitting", "lying down"),
        "activity": ("activity", "exertion", "walk", "walking", "put weight", "bear weight", "weight bearing",
                     "moving", "move", "stairs", "exercise", "bumps"),
    },
}  # fmt: skip


def _framing(found: list[Mention], carried: tuple[str, ...] = ()) -> list[tuple[Mention, dict[str, str]]]:
    """Each number of one clause with its frames: the word just before it may be bound to the number before it
    ("13 (cutoff 10)")."""
    framed = []
    for at, mention in enumerate(found):
        preceding = mention.before[-1:] or (found[at - 1].after[-1:] if at else carried[-1:])
        framed.append((mention, _frames(mention, carried if not at else (), preceding)))
    return framed


def _frames(mention: Mention, carried: tuple[str, ...], preceding: tuple[str, ...]) -> dict[str, str]:
    """How the words bound to a number (and ``carried`` to it) frame it: per respect, the one frame their phrases
    say, if only one; the one drug they name; whether a dose is a day's total ("a day") or each dose's ("twice a
    day", "BID"); and whether it is a threshold or target, by the word just before or after it ("ten or above",
    "keep it under one thirty", "target 130/80")."""
    words = carried + mention.before + mention.said + mention.after
    text = f" {' '.join(words)} "
    found = {}
    for respect, frames in _FRAMES.items():
        said = {frame for frame, phrases in frames.items() if any(f" {phrase} " in text for phrase in phrases)}
        if len(said) == 1:
            found[respect] = said.pop()
    joined = " ".join(a + b for a, b in itertools.pairwise(words))  # a name speech split: "empa gliflozin"
    named = {m.name for m in drugs.medications(f"{text} {joined}")}
    if len(named) == 1:
        found["drug"] = named.pop()
    dosing = f" {' '.join(mention.said + mention.after)} "  # (how often follows the dose it goes with)
    per_day = frequencies(dosing)
    counted = mention.after[:1] in (("times",), ("time",), ("x",))  # a count of doses ("3 times a day"), no dose
    if not counted and per_day and min(per_day) > 1:
        found["dose"] = "each"
    elif not counted and _A_DAY.search(dosing) and not per_day and not _ONCE.search(dosing):
        found["dose"] = "total"
    if set(preceding) & _THRESHOLD_BEFORE or set(mention.after[:1]) & _THRESHOLD_AFTER:
        found["kind"] = "threshold"
    return found


_THRESHOLD_BEFORE = frozenset(
    ("under", "below", "least", "than", "target", "goal", "cutoff", "threshold", "max", "maximum", "limit")
)
_THRESHOLD_AFTER = frozenset(("above", "higher", "lower"))  # ("ten or above"; "two more weeks" is no threshold)


# A claim's bound: "<130/80" (the tokens lose the sign), "up to 3 times a day", "max 4 g/day", "limit to 2 drinks".
_BOUNDS = re.compile(r"[<>≤≥]|\b(?:up to|max|maximum|no more than|at most|limit|limited to)\b", re.IGNORECASE)
_A_DAY = re.compile(r" (?:a|per|mg|mcg|g|ml|units) day ")  # ("900 mg/day" is read "900 mg day")
_ONCE = re.compile(r" (?:once|one time) ")


def _framed_numbers(evidence: Evidence) -> list[tuple[frozenset[float], dict[str, str]]]:
    """The numbers the evidence states (not only asks), each with its frames: from the words bound to it and, for a
    turn's first number after it, a fragment without a number ("Right now? Maybe a four.")."""
    said = []
    turns = evidence.turns
    for at, turn in enumerate(turns):
        carried: tuple[str, ...] = ()
        answering = at > 0 and turns[at - 1].speaker != turn.speaker and asks(turns[at - 1].text)
        for part, asked in parts(standing(turn.text)):
            asked = asked and not answering  # ("When was it?" "Maybe fourteen months?" is an answer)
            found = bindings(part)
            if not found:
                carried = tuple(tokens(part))
                continue
            if not asked:
                for mention, frames in _framing(found, carried):
                    said.extend(_by_span(mention, frames))
            carried = ()
    return said


# A span's unit, by the words that give it; speech gives a week also in days and a day also in hours.
_SPANS = {
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "minute"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hour"),
    **dict.fromkeys(("d", "day", "days"), "day"),
    **dict.fromkeys(("wk", "wks", "week", "weeks"), "week"),
    **dict.fromkeys(("mo", "mos", "month", "months"), "month"),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years"), "year"),
}
_FINER = {"week": ("day", 7), "day": ("hour", 24)}


def _span(mention: Mention, clause: str = "") -> str | None:
    """The unit of time a number is a span of ("x3 mo": month), or None; a rate ("15/month") is none."""
    unit = _SPANS.get(mention.after[0].lower()) if mention.after else None
    said = re.escape(mention.said[-1]) if mention.said else ""
    if unit and clause and re.search(rf"\b{said}\s*/\s*{re.escape(mention.after[0])}\b", clause, re.IGNORECASE):
        return None
    return unit


def _by_span(mention: Mention, frames: dict[str, str]) -> list[tuple[frozenset[float], dict[str, str]]]:
    """A stated number as (values, frames) entries: a span of time split by unit, "two weeks" being 2 weeks and 14
    days."""
    unit = _span(mention)
    if unit is None:
        return [(mention.values, frames)]
    if unit not in _FINER:
        return [(mention.values, {**frames, "span": unit})]
    finer, factor = _FINER[unit]
    derived = frozenset(v for v in mention.values if v / factor in mention.values)
    return [(mention.values - derived, {**frames, "span": unit}), (derived, {**frames, "span": finer})]
