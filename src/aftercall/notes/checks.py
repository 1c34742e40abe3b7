"""Does the evidence say what the claim says? Each check reads a claim against the turns it rests on as a clinician
would (abbreviations, spoken numbers, synonyms, a question read with its answer) and names what is wrong, or None.

The reasons, in the order they are checked (each also counted in a note's metadata when it drops an item):
``drug`` a medication the evidence does not name; ``allergen-as-medication`` a drug the patient is allergic to,
written as one they take; ``number`` a number the evidence does not say about the same thing; ``laterality`` a side
the evidence does not give; ``result`` a result the evidence does not give (the test is pending, or another result);
``polarity`` the claim affirms what the evidence denies or denies what it affirms; ``speculative`` a possibility the
clinician wants to rule out, stated as a diagnosis; ``unsupported`` too little of the claim is in the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher
from functools import lru_cache

from aftercall.notes import drugs
from aftercall.notes.evidence import Evidence, asks, parts
from aftercall.notes.lexicon import (
    ALLERGEN_CLASSES,
    ALLERGY_CUES,
    CLAIM_HEDGES,
    CLAIMED_RESULTS,
    CONDITIONS,
    FREQUENCIES,
    GENDERS,
    HEDGES,
    NEGATIONS,
    NOT_FINDINGS,
    PENDING,
    PRONOUNS,
    RESOLVED,
    RESULT_WORDS,
    SIDES,
    TESTS,
    UNIT_NAMES,
    UNITS,
)
from aftercall.notes.numbers import Mention, bindings, mentions, numbers, standing
from aftercall.notes.polarity import answer_reading, claim_terms, confirms, readings, word_readings
from aftercall.notes.segments import Segment
from aftercall.notes.tokens import clauses, sentences, tokens
from aftercall.notes.words import content, keys, stem, term_keys, units

COVERAGE = 0.5  # share of a statement's content that its evidence must contain
_WINDOW = 3  # words either side of a number in a claim that say what the number is about
_SCALES = re.compile(r"/\s*(?:10|24\s*h\w*)\b")  # "7/10" is out of ten, "14 mg/24h" a day: not numbers said
_SECONDARY = re.compile(r"(?<![\d/.])2/2(?![\d/])")  # "2/2" is "secondary to", not a number
_TIME_UNITS = frozenset(("minute", "min", "hour", "hr", "h", "day", "d", "week", "wk", "month", "mo", "year", "yr"))
_SHORT_ANSWER = 12  # words of an answer whose bare numbers are about what the question asked


def problem(
    claim: str, evidence: Evidence, allergens: set[str], *, concept: bool = False, diagnosis: bool = False
) -> str | None:
    """The first reason ``evidence`` does not support ``claim``, or None when it does. A ``concept`` is a term, not
    a sentence: every word of it must be in the evidence, and its polarity and category are the caller's to read.
    A ``diagnosis`` (an assessment, a problem) must not be a possibility the clinician only raised."""
    statement_checks = (_denials,) if concept else (_allergen, _polarity, _denied_on_side, _said_fine)
    diagnosis_checks = (_speculative,) if diagnosis else ()
    quantity_checks = (_number, _bound, _level, _frequency)
    for check in (_drug, *statement_checks, *quantity_checks, _laterality, _result, *diagnosis_checks):
        reason = check(claim, evidence, allergens)
        if reason:
            return reason
    return None if _covered(claim, evidence, every_term=concept, named=concept and diagnosis) else "unsupported"


def _drug(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """Each medication the claim names is named in the evidence, by the dictionary or, where speech-to-text split or
    misspelt it ("nitro glycerin", "empa gliflozin"), by a near spelling of the same word."""
    said = {m.name for m in drugs.find(evidence.context)}
    known = {w for m in _medications(evidence.context) for w in tokens(m.said)}  # (hydromorphone is not morphine)
    heard = [w if w not in known else "" for w in tokens(evidence.context)]
    for mention in _medications(claim):
        if mention.name not in said and not any(_spelt_near(name, heard) for name in (mention.said, mention.name)):
            return "drug"
    return None


# A dictionary entry holding such a word is a class or a form of drugs ("Hypoglycemic Agents", "Nasal Sprays",
# "Anti-Inflammatory Agents, Non-Steroidal"), not a drug.
_CLASS_WORDS = (
    "agents", "inhibitors", "drugs", "antagonists", "agonists", "blockers", "preparations", "sprays", "tablets",
    "capsules", "drops", "solutions", "injections", "inhalers", "products", "supplements", "vaccines",
    "immunoglobulins",
)  # fmt: skip


def _medications(text: str) -> list[drugs.DrugMention]:
    """The specific drugs ``text`` names: a class of drugs ("hypoglycemic") is a word, not a medication."""
    return [m for m in drugs.find(text) if not set(re.findall(r"[a-z]+", m.name.lower())) & set(_CLASS_WORDS)]


def _spelt_near(name: str, heard: list[str], similarity: float = 0.75) -> bool:
    wanted = re.sub(r"[^a-z]", "", name.lower())
    for size in (1, 2, 3, 4):
        for i in range(len(heard) - size + 1):
            if "" in heard[i : i + size]:
                continue
            candidate = "".join(heard[i : i + size])
            close = abs(len(candidate) - len(wanted)) <= 3
            if close and SequenceMatcher(None, wanted, candidate).ratio() >= similarity:
                return True
    return False


def _allergen(claim: str, evidence: Evidence, allergens: set[str]) -> str | None:
    if set(tokens(claim)) & (ALLERGY_CUES | {"nkda", "nka", "sensitivity", "intolerance"}):
        return None
    named = {m.name for m in _medications(claim)} | set(tokens(claim)) & ALLERGEN_CLASSES
    return "allergen-as-medication" if named & allergens else None


def allergens_of(segments: list[Segment]) -> set[str]:
    """The drugs a transcript names as ones the patient is allergic to: wherever the cue stands in the sentence
    ("allergic to penicillin", "penicillin gives me hives", "sulfa, I'm allergic to that"), and every drug named in
    the answer to a question about allergies ("Any allergies to medicines?" "Yeah, codeine."), unless it says no."""
    found: set[str] = set()
    for position, segment in enumerate(segments):
        for sentence in (p for s in sentences(segment.text) for p in _JOINED_CLAUSES.split(s)):
            words = tokens(sentence)
            if "can't take" in sentence.lower():
                found |= {m.name for m in drugs.find(sentence)}
            cued = any(
                w in ALLERGY_CUES and not set(words[max(0, i - 2) : i]) & _NOT_ALLERGY for i, w in enumerate(words)
            )
            if cued:  # ("Zyrtec for her allergies" treats one; "the risk of cross reaction" is a risk, not one)
                found |= {m.name for m in drugs.find(sentence)} | set(words) & ALLERGEN_CLASSES
        question = segments[position - 1] if position else segment  # (the first turn answers nothing)
        answers = question.speaker != segment.speaker and _asks_about_allergies(question.text)
        if answers and not _says_no(question.text, segment.text):
            found |= {m.name for m in drugs.find(segment.text)}
    return found


_NOT_ALLERGY = frozenset(("for", "cross"))  # words before a cue that make it something else
_JOINED_CLAUSES = re.compile(r",\s*(?:and|but|so|though|although|whereas)\s")  # a cue reaches its own clause


def _says_no(question: str, answer: str) -> bool:
    return answer_reading(set(), question, answer) is True


def _asks_about_allergies(text: str) -> bool:
    return any(asked and set(tokens(part)) & ALLERGY_CUES for part, asked in parts(text))


def _number(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """Every number of the claim is said in the evidence, and what it measures (the words before it, else after it)
    is not given another number there: "BP 148/78, HR 92" is not "one forty-eight over ninety-two, heart rate
    seventy-eight"; "Father had MI at 81" is not "heart attack at fifty-five. He's eighty-one now". A number only
    asked about ("The twenty-one ones?") is not said, and a pain score's "/10" is a scale, not a number."""
    said = _said_numbers(evidence)
    for clause in clauses(_SCALES.sub("", _SECONDARY.sub("due to", claim))):
        for mention in mentions(clause, spoken=False, reach=_WINDOW):
            if mention.before[-1:] == ("type",):
                continue  # a name ("type 2 diabetes"), not a measure
            about = set() if _when(mention) else _about(mention)  # a clock time or a span: said is enough
            for value in mention.values:
                places = [context for values, context, _ in said if value in values]
                if not places:
                    return "number"
                if about and not any(about & context for context in places):
                    unit = _unit(mention.after)
                    elsewhere = [
                        context
                        for values, context, their_unit in said
                        if value not in values and values != {1.0} and about & context and unit in (None, their_unit)
                    ]  # (a lone "a" or "once" measures nothing in particular)
                    if elsewhere:  # what the claim's number measures is given another number in the evidence
                        return "number"
    return None


