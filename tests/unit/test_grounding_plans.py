"""An action a statement gives as done or decided, held to turns that put it off (notes/plans.py). The sentences are
made up for these tests, not taken from the evaluation set."""

from __future__ import annotations

import pytest

from aftercall.notes import checks
from aftercall.notes.evidence import Evidence
from aftercall.notes.segments import Segment


def problem(claim: str, *texts: str) -> str | None:
    said = tuple(Segment(1 + i, i % 2, i * 5.0, i * 5.0 + 4.0, text) for i, text in enumerate(texts))
    return checks.problem(claim, Evidence(said), set())


@pytest.mark.parametrize(
    ("claim", "said", "reason"),
    [
        (
            "MRI lumbar spine ordered",
            ("If the pain spreads I might get an MRI of your back. I'm not ordering it yet.",),
            "polarity",
        ),
        ("MRI lumbar spine ordered", ("I want an MRI of your lower back. I'm ordering it today.",), None),
        (
            "MRI of back if pain spreads",
            ("If the pain spreads I might get an MRI of your back. Not ordering it yet.",),
            None,
        ),
        ("MRI of back not ordered yet", ("I might get an MRI of your back. I'm not ordering it yet.",), None),
        (
            "Sutures to be removed Friday as planned",
            ("And the sutures, they were due out Friday.", "Let's hold off."),
            "polarity",
        ),
        ("Sutures to be removed Friday", ("And the sutures, they come out Friday?", "Yes, Friday."), None),
        (
            "Tdap given today",
            ("Did she get her tetanus booster, the Tdap?", "Not yet.", "Let's give it today then."),
            None,
        ),
        ("May resume running this week", ("No running, no jumping until the swelling is gone.",), "polarity"),
        ("Amoxicillin started", ("No need for an antibiotic, it's viral.",), "drug"),
    ],
)
def test_an_action_put_off_is_not_done(claim: str, said: tuple[str, ...], reason: str | None) -> None:
    assert problem(claim, *said) == reason
