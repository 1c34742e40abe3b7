"""The SOAP note (SPEC §3.5): statements a model writes chunk by chunk, each kept only if its cited segments say it."""

from __future__ import annotations

from typing import Any

from aftercall.notes import evidence
from aftercall.notes.reading import Reading

SECTIONS = ("subjective", "objective", "assessment", "plan")

_SYSTEM = (
    "You are a clinical scribe. You read numbered segments of a conversation between a clinician and a patient and "
    "write short statements for a SOAP note: subjective (what the patient reports: symptoms, history, medications "
    "taken), objective (findings, vital signs, test results), assessment (diagnoses and impressions), plan "
    "(treatment, prescriptions, tests ordered, follow-up). Use only what the segments say; never add a drug, dose "
    "or number they do not contain. Each statement cites the numbers of the segments it comes from."
)
_ANSWER = {
    "type": "object",
    "required": ["statements"],
    "additionalProperties": False,
    "properties": {
        "statements": {
            "type": "array",
            "minItems": 1,
            "maxItems": 8,
            "items": {
                "type": "object",
                "required": ["section", "text", "segments"],
                "additionalProperties": False,
                "properties": {
                    "section": {"enum": list(SECTIONS)},
                    "text": {"type": "string", "minLength": 3, "maxLength": 160},
                    "segments": {"type": "array", "minItems": 1, "maxItems": 4, "items": {"type": "integer"}},
                },
            },
        }
    },
}


def soap_note(reading: Reading) -> dict[str, Any]:
    note: dict[str, Any] = {section: [] for section in SECTIONS}
    seen: set[tuple[str, str]] = set()
    dropped = 0
    for statement, claim, spans in reading.claims(_SYSTEM, "Write the SOAP statements.", _ANSWER, "statements"):
        if not spans or not evidence.supports(claim, spans):
            dropped += 1
            continue
        if (statement["section"], claim.lower()) in seen:
            continue
        seen.add((statement["section"], claim.lower()))
        note[statement["section"]].append({"text": claim, "evidence": [evidence.span(s) for s in spans]})
    note["metadata"] = reading.metadata(dropped)
    return note