def _bound(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """Each number of the claim stands where the evidence says it: the words nearest it in the claim (what it
    measures, whose it is, when) are not bound to another number of the evidence (``bindings``: speech puts them
    further away) by clearly more than to any place its own value is said. "INR 3.8 on fingerstick yesterday" is
    not "last Thursday it jumped up to three point eight. I rechecked yesterday with the finger stick and it was three
    point one"; "Father had back surgery at 78" is not "my dad had back surgery, a disc, when he was fifty-five. He's
    seventy-eight now"."""
    said = _bound_numbers(evidence)
    for clause in clauses(_SCALES.sub("", claim)):
        bound = bindings(clause, spoken=False)
        claimed = {value for mention in bound for value in mention.values}
        for mention in bound:
            if _when(mention):
                continue  # a clock time or a span: said is enough
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


def _level(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A level or lead ("L5", "S1", "C6", "V4") goes with what the evidence says is there: "left L5 radiculopathy"
    is not "a left S1 radiculopathy, probably from a disc at L5 S1"."""
    said = _levelled(evidence.text)
    for level, what in _levelled(claim):
        elsewhere = any(what & theirs for other, theirs in said if other != level)
        if elsewhere and not any(what & theirs for same, theirs in said if same == level):
            return "number"
    return None


_LEVEL = re.compile(r"[a-z]\d{1,2}")
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
    meaningful = [w for w in mention.before if content(w) and w not in UNITS][-_NEAREST:]
    return meaningful + [w for w in mention.after if content(w) and w not in UNITS][:_NEAREST]


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


def _when(mention: Mention) -> bool:
    """Whether a claimed number is a clock time ("~10 PM") or a span of time ("x7 days"): what it measures is its
    unit, which the evidence may say another way ("for a week"), so it need only be said."""
    unit = mention.after[0].rstrip("s") if mention.after else ""
    return unit in _CLOCK or unit in _TIME_UNITS


def _about(mention: Mention) -> frozenset[str]:
    """What a claim's number measures: the words before it, else after it (units aside); a span of time is
    measured by what follows ("1 ppd x 30 years": the thirty is years)."""
    if mention.after[:1] and mention.after[0].rstrip("s") in _TIME_UNITS:
        return _keys_of(mention.after)
    return _keys_of(mention.before) or _keys_of(mention.after)


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
    answer's bare numbers are about what the question asked ("How bad, zero to ten?" "Maybe a seven.")."""
    said = []
    turns = evidence.turns
    for position, turn in enumerate(turns):
        before = turns[position - 1] if position else None
        answering = before is not None and before.speaker != turn.speaker and asks(before.text)
        short_answer = answering and len(turn.text.split()) <= _SHORT_ANSWER
        question = before.text if short_answer and before is not None else ""
        reply = turns[position + 1].text if position + 1 < len(turns) else ""
        confirmed = confirms(reply)
        for part, asked in parts(standing(turn.text)):
            if asked and not confirmed and not answering:  # ("How long?" "Like twenty minutes?" is an answer)
                continue
            for mention, about in bind(part):
                said.append((mention.values, about or keys(question), _unit(mention.after)))
    return said


def _unit(after: tuple[str, ...]) -> str | None:
    """The unit a number is given in ("five hundred milligrams": mg), or None."""
    return UNIT_NAMES.get(after[0]) if after else None


def _frequency(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A dosing frequency the claim gives ("BID") is one the evidence gives for the same drug ("twice a day"), when
    the evidence gives any."""
    claimed = _frequencies(claim)
    if not claimed:
        return None
    named = {m.name for m in _medications(claim)}
    about = []
    for turn in evidence.turns if named else ():
        said_in = sentences(turn.text)
        for at, sentence in enumerate(said_in):
            if named & {m.name for m in drugs.find(sentence)}:  # the drug's sentence and the one after it
                about.extend(said_in[at : at + 2])  # ("Sometimes Advil. Maybe two days a week.")
    said = _frequencies(" ".join(about) if about else evidence.text)
    return "frequency" if said and not claimed & said else None


_PER_DAY = re.compile(
    r"\b(once|twice|one time|two times|three times|four times)\s+(?:a|per|each)\s+day"
    r"|\bevery (\w+) (?:hours|hrs|hr|h)\b"
)
_TIMES = {"once": 1, "one time": 1, "twice": 2, "two times": 2, "three times": 3, "four times": 4}
_DAILY = re.compile(r"\b(?:every|each)\s+(?:day|morning|evening|night)\b|\bat bedtime\b")
_PER_WEEK = re.compile(r"\b(\w+)\s+(?:(?:x|times|days)\s+(?:(?:a|per|each|every)\s+)?|(?:a|per|each)\s+)(?:week|wk)\b")


def _frequencies(text: str) -> set[float]:
    """How many times a day ``text`` says something is taken: "BID", "twice a day", "every 12 hours" are 2; "twice a
    week" is 2/7."""
    lowered = " ".join(tokens(text))
    found = {round(n / 7, 3) for count in _PER_WEEK.findall(lowered) for n in numbers(count) if n}
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


def _laterality(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """Each side the claim gives is given in the evidence, and what the claim puts on that side (the words after
    it, the numbers beside it) is not what the evidence puts on the other: "tingling in the right foot" is not "my
    left foot ... Right one's fine"; "168/94 left arm" is not "one sixty-eight over ninety-four in the right arm"."""
    said = _sides(evidence.text)
    for side, about, values in _sides(claim):
        same = [(c, v) for s, c, v in said if s == side]
        if not same:
            return "laterality"
        other = [(c, v) for s, c, v in said if s != side]
        for mine, theirs in ((about, 0), (values, 1)):
            if mine and not any(mine & pair[theirs] for pair in same) and any(mine & pair[theirs] for pair in other):
                return "laterality"
    placed = _placed(sentences(evidence.text), SIDES)
    for side, finding in _placed(clauses(claim), _CLAIM_SIDES):
        if not any(finding & theirs for s, theirs in placed if s == side) and any(
            finding & theirs for s, theirs in placed if s != side
        ):
            return "laterality"
    said = _comparisons(evidence.text, SIDES)
    if said and _comparisons(claim, _CLAIM_SIDES) - said:
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


def _denied_on_side(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A finding the claim places on a side that the evidence denies on that side and nowhere affirms there:
    "numbness of the right foot" is not "Any numbness in the right leg?" "No. The right one's fine."."""
    for part in clauses(claim):
        words = tokens(part)
        given = {_CLAIM_SIDES[w] for w in words if w in _CLAIM_SIDES}
        if len(given) != 1:
            continue
        side = given.pop()

        def on_side(piece: str, side: str = side) -> bool:
            return {SIDES[w] for w in tokens(piece) if w in SIDES} == {side}

        for word, denied, conditional in word_readings(part):
            findings = {k for k in term_keys(word) if k.startswith("~") and k[1:] not in NOT_FINDINGS}
            if findings and not denied and not conditional and readings(word, evidence, on_side) == {True}:
                return "laterality"
    return None


def _placed(pieces: list[str], sides: dict[str, str]) -> list[tuple[str, frozenset[str]]]:
    """Each piece that gives one side (left, right or both) with what it says is there: "a little wheeze on the right
    side, down low" places the wheeze on the right, so "wheeze, left base" places it wrong."""
    found = []
    for piece in pieces:
        words = tokens(piece)
        given = {sides[w] for w in words if w in sides}
        if len(given) == 1:
            found.append((given.pop(), keys(" ".join(w for w in words if w not in sides and w not in _SIDE_WORDS))))
    return found


_SIDE_WORDS = frozenset(("side", "sided", "sides", "one", "ones"))
_CLAIM_SIDES = {**SIDES, "l": "left", "r": "right"}  # a note writes "L knee"; speech never says a lone "L"


def _sides(text: str) -> list[tuple[str, frozenset[str], set[float]]]:
    """Each side word of ``text`` (left, right, both) with what it is about (the words after it, else before) and
    the numbers said beside it (in its comma-separated part)."""
    found = []
    for part in clauses(text):
        for piece in part.split(","):
            words = tokens(piece)
            if "than" in words:
                continue  # a comparison of two sides ("left larger than right"): see ``_comparisons``
            values = {v for mention in mentions(piece) for v in mention.values}
            at = [i for i, w in enumerate(words) if w in SIDES]
            for n, i in enumerate(at):
                end = at[n + 1] if n + 1 < len(at) else len(words)
                after = keys(" ".join(words[i + 1 : min(end, i + 4)]))
                about = after or keys(" ".join(words[max(0, i - 3) : i]))
                found.append((SIDES[words[i]], about, values))
    return found


def _result(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A result claimed ("strep positive", "ECG shows ST elevation") needs one given in the evidence about the same
    test: a result word of the same kind, or a measured number, in a part that names the test or refers back to it
    ("we did the swab... that came back negative"). A test only ordered, pending, considered or put off ("I thought
    about a CT", "I don't think we need an MRI") gives none, and a result said of something else ("your exam was
    normal") is not the test's."""
    for part in clauses(claim):
        words = tokens(part)
        claimed = {RESULT_WORDS[t] for t in words if t in CLAIMED_RESULTS}
        if not claimed or set(words) & CONDITIONS:  # "if culture positive, start azithromycin" claims no result
            continue
        test = _tested(words)
        about = _about_test(test, evidence) if test else []
        if not about:  # the evidence does not name the test: any result it gives must do
            about = [evidence.text]
        given: set[str] = set()
        for said in about:
            said_words = set(tokens(said))
            if said_words & PENDING or any(h in said.lower() for h in HEDGES):
                continue
            given |= {RESULT_WORDS[t] for t in said_words if t in RESULT_WORDS}
            measured = [v for v in numbers(said) if v != 1]  # ("the first one was drawn" measures nothing)
            if measured and claimed <= {"high", "low", "normal"}:
                given |= claimed
        if not claimed & given:
            return "result"
    return _headed_result(claim, evidence)


_HEADED = re.compile(r"^\s*([^:;]{1,40}):\s*([^;]+)")  # "Hip X-ray: no fracture", "CBC: no anemia"


def _headed_result(claim: str, evidence: Evidence) -> str | None:
    """A finding written under a test's name ("Hip X-ray: no fracture") is a result of that test: the evidence must
    say something of the test that is not a question, pending or put off, giving a result or naming the finding."""
    headed = _HEADED.match(claim)
    if headed is None:
        return None
    head, finding = headed.group(1), headed.group(2)
    test = keys(head)
    if not test & _test_keys() or set(tokens(head)) & NEGATIONS or set(tokens(finding)) & PENDING:
        return None  # not a test ("MRI not indicated"), or a plan for one ("CBC: pending")
    about = _about_test(test, evidence, answered=False)
    for said in about:
        said_words = set(tokens(said))
        if said_words & PENDING or any(h in said.lower() for h in HEDGES):
            continue
        if said_words & set(RESULT_WORDS) or keys(said) & keys(finding) - test or numbers(said):
            return None
    if numbers(finding) and not about:
        return None  # measured values of a test the evidence does not name: the number checks hold them
    return "result"


@lru_cache(maxsize=1)
def _test_keys() -> frozenset[str]:
    return keys(" ".join(TESTS))


@lru_cache(maxsize=1)
def _generic_test_keys() -> frozenset[str]:
    return keys("blood test work lab labs result results level")


def _tested(words: list[str]) -> frozenset[str]:
    """What a claimed result is a result of: the words before its first result word ("CT head negative"), else
    those after it ("positive strep test"); only the test's name where they name one ("Prior MRI brain
    unremarkable" is the MRI's, not whatever else was "prior")."""
    first = next(i for i, w in enumerate(words) if w in CLAIMED_RESULTS)
    before = [w for w in words[:first] if w not in RESULT_WORDS]
    said = before or [w for w in words[first + 1 :] if w not in RESULT_WORDS]
    named = [w for w in said if keys(w) & _test_keys() - _generic_test_keys()]
    return keys(" ".join(named or said))


_REFERS_BACK = 2  # pieces after a test is named in which "it", "that" or "they" still means the test


def _about_test(test: frozenset[str], evidence: Evidence, *, answered: bool = True) -> list[str]:
    """The comma-separated pieces of the evidence that name the test (by more than "blood" or "test"), go on in the
    same clause ("the chest x-ray, there's no pneumonia") or refer back to it with a pronoun ("that came back
    negative"); without the questions' pieces unless ``answered``."""
    found = []
    since = _REFERS_BACK + 1
    named = test - _generic_test_keys()
    for turn in evidence.turns:
        for part, asked in parts(turn.text):
            if asked and not answered:
                continue
            in_clause = False
            for piece in part.split(","):
                if named & keys(piece):
                    since, in_clause = 0, True
                    found.append(piece)
                    continue
                since += 1
                if in_clause or (since <= _REFERS_BACK and set(tokens(piece)[:3]) & PRONOUNS):
                    found.append(piece)
    return found


# Words of when, which a denial reaches without denying them ("haven't eaten since yesterday lunch").
_WHEN = frozenset((
    "today", "yesterday", "tonight", "tomorrow", "morning", "afternoon", "evening", "night", "overnight", "week",
    "weeks", "month", "months", "year", "years", "days", "hours", "since", "ago", "last", "recent", "recently",
    "breakfast", "lunch", "dinner", "weekend",
))  # fmt: skip


def _hedged_parts(claim: str) -> list[bool]:
    """For each part of the claim ``claim_terms`` reads, whether it states a possibility rather than a finding (one
    it leans towards, "concern for cauda equina", still may not be what the evidence rules out)."""
    return [
        any(h in part.lower() for h in CLAIM_HEDGES) and not _leaning(part)
        for part in clauses(claim)
        if not set(tokens(part)) & RESOLVED
    ]


_LEANING = frozenset(("concern", "concerning", "suspect", "suspected", "suspicious", "suspicion", "likely", "probable",
                      "probably", "possible", "possibly"))  # fmt: skip
_AGAINST = frozenset(("unlikely", "low", "not", "no", "excluded", "ruled", "doubt", "without"))


def _leaning(part: str) -> bool:
    """Whether a hedged part leans towards what it names ("concern for", "likely") rather than away from it."""
    words = set(tokens(part))
    return bool(words & _LEANING) and not words & _AGAINST


_PLAIN_DENIED = 2  # plain words of one part ("tarry stools", "locking of the knee") denied make it a denial


def _denials(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """For a concept (whose own polarity is its ``negated`` flag): what its words deny ("migraine without aura")
    the evidence must not only affirm."""
    return _polarity(claim, evidence, _allergens, affirmed=False)


def _polarity(claim: str, evidence: Evidence, _allergens: set[str], *, affirmed: bool = True) -> str | None:
    """A term the claim denies that the evidence only affirms, or a clinical finding (a term of the lexicon, such as
    vomiting or fever, not a body part or a test; or a phrase such as "loss of consciousness") the claim affirms that
    the evidence only denies. One plain word is not held to a polarity: the "chest" of "chest wall soreness" is not
    the denied "chest pain"; two of one part are ("dark tarry stools" after "Any black or tarry stools?" "No.").
    A denial placed where the evidence says all is well ("no swelling of the hands" after "Hands are fine") holds."""
    well = {key for _, what in _fine(evidence) for key in what}
    read = [p for p in clauses(claim) if not set(tokens(p)) & RESOLVED]
    for text, part, hedged in zip(read, claim_terms(claim), _hedged_parts(claim), strict=True):
        plain_denied = 0  # plain words the claim affirms that the evidence only denies
        phrases = _denied_phrases(part)
        for term, denied in part:
            if (hedged or not affirmed) and not denied:
                continue  # "cauda equina not suspected", "HF considered unlikely" affirm nothing
            if denied and keys(text) & well:
                continue
            keys_of_term = term_keys(term)
            finding = any(key.startswith("~") and key[1:] not in NOT_FINDINGS for key in keys_of_term)
            phrase = phrases.get(term, ())
            said = readings(
                term, evidence, lambda piece, phrase=phrase: all(term_keys(w) & keys(piece) for w in phrase)
            )
            if not said or denied in said:
                continue
            if denied or finding:
                return "polarity"
            if not any(key.startswith("~") for key in keys_of_term) and term not in _WHEN and term not in SIDES:
                plain_denied += 1
        if plain_denied >= _PLAIN_DENIED:
            return "polarity"
    return None


def _said_fine(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A finding the claim places where the evidence says all is well: "edema of feet and hands" is not "My feet
    swell... Hands are fine, my rings still fit"."""
    return "polarity" if fine_where_affirmed(claim, evidence) else None


def fine_where_affirmed(claim: str, evidence: Evidence) -> bool:
    """Whether the claim affirms a finding in a piece that also names what the evidence says is fine or normal
    ("Hands are fine", "the left ear looks normal"), on the same side."""
    fine = _fine(evidence)
    if not fine:
        return False
    for part in (piece for clause in clauses(claim) for piece in clause.split(",")):
        if set(tokens(part)) & _WELL:
            continue  # the claim says so too ("TMs normal", "rate controlled")
        read = [(w, denied) for w, denied, conditional in word_readings(part) if not conditional]
        findings = [w for w, denied in read if not denied and _is_finding(w)]
        side = _one_side(part, _CLAIM_SIDES)
        sites = {k for w, denied in read if not denied and not _is_finding(w) for k in keys(w)}
        if findings and any(s in (side, None) and sites & what for s, what in fine):
            return True
    return False


_WELL = frozenset(("fine", "normal", "okay", "ok", "unremarkable", "intact", "controlled", "stable", "wnl", "nl"))
_FINE = re.compile(
    r"^(?P<what>[\w' ]+?)\s+(?:is|are|was|were|looks?|feels?|seems?)\s+(?:\w+\s+)?(?:fine|normal|okay|ok)\b"
)


def _fine(evidence: Evidence) -> list[tuple[str | None, frozenset[str]]]:
    """What the evidence says is fine or normal, not in a question, with the side it gives: "Hands are fine",
    "the left one looks normal" (the words before the verb, nothing if only a pronoun)."""
    found = []
    for turn in evidence.turns:
        for part, asked in parts(turn.text):
            for piece in part.split(","):
                said = _FINE.match(piece.strip().lower())
                if asked or said is None:
                    continue
                what = keys(" ".join(w for w in tokens(said.group("what")) if w not in SIDES))
                if what:
                    found.append((_one_side(said.group("what"), SIDES), what))
    return found


def _one_side(text: str, named: dict[str, str]) -> str | None:
    given = {named[w] for w in tokens(text) if w in named}
    return given.pop() if len(given) == 1 else None


def _is_finding(word: str) -> bool:
    return any(k.startswith("~") and k[1:] not in NOT_FINDINGS for k in term_keys(word))


def _denied_phrases(part: list[tuple[str, bool]]) -> dict[str, tuple[str, ...]]:
    """Each word of a run of words the claim denies together, with the run: "no midline bony tenderness" denies a
    bony tenderness, which tenderness of the muscles beside it does not affirm."""
    runs: list[list[str]] = [[]]
    for term, denied in part:
        if " " in term:
            continue  # (a lexicon phrase, already whole)
        if denied:
            runs[-1].append(term)
        elif runs[-1]:
            runs.append([])
    return {word: tuple(run) for run in runs if len(run) > 1 for word in run}


def _speculative(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A diagnosis the clinician only wants to rule out ("we'll check it's not a clot"), or one the patient asked
    about and was told no ("So do I have diabetes?" "Not necessarily."), written as made."""
    lowered = claim.lower()
    if any(h in lowered for h in CLAIM_HEDGES) or set(tokens(claim)) & NEGATIONS:
        return None  # a possibility, or a diagnosis denied ("no evidence of abscess"), claims nothing made
    mine = keys(claim)
    turns = evidence.turns
    for position, turn in enumerate(turns):
        follows = turns[position + 1] if position + 1 < len(turns) else None
        for part, asked in parts(turn.text):
            named = mine & keys(part) - _hedge_keys()
            answered = asked and named and follows is not None and follows.speaker != turn.speaker
            if answered and answer_reading(set(named), part, follows.text) is True:
                return "speculative"
            for piece in part.split(","):  # a hedge reaches its own piece: "this is migraine, ... I don't think
                hedged = any(h in piece.lower() for h in HEDGES)  # we need an MRI" leaves the migraine made
                if hedged and mine & keys(piece) - _hedge_keys():
                    return "speculative"
    return None


@lru_cache(maxsize=1)
def _hedge_keys() -> frozenset[str]:
    return frozenset(stem(w) for h in HEDGES for w in tokens(h))


def _covered(claim: str, evidence: Evidence, *, every_term: bool, named: bool = False) -> bool:
    """Enough of the claim is in the evidence: half of its units (see ``units``), every clinical term of a concept
    ("lower extremity edema" needs the edema, said as "swelling in your legs"), and all of a ``named`` diagnosis."""
    heard = keys(evidence.context)
    spoken = tokens(evidence.context)
    wanted = units(claim)
    if not wanted:
        return False
    found = sum(1 for alternatives in wanted if alternatives & heard or _drug_heard(alternatives, spoken))
    if named:  # a diagnosis as a concept: every word of it said ("hepatitis" is not "the drinking")
        return found == len(wanted)
    if every_term:  # a concept: each clinical term of it said, and most of its other words
        terms_found = all(alternatives & heard for alternatives in wanted if _is_term(alternatives))
        return terms_found and found >= COVERAGE * len(wanted)
    return found >= COVERAGE * len(wanted)


def _drug_heard(alternatives: set[str], spoken: list[str]) -> bool:
    """A medication the speech recognizer split or misspelt ("ator va statin") still counts as said."""
    return any(key.startswith("rx:") and _spelt_near(key[3:], spoken) for key in alternatives)


def _is_term(alternatives: set[str]) -> bool:
    return any(key.startswith("~") for key in alternatives) and len(alternatives) == 1
