"""Check of an action a claim states as done or decided ("CTA chest ordered", "Staples to be removed Thursday as
planned"): the turns must not put it off ("I may get a CT... I'm not ordering it yet"; "the staples, they were due
out Thursday" "Let's hold off"), unless they also say it is done. See ``checks`` for the order of all checks."""

from __future__ import annotations

from functools import lru_cache

from aftercall.notes import drugs
from aftercall.notes.evidence import Evidence, asks, parts
from aftercall.notes.lexicon import CONDITIONS, NEGATIONS
from aftercall.notes.tokens import tokens
from aftercall.notes.words import keys, says_hedge, stem, test_keys

# Words of a claim that state an action as done or decided ("started" only of a drug: "cough started Monday" is
# when a symptom began).
_DONE = frozenset((
    "ordered", "placed", "initiated", "given", "administered", "prescribed", "sent", "submitted", "scheduled",
    "removed", "referred", "resume", "resumed", "restarted", "cleared", "planned",
))  # fmt: skip
_STARTED = frozenset(("started", "start"))
# What puts an action off in speech: each names the action, not a symptom ("it won't go away" puts nothing off).
_PUT_OFF = (
    "not ordering",
    "not going to order",
    "not going to start",
    "not going to do",
    "hold off",
    "holding off",
    "no need for",
    "don't need",
    "do not need",
    "doesn't need",
    "not necessary",
    "not needed",
    "not necessarily",
    "wait on",
    "wait and see",
    "won't need",
    "won't order",
    "won't start",
    "not starting",
    "not yet",
    "not today",
    "not right now",
)
_UNSURE = frozenset(("consider", "considering", "possible", "possibly", "?", "vs", "versus"))  # ("may resume": allowed)
_WHEN = frozenset((
    "today", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "week",
    "weeks", "month", "months", "day", "days", "now", "later", "next", "this",
))  # fmt: skip
_OBJECTS = frozenset(("it", "that", "this", "them", "those"))  # what a put-off piece may refer back with


def put_off(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """An action the claim gives as done or decided that the evidence puts off, in a statement (not a question) that
    names what the action is done to, refers back to it ("I'm not ordering it yet"), or answers the turn that names
    it ("Let's hold off."), where no piece says it is done ("I'm ordering it today"). A claim that is itself unsure
    or conditional ("CT if US positive") or denies the action ("CT not ordered") states nothing done."""
    words = set(tokens(claim))
    named_drugs = {m.name for m in drugs.medications(claim)}
    acts = words & _DONE or (words & _STARTED if named_drugs else set())
    if not acts or words & (NEGATIONS | CONDITIONS | _UNSURE) or says_hedge(claim, _PUT_OFF):
        return None  # (what an order is for is no doubt about it: "CTA chest ordered to r/o PE")
    what = _object(claim)
    if not what:
        return None
    off = on = False
    previous_named = False  # the turn before (another speaker's statement) named it
    for turn in evidence.turns:
        named_here = False
        first = True
        for part, asked in parts(turn.text):
            lasting = _not_until(part)
            for piece in part.split(","):
                said = set(tokens(piece))
                names = bool(what & keys(piece)) and not _names_another(piece, what)
                refers = bool(said & _OBJECTS) and named_here
                answers = first and previous_named and not names  # (not a question's: "Did he get it?" "Not yet.")
                if not asked and (says_hedge(piece, _PUT_OFF) or (lasting and said & NEGATIONS)):
                    off = off or names or refers or answers
                elif names and not asked and said & _DOING and not said & CONDITIONS:
                    on = True
                named_here = named_here or names
                first = first and not tokens(piece)
        previous_named = named_here and not asks(turn.text)
    return "polarity" if off and not on else None


def _object(claim: str) -> frozenset[str]:
    """What the claim's action is done to: its drugs or tests where it names some, else its other words."""
    named = {f"rx:{m.name.lower()}" for m in drugs.medications(claim)} | (keys(claim) & _test_name_keys())
    if named:
        return frozenset(named)
    done = {stem(w) for w in _DONE | _STARTED}
    return frozenset(k for k in keys(claim) if k not in done and k not in _WHEN_KEYS)


def _names_another(piece: str, what: frozenset[str]) -> bool:
    """Whether ``piece`` names a drug or a test that is not the claim's ("we don't need an MRI of the knee")."""
    others = {f"rx:{m.name.lower()}" for m in drugs.medications(piece)} | (keys(piece) & _test_name_keys())
    return bool(others - what)


@lru_cache(maxsize=1)
def _test_name_keys() -> frozenset[str]:
    return test_keys() - keys("test tests blood work")  # ("blood work" names a test; "working" does not)


_WHEN_KEYS = frozenset(stem(w) for w in _WHEN)
# Words of speech that do the action now ("I'm ordering it today", "we'll remove them Monday").
_DOING = frozenset((
    "ordering", "ordered", "order", "placing", "placed", "starting", "start", "started", "giving", "give", "gave",
    "given", "prescribing", "prescribe", "sending", "send", "sent", "removing", "remove", "referring", "refer",
    "resume", "restart", "scheduling", "schedule", "get", "getting", "try", "put", "putting", "do", "doing",
))  # fmt: skip


def _not_until(part: str) -> bool:
    """A denial that lasts until something happens: "no practice until he's symptom free" (each of a list)."""
    words = tokens(part)
    return "until" in words and bool(set(words[: words.index("until")]) & NEGATIONS)
