"""Checks of a result a claim states: one the turns give about that test, not one still pending, considered or
said of something else, and values under a test's name only if the test gave them (see ``checks``)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from aftercall.notes.evidence import Evidence, parts
from aftercall.notes.lexicon import (
    CLAIMED_RESULTS,
    CONDITIONS,
    HEDGES,
    NEGATIONS,
    PENDING,
    PRONOUNS,
    RESULT_WORDS,
)
from aftercall.notes.numbers import mentions, numbers
from aftercall.notes.polarity import confirms
from aftercall.notes.quantities import spans_time
from aftercall.notes.tokens import clauses, tokens
from aftercall.notes.words import keys, says_hedge, test_keys


def result(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A result claimed ("strep positive", "ECG shows ST elevation") needs one given in the evidence about the same
    test: a result word of the same kind, or a measured number, in a part that names the test or refers back to it
    ("we did the swab... that came back negative"). A test only ordered, pending, considered or put off ("I thought
    about a CT", "I don't think we need an MRI") gives none, and a result said of something else ("your exam was
    normal") is not the test's."""
    for part in clauses(claim):
        words = tokens(part)
        results = CLAIMED_RESULTS | (_LEVEL_RESULTS if _a_labs_level(words) else frozenset())  # ("level low")
        claimed = {RESULT_WORDS[t] for t in words if t in results}
        if not claimed or set(words) & CONDITIONS:  # "if culture positive, start azithromycin" claims no result
            continue
        test = _tested(words, results)
        about = _about_test(test, evidence) if test else []
        if not about and not _names(test, evidence.text):  # the test is not named: any result given must do
            about = [_Piece(evidence.text, says_hedge(evidence.text, HEDGES))]
        given: set[str] = set()
        for said, hedged in about:
            said_words = set(tokens(said))
            if said_words & (PENDING | _IF) or hedged:
                continue  # (nor does one awaited: "if the CRP is high, we'll see you sooner")
            given |= {RESULT_WORDS[t] for t in said_words if t in RESULT_WORDS}
            measured = _measured(said)
            if measured and claimed <= {"high", "low", "normal"}:
                given |= claimed
        if not claimed & given:
            return "result"
    return _headed_result(claim, evidence)


def _measured(said: str) -> list[float]:
    """The values a piece measures: not a one ("the first one was drawn"), a time of day or a span of time ("that
    takes a couple of days" says when a result comes, not what it is)."""
    return [v for m in mentions(said) if not spans_time(m) for v in m.values if v != 1]


_NEED = frozenset(("need", "needs", "want", "wants"))
_IF = frozenset(("if", "unless", "whether"))  # ("otherwise the CBC was normal" gives a result)
_LEVELS = frozenset(("level", "levels"))  # "Vitamin D level low": a lab's value, so "low" claims a result
_NOT_LABS = frozenset(("stress", "energy", "activity", "pain", "anxiety", "comfort", "noise", "fitness", "mood",
                       "consciousness", "alertness", "function", "functioning", "care", "education"))  # fmt: skip


def _a_labs_level(words: list[str]) -> bool:
    """Whether the words name a lab's level ("vitamin D level"), not a feeling's ("stress levels")."""
    return any(w in _LEVELS and at and words[at - 1] not in _NOT_LABS for at, w in enumerate(words))


_LEVEL_RESULTS = frozenset(("low", "high", "decreased", "increased", "reduced"))
_HEADED = re.compile(r"^\s*([^:;]{1,40}):\s*([^;]+)")  # "Hip X-ray: no fracture", "CBC: no anemia"


def _headed_result(claim: str, evidence: Evidence) -> str | None:
    """A finding written under a test's name ("Hip X-ray: no fracture") is a result of that test: the evidence must
    say something of the test that is not a question, pending or put off, giving a result, a measured number or the
    finding. Values under the name of a test the evidence does not name at all are left to the number checks."""
    headed = _HEADED.match(claim)
    if headed is None:
        return None
    head, finding = headed.group(1), headed.group(2)
    test = keys(head)
    if not test & test_keys() or set(tokens(head)) & (NEGATIONS | CONDITIONS) or set(tokens(finding)) & PENDING:
        return None  # not a test ("MRI not indicated"), a plan for one ("CBC: pending", "If culture positive: ...")
    about = _about_test(test, evidence, answered=False)
    for said, hedged in about:
        said_words = set(tokens(said))
        if said_words & PENDING or hedged:
            continue
        if said_words & set(RESULT_WORDS) or keys(said) & keys(finding) - test or _measured(said):
            return None
    if numbers(finding) and not about:
        return None  # measured values of a test the evidence does not name: the number checks hold them
    return "result"


@lru_cache(maxsize=1)
def _generic_test_keys() -> frozenset[str]:
    return keys("blood test work lab labs result results level")


