"""The SOAP note (docs/notes.md): statements a model writes chunk by chunk, each with the verbatim spans it rests on,
kept only if those spans are found in the turns it cites and the turns say what it says (``grounding``)."""

from __future__ import annotations

from typing import Any

from aftercall.notes.grounding import Grounded, answer_schema, span
from aftercall.notes.reading import Ask, Reading

SECTIONS = ("subjective", "objective", "assessment", "plan")

_TASK = (
    "Write short statements for a SOAP note: subjective (what the patient reports: symptoms, history, medications "
    "taken), objective (findings, vital signs, test results), assessment (diagnoses and impressions), plan "
    "(treatment, prescriptions, tests ordered, follow-up). Use only what the segments say; never add a drug, dose, "
    "side or result they do not contain, and keep a test that is pending as pending. Each statement cites the "
    "numbers of the segments it comes from and quotes, word for word, the short spans of those segments it rests on "
    "(for an answer, quote the question too)."
)


def _answer(limit: int) -> dict[str, Any]:
    return answer_schema(
        "statements",
        limit,
        {
            "section": {"enum": list(SECTIONS)},
            "text": {"type": "string", "minLength": 3, "maxLength": 160},
        },
    )


STATEMENTS = Ask(_TASK, _answer, "statements", concept=False)


def soap_note(reading: Reading) -> dict[str, Any]:
    note: dict[str, Any] = {section: [] for section in SECTIONS}
    seen: set[tuple[str, str]] = set()
    dropped: list[Grounded] = []
    for statement in reading.claims(STATEMENTS):
        if statement.reason is not None or statement.evidence is None:
            dropped.append(statement)
            continue
        key = (statement.item["section"], statement.text.lower())
        if key in seen:
            continue
        seen.add(key)
        evidence = [span(s) for s in statement.evidence.turns]
        note[statement.item["section"]].append({"text": statement.text, "evidence": evidence})
    note["metadata"] = reading.metadata(dropped)
    return note
