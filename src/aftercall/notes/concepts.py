"""Clinical concepts (docs/notes.md). Medications come from a drug dictionary run over every segment, so a model can
neither invent nor miss one it can read, and each is an allergy or a medication by what its sentence says. The other
categories come from the model and are kept only when their quotes are found in the turns they cite and those turns
name every word of them. Whether a concept is denied is read from the transcript, a question with its answer; a
model that reads it the other way loses the concept."""

from __future__ import annotations

from typing import Any

from aftercall.notes import drugs
from aftercall.notes.checks import fine_where_affirmed
from aftercall.notes.evidence import gather
from aftercall.notes.grounding import Grounded, answer_schema, span
from aftercall.notes.lexicon import PENDING, RESULT_WORDS, SIDES, UNITS
from aftercall.notes.polarity import readings
from aftercall.notes.reading import Ask, Reading
from aftercall.notes.segments import Segment
from aftercall.notes.tokens import tokens
from aftercall.notes.words import content

MODEL_CATEGORIES = ("problem", "symptom", "medication", "allergy", "procedure", "test", "vital", "follow-up")
_MAX_EVIDENCE = 8  # spans listed per concept
_MAX_WORDS = 4  # content words of a concept: "shortness of breath", "rapid strep test"; a sentence is not one
# Words that qualify a concept rather than name it: units, a side, a status or a result ("CT abdomen/pelvis with
# contrast, pending" is four words of a test; "positive straight leg raise, left" three of a sign).
_QUALIFIERS = UNITS | frozenset(SIDES) | frozenset(RESULT_WORDS) | PENDING

_TASK = (
    "List the clinical concepts the segments mention: problems (diagnoses, conditions), symptoms, medications, "
    "allergies, procedures, tests, vital signs and follow-up plans. Write each concept in a few words, cite the "
    "numbers of the segments that mention it and quote, word for word, the short spans it rests on (for an answer, "
    "quote the question too). Include concepts the patient denies, such as 'chest pain' in 'no chest pain', with "
    "negated true."
)


def _answer(limit: int) -> dict[str, Any]:
    return answer_schema(
        "concepts",
        limit,
        {
            "text": {"type": "string", "minLength": 2, "maxLength": 48},
            "category": {"enum": list(MODEL_CATEGORIES)},
            "negated": {"type": "boolean"},
        },
    )


TERMS = Ask(_TASK, _answer, "concepts", concept=True)


class _Concepts:
    def __init__(self) -> None:
        self.found: dict[tuple[str, str, bool], dict[str, Any]] = {}

    def add(self, text: str, category: str, negated: bool, spans: list[Segment], codes: tuple[Any, ...] = ()) -> None:
        concept = self.found.setdefault(
            (category, text.lower(), negated),
            {"text": text, "category": category, "negated": negated, "codes": list(codes), "evidence": []},
        )
        for segment in spans:
            cited = span(segment)
            if cited not in concept["evidence"] and len(concept["evidence"]) < _MAX_EVIDENCE:
                concept["evidence"].append(cited)

    def has(self, name: str, category: str) -> bool:
        return any(key[0] == category and key[1] == name.lower() for key in self.found)

    def ordered(self) -> list[dict[str, Any]]:
        return sorted(self.found.values(), key=lambda c: (c["evidence"][0]["start"], c["text"].lower()))


def concept_list(reading: Reading) -> dict[str, Any]:
    concepts = _Concepts()
    transcript = reading.transcript
    for segment in reading.segments.items:
        evidence = gather([segment], transcript.segments, transcript.sides)
        for mention in drugs.find(segment.text):
            allergic = mention.name in transcript.allergens
            denied = readings(mention.said, evidence) == {True} and not allergic
            category = "allergy" if allergic else "medication"
            concepts.add(mention.name, category, denied, [segment], mention.codes)
    dropped: list[Grounded] = []
    for item in reading.claims(TERMS):
        reason = item.reason or _concept_problem(item, concepts)
        if reason:
            dropped.append(item.dropped(reason))
        elif item.evidence is not None and not _listed(item, concepts):
            concepts.add(item.text, item.item["category"], bool(item.item["negated"]), list(item.evidence.turns))
    return {"concepts": concepts.ordered(), "metadata": reading.metadata(dropped)}


def _listed(item: Grounded, concepts: _Concepts) -> bool:
    """Whether the drug dictionary already lists what the model named, with its codes."""
    named = drugs.find(item.text)
    return bool(named) and all(concepts.has(m.name, item.item["category"]) for m in named)


def too_long(text: str) -> bool:
    """Whether ``text`` is more than a concept: more than a few words name it, its qualifiers aside."""
    return len([w for w in tokens(text) if content(w) and w not in _QUALIFIERS]) > _MAX_WORDS


def _concept_problem(item: Grounded, concepts: _Concepts) -> str | None:
    """Why a grounded concept is still not one to keep: an allergen offered as anything but an allergy; too long to
    be a concept; denied where the transcript affirms it, or the reverse."""
    named = drugs.find(item.text)
    category = item.item["category"]
    if named and any(concepts.has(m.name, "allergy") for m in named) and category != "allergy":
        return "allergen-as-medication"
    if too_long(item.text):
        return "too-long"
    assert item.evidence is not None
    said = readings(item.text, item.evidence)
    if said and bool(item.item["negated"]) not in said:
        return "polarity"
    if not item.item["negated"] and fine_where_affirmed(item.text, item.evidence):
        return "polarity"
    return None
