"""How the evidence checks read a text: tokens, spoken numbers as digits, stems, abbreviations expanded and lay
words mapped to clinical terms. Pure functions over strings."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from aftercall.notes import drugs
from aftercall.notes.lexicon import ABBREVIATIONS, NEGATIONS, SYNONYMS, UNITS

# fmt: off
STOPWORDS = frozenset((
    "about", "above", "after", "again", "against", "also", "because", "been", "before", "being", "below", "between",
    "both", "could", "does", "doing", "down", "during", "each", "from", "further", "have", "having", "here", "hers",
    "herself", "himself", "into", "itself", "just", "more", "most", "myself", "once", "only", "other", "ours",
    "ourselves", "over", "same", "should", "some", "such", "than", "that", "their", "theirs", "them", "themselves",
    "then", "there", "these", "they", "this", "those", "through", "under", "until", "very", "were", "what", "when",
    "where", "which", "while", "whom", "will", "with", "would", "your", "yours", "yourself", "yourselves", "okay",
    "yeah", "well", "like", "know", "think", "really", "kind", "sort", "maybe", "going", "gonna", "thing", "things",
    "actually", "pretty", "little", "much", "many", "since", "still", "even", "want", "need", "take", "taking",
    "takes", "took", "time", "times", "lot", "get", "got", "getting", "make", "made", "see", "seen", "say", "tell",
    # words every clinical statement uses, which prove nothing about its source
    "patient", "patients", "pt's", "reports", "reported", "report", "reporting", "states", "stated", "says", "said",
    "notes", "noted", "endorses", "endorsed", "describes", "described", "speaker", "doctor", "visit", "today",
    "currently", "current", "per", "presents", "presenting", "mother", "parent", "mom",
    # what the clinician did, which a statement paraphrases freely
    "advised", "counseled", "counselled", "discussed", "educated", "instructed", "recommended", "recommends",
    "warned", "explained", "reviewed", "reassured", "encouraged", "consider", "considered", "given", "gave",
))
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
_NUMBER_WORDS = frozenset((*_UNITS, *_TEENS, *_TENS, *_SCALES))
# Counts said as words ("twice", "a dozen") and "a"/"an" before a unit of count ("a pack a day" is 1 pack).
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}
_COUNT_WORDS = {"once": 1, "twice": 2, "thrice": 3, "dozen": 12, "half": 0.5, "couple": 2, "single": 1, "double": 2}
_DOSES = frozenset((
    "pack", "tablet", "pill", "puff", "capsule", "cup", "drink", "glass", "beer", "bottle", "dose", "episode", "spoon",
    "teaspoon", "tablespoon", "shot", "unit",
))
_COUNTED = frozenset((
    "pack", "tablet", "pill", "puff", "capsule", "cup", "drink", "glass", "beer", "bottle", "week", "month", "year",
    "hour", "minute", "day", "night", "time", "dose", "episode", "spoon", "teaspoon", "tablespoon",
))
# fmt: on
_JOINED = 8  # letters of two words run together before they count as one ("micro albumin")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?(?:[./:][a-z0-9]+)*%?|\?")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_NUMERIC = re.compile(r"\d+(?:\.\d+)?(?:[/:]\d+(?:\.\d+)?)*%?")
_SHORT_CONTENT = frozenset(
    (
        "leg",
        "arm",
        "eye",
        "ear",
        "hip",
        "rib",
        "flu",
        "gut",
        "toe",
        "jaw",
        "lip",
        "cut",
        "dry",
        "red",
        "sad",
        "dad",
        "son",
        "age",
        "bed",
        "wet",
    )
)
_SENTENCE_END = re.compile(r"[.;!?]+(?:\s|$)|\n")
_CLAUSE_END = re.compile(r"[.;:?!]+(?:\s|$)|,\s*(?:but|however|though|although|whereas)\b|\s(?:but|however)\s")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; numbers keep their decimals and a slash keeps "150/92" and "n/v" whole."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"(?<![a-z\d.])(\d+(?:\.\d+)?)([a-z])", r"\1 \2", text)  # "10mg" → "10 mg"; "hba1c" stays
    text = re.sub(r"\b(x)(\d)", r"\1 \2", text)  # "x2" → "x 2"
    text = text.replace("-", " ")
    text = re.sub(r"\bq(\d+)", r"every \1", text)  # "q6-8h" is every 6 to 8 hours
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


def stem(word: str) -> str:
    """A crude stem: plural, tense and -ing endings off, then at most six letters ("hypertension", "hypertensive")."""
    for suffix in ("ically", "ation", "ness", "ing", "ies", "ied", "ed", "es", "ly", "s", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= (3 if suffix == "s" else 4):
            word = word[: -len(suffix)]
            break
    return word[:6]


def numbers(text: str, *, spoken: bool = True) -> set[float]:
    """Every number said in ``text``: digits ("150/92", "8.2"), number words ("one fifty over ninety-two" is 150 and
    92; "eight point two" is 8.2), counts ("twice", "a pack"). With ``spoken`` also the other readings of a spoken
    run ("eight thirty" is 8, 30 and 830), for evidence that may be read either way."""
    words = tokens(text)
    found: set[float] = set()
    for token in words:
        if _NUMERIC.fullmatch(token):
            found.update(float(digits) for digits in _DIGITS.findall(token))
    for i, token in enumerate(words):
        if token in _COUNT_WORDS:
            found.add(_COUNT_WORDS[token])
        if token in _ORDINALS:
            found.add(float(_ORDINALS[token]))
        if token in ("a", "an") and i + 1 < len(words) and _singular(words[i + 1]) in _COUNTED:
            found.add(1.0)
    for run in _number_runs(words):
        found |= _read_run(run, spoken=spoken)
    return found


@dataclass(frozen=True)
class Mention:
    """A number said in a text, with the words before it (what it measures: "heart rate seventy-eight") and after
    it (its unit: "five hundred milligrams"), within its clause and not across another number."""

    values: frozenset[float]
    before: tuple[str, ...]
    after: tuple[str, ...]


_JOINERS = frozenset(("over", "/", "to", "and", "or"))  # "one fifty over ninety": both numbers measure one thing


def mentions(clause: str, *, spoken: bool = True, reach: int = 4) -> list[Mention]:
    """The numbers of one clause in order, each with up to ``reach`` words either side within its comma-separated
    piece ("one forty-eight over ninety-two, heart rate seventy-eight": the rate is not the pressure's)."""
    found: list[Mention] = []
    for piece in clause.split(","):
        words = tokens(piece)
        spans = _number_spans(words)
        for n, (start, end) in enumerate(spans):
            run = words[start:end]
            values = {1.0} if run in (["a"], ["an"]) else numbers(" ".join(run), spoken=spoken)
            if not values:
                continue
            floor = spans[n - 1][1] if n else 0
            ceiling = spans[n + 1][0] if n + 1 < len(spans) else len(words)
            after = tuple(words[end : min(ceiling, end + reach)])
            if spoken and after[:1] in (("week",), ("weeks",)):
                values |= {v * 7 for v in values}  # "for a week" is seven days
            joined = n and start - floor == 1 and words[floor] in _JOINERS and found
            before = found[-1].before if joined else tuple(words[max(floor, start - reach) : start])
            if joined:  # "six to eight hours": the first number of a range is in hours too
                found[-1] = Mention(found[-1].values, found[-1].before, after)
            found.append(Mention(frozenset(values), before, after))
    return found


def _number_spans(words: list[str]) -> list[tuple[int, int]]:
    """Where numbers stand: each digit token on its own, and each run of number words."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if _NUMERIC.fullmatch(words[i]) or (words[i] in ("a", "an", "one") and _dose_follows(words, i)):
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
    if word in _NUMBER_WORDS or word in _COUNT_WORDS or word in _ORDINALS:
        return True
    if word in ("a", "an") and at and words[at - 1] == "half":
        return True  # "half a pack"
    following = at + 1 < len(words) and words[at + 1] in _NUMBER_WORDS
    return following and (word == "point" or (word == "and" and not start))


def _dose_follows(words: list[str], at: int) -> bool:
    """ "a pack", "an hour", "a week": one of a dose or a span of time (not "a day", "a minute": those are rates)."""
    return at + 1 < len(words) and _singular(words[at + 1]) in (*_DOSES, "hour", "week", "month", "year")


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") else word


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
        whole = _groups(run[:at])
        fraction = "".join(str(_UNITS.get(w, "")) for w in run[at + 1 :])
        if whole and fraction:
            return {float(f"{int(whole[-1])}.{fraction}"), *whole[:-1]}
    values = set(_groups(run))
    leading = _UNITS.get(run[0], _TEENS.get(run[0]))
    if leading and len(run) >= 2 and (run[1] in _TENS or run[1] in _TEENS):
        tail = _groups(run[1:])
        hundreds = leading * 100 + (tail[0] if tail else 0)  # "one fifty", and clock times: "fourteen twenty"
        return values | {float(hundreds)} if spoken else {float(hundreds), *tail[1:]}
    return values


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


def expanded(text: str) -> list[str]:
    """The tokens of ``text`` with each abbreviation followed by the words it stands for ("bp" → bp blood
    pressure)."""
    result = []
    for token in tokens(text):
        result.append(token)
        if token in ABBREVIATIONS:
            result.extend(ABBREVIATIONS[token].split())
    return result


def content(text: str) -> list[str]:
    """The words of ``text`` that carry meaning: abbreviations expanded, numbers and stopwords left out."""
    return [w for w in expanded(text) if _is_content(w)]


def _is_content(word: str) -> bool:
    if word in STOPWORDS or word in NEGATIONS or word in _NUMBER_WORDS or _NUMERIC.fullmatch(word):
        return False
    return len(word) >= 4 or word in ABBREVIATIONS or word in _SHORT_CONTENT


def keys(text: str) -> set[str]:
    """What ``text`` talks about: the stems of its content words (and of each two words run together, as speech
    recognition splits "micro albumin"), each medication by its dictionary name ("Zyrtec" is cetirizine) and, for
    each clinical term whose lay or clinical phrase it contains within one sentence, that term's key ("~dyspnea"
    for "I get short of breath")."""
    words = tokens(text)
    joined = {
        stem(a + b)
        for a, b in itertools.pairwise(words)
        if a.isalpha() and b.isalpha() and len(a + b) >= _JOINED and content(a) and content(b)
    }
    return {stem(w) for w in content(text)} | joined | set(terms(text)) | _medications(text)


def _medications(text: str) -> set[str]:
    return {f"rx:{m.name.lower()}" for m in drugs.find(text)}


def terms(text: str) -> dict[str, set[str]]:
    """The clinical terms ``text`` names, each with the words of ``text`` that name it."""
    found: dict[str, set[str]] = {}
    for sentence in sentences(text):
        words = set(expanded(sentence))
        by_stem = {stem(w): w for w in words}
        for phrase_words, key in _phrases():
            members = {w if w in words else by_stem.get(stem(w), "") for w in phrase_words}
            if "" not in members:
                found.setdefault(key, set()).update(members)
    # the longer phrase wins: "lower extremity" is a leg, not a decrease
    return {k: m for k, m in found.items() if not any(m < other for o, other in found.items() if o != k)}


def units(text: str) -> list[set[str]]:
    """What a claim says, as units to find in its evidence: each clinical term it names, and each content word not
    part of one (units of measure aside: they go with their numbers). A unit is the set of keys any of which counts
    as finding it (a word, its expansion, its term)."""
    named = terms(text)
    inside = set().union(*named.values()) if named else set()
    result = [{key} for key in named]
    for token in tokens(text):
        if token in inside or token in UNITS or not content(token):
            continue
        expansion = ABBREVIATIONS.get(token, "")
        if expansion and set(terms(expansion)) and set(terms(expansion)) <= set(named):
            continue  # "htn" is the hypertension already counted
        alternatives = {stem(w) for w in content(token)} | set(terms(token)) | _medications(token)
        if expansion:
            alternatives |= set(terms(expansion)) | {stem(w) for w in content(expansion)}
        result.append(alternatives)
    return result


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple((tuple(tokens(phrase)), "~" + group[0]) for group in SYNONYMS for phrase in group)


def term_keys(term_text: str) -> set[str]:
    """The keys of a short term: its synonym-group keys when it has any, else the stems of its content words."""
    found = keys(term_text)
    groups = {k for k in found if k.startswith("~")}
    return groups or found