def _tested(words: list[str], results: frozenset[str]) -> frozenset[str]:
    """What a claimed result is a result of: the words before its first result word ("CT head negative"), else
    those after it ("positive strep test"); only the test's name where they name one ("Prior MRI brain
    unremarkable" is the MRI's, not whatever else was "prior")."""
    first = next(i for i, w in enumerate(words) if w in results)
    before = [w for w in words[:first] if w not in RESULT_WORDS]
    said = before or [w for w in words[first + 1 :] if w not in RESULT_WORDS]
    named = [w for w in said if keys(w) & test_keys() - _generic_test_keys()]
    return keys(" ".join(named or said)) | {w for w in named or said if _LAB_NAME.fullmatch(w)}


_LAB_NAME = re.compile(r"(?=.*\d)[a-z]+\d+[a-z0-9]*")  # "b12", "a1c", "t4": too short to be a content word


_REFERS_BACK = 2  # pieces after a test is named in which "it", "that" or "they" still means the test


# Words that make the rest of a clause a test still to come ("I'm ordering a CT scan, a heart catheterization to look
# at the arteries"); not those of one done ("We sent the culture, and it came back negative").
_AWAITED = frozenset(("ordering", "sending", "pending", "waiting", "await", "awaiting", "will", "we'll", "i'll",
                      "gonna", "tomorrow"))  # fmt: skip


def _names(test: frozenset[str], text: str) -> bool:
    """Whether ``text`` names the test by more than "blood" or "test"."""
    return bool(test - _generic_test_keys() & (keys(text) | set(tokens(text))))


class _Piece(NamedTuple):
    """A comma-separated piece of the evidence, and whether its clause hedges it or awaits it up to there ("I want
    to make sure this isn't a blood clot, a DVT": the DVT is a possibility, not a finding)."""

    text: str
    hedged: bool


def _about_test(test: frozenset[str], evidence: Evidence, *, answered: bool = True) -> list[_Piece]:
    """The comma-separated pieces of the evidence that name the test (by more than "blood" or "test"), go on in the
    same clause ("the chest x-ray, there's no pneumonia"), refer back to it with a pronoun ("that came back
    negative") or answer a question about it ("When was your last colonoscopy?" "Five years ago, it was normal.");
    without the questions' pieces unless ``answered``."""
    found = []
    since = _REFERS_BACK + 1
    # the words of the pieces that name it ("your yearly TB blood test, the QFT")
    naming: set[str] = set(test - _generic_test_keys())
    asked_by: int | None = None  # the speaker who asked about the test in the turn before
    for at, turn in enumerate(evidence.turns):
        answering = asked_by is not None and asked_by != turn.speaker
        asked_by = None
        reply = evidence.turns[at + 1] if at + 1 < len(evidence.turns) else None
        confirmed = reply is not None and reply.speaker != turn.speaker and confirms(reply.text)
        for part, asked in parts(turn.text):
            if asked and _names(test, part) and not set(tokens(part)) & (PENDING | _NEED):
                asked_by = turn.speaker  # (of its result: "Does he need a CT?" is answered by a plan)
            if asked and not (answered and confirmed):  # ("So the uric acid's high?" "Maybe." gives no result)
                continue
            in_clause = False
            pieces = part.split(",")
            for n, piece in enumerate(pieces):
                lead = ",".join(pieces[: n + 1])
                hedged = says_hedge(lead, HEDGES) or bool(set(tokens(lead)) & _AWAITED)
                if _names(test, piece):
                    since, in_clause = 0, True
                    found.append(_Piece(piece, hedged))
                    naming |= keys(piece) | set(tokens(piece))
                    continue
                since += 1
                another = keys(piece) & test_keys() - test - _generic_test_keys()
                if (
                    in_clause
                    or (answering and not another)
                    or (since <= _REFERS_BACK and _refers_back(piece, test, frozenset(naming)))
                ):
                    found.append(_Piece(piece, hedged))
    return found


_ONE_AFTER = frozenset((
    "the", "that", "this", "which", "first", "second", "third", "last", "other", "same", "latest", "new", "newer",
    "old", "older", "recent", "quick", "rapid", "repeat", "earlier", "later",
))  # fmt: skip


def _refers_back(piece: str, test: frozenset[str], naming: frozenset[str]) -> bool:
    """Whether ``piece`` opens with a pronoun that can mean the test just named ("that came back negative"), not
    one that names another thing ("the TB one was fine", where the test named was a CMP) or names another test."""
    words = tokens(piece)[:3]
    pronouns = [at for at, w in enumerate(words) if w in PRONOUNS]
    if not pronouns or keys(piece) & test_keys() - test - _generic_test_keys():
        return False
    at = pronouns[0]
    if words[at] not in ("one", "ones") or at == 0 or words[at - 1] in _ONE_AFTER:
        return True
    return words[at - 1] in naming or (bool(keys(words[at - 1])) and keys(words[at - 1]) <= naming)
