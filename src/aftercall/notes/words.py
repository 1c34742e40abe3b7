"""How the evidence checks read a text's meaning: stems, abbreviations expanded, lay words mapped to clinical terms
and medications by their dictionary name. Pure functions over strings."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from aftercall.notes import drugs
from aftercall.notes.lexicon import ABBREVIATIONS, GENDERS, MEANINGS, NEGATIONS, NOT_FINDINGS, SYNONYMS, TESTS, UNITS
from aftercall.notes.numbers import NUMBER_WORDS, NUMERIC
from aftercall.notes.tokens import sentences, tokens

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
    "currently", "current", "per", "presents", "presenting", "mother", "parent", "mom", "history", "hx", "personal",
    "pmh", "pmhx", "psh", "h/o",
    # how a note frames a finding (when, how often, how it stands), which speech rarely words the same way
    "several", "multiple", "episode", "episodes", "present", "presence", "subjective", "objective", "baseline",
    "acute", "chronic", "ongoing", "recent", "recently", "reproduced", "corroborates", "confirms", "status",
    "overall", "minimal", "self", "limited", "noted", "review", "related", "associated", "induced", "secondary",
    "c/o", "complains", "complaining", "pt",
    # what the clinician did, which a statement paraphrases freely
    "advised", "counseled", "counselled", "discussed", "educated", "instructed", "recommended", "recommends",
    "warned", "explained", "reviewed", "reassured", "encouraged", "consider", "considered", "given", "gave",
    # how sure the clinician is, which speech says in its own words ("I think", "looks like")
    "likely", "probable", "probably", "suspected", "suspect", "possible", "possibly", "presumed", "presumptive",
))
# fmt: on
_JOINED = 8  # letters of two words run together before they count as one ("micro albumin")
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


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem: plural, tense and -ing endings off, and a final e or i ("pulse" and "pulses", "puffy" and
    "puffiness", "smoke" and "smoking" alike), then at most six letters ("hypertension", "hypertensive")."""
    for suffix in ("ically", "ation", "ness", "ing", "ies", "ied", "ed", "es", "ly", "s", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= (3 if suffix == "s" else 4):
            word = word[: -len(suffix)]
            break
    if word[-1:] in ("e", "i") and len(word) > 4:
        word = word[:-1]
    return word[:6]


def expanded(text: str) -> list[str]:
    """The tokens of ``text`` with each abbreviation followed by the words it stands for ("bp" → bp blood
    pressure)."""
    result = []
    for token in tokens(text):
        result.append(token)
        if token in ABBREVIATIONS:
            result.extend(ABBREVIATIONS[token].split())
        elif token in MEANINGS and (token not in _SAID_OF or (len(result) > 1 and result[-2] in _BEING)):
            result.append(MEANINGS[token])  # "grip strength is good" is a grip strength intact
    return result


# Everyday words that mean normal only when said of something: "it's fine", "pulses are good" ("fine tremor",
# "Okay." and "good morning" say nothing is normal).
_SAID_OF = frozenset(("fine", "okay", "ok", "good"))
_BEING = frozenset(("is", "are", "was", "were", "be", "been", "looks", "look", "feels", "feel", "seems", "it's",
                    "he's", "she's", "i'm", "they're", "doing", "sleeping", "eating"))  # fmt: skip


def content(text: str) -> list[str]:
    """The words of ``text`` that carry meaning: abbreviations expanded, numbers and stopwords left out."""
    return [w for w in expanded(text) if _is_content(w)]


def _is_content(word: str) -> bool:
    if word in STOPWORDS or word in NEGATIONS or word in NUMBER_WORDS or NUMERIC.fullmatch(word):
        return False
    return len(word) >= 4 or word in ABBREVIATIONS or word in _SHORT_CONTENT


@lru_cache(maxsize=16384)
def keys(text: str) -> frozenset[str]:
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
    return frozenset({stem(w) for w in content(text)} | joined | set(terms(text)) | _medications(text))


@lru_cache(maxsize=1)
def test_keys() -> frozenset[str]:
    """The keys of the tests' names, each name read alone: read as one text, neighbours would join into keys no test
    has ("imaging" and "labs" into "imagin", which "imagine" has)."""
    return frozenset().union(*(keys(name) for name in TESTS))


def _medications(text: str) -> set[str]:
    return {f"rx:{m.name.lower()}" for m in drugs.find(text)}


def terms(text: str) -> dict[str, set[str]]:
    """The clinical terms ``text`` names, each with the words of ``text`` that name it."""
    found: dict[str, set[str]] = {}
    for sentence in sentences(text):
        words = set(expanded(sentence))
        by_stem = {stem(w): w for w in words}
        here: dict[str, set[str]] = {}
        for phrase_words, phrase_stems, key in _phrases():
            if not all(w in words or s in by_stem for w, s in zip(phrase_words, phrase_stems, strict=True)):
                continue
            members = {w if w in words else by_stem[s] for w, s in zip(phrase_words, phrase_stems, strict=True)}
            here.setdefault(key, set()).update(members)
        # the longer phrase of a sentence wins: "lower extremity" is a leg, not a decrease
        for key, members in here.items():
            if not any(members < other for o, other in here.items() if o != key):
                found.setdefault(key, set()).update(members)
    return found


_SPANS = frozenset(("hr", "hrs", "h", "min", "mins", "wk", "wks", "mo", "mos", "yr", "yrs", "d", "y/o", "yo"))


def units(text: str) -> list[set[str]]:
    """What a claim says, as units to find in its evidence: each clinical term it names, and each content word not
    part of one (units of measure aside: they go with their numbers). A unit is the set of keys any of which counts
    as finding it (a word, its expansion, its term); one holding ``OPTIONAL`` names a source ("per mother")."""
    said = tokens(text)
    sources = _sources(said)
    named = terms(text)
    inside = set().union(*named.values()) if named else set()
    result = [{key, OPTIONAL} if members <= sources else {key} for key, members in named.items()]
    for at, token in enumerate(said):
        if token in inside or token in UNITS or token in STOPWORDS or not content(token):
            continue
        after_a_count = at and NUMERIC.fullmatch(said[at - 1]) and "/" not in said[at - 1]
        before_a_number = at + 1 < len(said) and NUMERIC.fullmatch(said[at + 1])  # ("BP 120/80, HR 88")
        if token in _SPANS and after_a_count and not before_a_number:
            continue  # "1-hr glucose test": an hour, not a heart rate; it goes with its number

        expansion = ABBREVIATIONS.get(token, "")
        if expansion and set(terms(expansion)) and set(terms(expansion)) <= set(named):
            continue  # "htn" is the hypertension already counted
        alternatives = {stem(w) for w in content(token)} | set(terms(token)) | _medications(token)
        if expansion:
            alternatives |= set(terms(expansion)) | {stem(w) for w in content(expansion)}
        result.append(alternatives | {OPTIONAL} if token in sources else alternatives)
    return result


OPTIONAL = "?"  # marks a unit that counts only where it is found: who a statement has its facts from


# Who a statement has its facts from ("per mother", "daughter reports", "15 yo w/ father"): a transcript names
# no speaker, so the source is no content to find in it (a family history's "mother with asthma" is).
_PEOPLE = (frozenset(GENDERS) - {"he", "he's", "his", "him", "she", "she's", "her", "hers"}) | {
    "parent", "parents", "caregiver", "partner", "spouse", "coach", "teacher", "friend", "family", "interpreter",
    "roommate"}  # fmt: skip
_FROM = frozenset(("per", "by", "w", "w/", "with", "accompanied"))
_TELLS = frozenset(("reports", "reported", "notes", "noted", "states", "says", "said", "confirms", "confirmed",
                    "denies", "describes", "agrees", "aware", "present", "concerned", "asks", "observed",
                    "witnessed", "believes", "feels", "thinks", "endorses"))  # fmt: skip


def _sources(words: list[str]) -> set[str]:
    """The words of a statement that name who said it: a person after "per"/"by"/"with", or before "reports"."""
    return {
        word
        for at, word in enumerate(words)
        if word in _PEOPLE and ((at and words[at - 1] in _FROM) or (at + 1 < len(words) and words[at + 1] in _TELLS))
    }


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...]:
    """Each phrase of the lexicon as (its words, their stems, its term's key)."""
    phrases = ((tuple(tokens(phrase)), "~" + group[0]) for group in SYNONYMS for phrase in group)
    return tuple((words, tuple(stem(w) for w in words), key) for words, key in phrases)


def term_keys(term_text: str) -> frozenset[str]:
    """The keys of a short term: its synonym-group keys when it has any, else the stems of its content words."""
    found = keys(term_text)
    groups = frozenset(k for k in found if k.startswith("~"))
    return groups or found


def is_finding(word: str) -> bool:
    """Whether ``word`` names a clinical finding (a term of the lexicon), not a body part or a test."""
    return any(k.startswith("~") and k[1:] not in NOT_FINDINGS for k in term_keys(word))


_FILLERS = re.compile(r"\b(?:also|well|just|really|even)\s+")  # "it could also be a flare" is "could be"


def says_hedge(text: str, hedges: tuple[str, ...]) -> bool:
    """Whether ``text`` says one of ``hedges`` ("could be", "rule out"), a filler between its words or not."""
    plain = _FILLERS.sub("", text.lower())
    return any(h in plain for h in hedges)
