"""Check of an action a claim states as done or decided ("CTA chest ordered", "Staples to be removed Thursday as
planned"): the turns must not put it off ("I may get a CT... I'm not ordering it yet"; "the staples, they were due
out Thursday" "Let's hold off"), unless they also say it is done. See ``checks`` for the order of all checks."""

from __future__ import annotations

from aftercall.notes.evidence import Evidence, asks, parts
from aftercall.notes.lexicon import CONDITIONS, NEGATIONS, PRONOUNS
from aftercall.notes.tokens import tokens
from aftercall.notes.words import keys, says_hedge, stem

# Words of a claim that state an action as done or decided.
_DONE = frozenset((
    "ordered", "placed", "started", "initiated", "given", "administered", "prescribed", "sent", "submitted",
    "scheduled", "removed", "referred", "resume", "resumed", "restarted", "cleared", "planned",
))  # fmt: skip
# What puts an action off in speech.
_PUT_OFF = (
    "not ordering",
    "not going to",
    "hold off",
    "holding off",
    "not yet",
    "no need",
    "don't need",
    "do not need",
    "doesn't need",
    "not necessary",
    "not needed",
    "not necessarily",
    "not until",
    "wait on",
    "wait until",
    "wait and see",
    "won't",
    "not today",
    "not right now",
    "not starting",
    "not start",
    "no more",
)
_UNSURE = frozenset(("consider", "considering", "possible", "possibly", "?", "vs", "versus"))  # ("may resume": allowed)
_WHEN = frozenset((
    "today", "tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "week",
    "weeks", "month", "months", "day", "days", "now", "later", "next", "this",
))  # fmt: skip


def put_off(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """An action the claim gives as done or decided that the evidence puts off, in a piece that names what the action
    is done to, refers back to it ("I'm not ordering it yet"), or answers the turn that names it ("Let's hold off."),
    where no piece says it is done ("I'm ordering it today"). A claim that is itself unsure or conditional ("CT if
    US positive") or denies the action ("CT not ordered") states nothing done."""
    words = set(tokens(claim))
    if not words & _DONE or words & (NEGATIONS | CONDITIONS | _UNSURE):
        return None  # (what an order is for is no doubt about it: "CTA chest ordered to r/o PE")
    if says_hedge(claim, _PUT_OFF):
        return None
    done = {stem(w) for w in _DONE}
    what = {k for k in keys(claim) if k not in done and k not in _WHEN_KEYS}
    if not what:
        return None
    off = on = False
    previous_named = False  # the turn before (another speaker's) named it
    for turn in evidence.turns:
        named_here = False
        first = True
        for part, asked in parts(turn.text):
            for piece in part.split(","):
                names = bool(what & keys(piece))
                refers = bool(set(tokens(piece)[:4]) & PRONOUNS) and named_here
                answers = first and previous_named and not names  # (not a question's: "Did he get it?" "Not yet.")
                lasting = _not_until(part) and bool(set(tokens(piece)) & NEGATIONS)  # ("no running, no jumping until")
                if says_hedge(piece, _PUT_OFF) or lasting:
                    off = off or names or refers or answers
                elif names and not asked and set(tokens(piece)) & _DOING and not set(tokens(piece)) & CONDITIONS:
                    on = True
                named_here = named_here or names
                first = first and not tokens(piece)
        previous_named = named_here and not asks(turn.text)
    return "polarity" if off and not on else None


_WHEN_KEYS = frozenset(stem(w) for w in _WHEN)
# Words of speech that do the action now ("I'm ordering it today", "we'll remove them Monday").
_DOING = frozenset((
    "ordering", "ordered", "order", "placing", "placed", "starting", "start", "started", "giving", "gave", "given",
    "prescribing", "sending", "sent", "removing", "remove", "referring", "resume", "restart", "scheduling",
))  # fmt: skip


def _not_until(piece: str) -> bool:
    """A denial that lasts until something happens: "no practice until he's symptom free" (each of a list)."""
    words = tokens(piece)
    return "until" in words and bool(set(words[: words.index("until")]) & NEGATIONS)
