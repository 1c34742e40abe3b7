"""The checks that keep a model's claims tied to what was said."""

from __future__ import annotations

import pytest

from aftercall.notes import evidence
from aftercall.notes.segments import Segment

SAID = [
    Segment(1, 1, 0.0, 5.0, "I take lisinopril 10 mg for my blood pressure."),
    Segment(2, 1, 5.0, 9.0, "No chest pain, but a dry cough at night."),
    Segment(3, 0, 9.0, 14.0, "I am allergic to penicillin. Your temperature is 38.2 degrees."),
]
CHUNK = {s.index: s for s in SAID}


def test_citations_must_exist_in_the_chunk_read() -> None:
    assert evidence.cited([2, 1, 2], CHUNK) == [SAID[0], SAID[1]]
    assert evidence.cited([], CHUNK) is None
    assert evidence.cited([1, 7], CHUNK) is None, "a segment the model never saw"


@pytest.mark.parametrize(
    ("claim", "cites", "supported"),
    [
        ("Takes lisinopril 10 mg for hypertension.", [1], True),
        ("Takes lisinopril 20 mg.", [1], False),  # a dose that was not said
        ("Takes metformin for blood pressure.", [1], False),  # a drug that was not said
        ("Dry cough at night.", [1], False),  # true, but not in the cited segment
        ("Dry cough at night.", [2], True),
        ("Temperature 38.2.", [3], True),
        ("p", [1], False),  # says nothing
    ],
)
def test_a_claim_must_be_said_by_what_it_cites(claim: str, cites: list[int], supported: bool) -> None:
    assert evidence.supports(claim, [CHUNK[i] for i in cites]) is supported


def test_only_the_cited_segments_that_say_it_are_kept() -> None:
    assert evidence.relevant("Dry cough at night.", SAID) == [SAID[1]]
    assert evidence.relevant("Feels fine.", SAID) == []


def test_a_concept_needs_all_its_words() -> None:
    assert evidence.supports("dry cough", [SAID[1]], every_word=True)
    assert not evidence.supports("productive cough", [SAID[1]], every_word=True)


def test_negation_and_allergy_are_read_from_the_clause() -> None:
    assert evidence.negated("chest pain", [SAID[1]])
    assert not evidence.negated("cough", [SAID[1]]), "'no chest pain, but a dry cough': the cough is there"
    assert evidence.allergy("penicillin", [SAID[2]])
    assert not evidence.allergy("lisinopril", [SAID[0]])


def test_spans_are_what_the_notes_cite() -> None:
    assert evidence.span(SAID[2]) == {"start": 9.0, "end": 14.0, "speaker": 0}


def test_the_published_schemas_are_json_schemas() -> None:
    import jsonschema

    from aftercall.notes import schemas

    for name in (schemas.SOAP, schemas.CONCEPT):
        jsonschema.Draft202012Validator.check_schema(schemas.load(name))
