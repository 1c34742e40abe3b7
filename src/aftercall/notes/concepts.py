"""Clinical concepts (SPEC §3.6). Medications come from a drug dictionary run over every segment, so a model can
neither invent nor miss one it can read; the other categories come from the model and are kept only when their
cited segments contain their words. Negation is read from the transcript, never taken from the model."""

from __future__ import annotations

from typing import Any

from aftercall.notes import drugs, evidence
from aftercall.notes.reading import Reading
from aftercall.notes.segments import Segment

MODEL_CATEGORIES = ("problem", "symptom", "allergy", "procedure", "test", "vital", "follow-up")
_MAX_EVIDENCE = 8  # spans listed per concept
_MAX_WORDS = 4  # content words of a concept: "shortness of breath", "rapid strep test"; a sentence is not one

_SYSTEM = (
    "You extract clinical concepts from numbered segments of a conversation between a clinician and a patient: "
    "problems (diagnoses, conditions), symptoms, allergies, procedures, tests, vital signs and follow-up plans. "
    "Write each concept in the words the segments use, a few words long, and cite the numbers of the segments that "
    "mention it. Include concepts the patient denies, such as 'chest pain' in 'no chest pain'."
)
_ANSWER = {
    "type": "object",
    "required": ["concepts"],
    "additionalProperties": False,
    "properties": {
        "concepts": {
            "type": "array",
            "minItems": 1,
            "maxItems": 12,
            "items": {
                "type": "object",
                "required": ["text", "category", "segments"],
                "additionalProperties": False,
                "properties": {
                    "text": {"type": "string", "minLength": 3, "maxLength": 48},
                    "category": {"enum": list(MODEL_CATEGORIES)},
                    "segments": {"type": "array", "minItems": 1, "maxItems": 4, "items": {"type": "integer"}},
                },
            },
        }
    },
}


def concept_list(reading: Reading) -> dict[str, Any]:
    found: dict[tuple[str, str, bool], dict[str, Any]] = {}

    def add(
        text: str, category: str, spans: list[Segment], codes: tuple[dict[str, str], ...] = (), said: str = ""
    ) -> None:
        is_negated = evidence.negated(said or text, spans)
        concept = found.setdefault(
            (category, text.lower(), is_negated),
            {"text": text, "category": category, "negated": is_negated, "codes": list(codes), "evidence": []},
        )
        for segment in spans:
            span = evidence.span(segment)
            if span not in concept["evidence"] and len(concept["evidence"]) < _MAX_EVIDENCE:
                concept["evidence"].append(span)

    for segment in reading.segments.items:
        for mention in drugs.find(segment.text):
            category = "allergy" if evidence.allergy(mention.said, [segment]) else "medication"
            add(mention.name, category, [segment], mention.codes, mention.said)
    dropped = 0
    for concept, term, spans in reading.claims(_SYSTEM, "List the clinical concepts.", _ANSWER, "concepts"):
        too_long = len(evidence.content_words(term)) > _MAX_WORDS
        if not spans or too_long or drugs.find(term) or not evidence.supports(term, spans, every_word=True):
            dropped += 1  # (a medication the dictionary did not find in the cited words is one it cannot code)
            continue
        add(term, concept["category"], spans)
    ordered = sorted(found.values(), key=lambda c: (c["evidence"][0]["start"], c["text"].lower()))
    return {"concepts": ordered, "metadata": reading.metadata(dropped)}
