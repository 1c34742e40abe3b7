"""Does the evidence say what the claim says? Each check reads a claim against the turns it rests on as a clinician
would (abbreviations, spoken numbers, synonyms, a question read with its answer) and names what is wrong, or None.

The reasons, in about the order ``problem`` checks them (each counted in a note's metadata when it drops an item):
``drug`` a medication the evidence does not name; ``allergen-as-medication`` a drug the patient is allergic to,
written as one they take; ``polarity`` the claim affirms what the evidence denies or denies what it affirms;
``laterality`` a finding the evidence denies on the claimed side (``sides``); ``number`` and ``frequency`` a number
the evidence does not say, says of something else, or a level it gives something else (``quantities``);
``laterality`` a side the evidence does not give for that thing (``sides``); ``result`` a result the evidence does
not give (``results``); ``speculative`` a possibility the clinician wants to rule out, stated as a diagnosis;
``family-history`` a relative's diagnosis given to the patient (``diagnoses``); ``unsupported`` too little of the
claim is in the evidence. docs/notes.md lists each with examples.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from aftercall.notes import diagnoses, drugs, frames, plans, quantities, results, sides
from aftercall.notes.evidence import Evidence, asks, parts
from aftercall.notes.lexicon import (
    ABBREVIATIONS,
    ALLERGEN_CLASSES,
    ALLERGY_CUES,
    CLAIM_HEDGES,
    CONDITIONS,
    NEGATIONS,
    PLAN_TERMS,
    RESOLVED,
    SIDES,
)
from aftercall.notes.polarity import answer_reading, claim_terms, readings, word_readings
from aftercall.notes.segments import Segment
from aftercall.notes.tokens import clauses, sentences, tokens
from aftercall.notes.words import OPTIONAL, is_finding, keys, term_keys, units

COVERAGE = 0.5  # share of a statement's content that its evidence must contain


def problem(
    claim: str, evidence: Evidence, allergens: set[str], *, concept: bool = False, diagnosis: bool = False
) -> str | None:
    """The first reason ``evidence`` does not support ``claim``, or None when it does. A ``concept`` is a term, not
    a sentence: every word of it must be in the evidence, and its polarity and category are the caller's to read.
    A ``diagnosis`` (an assessment, a problem, or the patient's own history: "PMH: asthma") must not be a
    possibility the clinician only raised, nor a relative's."""
    diagnosis = diagnosis or diagnoses.own_history(claim)
    statement_checks = (
        (_denials,) if concept else (_allergen, _polarity, _given_up, plans.put_off, sides.denied_on_side, _said_fine)
    )
    diagnosis_checks = (diagnoses.speculative, diagnoses.family_history) if diagnosis else ()
    quantity_checks = (
        quantities.number,
        quantities.paired,
        quantities.bound,
        frames.framed,
        quantities.level,
        quantities.frequency,
    )
    for check in (_drug, *statement_checks, *quantity_checks, sides.laterality, results.result, *diagnosis_checks):
        reason = check(claim, evidence, allergens)
        if reason:
            return reason
    named = diagnosis and (concept or len(units(claim)) <= _BARE_DIAGNOSIS)
    return None if _covered(claim, evidence, every_term=concept, named=named) else "unsupported"


_BARE_DIAGNOSIS = 3  # words of an assessment that is only a diagnosis's name ("Hashimoto thyroiditis"): all said


def _drug(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """Each medication the claim names is named in the evidence, by the dictionary or, where speech-to-text split or
    misspelt it ("nitro glycerin", "empa gliflozin"), by a near spelling of the same word."""
    said = {m.name for m in drugs.find(evidence.context)}
    known = {w for m in drugs.medications(evidence.context) for w in tokens(m.said)}  # (hydromorphone is not morphine)
    heard = [w if w not in known else "" for w in tokens(evidence.context)]
    for mention in drugs.medications(claim):
        if mention.name not in said and not any(_spelt_near(name, heard) for name in (mention.said, mention.name)):
            return "drug"
    return None


def _spelt_near(name: str, heard: list[str], similarity: float = 0.75) -> bool:
    wanted = re.sub(r"[^a-z]", "", name.lower())
    for size in (1, 2, 3, 4):
        for i in range(len(heard) - size + 1):
            if "" in heard[i : i + size]:
                continue
            candidate = "".join(heard[i : i + size])  # (speech splits a name but keeps how it sounds at first:
            close = abs(len(candidate) - len(wanted)) <= 3 and _onset(candidate) == _onset(wanted)  # "selexa" is
            # Celexa; "chest pain" is not heparin)
            if close and SequenceMatcher(None, wanted, candidate).ratio() >= similarity:
                return True
    return False


def _onset(word: str) -> str:
    """How a word begins to the ear: "c", "k", "q", "s", "x" and "z" alike, "ph" as "f"."""
    if word.startswith("ph"):
        return "f"
    return "k" if word[:1] and word[0] in "ckqsxz" else word[:1]


def _allergen(claim: str, evidence: Evidence, allergens: set[str]) -> str | None:
    if set(tokens(claim)) & (ALLERGY_CUES | {"nkda", "nka", "sensitivity", "intolerance"}):
        return None
    denied = {w for w, no, _ in word_readings(claim) if no}  # ("CT without contrast", "latex-free gloves")
    named = {m.name for m in drugs.find(claim) if not set(tokens(m.said)) & denied}  # (a class too: "penicillin")
    named |= set(tokens(claim)) & ALLERGEN_CLASSES - denied
    return "allergen-as-medication" if named & allergens else None


def allergens_of(segments: list[Segment]) -> set[str]:
    """The drugs a transcript names as ones the patient is allergic to: wherever the cue stands in the sentence
    ("allergic to penicillin", "penicillin gives me hives", "sulfa, I'm allergic to that"), and every drug named in
    the answer to a question about allergies ("Any allergies to medicines?" "Yeah, codeine."), unless it says no."""
    found: set[str] = set()
    for position, segment in enumerate(segments):
        before: set[str] = set()  # the drugs of the sentence before, when it names nothing else ("Penicillin.")
        for sentence in (p for s in sentences(segment.text) for p in _JOINED_CLAUSES.split(s)):
            words = tokens(sentence)
            named = {m.name for m in drugs.defining(sentence)}
            if "can't take" in sentence.lower():
                found |= named
            cued = any(
                w in ALLERGY_CUES and not set(words[max(0, i - 2) : i]) & _NOT_ALLERGY for i, w in enumerate(words)
            )
            if cued:  # ("Zyrtec for her allergies" treats one; "the risk of cross reaction" is a risk, not one)
                found |= named | set(words) & ALLERGEN_CLASSES
                # "To Bactrim. I got hives all over." ("Lisinopril. No allergies." names none, nor does a question
                # or a warning: "Keflex. If you get hives, stop it.")
                if not named and not set(words) & (NEGATIONS | CONDITIONS) and not asks(segment.text):
                    found |= before
            before = named if len(words) <= _BARE_NAME else set()
        question = segments[position - 1] if position else segment  # (the first turn answers nothing)
        answers = question.speaker != segment.speaker and _asks_about_allergies(question.text)
        if answers and not _says_no(question.text, segment.text):
            found |= {m.name for m in drugs.defining(segment.text)}
    return found


_NOT_ALLERGY = frozenset(("for", "cross"))  # words before a cue that make it something else
_BARE_NAME = 3  # words of a sentence that only names a drug ("Penicillin.", "Yeah, codeine.", "To Bactrim.")
_JOINED_CLAUSES = re.compile(r",\s*(?:and|but|so|though|although|whereas)\s")  # a cue reaches its own clause


def _says_no(question: str, answer: str) -> bool:
    return answer_reading(set(), question, answer) is True


def _asks_about_allergies(text: str) -> bool:
    return any(asked and set(tokens(part)) & ALLERGY_CUES for part, asked in parts(text))


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
    given_up = _gives_up(evidence)
    for text, part, hedged in zip(read, claim_terms(claim), _hedged_parts(claim), strict=True):
        plain_denied = 0  # plain words the claim affirms that the evidence only denies
        phrases = _denied_phrases(part)
        whose = _someone_else(text)  # "husband smokes" is not read where the patient speaks of themself
        past = given_up and bool(set(tokens(text)) & _GIVEN_UP)
        for term, denied in part:
            if (hedged or not affirmed or (past and term_keys(term) & _HABITS)) and not denied:
                continue  # "cauda equina not suspected", "HF considered unlikely", "former smoker" affirm nothing now
            if denied and any(keys(piece) & well for piece in _pieces_naming(term, text)):
                continue  # "no swelling of the hands" after "Hands are fine" (not "no chest pain or back pain")
            keys_of_term = term_keys(term)
            finding = is_finding(term)
            phrase = phrases.get(term, ())
            said = readings(
                term,
                evidence,
                lambda piece, phrase=phrase, whose=whose: (
                    all(term_keys(w) & keys(piece) for w in phrase) and not (whose and _of_the_patient(piece, whose))
                ),
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


def _given_up(claim: str, evidence: Evidence, _allergens: set[str]) -> str | None:
    """A habit the claim gives as current ("Current smoker, 1 ppd", "Drinks 2 beers nightly") that the patient is
    said to have given up ("I quit five years ago", "He stopped drinking"), where nothing says it goes on ("still",
    "yeah, a pack a day", "trying to quit") or that someone else gave it up ("My wife quit")."""
    words = set(tokens(claim))
    if not words & _CURRENT or words & _GIVEN_UP:
        return None
    turns = evidence.turns
    for habit in keys(claim) & _HABITS:
        said = []  # the parts that speak of the habit, an answer to a question about it included ("I quit.")
        for at, turn in enumerate(turns):
            asked_of_it = at > 0 and asks(turns[at - 1].text) and habit in keys(turns[at - 1].text)
            said += [set(tokens(p)) for p, asked in parts(turn.text) if not asked and (asked_of_it or habit in keys(p))]
        given_up = [w for w in said if w & _GIVEN_UP and w & _THE_PATIENT and not w & _SOMEONE_ELSE]
        if given_up and not any(w & _GOES_ON for w in said):
            return "polarity"
    return None


def _gives_up(evidence: Evidence) -> bool:
    """Whether the patient says in the evidence that they gave something up ("No, I quit six years ago")."""
    return any(
        words & _GIVEN_UP and words & _THE_PATIENT and not words & _SOMEONE_ELSE
        for turn in evidence.turns
        for words in (set(tokens(p)) for p, asked in parts(turn.text) if not asked)
    )


_HABITS = frozenset(("~tobacco", "~alcohol"))
_CURRENT = frozenset(("current", "currently", "active", "smokes", "smoking", "drinks", "still"))
_GIVEN_UP = frozenset(("quit", "quitting", "stopped", "former", "formerly", "ex", "used", "gave", "previous",
                       "previously", "remote"))  # fmt: skip
_THE_PATIENT = frozenset(("i", "i've", "i'd", "he", "he's", "she", "she's"))
_SOMEONE_ELSE = frozenset(("wife", "husband", "mom", "mother", "dad", "father", "brother", "sister", "son",
                           "daughter", "friend", "partner", "roommate"))  # fmt: skip
_GOES_ON = frozenset(("again", "restarted", "relapsed", "back", "still", "yes", "yeah", "yep", "trying", "try",
                      "should", "want", "wants", "meaning", "thinking", "currently"))  # fmt: skip


def _someone_else(text: str) -> set[str]:
    """Who other than the patient a claim's part is about ("husband smokes outdoors"), not who only reports it
    ("Mother denies vomiting", "per mom", "on mother's lap"); none when the part is about the patient too ("Pt and
    husband both smoke")."""
    words = tokens(text)
    if set(words) & _THE_PATIENT_NAMED:
        return set()
    return {
        _PERSON.get(word, word)
        for at, word in enumerate(words)
        if word in _SOMEONE_ELSE
        and words[at + 1 : at + 2] != []
        and words[at + 1] not in _REPORTING
        and (at == 0 or words[at - 1] not in _PLACING_SOMEONE)
    }


_REPORTING = frozenset(("reports", "reported", "denies", "denied", "states", "stated", "says", "said", "notes",
                        "noted", "endorses", "describes", "confirms", "agrees", "aware", "concerned",
                        "asks"))  # fmt: skip
_PLACING_SOMEONE = frozenset(("per", "by", "to", "with", "on", "at", "from", "via"))
_THE_PATIENT_NAMED = frozenset(("pt", "pt's", "patient", "patient's", "both"))
_PERSON = {"mom": "mother", "mum": "mother", "mommy": "mother", "dad": "father", "daddy": "father"}
_FIRST_AND_SECOND = frozenset(("i", "i'm", "i've", "i'd", "me", "myself", "you", "you're", "you've", "you'd"))


def _of_the_patient(piece: str, whose: set[str]) -> bool:
    """Whether ``piece`` is the patient speaking of themself, or being asked about themself ("Do you smoke?"
    "Never."), and not of ``whose``."""
    words = {_PERSON.get(w, w) for w in tokens(piece)}
    return bool(words & _FIRST_AND_SECOND) and not words & whose


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
        findings = [w for w, denied in read if not denied and is_finding(w) and not term_keys(w) <= _PLANS]
        side = sides.one_side(part, sides.CLAIM_SIDES)
        sites = {k for w, denied in read if not denied and not is_finding(w) for k in keys(w)}
        if findings and any(s in (side, None) and sites & what for s, what in fine):
            return True
    return False


# Terms of what is done or when, not of the body: "by video is fine" is no place where a follow-up is well.
_PLANS = frozenset("~" + term for term in PLAN_TERMS)
_WELL = frozenset(("fine", "normal", "okay", "ok", "unremarkable", "intact", "controlled", "stable", "wnl", "nl"))
_FINE = re.compile(
    r"^(?P<what>[\w' ]+?)(?:'s|\s+(?:is|are|was|were|looks?|feels?|seems?))\s+(?:\w+\s+)?(?:fine|normal|okay|ok)\b"
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
                what = frozenset(k for k in what if not k.startswith("rx:"))  # ("Tylenol is fine": acceptable)
                if what:
                    found.append((sides.one_side(said.group("what"), SIDES), what))
    return found


def _pieces_naming(term: str, text: str) -> list[str]:
    """The pieces of ``text`` (between commas, "and" and "or") that hold ``term``."""
    wanted = set(tokens(term))
    return [piece for piece in re.split(r",|\bor\b|\band\b", text) if wanted <= set(tokens(piece))]


def _denied_phrases(part: list[tuple[str, bool]]) -> dict[str, tuple[str, ...]]:
    """Each word of a run of words the claim denies together, with the run: "no midline bony tenderness" denies a
    bony tenderness, which tenderness of the muscles beside it does not affirm."""
    runs: list[list[str]] = [[]]
    for term, denied in part:
        if " " in term:
            continue  # (a lexicon phrase, already whole)
        if term in _SELF_DENYING:
            runs += [[term], []]  # its own denial: "afebrile at triage" denies a fever, not a triage
        elif denied:
            runs[-1].append(term)
        elif runs[-1]:
            runs.append([])
    return {word: tuple(run) for run in runs if len(run) > 1 for word in run}


_SELF_DENYING = frozenset(w for w, meaning in ABBREVIATIONS.items() if meaning.startswith("no "))  # "afebrile"


def _covered(claim: str, evidence: Evidence, *, every_term: bool, named: bool = False) -> bool:
    """Enough of the claim is in the evidence: half of its units (see ``units``), every clinical term of a concept
    ("lower extremity edema" needs the edema, said as "swelling in your legs"), and all of a ``named`` diagnosis
    (a concept's, or an assessment that is only the diagnosis's name)."""
    heard = keys(evidence.context)
    spoken = tokens(evidence.context)
    wanted = [u for u in units(claim) if OPTIONAL not in u or u & heard]  # a source counts where it is named
    if not wanted:
        return False
    found = sum(1 for alternatives in wanted if alternatives & heard or _drug_heard(alternatives, spoken))
    if named:  # a diagnosis by name: every word of it said ("hepatitis" is not "the drinking")
        return found == len(wanted)
    if every_term:  # a concept: each clinical term (or class of allergen: "sulfa") of it said, and most of the rest
        terms_found = all(alternatives & heard for alternatives in wanted if _is_term(alternatives))
        terms_found = terms_found and set(tokens(claim)) & _NAMED_ALLERGENS <= set(spoken)
        return terms_found and found >= COVERAGE * len(wanted)
    return found >= COVERAGE * len(wanted)


# Allergens a concept names that no drug of the turns stands for (a class of drugs may be named by its member).
_NAMED_ALLERGENS = ALLERGEN_CLASSES - {
    "nsaid",
    "nsaids",
    "opioid",
    "opioids",
    "opiates",
    "penicillins",
    "cephalosporins",
}


def _drug_heard(alternatives: set[str], spoken: list[str]) -> bool:
    """A medication the speech recognizer split or misspelt ("ator va statin") still counts as said."""
    return any(key.startswith("rx:") and _spelt_near(key[3:], spoken) for key in alternatives)


def _is_term(alternatives: set[str]) -> bool:
    return any(key.startswith("~") for key in alternatives) and len(alternatives) == 1
