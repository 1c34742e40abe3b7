"""Checks of a diagnosis a claim states (an assessment, a problem, or the patient's own history): made, not only
raised to rule out or asked about and denied (``speculative``), and the patient's, not a relative's
(``family-history``). See ``checks`` for the order of all checks."""

from __future__ import annotations

import re
from functools import lru_cache

from aftercall.notes.evidence import Evidence, asks, parts
from aftercall.notes.lexicon import CLAIM_HEDGES, HEDGES, NEGATIONS, TESTS
from aftercall.notes.polarity import answer_reading
from aftercall.notes.tokens import tokens
from aftercall.notes.words import keys, says_hedge, stem


def speculative(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A diagnosis the clinician only wants to rule out ("we'll check it's not a clot"), or one the patient asked
    about and was told no ("So do I have diabetes?" "Not necessarily."), written as made."""
    lowered = claim.lower()
    if any(h in lowered for h in CLAIM_HEDGES) or set(tokens(claim)) & NEGATIONS:
        return None  # a possibility, or a diagnosis denied ("no evidence of abscess"), claims nothing made
    mine = keys(claim)
    turns = evidence.turns
    for position, turn in enumerate(turns):
        follows = turns[position + 1] if position + 1 < len(turns) else None
        just_named = False  # the piece before named the diagnosis, so "it" may be it
        for part, asked in parts(turn.text):
            named = mine & keys(part) - _hedge_keys()
            answered = asked and named and follows is not None and follows.speaker != turn.speaker
            in_answer = mine & keys(follows.text) - _hedge_keys() if follows is not None else set()
            if answered and answer_reading(set(named | in_answer), part, follows.text) is True:  # ("Any surgeries?"
                return "speculative"  # "No, he's been healthy. Oh, he had his tonsils out" affirms a tonsillectomy)
            for piece in part.split(","):  # a hedge reaches its own piece: "this is migraine, ... I don't think
                hedged = says_hedge(piece, HEDGES)  # we need an MRI" leaves the migraine made
                here = bool(mine & keys(piece) - _hedge_keys())
                if hedged and (here or (just_named and _HAS_IT.search(piece))):
                    return "speculative"  # ("... psoriatic arthritis. I don't think you have it")
                just_named = here or (just_named and not tokens(piece))
    return None


# The patient said to have the diagnosis just named ("I don't think you have it"), not again, elsewhere or someone
# else ("I doubt you'll have it again", "you have it in your spine", "her brother has it").
_HAS_IT = re.compile(r"\byou(?:'ve| have| got|'ve got)\s+(?:it|that|this)\b(?!\s+(?:again|before|yet|in|on)\b)", re.I)


_OWN_HISTORY = re.compile(r"^\s*(?:pmh|pmhx|psh|hx|h/o|history|past medical history)\b|\b(?:hx|history) of\b", re.I)


def own_history(claim: str) -> bool:
    """Whether the claim states the patient's own history ("PMH: asthma", "Hx of kidney stones"), which is held
    to what a diagnosis is held to; a family history ("FHx", "family history of") is not."""
    return bool(_OWN_HISTORY.search(claim)) and not set(tokens(claim)) & _FAMILY_WORDS


def family_history(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A diagnosis the turns give only to a relative who cannot be the patient ("My sister has type two diabetes"),
    written as the patient's: the claim names no relative, and every piece of the turns that names the diagnosis
    (between commas and "and") names a sibling, an aunt, an uncle or a cousin, or answers a question about the
    family ("Any family history?" "My mom had lupus"), and none is said in the first person ("and I have diabetes
    myself"). Elsewhere a parent, child or spouse may be the patient, spoken of by the one who came with them."""
    if set(tokens(claim)) & (_KIN | _FAMILY_WORDS):
        return None
    mine = {k for k in keys(claim) if k.startswith("~")} or keys(claim)
    turns = evidence.turns
    named = []  # each piece naming it: how much of it, whose, and whether it answers a question about the family
    for at, turn in enumerate(turns):
        before = turns[at - 1] if at else None
        family = (
            before is not None
            and before.index == turn.index - 1
            and before.speaker != turn.speaker
            and asks(before.text)
            and "family" in tokens(before.text)
        )
        for part, _ in parts(turn.text):
            kin_here = bool(set(tokens(part)) & _KIN)
            for piece in _PIECES.split(part):
                words = set(tokens(piece))
                if not mine & keys(piece) or _names_a_test(piece):
                    continue  # (a test for it, "the diabetes test", gives it to nobody)
                theirs = bool(words & _KIN) or (kin_here and bool(words & _THIRD_PERSON))  # "my sister, she had it"
                mine_said = bool(words & _FIRST_PERSON) and not words & _THIRD_PERSON  # ("I think she had it")
                named.append((at, frozenset(mine & keys(piece)), theirs or family, mine_said))
    too = any(set(words) & _FIRST_PERSON and set(words) & _TOO for words in (tokens(t.text) for t in turns))
    if not named or too or any(mine_said for *_, mine_said in named):
        return None  # ("I have it too", "and I have high blood pressure myself")
    relatives = [said for _, said, theirs, _ in named if theirs]
    own: dict[int, set[str]] = {}  # what each turn names of it outside a relative's pieces
    for at, said, theirs, _ in named:
        if not theirs:
            own.setdefault(at, set()).update(said)
    if relatives and all(any(said < theirs for theirs in relatives) for said in own.values()):
        return "family-history"  # (only a part of it is named of anyone else: "your mom has psoriasis"... "my
    return None  # brother was diagnosed with psoriatic arthritis"; a turn that names it all is the patient's)


_PIECES = re.compile(r",|;|\band\b|\bbut\b")
_FIRST_PERSON = frozenset(("i", "i've", "i'm", "me", "myself"))
_TOO = frozenset(("too", "also", "both"))
_THIRD_PERSON = frozenset(("he", "she", "they", "he's", "she's", "his", "her"))


def _names_a_test(part: str) -> bool:
    return bool(set(tokens(part)) & TESTS)


_KIN = frozenset(("brother", "brothers", "sister", "sisters", "aunt", "aunts", "uncle", "uncles", "cousin", "cousins",
                  "sibling", "siblings"))  # fmt: skip
_FAMILY_WORDS = frozenset(("fhx", "fh", "family", "familial", "maternal", "paternal", "mother", "father", "mom", "dad"))


@lru_cache(maxsize=1)
def _hedge_keys() -> frozenset[str]:
    return frozenset(stem(w) for h in HEDGES for w in tokens(h))
