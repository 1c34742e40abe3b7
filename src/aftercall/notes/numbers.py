"""Numbers as people say them: digits ("150/92", "8.2"), number words ("one fifty over ninety-two", "eight point
two", "fourteen twenty"), counts ("twice", "half a pack") and ordinals ("the twentieth"), each with the words around
it that say what it measures."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from aftercall.notes.tokens import tokens

# fmt: off
_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000}
NUMBER_WORDS = frozenset((*_UNITS, *_TEENS, *_TENS, *_SCALES))
# Counts said as words ("twice", "a dozen") and "a"/"an" before a unit of count ("a pack a day" is 1 pack).
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
_COUNT_WORDS = {"once": 1, "twice": 2, "thrice": 3, "dozen": 12, "half": 0.5, "couple": 2, "single": 1, "double": 2}
_DOSES = frozenset((
    "liter", "litre", "bag", "vial",
    "pack", "tablet", "pill", "puff", "capsule", "cup", "drink", "glass", "beer", "bottle", "dose", "episode", "spoon",
    "teaspoon", "tablespoon", "shot", "unit",
))
_COUNTED = frozenset((
    "liter", "litre", "bag", "vial",
    "pack", "tablet", "pill", "puff", "capsule", "cup", "drink", "glass", "beer", "bottle", "week", "month", "year",
    "hour", "minute", "day", "night", "time", "dose", "episode", "spoon", "teaspoon", "tablespoon",
))
# fmt: on
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
NUMERIC = re.compile(r"\d+(?:\.\d+)?(?:[/:]\d+(?:\.\d+)?)*%?")


# Speech corrects itself: "two in the morning... no, one in the morning"; "go up to twenty-five... actually, thirty";
# "five, I mean six"; "heart rate eighty-eight, no, sorry, eighty-six"; "twenty, no, it's forty"; "Four days. No,
# five days"; "Ten months? No, wait, eight." What was taken back runs from the first number of the clause before
# such a correction (back to its comma) up to the correction, or, where that clause holds no number, back to the
# sentence's start; the words that say what the number measures stay ("heart rate ... eighty-six"). A plain ", no"
# is no correction: "two puffs, no spacer".
_SPOKEN_NUMBER = rf"(?:\d+(?:\.\d+)?|(?:{'|'.join((*_UNITS, *_TEENS, *_TENS))})(?:-\w+)?)\b"
_A_UNIT = rf"(?:{'|'.join(sorted(_COUNTED))}|milligram)s?"  # ("No, three days." says its unit again)
_NUMBER_RUN = re.compile(
    rf"\b{_SPOKEN_NUMBER}(?:(?:\s+|-)(?:(?:over|and|point|hundred|thousand)\s+)*{_SPOKEN_NUMBER})*", re.IGNORECASE
)
_TAKEN_BACK = re.compile(
    r"[^.?!;]*(?:(?:\.\.\.|…|—|--)\s*(?=(?:no|actually|sorry|i mean|wait|make that)\b)"
    r"|,\s*(?:no,\s*)?(?=(?:actually|sorry|i mean|wait|make that)\b)"
    rf"|,\s*no,\s*(?=(?:(?:it's|it is|it was|that's|make it)\s+)?{_SPOKEN_NUMBER})"
    rf"|[.!?]\s+(?=no,?\s+(?:(?:wait|sorry|actually),?\s+)?{_SPOKEN_NUMBER}(?:\s+{_A_UNIT})?\s*(?:[,.;!?]|$)))",
    re.IGNORECASE,
)


# A name spoken as a letter and a number ("B twelve", "free T four", "vitamin D three", "G two P one") is no
# measure: B12, T4, D3, G2 (but "T one oh one" is a temperature, "vitamin D two thousand" a dose).
_LETTER_NAME = re.compile(
    rf"(?<![\w'’.])([bdgpt])[\s-]+({'|'.join(sorted((*_UNITS, *_TEENS), key=len, reverse=True))})\b"
    rf"(?![\s-]+(?:point|oh|hundred|thousand|{'|'.join((*_UNITS, *_TEENS, *_TENS))})\b)",
    re.IGNORECASE,
)


def _word_after(text: str, at: int) -> str:
    """The first word after position ``at`` of ``text`` (punctuation skipped), lowercased."""
    found = re.search(r"[A-Za-z]+", text[at:])
    return found.group(0).lower() if found else ""


def standing(text: str) -> str:
    """``text`` as its numbers stand: without what the speaker took back, with a name's number joined to its
    letter, and a span said as "a day or two" read as one to two days."""
    kept = _TAKEN_BACK.sub(_taken_back, text)
    kept = _ONE_OR_MORE.sub(lambda m: f"{m.group(1)} one {m.group(3)} {m.group(4)}", kept)
    return _LETTER_NAME.sub(lambda m: m.group(1) + str({**_UNITS, **_TEENS}[m.group(2).lower()]), kept)


# "In a day or two", "for an hour or so", "takes a week or two": a span that starts at one of its unit (not a rate:
# "half a pack a day or so"; "a day" alone is not read as a number).
_ONE_OR_MORE = re.compile(
    r"\b(in|for|within|about|around|over|after|take|takes|last|lasts|lasted)\s+(an?)\s+"
    r"(day|week|month|year|hour|minute|night)\s+(or\s+(?:two|three|so))\b",
    re.IGNORECASE,
)


def _taken_back(match: re.Match[str]) -> str:
    """What stays of a ``_TAKEN_BACK`` match: the words before the number taken back."""
    said = match.group(0)
    if said.rstrip()[-1:] in ".!?" and not said.rstrip().endswith(("...", "…")):  # a whole sentence ("Four days.
        return " "  # No, five.")
    runs = list(_NUMBER_RUN.finditer(said))
    correction = re.split(r"(?<=[.!?])\s", match.string[match.end() :], maxsplit=1)[0]
    measured = {_word_after(said, run.end()) for run in runs} - {""}
    again = [run for run in _NUMBER_RUN.finditer(correction) if _word_after(correction, run.end()) in measured]
    if not runs or len(again) > 1:
        return " "  # a correction that says again what several numbers measured ("fifty in the morning, fifty at
        # night... no, twenty-five in the morning, twenty-five at night") takes back the whole sentence before it
    clause = said.rfind(",", 0, runs[-1].start()) + 1  # ("two in the morning and two at night... no, one and one")
    return said[: next(run.start() for run in runs if run.start() >= clause)]


def numbers(text: str, *, spoken: bool = True) -> set[float]:
    """Every number said in ``text``: digits ("150/92", "8.2"), number words ("one fifty over ninety-two" is 150 and
    92; "eight point two" is 8.2), counts ("twice", "a pack"). With ``spoken`` also the other readings of a spoken
    run ("eight thirty" is 8, 30 and 830), for evidence that may be read either way."""
    words = tokens(text)
    found: set[float] = set()
    for token in words:
        if NUMERIC.fullmatch(token):
            found.update(float(digits) for digits in _DIGITS.findall(token))
    for i, token in enumerate(words):
        if token in _COUNT_WORDS:
            found.add(_COUNT_WORDS[token])
        if token == "other" and i and words[i - 1] == "every":
            found.add(2.0)  # "every other week" is every 2 weeks
        if token in _ORDINALS:
            found.add(float(_ORDINALS[token]))
            if i and words[i - 1] in _TENS and _ORDINALS[token] < 10:  # "eighty-fourth" is 84
                found.add(float(_TENS[words[i - 1]] + _ORDINALS[token]))
        if token in ("a", "an") and i + 1 < len(words) and _singular(words[i + 1]) in _COUNTED:
            found.add(1.0)
    for run in _number_runs(words):
        found |= _read_run(run, spoken=spoken)
    for whole in _AND_A_HALF.findall(" ".join(words)):  # "two and a half" is 2.5
        found |= {v + 0.5 for v in numbers(whole, spoken=spoken)}
    return found


_AND_A_HALF = re.compile(r"(\S+) and a half\b")


@dataclass(frozen=True)
class Mention:
    """A number said in a text, with the words before it (what it measures: "heart rate seventy-eight") and after
    it (its unit: "five hundred milligrams"), within its clause and not across another number."""

    values: frozenset[float]
    before: tuple[str, ...]
    after: tuple[str, ...]
    said: tuple[str, ...] = ()  # the number's own words, as ``bindings`` finds them ("a thousand, twice")


def _values(words: list[str], start: int, end: int, *, spoken: bool) -> set[float]:
    """The values of the number at ``words[start:end]``: "a" before a dose is one, "two and a half" 2.5; and in
    speech, a span of weeks also in days ("for a week" is 7 days), one of days also in hours ("two days" is 48 h)."""
    run = words[start:end]
    values = (
        {1.0}
        if run in (["a"], ["an"])
        else numbers(" ".join(words[start - 1 : end] if run == ["other"] else run), spoken=spoken)
    )
    unit_and_a_half = (
        words[end + 1 : end + 4] == ["and", "a", "half"]
        and _singular("".join(words[end + 4 : end + 5])) not in _COUNTED
    )
    if words[end : end + 3] == ["and", "a", "half"] or unit_and_a_half:  # ("an hour and a half", not "two puffs
        values |= {v + 0.5 for v in values}  # and a half hour later")
    following = words[end : end + 1]
    if spoken and following in (["week"], ["weeks"]):
        values |= {v * 7 for v in values}
    if spoken and following in (["day"], ["days"]):
        values |= {v * 24 for v in values}
    if spoken and following in (["milligrams"], ["milligram"], ["mg"]):
        values |= {v / 1000 for v in values if v >= 100}  # "three thousand milligrams" is 3 g
        count = numbers(" ".join(words[max(0, start - 3) : start - 2])) if words[start - 2 : start] in _OF_THE else ()
        values |= {v * n for v in values for n in count if 1 < n <= 4}  # "two of the five hundred milligram tablets"
    return values


_OF_THE = (["of", "the"], ["of", "those"], ["of", "these"])


_JOINERS = frozenset(("over", "/", "to", "and", "or"))  # "one fifty over ninety": both numbers measure one thing


def mentions(clause: str, *, spoken: bool = True, reach: int = 4) -> list[Mention]:
    """The numbers of one clause in order, each with up to ``reach`` words either side within its comma-separated
    piece ("one forty-eight over ninety-two, heart rate seventy-eight": the rate is not the pressure's)."""
    found: list[Mention] = []
    for piece in clause.split(","):
        words = tokens(piece)
        spans = _number_spans(words)
        for n, (start, end) in enumerate(spans):
            values = _values(words, start, end, spoken=spoken)
            if not values:
                continue
            floor = spans[n - 1][1] if n else 0
            ceiling = spans[n + 1][0] if n + 1 < len(spans) else len(words)
            after = tuple(words[end : min(ceiling, end + reach)])
            joined = n and start - floor == 1 and words[floor] in _JOINERS and found
            before = found[-1].before if joined else tuple(words[max(floor, start - reach) : start])
            if joined:  # "six to eight hours": the first number of a range is in hours too
                found[-1] = Mention(found[-1].values, found[-1].before, after)
            found.append(Mention(frozenset(values), before, after))
    return found


def pairs(text: str) -> set[tuple[float, float]]:
    """Each reading said as one number over another ("one thirty-eight over seventy-six", "138/76"), as (upper,
    lower) for every way the two may be read."""
    found: set[tuple[float, float]] = set()
    for piece in text.split(","):
        words = tokens(piece)
        for word in words:
            if NUMERIC.fullmatch(word) and word.count("/") == 1:
                upper, lower = word.split("/")
                found.add((float(upper), float(lower)))
        spans = _number_spans(words)
        for (start, end), (after, stop) in itertools.pairwise(spans):
            if words[end:after] in (["over"], ["by"]):
                uppers, lowers = _values(words, start, end, spoken=True), _values(words, after, stop, spoken=True)
                found.update(itertools.product(uppers, lowers))
    return found


_RANGE = re.compile(r"(\d)\s*[-–]\s*(?=\d)")  # "260-270", "1–2 days"
# "one fifty over ninety", and in speech "two sixty, two seventy" (a note's comma separates two things)
_JOINING = frozenset((",", "over", "to", "/", "or"))
_BREAKS = frozenset((",", "and", "then", "but", "or", "to", "while", "whereas"))  # where a number's words end


def bindings(sentence: str, *, spoken: bool = True) -> list[Mention]:
    """The numbers of one sentence in order, each with all the words bound to it: ``before`` from the sentence's
    start or the previous number's words, ``after`` up to the last break (a comma, "and", "then") before the next
    number, or the sentence's end. "Five milligrams on Mondays and Fridays and two and a half the other days" binds
    the Mondays to the five; "two weeks ago it was two point four, then last Thursday three point eight" binds the
    Thursday to the 3.8."""
    sentence = _RANGE.sub(r"\1 to ", sentence)
    words = [w for piece in sentence.split(",") for w in (*tokens(piece), ",")][:-1]
    found: list[Mention] = []
    spans = [
        (start, end)
        for start, end in _number_spans(words)
        if "," not in words[start:end] and words[max(0, start - 2) : end] != ["and", "a", "half"]
    ]
    edges = []  # (where the number starts, where it ends, where the words bound to it after it end)
    for n, (start, end) in enumerate(spans):
        following = spans[n + 1][0] if n + 1 < len(spans) else len(words)
        gap = words[end:following]
        if n + 1 == len(spans):
            cut = len(gap)
        elif words[following : spans[n + 1][1]] in (["a"], ["an"]):
            cut = len(gap)  # "fifteen headache days a month": the "a" is "per", its words are the fifteen's
        else:
            breaks = [i for i, w in enumerate(gap) if w in _BREAKS]
            cut = breaks[-1] if breaks else min(1, len(gap))  # without a break only a unit goes with the first
        edges.append((start, end, end + cut))
    floor = previous = 0
    for start, end, ceiling in edges:
        values = _values(words, start, end, spoken=spoken)
        before = tuple(w for w in words[floor:start] if w not in _BREAKS)
        after = tuple(w for w in words[end:ceiling] if w not in _BREAKS)
        if words[start - 1 : start] == ["type"]:  # "type two diabetes" is a name: its words go to the next number
            previous = end
            continue
        floor = ceiling
        if not values:
            continue
        gap = set(words[previous:start])
        joined = found and not before and gap and gap <= (_JOINING if spoken else _JOINING - {","})
        previous = end
        if joined:  # "one fifty over ninety", "six to eight hours", "1-2 days": one thing measured
            last = found[-1]
            found[-1] = Mention(last.values | frozenset(values), last.before, after, (*last.said, *words[start:end]))
            continue
        found.append(Mention(frozenset(values), before, after, tuple(words[start:end])))
    return found


def _number_spans(words: list[str]) -> list[tuple[int, int]]:
    """Where numbers stand: each digit token on its own, and each run of number words."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if NUMERIC.fullmatch(words[i]) or (words[i] in ("a", "an", "one") and _dose_follows(words, i)):
            spans.append((i, i + 1))
            i += 1
            continue
        end = i
        while end < len(words) and _is_number_word(words, end, start=end == i):
            end += 1
        if end > i:
            spans.append((i, end))
        i = max(end, i + 1)
    return spans


def _is_number_word(words: list[str], at: int, *, start: bool) -> bool:
    word = words[at]
    if word == "one" and start and _pronoun_one(words, at):
        return False
    if word in NUMBER_WORDS or word in _COUNT_WORDS or word in _ORDINALS:
        return True
    if word in ("a", "an") and at and words[at - 1] == "half":
        return True  # "half a pack"
    if word == "other" and at and words[at - 1] == "every":
        return True  # "every other week"
    following = at + 1 < len(words) and words[at + 1] in NUMBER_WORDS
    return following and (word == "point" or (word == "and" and not start))


def _pronoun_one(words: list[str], at: int) -> bool:
    """ "the old one", "this one", "a new one": a thing, not a count (unless a unit or a number follows)."""
    following = words[at + 1] if at + 1 < len(words) else ""
    counted = _singular(following) in _COUNTED or following in NUMBER_WORDS or following in ("and", "point", "to", "or")
    return at > 0 and words[at - 1] in _BEFORE_PRONOUN_ONE and not counted


_BEFORE_PRONOUN_ONE = frozenset(
    (
        "this",
        "that",
        "which",
        "old",
        "new",
        "other",
        "another",
        "last",
        "next",
        "same",
        "little",
        "big",
        "no",
        "any",
        "some",
    )
)  # fmt: skip  (not "the", "only", "each": "just the one", "only one", "every one to two hours" count)


def _dose_follows(words: list[str], at: int) -> bool:
    """ "a pack", "an hour", "a week": one of a dose or a span of time (not "a day", "a minute": those are rates)."""
    return at + 1 < len(words) and _singular(words[at + 1]) in (*_DOSES, "hour", "week", "month", "year")


def _singular(word: str) -> str:
    """ "puffs" is "puff", "glasses" is "glass" (and "glass" stays)."""
    if word.endswith("sses"):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _number_runs(words: list[str]) -> list[list[str]]:
    runs: list[list[str]] = []
    current: list[str] = []
    for word in [*words, ""]:
        is_number = word in _UNITS or word in _TEENS or word in _TENS or word in _SCALES or word == "point"
        joiner = word == "and" and current and current[-1] in _SCALES
        if is_number or joiner:
            current.append(word)
            continue
        if current:
            while current and current[-1] in ("and", "point"):
                current.pop()
            if current and current != ["oh"]:
                runs.append(current)
        current = []
    return runs


def _read_run(run: list[str], *, spoken: bool) -> set[float]:
    """The values of one run of number words: the standard reading of each group, a decimal after "point", and
    a digit or a teen before a tens word as hundreds ("one fifty" is 150, "fourteen twenty" 1420)."""
    if "point" in run:
        at = run.index("point")
        whole = _oh_hundreds(run[:at]) or _groups(run[:at])
        fraction = "".join(str(_UNITS.get(w, "")) for w in run[at + 1 :])
        if whole and fraction:
            return {float(f"{int(whole[-1])}.{fraction}"), *whole[:-1]}
    if oh := _oh_hundreds(run):
        return set(oh)
    values = set(_groups(run))
    leading = _UNITS.get(run[0], _TEENS.get(run[0]))
    if leading and len(run) >= 2 and (run[1] in _TENS or run[1] in _TEENS):
        tail = _groups(run[1:])
        hundreds = leading * 100 + (tail[0] if tail else 0)  # "one fifty", and clock times: "fourteen twenty"
        return values | {float(hundreds)} if spoken else {float(hundreds), *tail[1:]}
    return values


def _oh_hundreds(run: list[str]) -> list[float]:
    """A number said digit, "oh", digit: "one oh eight" is 108 (a heart rate), "one oh one" 101 (a temperature)."""
    if len(run) == 3 and run[1] == "oh" and run[0] in _UNITS and run[0] not in ("oh", "zero") and run[2] in _UNITS:
        return [float(_UNITS[run[0]] * 100 + _UNITS[run[2]])]
    return []


def _groups(run: list[str]) -> list[float]:
    """Standard readings: "ninety two" is 92, "five hundred" is 500, "two thousand and ten" is 2010; a new group
    starts where a word cannot continue the one before ("one two" is 1 and 2)."""
    groups: list[float] = []
    total, current, last = 0, 0, ""
    for word in run:
        if word == "and":
            continue
        if word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] == 1000:
                total, current = total + current, 0
        elif word in _TENS:
            if current % 100 or (last and last not in _SCALES):
                groups.append(float(total + current))
                total, current = 0, 0
            current += _TENS[word]
        else:
            value = _UNITS.get(word, _TEENS.get(word, 0))
            if last and last not in _SCALES and not (last in _TENS and value < 10):
                groups.append(float(total + current))
                total, current = 0, 0
            current += value
        last = word
    groups.append(float(total + current))
    return groups
