"""Whether a text affirms or denies what it names: read per comma-separated part, through lists, with conditions
neither affirmed nor denied, and a question read with its answer ("Any swelling?" "No." denies swelling)."""

from __future__ import annotations

from collections.abc import Callable

from aftercall.notes.evidence import Evidence, parts
from aftercall.notes.lexicon import (
    ABBREVIATIONS,
    AFTER_NEGATIONS,
    CONDITIONS,
    NEGATIONS,
    NO_ANSWERS,
    ONLY_ANSWERS,
    RESOLVED,
    TESTS,
    UNITS,
    YES_ANSWERS,
)
from aftercall.notes.numbers import numbers
from aftercall.notes.tokens import clauses, tokens
from aftercall.notes.words import content, is_finding, keys, stem, term_keys, terms, test_keys

_COUNT_WORDS = 4  # an answer opening with how often, this short ("Once", "Two times", "A couple times"), says yes
_HOW_OFTEN = frozenset(("once", "twice", "times", "couple", "few", "several"))


def claim_terms(claim: str) -> list[list[tuple[str, bool]]]:
    """Each part of a claim as its terms, each with whether the claim denies it ("Denies CP, SOB": both; see
    ``word_readings``): its content words, and each clinical term it names in several words ("loss of consciousness");
    none of a part that says something has gone ("nausea, resolved by week 2")."""
    found = []
    for part in clauses(claim):
        if set(tokens(part)) & RESOLVED:
            continue
        context = placed_by(part)
        listed = tokens(part)[:1] in (["denies"], ["denied"]) or tokens(part)[:2] == ["negative", "for"]
        ruled_out = _tested_negative(part)  # "Home COVID test negative" denies COVID
        words = [
            (w, denied or listed or bool(term_keys(w) & ruled_out))  # "Denies weakness, ... or numbness": all
            for w, denied, conditional in word_readings(part)
            if not conditional and not ((denied or listed) and w in context)
        ]
        said = set(tokens(part))
        for members in terms(part).values():
            if len(members) > 1 and members <= said:  # said in words, not an abbreviation's expansion
                words.append((" ".join(sorted(members)), any(d for w, d in words if w in members)))
        found.append(words)
    return found


# After a denial, these open what the denied finding is placed or timed by, which is not denied itself: "denies
# numbness in the right leg", "no dizziness before the fall", "no chest pain with exertion".
_PLACING = frozenset((
    "in", "on", "at", "of", "with", "before", "after", "during", "preceding", "following", "from", "for", "given",
    "due", "because", "per",
))  # fmt: skip


def placed_by(part: str) -> set[str]:
    """The words of a claim's part that follow a placing word after its denial."""
    found: set[str] = set()
    for piece in part.split(","):
        words = tokens(piece)
        negated = next((i for i, w in enumerate(words) if w in NEGATIONS), None)
        if negated is None:
            continue
        placing = next((i for i in range(negated + 1, len(words)) if words[i] in _PLACING), None)
        if placing is not None:
            found |= set(words[placing + 1 :])
    return found


def readings(term: str, evidence: Evidence, where: Callable[[str], bool] = lambda part: True) -> set[bool]:
    """How the evidence speaks of ``term``: True where it denies it, False where it affirms it (empty: not said,
    or said only as a condition: "go to the ER if she's drooling"), in the parts ``where`` accepts. A question's
    term is read from the answer: "Any swelling?" "No." denies swelling."""
    wanted = term_keys(term)
    if set(tokens(term)) & TESTS:
        wanted = frozenset(wanted | {_TEST_ITSELF})  # a test's own concept is not ruled out by its negative result
    found: set[bool] = set()
    turns = evidence.turns
    for position, turn in enumerate(turns):
        follows = turns[position + 1] if position + 1 < len(turns) else None
        answer = follows if follows is not None and follows.speaker != turn.speaker else None
        for part, asked in parts(turn.text):
            if not wanted & keys(part) or not where(part):
                continue
            if asked:
                reply = answer_reading(wanted, part, answer.text) if answer is not None else None
                if reply is not None:
                    found.add(reply)
            else:
                found |= _polarities(wanted, part)
    return found


def _tested_negative(part: str) -> frozenset[str]:
    """What a negative test of ``part`` rules out: the words before the test's name in its piece ("a home COVID
    test ..., it was negative"), when the part says the test was negative and nothing in it is positive."""
    words = tokens(part)
    if not set(words) & _NEGATIVE_RESULTS or set(words) & _POSITIVE_RESULTS:
        return frozenset()
    for piece in part.split(","):
        said = tokens(piece)
        at = next((i for i, w in enumerate(said) if w in TESTS), None)
        if at:
            return keys(" ".join(said[:at])) - test_keys()
    return frozenset()


_NEGATIVE_RESULTS = frozenset(("negative", "neg"))
_TEST_ITSELF = "test:"  # marks a term that names a test (no word's key)
_POSITIVE_RESULTS = frozenset(("positive", "pos", "detected"))


