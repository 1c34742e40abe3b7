"""The labelled conversations of benchmarks/grounding/ keep to what the service lets a model answer: an item the
request's schema forbids is never served, so it would count as dropped without being checked."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from aftercall.notes.concepts import TERMS
from aftercall.notes.soap import STATEMENTS
from tests.scripted_llm import GROUNDING, load

SETS = sorted(GROUNDING.glob("*/*.json"))


def _item_schema(answer: dict[str, Any]) -> dict[str, Any]:
    (listed,) = answer["properties"].values()
    return listed["items"]


@pytest.mark.parametrize("path", SETS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_labelled_item_fits_the_answer_schema(path) -> None:
    conversation = load(path)
    for key, ask in (("soap", STATEMENTS), ("concepts", TERMS)):
        schema = _item_schema(ask.schema(30))
        validator = jsonschema.Draft202012Validator(schema)
        for item in conversation[key]:
            answered = {name: value for name, value in item.items() if name in schema["properties"]}
            errors = [e.message for e in validator.iter_errors(answered)]
            assert not errors, f"{item['text']!r}: {errors}"
            turns = len(conversation["turns"])
            assert all(1 <= n <= turns for n in item["segments"]), f"{item['text']!r} cites a turn that is not there"


def test_there_are_sets_to_check() -> None:
    assert {p.parent.name for p in SETS} >= {"dev", "heldout"}
