"""Everyday right statements the checks must keep: each beside a sentence a rule of this round could misread (a
symptom that 'started', a 'won't' about something else, a span of absence, a drug's sentence that goes on). Made up
by a second reader of the rules, not taken from the evaluation set."""

from __future__ import annotations

import pytest

from aftercall.notes import checks
from aftercall.notes.evidence import Evidence
from aftercall.notes.segments import Segment


def problem(claim: str, *texts: str, diagnosis: bool = False) -> str | None:
    said = tuple(Segment(1 + i, i % 2, i * 5.0, i * 5.0 + 4.0, text) for i, text in enumerate(texts))
    return checks.problem(claim, Evidence(said), checks.allergens_of(list(said)), diagnosis=diagnosis)


@pytest.mark.parametrize(
    ("claim", "said"),
    [
        # an action that was done, beside a "won't" or "not until" about something else
        ("Headache started this morning", ("I woke up with this headache this morning and it won't go away.",)),
        ("Cough started 1 week ago", ("This cough's been going for a week. It won't quit.",)),
        ("Cetirizine started", ("Let's try Zyrtec, ten milligrams at night. It won't make you drowsy.",)),
        ("Prednisone prescribed", ("I'll prescribe a short course of prednisone. It won't affect your sugars much.",)),
        (
            "Cardiology referral placed",
            ("I'm putting in a referral to cardiology. They may not see you until next month.",),
        ),
        ("Home health referral placed", ("I'll put in a home health referral. They won't come until Monday though.",)),
        ("Knee X-ray ordered", ("Let's get an x-ray of the knee today. We don't need an MRI of the knee yet.",)),
        ("Ibuprofen started", ("He started the ibuprofen yesterday and there's no more fever since.",)),
        (
            "CT head ordered",
            ("I'd like a CT of your head today.", "Won't that be a lot of radiation?", "It's a small dose."),
        ),
        (
            "Chest X-ray ordered",
            ("Let's get a chest x-ray to look at your lungs.", "No need for blood work?", "Not today."),
        ),
        # a span of absence is said, not denied
        ("No headaches in past 2 weeks", ("Any headaches lately?", "Not in two weeks, no.")),
        ("Afebrile x3 days", ("Is she still running a fever?", "Not for three days now.")),
        ("No hospitalizations in 5 years", ("Any hospital stays?", "Not in five years.")),
        # when a thing is due is not bound to a number of something else
        (
            "INR recheck in 1 week",
            ("Your INR was three point eight, so skip tonight's dose and we'll recheck in a week.",),
        ),
        ("Recheck potassium in 1 week", ("Your potassium is five point one, so I'd like to recheck it in a week.",)),
        # a time of day that is no dose, and three of them
        ("Cough worse at night", ("The cough is worse at night when I lie down. I use the albuterol twice a day.",)),
        (
            "Gabapentin 300 mg TID",
            ("I take gabapentin 300, one in the morning, one in the afternoon, and one at night.",),
        ),
        ("Lisinopril 20 mg daily", ("I take lisinopril 20 in the morning. I check my pressure again in the evening.",)),
        (
            "Lisinopril 10 mg daily",
            ("I'm on lisinopril 10. I take it with breakfast. I eat lunch. I check my blood pressure twice a day.",),
        ),
        ("Ibuprofen 600 mg TID", ("Take ibuprofen 600 three times daily with food.",)),
        # "otherwise" does not make a result a condition
        ("CBC normal", ("Your potassium was a little low. Otherwise the CBC was normal.",)),
        ("UA negative", ("The culture is still pending. Otherwise the UA was negative.",)),
        ("Rapid strep negative", ("We swabbed her throat for strep. The quick one came back negative.",)),
        # a list item is denied with its list; a limb abbreviation of both sides needs no "both"
        ("Denies fever, night sweats, weight loss", ("No fever, night sweats, significant weight loss.",)),
        ("BLE edema", ("Any swelling in your legs?", "Yeah, my legs and ankles swell up by the evening.")),
        ("No BLE edema", ("Any swelling in your legs?", "No.")),
        ("RLE weakness", ("Your right leg is weaker than the left, but it's better than last time.",)),
        # a drug heard by its sound, and a combination brand allergy that is not to its acetaminophen
        ("Celexa 20 mg daily", ("I'm on selexa twenty once a day.",)),
        ("Xarelto 20 mg daily", ("I take zarelto twenty milligrams once a day.",)),
        (
            "Tylenol PRN pain",
            ("Any allergies?", "Percocet makes me itchy.", "What do you take for pain?", "Just Tylenol."),
        ),
    ],
)
def test_an_everyday_right_statement_is_kept(claim: str, said: tuple[str, ...]) -> None:
    assert problem(claim, *said) is None


@pytest.mark.parametrize(
    ("claim", "said"),
    [
        ("Gout", ("Your toe is red and hot, this is gout. I doubt you'll have it again if you take the allopurinol.",)),
        ("Influenza", ("Your swab was positive, so it's influenza. I doubt your wife has it yet.",)),
        (
            "Psoriatic arthritis",
            ("Your joints and skin fit psoriatic arthritis. I don't think you have it in your spine.",),
        ),
        (
            "Migraine with aura",
            (
                "These headaches are migraines. The flashing lights before them are an aura.",
                "My sister has migraine with aura too.",
            ),
        ),
    ],
)
def test_a_diagnosis_made_is_kept_beside_a_doubt_about_something_else(claim: str, said: tuple[str, ...]) -> None:
    assert problem(claim, *said, diagnosis=True) is None