def answer_reading(wanted: set[str], question: str, answer: str) -> bool | None:
    """Whether an answer denies (True) or affirms (False) what ``question`` asked about; None if unclear. A "No"
    on its own ("No.", "No, I sleep on one pillow") denies all that was asked; a "No" attached to one of the things
    asked ("No chest pain. I get winded") decides only what the answer names; "Just chills" denies the rest."""
    for part in clauses(answer):
        if wanted & keys(part):
            said = _polarities(wanted, part)
            return next(iter(said)) if len(said) == 1 else None
    for part in clauses(answer):  # "Vision changes, spots or blurry?" "... No vision stuff." answers all it asked
        named = {stem(w) for members in terms(part).values() for w in members}  # ("No chest pain" is one thing)
        shared = {k for k in keys(question) & keys(part) if not k.startswith("~") and k not in named}
        if shared and _polarities(shared, part) == {True}:
            return True
    words = tokens(answer)
    if not words:
        return None
    opening = " ".join(words[:4])
    first_piece = answer.split(",")[0].split(".")[0]
    if _is_particle(first_piece) and any(opening.startswith(no) for no in NO_ANSWERS):
        return True
    opening_words = tokens(first_piece)
    if set(opening_words) & _HOW_OFTEN and len(opening_words) <= _COUNT_WORDS:
        return False  # "Have you thrown up?" "Once. This morning." affirms it
    asked_terms = {k for k in keys(question) if k.startswith("~")} - wanted
    if words[0] in ONLY_ANSWERS:  # "Just chills": the rest of what was asked is denied
        return True if asked_terms & keys(clauses(answer)[0]) else None
    if asked_terms & keys(first_piece):
        return None  # it answers about something else that was asked
    if any(opening.startswith(no) for no in NO_ANSWERS):
        return True
    if any(opening.startswith(yes) for yes in YES_ANSWERS):
        return False
    return None


def confirms(answer: str) -> bool:
    """Whether ``answer`` says yes to what it answers ("Yes, that's right.")."""
    return answer_reading(set(), "", answer) is False


def _is_particle(piece: str) -> bool:
    """A bare answer word: "No", "Nope", "No no", "I don't think so"."""
    return not [w for w in tokens(piece) if content(w) and w not in NEGATIONS]


def _polarities(wanted: set[str], clause: str) -> set[bool]:
    """Whether each mention of ``wanted`` in ``clause`` is denied (True) or affirmed (False); mentions under a
    condition ("if", "unless") are neither."""
    if _TEST_ITSELF not in wanted and wanted & _tested_negative(clause):
        return {True}  # "a home COVID test yesterday, it was negative" denies COVID
    found: set[bool] = set()
    for word, denied, conditional in word_readings(clause):
        if conditional:
            continue
        if wanted & term_keys(word):
            found.add(denied)
    for key, members in terms(clause).items():  # a phrase: "thrown up" in "I haven't thrown up"
        if key in wanted and members & NEGATIONS:
            found.add(False)  # the phrase holds its own negation: "can't breathe", "no energy" affirm
        elif key in wanted:
            states = {(d, c) for w, d, c in word_readings(clause) if w in members}
            found |= {d for d, c in states if not c}
    return found


_HOW_MUCH = (["mild"], ["moderate"], ["some"], ["slight"], ["trace"])  # ("no significant weight loss" stays denied)


_SHORT_OF = frozenset(("near", "nearly", "almost"))  # before a finding: it nearly happened, so it did not


def word_readings(text: str) -> list[tuple[str, bool, bool]]:
    """Each content word of ``text`` with whether a negation before it in its part denies it, and whether it
    stands under a condition. A negation reaches to the end of its comma-separated part and on through the short
    parts of a list that name clinical terms ("no fever, chills, or sweats": all three; "no accessory muscle use,
    RR 20": not the rate; "no back pain, equal BP": not the pressure)."""
    result = []
    denied = conditional = False
    for piece in text.split(","):
        words = tokens(piece)
        listed = len(words) <= 3 and not any(not w.isalpha() and numbers(w) for w in words)
        if (denied and not (listed and any(k.startswith("~") for k in keys(piece)))) or words[:1] in _HOW_MUCH:
            denied = False  # a list goes on only through short parts that name a clinical term, not one that
            # says how much of it there is ("no bruising, mild swelling in front")
        if words and all(w in NEGATIONS for w in words):
            continue  # an answer's bare "No," denies nothing that follows it in the sentence
        for at, word in enumerate(words):
            if word in AFTER_NEGATIONS:
                continue
            if at and words[at - 1] in _SHORT_OF and is_finding(word):
                result.append((word, denied, True))  # "a near-fall", "almost fainted": the finding did not happen
            elif words[at + 1 : at + 2] and words[at + 1] in AFTER_NEGATIONS:
                result.append((word, True, conditional))  # "fever free"
            elif word in NEGATIONS:
                denied = True
            elif set(ABBREVIATIONS.get(word, "").split()) & NEGATIONS:  # "NPO", "NKDA": a denial of what it names
                denied = True
                result.append((word, True, conditional))
            elif word in CONDITIONS or word in RESOLVED:
                conditional = True  # "if she's drooling", "the nausea went away": neither affirmed nor denied
            elif content(word) and word not in UNITS:
                result.append((word, denied, conditional))
    return result
