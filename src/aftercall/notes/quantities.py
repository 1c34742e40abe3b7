"""Checks of what a claim says in numbers: each number said, about the same thing, bound to the same words and
person as in the turns, at the same spinal level or lead, at the same frequency (see ``checks`` for the order)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from aftercall.notes import drugs
from aftercall.notes.evidence import Evidence, asks, parts
from aftercall.notes.lexicon import FREQUENCIES, GENDERS, NEGATIONS, UNIT_NAMES, UNITS
from aftercall.notes.numbers import Mention, bindings, mentions, numbers, pairs, standing
from aftercall.notes.polarity import confirms
from aftercall.notes.tokens import clauses, sentences, tokens
from aftercall.notes.words import content, keys

_WINDOW = 3  # words either side of a number in a claim that say what the number is about
_SCALES = re.compile(r"/\s*(?:10|24\s*h\w*)\b")  # "7/10" is out of ten, "14 mg/24h" a day: not numbers said
_SECONDARY = re.compile(r"(?<![\d/.])2/2(?![\d/])")  # "2/2" is "secondary to", not a number
_TIME_UNITS = frozenset(("minute", "min", "hour", "hr", "h", "day", "d", "week", "wk", "month", "mo", "year", "yr"))
_SHORT_ANSWER = 12  # words of an answer whose bare numbers are about what the question asked


def as_measured(claim: str) -> str:
    """A claim without what looks like a number and is not one: a scale ("7/10") and "2/2" (secondary to); a
    24-hour clock time ("given at 2300", "~0600") as the time speech says ("11 pm", "6 am")."""
    return _HHMM.sub(_spoken_time, _SCALES.sub("", _SECONDARY.sub("due to", claim)))


# A 24-hour time: after "at", "~" or "around" (a year is no time: "quit in 2015"), or with its leading zero.
_HHMM = re.compile(
    r"(?:(?<=\bat )|(?<=~)|(?<=@)|(?<=\baround )|(?<=\babout )|(?<![\d./:])(?=0))"
    r"([01]\d|2[0-3])([0-5]\d)(?![\d./:%])(?!\s*(?:mg|mcg|ml|g|kg|lb|units?)\b)",
    re.IGNORECASE,
)


def _spoken_time(match: re.Match[str]) -> str:
    hour, minutes = int(match.group(1)), int(match.group(2))
    said = f"{hour % 12 or 12}" + (f":{minutes:02d}" if minutes else "")
    return f"{said} {'pm' if hour >= 12 else 'am'}"


def number(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """Every number of the claim is said in the evidence, and what it measures (the words before it, else after it)
    is not given another number there: "BP 148/78, HR 92" is not "one forty-eight over ninety-two, heart rate
    seventy-eight"; "Father had MI at 81" is not "heart attack at fifty-five. He's eighty-one now". A number only
    asked about ("The twenty-one ones?") is not said, and a pain score's "/10" is a scale, not a number."""
    said = _said_numbers(evidence)
    for clause in clauses(as_measured(claim)):
        for mention in mentions(clause, spoken=False, reach=_WINDOW):
            if mention.before[-1:] == ("type",):
                continue  # a name ("type 2 diabetes"), not a measure
            about = set() if spans_time(mention) else _about(mention)  # a clock time or a span: said is enough
            for value in mention.values:
                read = _clock_readings(value) if _unit_word(mention) in _CLOCK else {value}  # (2 pm: "fourteen")
                places = [context for values, context, _ in said if read & values]
                if not places:
                    return "number"
                if about and not any(about & context for context in places):
                    unit = _unit(mention.after)
                    elsewhere = [
                        context
                        for values, context, their_unit in said
                        if value not in values and values != {1.0} and about & context and _same_unit(unit, their_unit)
                    ]  # (a lone "a" or "once" measures nothing in particular)
                    if elsewhere:  # what the claim's number measures is given another number in the evidence
                        return "number"
    return None


def _same_unit(unit: str | None, their_unit: str | None) -> bool:
    """Whether two numbers may be of one measure: the same unit, or a body measure's unit that speech leaves out
    ("Wt 176 lb": "weight one eighty-two"; a dose's is said: "aspirin 81 mg" is not "two a day")."""
    return unit is None or unit == their_unit or (their_unit is None and unit in _BODY_MEASURES)


