"""Medication names found by dictionary (the ``drug-named-entity-recognition`` package: names, synonyms and brand
names from DrugBank's open (CC0) vocabulary, MIT-licensed code), never by a language model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from aftercall.notes.lexicon import BRANDS, NOT_DRUGS

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]*")


@dataclass(frozen=True)
class DrugMention:
    name: str  # the dictionary's preferred name, e.g. "Acetaminophen" for "Tylenol"
    said: str  # the words as spoken
    first_word: int  # index of its first word among the text's words (see ``words``)
    codes: tuple[dict[str, str], ...]


def words(text: str) -> list[str]:
    """The words of ``text``, a possessive or "is" cut off ("Tylenol's okay" names Tylenol)."""
    return [re.sub(r"'s$", "", word) for word in _WORD.findall(text.replace("’", "'"))]


def find(text: str) -> list[DrugMention]:
    return list(_find(text))


@lru_cache(maxsize=16384)  # the evidence checks ask about the same sentences many times
def _find(text: str) -> tuple[DrugMention, ...]:
    tokens = words(text)
    if not tokens:
        return ()
    mentions = []
    for data, first, last in _finder()(tokens, is_ignore_case=True):
        if data.get("match_type") != "exact" or len(data.get("matching_string", "")) < 4:
            continue  # fuzzy matches and short abbreviations misfire on everyday words
        mentions.append(DrugMention(str(data["name"]), " ".join(tokens[first:last]), first, _codes(data)))
    for at, token in enumerate(tokens):
        for data in _branded(token.lower()):
            mentions.append(DrugMention(str(data["name"]), token, at, _codes(data)))
    return tuple(sorted(mentions, key=lambda m: m.first_word))


def defining(text: str) -> list[DrugMention]:
    """The drugs ``text`` names, a combination brand by the drug that defines it ("Percocet" is oxycodone: an
    allergy to it is not one to the acetaminophen it also holds)."""
    return [m for m in find(text) if m.said.lower() not in BRANDS or m.name.lower() == BRANDS[m.said.lower()][0]]


@lru_cache(maxsize=64)
def _branded(word: str) -> tuple[dict[str, Any], ...]:
    """The dictionary's entries for the generic drugs of a brand it lacks ("Keflex" is cephalexin)."""
    found = (_finder()([generic], is_ignore_case=True) for generic in BRANDS.get(word, ()))
    return tuple(matches[0][0] for matches in found if matches)


# A dictionary entry holding such a word is a class or a form of drugs ("Hypoglycemic Agents", "Nasal Sprays",
# "Anti-Inflammatory Agents, Non-Steroidal"), not a drug.
_CLASS_WORDS = frozenset((
    "agents", "inhibitors", "drugs", "antagonists", "agonists", "blockers", "preparations", "sprays", "tablets",
    "capsules", "drops", "solutions", "injections", "inhalers", "products", "supplements", "vaccines",
    "immunoglobulins",
))  # fmt: skip


def medications(text: str) -> list[DrugMention]:
    """The specific drugs ``text`` names: a class of drugs ("hypoglycemic", "antipyretics") is a word, not a
    medication, and neither is a clinical abbreviation that happens to spell one ("CTAB": clear to auscultation)."""
    return [m for m in find(text) if not _is_class(m) and m.said.lower() not in NOT_DRUGS]


def _is_class(mention: DrugMention) -> bool:
    """A class or form of drugs: a name holding a class word, or one plural word said ("analgesics", "diuretics";
    "penicillin" names the dictionary's "Penicillins" and is a drug)."""
    said = mention.said.lower()
    plural = " " not in said and said.endswith("s") and not said.endswith(("us", "is", "os", "ss"))
    return plural or bool(set(re.findall(r"[a-z]+", mention.name.lower())) & _CLASS_WORDS)


def _codes(data: dict[str, Any]) -> tuple[dict[str, str], ...]:
    # Only DrugBank ids: the package's MeSH ids are wrong for some drugs (aspirin carries acetaminophen's D058633).
    if data.get("drugbank_id"):
        return ({"system": "DrugBank", "code": str(data["drugbank_id"]), "display": str(data["name"])},)
    return ()


@lru_cache(maxsize=1)
def _finder() -> Any:
    from drug_named_entity_recognition import find_drugs  # loads a 1.6 MB dictionary: only when notes are made

    return find_drugs