_BODY_MEASURES = frozenset(("lb", "kg", "f", "c", "degrees", "%", "mmhg", "bpm"))


_READING = re.compile(r"(?<![\d/.])(\d{2,3})/(\d{2,3})(?![\d/])")  # "138/76": a pressure, upper over lower
_SAID_APART = frozenset(("top", "bottom", "systolic", "diastolic", "upper", "lower"))
_LEAST_UPPER, _LEAST_LOWER = 50, 20  # below these it is a score or a ratio ("5/5", "1/3", "4/10"), not a pressure


def paired(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A reading of one number over another ("BP 138/68") is said as that pair: "one thirty-eight over seventy-six,
    pulse sixty-eight" has both numbers, but not over each other."""
    if drugs.find(claim) or any(set(tokens(turn.text)) & _SAID_APART for turn in evidence.turns):
        return None  # a drug's strengths ("Advair 250/50"), or a pressure said as "the top number ..."
    said = set().union(*(pairs(standing(turn.text)) for turn in evidence.turns))
    for upper, lower in ((float(a), float(b)) for a, b in _READING.findall(claim)):
        if upper > lower and upper >= _LEAST_UPPER and lower >= _LEAST_LOWER and (upper, lower) not in said:
            return "number"
    return None


def bound(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """Each number of the claim stands where the evidence says it: the words nearest it in the claim (what it
    measures, whose it is, when) are not bound to another number of the evidence (``bindings``: speech puts them
    further away) by clearly more than to any place its own value is said. "INR 3.8 on fingerstick yesterday" is
    not "last Thursday it jumped up to three point eight. I rechecked yesterday with the finger stick and it was three
    point one"; "Father had back surgery at 78" is not "my dad had back surgery, a disc, when he was fifty-five. He's
    seventy-eight now"."""
    said = _bound_numbers(evidence)
    for clause in clauses(as_measured(claim)):
        claim_numbers = bindings(clause, spoken=False)
        claimed = {value for mention in claim_numbers for value in mention.values}
        for mention in claim_numbers:
            if spans_time(mention) and mention.before[-1:] != ("in",):
                continue  # a clock time or a span: said is enough; not when a thing is due ("recheck in 3 mo")
            nearest = _nearest(mention)
            near = [_keys_of((w,)) for w in nearest]
            whose = _genders(nearest)
            unit = _unit(mention.after)
            for value in mention.values:
                places = [context for values, context, _ in said if value in values]
                if whose and places and all(context & _ALL_GENDERS and not context & whose for context in places):
                    return "number"  # said only of someone else ("my sister... my brother... He was sixty-two")
                here = max((_shared(near, context) for context in places), default=0)
                elsewhere = max(
                    (
                        _shared(near, context)
                        for values, context, their_unit in said
                        if not values & claimed and values != {1.0} and unit in (None, their_unit)
                    ),  # (another number the claim gives, "15 -> 9 headache days", may share its words)
                    default=0,
                )
                if elsewhere >= here + _CLEARLY_MORE:
                    return "number"
    return None


def level(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A level or lead ("L5", "S1", "C6", "V4") goes with what the evidence says is there: "left L5 radiculopathy"
    is not "a left S1 radiculopathy, probably from a disc at L5 S1"."""
    said = _levelled(evidence.text)
    for level, what in _levelled(claim):
        elsewhere = any(what & theirs for other, theirs in said if other != level)
        if elsewhere and not any(what & theirs for same, theirs in said if same == level):
            return "number"
    return None


_LEVEL = re.compile(r"[ctls]\d{1,2}|v[1-6]")  # a spinal level or an ECG lead (not B12, D3, T4)
_LEVEL_REACH = 3  # words either side of a level that say what is there


def _levelled(text: str) -> list[tuple[str, frozenset[str]]]:
    """Each level ``text`` names with what it names there: the words after it, else before it, within its piece
    (other levels aside: "L5-S1 disc" places the disc at both)."""
    found = []
    for part in clauses(text):
        for piece in part.split(","):
            words = tokens(piece)
            plain = [w for w in words if not _LEVEL.fullmatch(w)]
            at = 0
            for word in words:
                if not _LEVEL.fullmatch(word):
                    at += 1
                    continue
                what = keys(" ".join(plain[at : at + _LEVEL_REACH])) or keys(" ".join(plain[max(0, at - 2) : at]))
                found.append((word, what))
    return found


_ALL_GENDERS = frozenset(("man:", "woman:"))


_NEAREST = 3  # content words either side of a claim's number that say what it is: a note is terse


def _nearest(mention: Mention) -> list[str]:
    """The words nearest a claim's number, units aside (a rate's unit of time too: the week of "2x/week")."""
    meaningful = [w for w in mention.before if content(w) and w not in UNITS][-_NEAREST:]
    after = [w for w in mention.after if content(w) and w not in UNITS and w.rstrip("s") not in _TIME_UNITS]
    return meaningful + after[:_NEAREST]


def _shared(near: list[frozenset[str]], context: frozenset[str]) -> int:
    """How many of a claim number's nearest words are bound to an evidence number (``context``)."""
    return sum(1 for word in near if word & context)


_CLEARLY_MORE = 2  # words bound to another number beyond those bound to the claimed one


def _bound_numbers(evidence: Evidence) -> list[tuple[frozenset[float], frozenset[str], str | None]]:
    """The numbers the evidence states, as ``_said_numbers`` finds them, each with all the words bound to it."""
    return _stated(evidence, _bound_words)


def _bound_words(part: str) -> list[tuple[Mention, frozenset[str]]]:
    """Each number of ``part`` with the keys of the words bound to it, and whether a man's or a woman's, where a word
    says so ("my brother died of a heart attack. He was sixty-two": a man's sixty-two)."""
    return [(m, _keys_of(m.before + m.after) | _genders(m.before + m.after)) for m in bindings(part)]


def _genders(words: tuple[str, ...] | list[str]) -> frozenset[str]:
    """Whose a number is, as far as any speaker's words tell: a relative's name depends on who speaks (the patient's
    brother is the daughter's uncle), a man or a woman does not."""
    return frozenset(f"{GENDERS[w]}:" for w in words if w in GENDERS)


_CLOCK = frozenset(("am", "pm", "a.m", "p.m", "o'clock", "oclock"))


def spans_time(mention: Mention) -> bool:
    """Whether a claimed number is a clock time ("~10 PM") or a span of time ("x7 days"): what it measures is its
    unit, which the evidence may say another way ("for a week"): its value need only be said, in that unit (see
    ``frames``)."""
    unit = _unit_word(mention)
    return unit in _CLOCK or unit in _TIME_UNITS


def _clock_readings(value: float) -> set[float]:
    """An hour of a clock time as speech may say it: "2 pm" is two or fourteen."""
    return {value, value + 12} if 0 < value <= 12 else {value}


def _unit_word(mention: Mention) -> str:
    """The word after a number that gives its unit, singular, past "more" ("x4 more weeks") or "of" ("a couple of
    days"), or ""."""
    after = [w for w in mention.after[:2] if w not in _MORE and w != "of"]
    return after[0].rstrip("s") if after else ""


_MORE = frozenset(("more", "additional", "further", "extra"))
_VERSUS = frozenset(("vs", "versus"))


def _about(mention: Mention) -> frozenset[str]:
    """What a claim's number measures: the words before it (back to a "vs", past which they are the other
    number's: "120° R vs 180° L"), else after it (units aside); a span of time is measured by what follows ("1 ppd x
    30 years": the thirty is years)."""
    if _unit_word(mention) in _TIME_UNITS:
        return _keys_of(mention.after)
    before = mention.before
    cut = max((at for at, w in enumerate(before) if w in _VERSUS), default=-1)
    return _keys_of(before[cut + 1 :]) or _keys_of(mention.after)


def _keys_of(words: tuple[str, ...]) -> frozenset[str]:
    """What words say a number measures: units aside, and "rate" (a heart rate is not a respiratory rate)."""
    return keys(" ".join(w for w in words if w not in UNITS)) - _MEASURE_WORDS


_MEASURE_WORDS = frozenset(("rate",))


def _said_numbers(evidence: Evidence) -> list[tuple[frozenset[float], frozenset[str], str | None]]:
    """The numbers the evidence states, each with what it is about (the words either side, see ``mentions``)."""
    return _stated(evidence, lambda part: [(m, _keys_of(m.before + m.after)) for m in mentions(part)])


def _stated(
    evidence: Evidence, bind: Callable[[str], list[tuple[Mention, frozenset[str]]]]
) -> list[tuple[frozenset[float], frozenset[str], str | None]]:
    """The numbers the evidence states, each with the keys of the words ``bind`` gives it and its unit. A number
    only asked about is not stated ("The twenty-one ones?"), unless the answer says yes ("ten days ago, right?"
    "Yeah") or the question is itself an unsure answer ("How long does it last?" "Like twenty minutes?"); an
    answer's bare numbers, and its first number, are about what the question asked ("How bad, zero to ten?" "Right
    now maybe a seven. The first night an eight.": the seven is the pain now)."""
    said = []
    turns = evidence.turns
    for position, turn in enumerate(turns):
        before = turns[position - 1] if position else None
        answering = before is not None and before.speaker != turn.speaker and asks(before.text)
        short_answer = answering and len(turn.text.split()) <= _SHORT_ANSWER
        question = before.text if short_answer and before is not None else ""
        reply = turns[position + 1] if position + 1 < len(turns) else None
        confirmed = reply is not None and reply.speaker != turn.speaker and _accepts(reply.text, turn.text)
        here = [
            mention_about
            for part, asked in parts(standing(turn.text))
            if not asked or confirmed or answering  # ("How long?" "Like twenty minutes?" is an answer)
            for mention_about in bind(part)
        ]
        answered = any(keys(question) & about for _, about in here[1:])  # a later number says it is the one asked
        for at, (mention, about) in enumerate(here):
            if not _corrected(mention, [m for m, _ in here[at + 1 :]]):
                first = at == 0 and not answered
                asked = keys(question) if first or not about else frozenset()  # (the first number answers it)
                said.append((mention.values, about | asked, _unit(mention.after)))
    return said


# Words of an answer that doubts, limits or changes what it answers ("Just at night now", "They lowered it").
_UNSURE = frozenset(("maybe", "think", "sure", "guess", "know", "remember", "probably", "or", "just", "only", "less",
                     "more", "lower", "lowered", "higher", "raised", "changed", "change", "stopped", "ran", "better",
                     "worse", "actually", "instead", "wish", "now", "cut", "trying", "except", "but"))  # fmt: skip


def _accepts(reply: str, question: str) -> bool:
    """Whether ``reply`` takes ``question``'s numbers as said: a yes ("Yes, that's right"), or a short answer that
    goes on from them, or says them again, with no doubt, denial or number of its own ("Every day." to "still
    taking two thousand units?"; "Every two weeks, yes." to "forty milligrams every two weeks?")."""
    if confirms(reply):
        return True
    first = next(iter(sentences(reply)), "")
    words = tokens(first)
    own = numbers(first, spoken=True) - {1.0}
    return (
        0 < len(words) <= _SHORT_ANSWER
        and not first.rstrip().endswith("?")
        and not set(words) & (NEGATIONS | _UNSURE)
        and (not own or (own <= numbers(question, spoken=True) and bool(set(words) & _YES)))
    )  # (a number said again without a yes may be the one of two the question offered: "ten or twenty?" "Twenty.")


_YES = frozenset(("yes", "yeah", "yep", "yup", "right", "correct", "exactly", "mhm", "uh-huh"))


_LIMITS = frozenset(("more", "less", "than", "over", "under", "above", "below", "least", "most", "exceed", "even"))


def _corrected(mention: Mention, later: list[Mention]) -> bool:
    """A number denied and then replaced by another of the same unit in the same turn ("Not in four weeks.
    Usually it's six to eight weeks"); a denied span alone is one of absence ("Not for three days now"), and a
    limit ("no more than two") is said."""
    denied = bool(set(mention.before[-2:]) & {"not", "no", "never"}) and not set(mention.before[-3:]) & _LIMITS
    unit = _unit_word(mention)
    return denied and bool(unit) and any(_unit_word(m) == unit and not m.values & mention.values for m in later)


def _unit(after: tuple[str, ...]) -> str | None:
    """The unit a number is given in ("five hundred milligrams": mg; "a week": time), or None."""
    if not after:
        return None
    return "time" if after[0].rstrip("s") in _TIME_UNITS else UNIT_NAMES.get(after[0])


def frequency(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A dosing frequency the claim gives ("BID") is one the evidence gives for the same drug ("twice a day"), when
    the evidence gives any."""
    claimed = frequencies(claim)
    if not claimed:
        return None
    named = {m.name for m in drugs.medications(claim)}
    about = []
    for turn in evidence.turns if named else ():
        said_in = sentences(turn.text)
        for at, sentence in enumerate(said_in):
            if named & {m.name for m in drugs.find(sentence)}:  # the drug's sentence and up to two after it,
                about.append(sentence)  # until one names another drug ("Sometimes Advil. Maybe two days a week.")
                about += itertools.takewhile(lambda s: not drugs.find(s), said_in[at + 1 : at + 1 + _SENTENCES_ON])
    said = frequencies(". ".join(about) if about else evidence.text)
    return "frequency" if said and not claimed & said else None


_SENTENCES_ON = 2  # sentences after a drug's in which its frequency may still be said
_PER_DAY = re.compile(
    r"\b(once|twice|one time|two times|three times|four times)\s+(?:(?:a|per|each)\s+day|daily)"
    r"|\bevery (\w+) (?:hours|hrs|hr|h)\b"
)
_TIMES = {"once": 1, "one time": 1, "twice": 2, "two times": 2, "three times": 3, "four times": 4}
_DAILY = re.compile(r"\b(?:every|each)\s+(?:day|morning|evening|night)\b|\bat bedtime\b")
_TIMES_DAILY = re.compile(r"\b(\d+)(?:\s*-\s*(\d+))?\s*x\s*(?:daily|/\s*day|a day|per day)\b")
_UNCOUNTED = re.compile(r"\b(?:several|few|multiple|many|some)\s+times\s+(?:a\s+|per\s+)?(?:daily|day)\b")
_PER_WEEK = re.compile(r"\b(\w+)\s+(?:(?:x|times|days)\s+(?:(?:a|per|each|every)\s+)?|(?:a|per|each)\s+)(?:week|wk)\b")


def frequencies(text: str) -> set[float]:
    """How many times a day ``text`` says something is taken: "BID", "twice a day", "every 12 hours" are 2; "twice a
    week" is 2/7."""
    raw = text.lower()
    found = {float(n) for low, high in _TIMES_DAILY.findall(raw) for n in (low, high) if n}  # "2-3x daily": 2, 3
    found |= _times_of_day(raw)
    lowered = _UNCOUNTED.sub(" ", " ".join(tokens(_TIMES_DAILY.sub(" ", raw))))  # ("several times daily": none)
    found |= {round(n / 7, 3) for count in _PER_WEEK.findall(lowered) for n in numbers(count) if n}
    lowered = _PER_WEEK.sub(" ", lowered)  # ("twice a week" is not "twice")
    found |= {float(FREQUENCIES[t]) for t in lowered.split() if t in FREQUENCIES}
    for times, hours in _PER_DAY.findall(lowered):
        if times:
            found.add(float(_TIMES[times]))
        elif numbers(hours):
            found |= {24 / h for h in numbers(hours) if h}
    if _DAILY.search(lowered):
        found.add(1.0)
    return found


def _times_of_day(text: str) -> set[float]:
    """Doses said by the time of day, within one sentence that takes or doses something: "I take the senna at
    night" is once a day; "one in the morning, one at night" twice; with one at lunch too, three times."""
    found: set[float] = set()
    for sentence in sentences(text):
        if not _DOSED.search(sentence):
            continue
        times = sum(bool(when.search(sentence)) for when in (_MORNING, _MIDDAY, _EVENING))
        if times:
            found.add(float(times))
    return found


_DOSED = re.compile(r"\b(?:take|takes|taking|took|use|uses|using|apply|applying|put|keep|give|one|two|half|\d+)\b")
_MORNING = re.compile(r"\b(?:in the morning|every morning|each morning|with breakfast)\b")
_MIDDAY = re.compile(r"\b(?:in the afternoon|at lunch|with lunch|at noon|midday)\b")
_EVENING = re.compile(r"\b(?:at night|at bedtime|in the evening|every evening|every night|with dinner)\b")
