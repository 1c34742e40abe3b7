"""Each check that holds a model's statement to the turns it rests on, one behaviour at a time (notes/checks.py,
polarity.py, numbers.py, quotes.py). The sentences are made up for these tests, not taken from the evaluation set."""

from __future__ import annotations

import pytest

from aftercall.notes import checks, concepts, numbers, plans, polarity, quantities, quotes, results, sides
from aftercall.notes.evidence import Evidence
from aftercall.notes.grounding import Transcript, ground
from aftercall.notes.segments import Segment
from aftercall.notes.words import keys, test_keys


def turns(*texts: str, first: int = 1) -> tuple[Segment, ...]:
    """Alternating clinician (0) and patient (1) turns."""
    return tuple(Segment(first + i, i % 2, i * 5.0, i * 5.0 + 4.0, text) for i, text in enumerate(texts))


def evidence(*texts: str) -> Evidence:
    return Evidence(turns(*texts))


def problem(claim: str, *texts: str, concept: bool = False, diagnosis: bool = False) -> str | None:
    said = turns(*texts)
    return checks.problem(claim, Evidence(said), checks.allergens_of(list(said)), concept=concept,
                          diagnosis=diagnosis)  # fmt: skip


# -- numbers and units ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spoken", "values"),
    [
        ("one fifty over ninety-two", {150, 92}),
        ("eight point two", {8.2}),
        ("five hundred milligrams", {500}),
        ("a hundred and ten", {110}),
        ("ninety-four percent", {94}),
        ("twice a day", {2}),
        ("about half a pack a day", {0.5}),
        ("at fourteen twenty", {1420}),
        ("scheduled for the twentieth", {20}),
        ("heart rate one oh eight", {108}),
        ("one oh one point four", {101.4}),
        ("about two and a half weeks ago", {2.5}),
        ("her eighty-fourth birthday", {84}),
        ("a liter of saline", {1}),
    ],
)
def test_spoken_numbers_are_read_as_digits(spoken: str, values: set[float]) -> None:
    assert values <= numbers.numbers(spoken)


@pytest.mark.parametrize(
    ("claim", "said", "reason"),
    [
        ("BP 150/92", "Your blood pressure is one fifty over ninety-two.", None),
        ("BP 150/90", "Your blood pressure is one fifty over ninety-two.", "number"),
        ("Lisinopril 20 mg daily", "I take the lisinopril, twenty milligrams every morning.", None),
        ("Smokes 1 ppd x 30 years", "About a pack a day, for thirty years.", None),
        ("SpO2 97% RA", "Sat is ninety-seven percent on room air.", None),
        ("BP 138/84, HR 76", "Pressure one thirty-eight over seventy-six, heart rate eighty-four.", "number"),
        ("Mother had stroke at 70", "My mom had a stroke at sixty. She's seventy now.", "number"),
        ("Ibuprofen 400 mg q6-8h PRN", "Ibuprofen four hundred milligrams every six to eight hours as needed.", None),
        ("HR 108, RR 18", "Heart rate one oh eight, resp eighteen.", None),
        ("Took 2 tabs Tylenol ~10 PM", "I took two of the extra strength Tylenol, around ten last night.", None),
        ("Doxycycline BID x7 days", "Doxycycline twice a day for a week, and prednisone for five days.", None),
        ("Hgb 11.8", "Your hemoglobin was eleven point eight, that was fine, a recheck today.", None),
        ("HR 108, RR 18", "Heart rate one oh eight, resp twenty.", "number"),
    ],
)
def test_numbers_must_be_said_about_the_same_thing(claim: str, said: str, reason: str | None) -> None:
    assert problem(claim, said) == reason


_INR = "Last week it was two point nine. Monday on the home meter it was three point four."


@pytest.mark.parametrize(
    ("claim", "said", "reason"),
    [
        ("INR 2.9 on home check Monday", _INR, "number"),
        ("INR 3.4 on home check Monday", _INR, None),
        ("Uncle had knee replacement at 66", "My uncle had his knee replaced, he was fifty-eight. He's sixty-six now.",
         "number"),
        ("Uncle had knee replacement at 58", "My uncle had his knee replaced, he was fifty-eight. He's sixty-six now.",
         None),
        ("Headache days 12 -> 5 per month", "It went from twelve headache days a month down to five.", None),
    ],
)  # fmt: skip
def test_a_numbers_nearest_words_are_not_bound_to_another_number(claim: str, said: str, reason: str | None) -> None:
    assert problem(claim, said) == reason


@pytest.mark.parametrize(
    ("claim", "said", "reason"),
    [
        ("Knee pain 8/10 currently", "Right now? Probably a five. The first night it was an eight.", "number"),
        ("Knee pain 5/10 now, 8/10 first night", "Right now? Probably a five. The first night it was an eight.",
         None),
        ("Knee pain 7/10 at rest", "Lying down it's a three. When I walk around it's a seven.", "number"),
        ("Knee pain 3/10 at rest, 7/10 walking", "Lying down it's a three. When I walk around it's a seven.", None),
        ("Knee pain 6/10 today", "This morning it was a six.", None),
        ("Knee pain 8/10 today", "Yesterday it was an eight. Today just a three.", "number"),
        ("Knee pain 4/10 now", "I noticed it yesterday and it was a four.", None),
    ],
)  # fmt: skip
def test_a_number_said_of_one_time_or_state_is_not_anothers(claim: str, said: str, reason: str | None) -> None:
    assert problem(claim, "How bad is the knee pain, zero to ten?", said) == reason


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ("Memory decline x3 months", "number"),
        ("Memory decline x6 months, worse x3 wks", None),
        ("Memory bad x21 days", None),
        ("Memory decline, bad 3/week", None),
    ],
)
def test_a_span_of_time_keeps_its_unit(claim: str, reason: str | None) -> None:
    said = ("How long has his memory been going?", "For six months, but the last three weeks it's really bad.")
    assert problem(claim, *said) == reason


def test_a_count_said_of_yesterday_is_not_todays() -> None:
    said = ("How many times has she vomited?", "Um, yesterday like five or six times. Today just once.")
    assert problem("Emesis 5-6x today", *said) == "number"
    assert problem("Emesis 5-6x yesterday, 1x today", *said) is None


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ("Metoprolol 50 mg", "number"),
        ("Metoprolol 25 mg, simvastatin 50 mg", None),
        ("Gabapentin 900 mg TID", "number"),
        ("Gabapentin 300 mg TID (900 mg/day)", None),
        ("Questionnaire score 10", "number"),
        ("Questionnaire score 13 (cutoff 10)", None),
    ],
)
def test_a_number_goes_with_its_drug_its_dosing_and_what_was_measured(claim: str, reason: str | None) -> None:
    said = (
        "What do you take?",
        "Metoprolol, the twenty-five. And simvastatin, fifty, at night. Gabapentin, nine hundred a day, so three"
        " hundred, three times a day.",
        "Your questionnaire score was thirteen. Anything ten or above we act on.",
    )
    assert problem(claim, *said) == reason


def test_a_dose_may_be_said_in_other_units_or_as_tablets() -> None:
    said = "Tylenol is fine for the knee. Two of the five hundred milligram tablets, no more than three thousand a day."
    assert problem("Acetaminophen 1000 mg PRN knee pain", said) is None, "two of the 500s, and Tylenol is no place"
    assert problem("Acetaminophen 1 g PRN knee pain, max 3000 mg/day", said) is None
    assert problem("Acetaminophen 1500 mg PRN knee pain", said) == "number"


def test_a_denial_where_the_turns_say_all_is_well_holds() -> None:
    assert problem("No neck pain", "Any neck pain?", "No, my neck's fine.") is None
    assert problem("Video follow-up in 2 weeks", "I'll see you back in two weeks, video is fine.") is None


def test_units_and_abbreviations_that_are_not_numbers_said() -> None:
    assert problem("Took sildenafil in the past 48 h", "Yesterday, and the day before: two days of Viagra.") is None
    assert problem("Radiculopathy 2/2 disc herniation", "The nerve is pinched by a herniated disc.") is None


def test_a_number_said_only_of_someone_else_is_not_theirs() -> None:
    said = ("Any family history of cancer?", "My aunt had breast cancer. And my uncle, colon cancer. He was fifty-one.")
    assert problem("FHx: uncle with colon cancer at 51", *said) is None
    assert problem("FHx: aunt with breast cancer at 51", *said) == "number", "he is not the aunt"
    assert problem("FHx: brother with colon cancer at 51", *said) is None, "a daughter's uncle is a patient's brother"


@pytest.mark.parametrize(
    ("sentence", "bound"),
    [
        ("five milligrams on Mondays and two and a half the other days", [({5}, "mondays"), ({2.5}, "other days")]),
        ("it was two point four, then last Friday three point one", [({2.4}, ""), ({3.1}, "last friday")]),
        ("he's been like, two sixty, two seventy", [({260, 270}, "")]),
        ("fifteen headache days a month", [({15}, "headache days")]),
    ],
)
def test_each_number_is_bound_to_the_words_around_it(sentence: str, bound: list[tuple[set[float], str]]) -> None:
    found = numbers.bindings(sentence)
    for (values, words), mention in zip(bound, found, strict=False):
        assert values <= mention.values
        assert set(words.split()) <= set(mention.before + mention.after)
    assert len(found) >= len(bound)


def test_a_pain_score_is_read_from_the_answer_to_the_question() -> None:
    assert problem("Pain 6/10", "How bad is the pain, zero to ten?", "Maybe a six.") is None  # /10 is a scale
    assert problem("Pain 8/10", "How bad is the pain, zero to ten?", "Maybe a six.") == "number"


def test_a_number_only_asked_about_is_not_said_unless_the_answer_confirms_it() -> None:
    assert problem("Dose 20 units", "Is it twenty units now?", "It's eighteen units.") == "number"
    assert problem("Dose 20 units", "Is it twenty units now?", "Yes, that's right.") is None
    assert problem("Aura lasts ~20 min", "How long does the aura last?", "Like twenty minutes?") is None, (
        "an unsure answer is an answer"
    )


# -- abbreviations and clinical words ---------------------------------------------------------------------------
def test_a_concept_is_a_few_words_its_side_status_and_units_aside() -> None:
    assert not concepts.too_long("positive straight leg raise, left")
    assert not concepts.too_long("CT abdomen/pelvis with contrast (pending)")
    assert concepts.too_long("sharp chest pain radiating to the left arm on climbing stairs")


def test_a_term_of_one_sentence_is_not_hidden_by_a_longer_phrase_of_another() -> None:
    said = ("The pain goes down the leg?", "Yes, down the back of it.", "Positive straight leg raise at forty.")
    assert problem("straight leg raise", *said, concept=True) is None, "the leg of the sciatica phrase is still said"
    assert problem("1-hr glucose test 150", "The one hour glucose test was one fifty.") is None, "hr is an hour"


@pytest.mark.parametrize(
    ("claim", "said"),
    [
        ("HTN", "My blood pressure has been running high."),
        ("Dyspnea on exertion", "I get short of breath when I walk up the hill."),
        ("c/o N/V", "I've been nauseous and throwing up since last night."),
        ("Lower extremity edema", "Both my legs are swollen by the evening."),
        ("Hyperkalemia", "Your potassium came back a bit high again."),
        ("Diplopia", "When I read, I start seeing double."),
        ("Tolerating PO fluids", "She's keeping down the juice and water, small sips."),
        ("RTC 3 mo", "Let's have you come back in three months."),
        ("Nocturia x2", "I'm up at night to pee, twice most nights."),
        ("Nocturnal cough", "He coughs mostly at night."),
        ("History of anxiety", "I've had anxiety since college."),
        ("TSH pending", "We'll send the thyroid test and I'll call you with the result."),
        ("CRP 18", "Your C-reactive protein, the inflammation marker, is eighteen."),
        ("Visual hallucinations", "He says he's seeing people in the hallway who aren't there."),
        ("Stool culture pending", "The stool culture we sent, that's not back yet."),
        ("Poor PO intake", "She's barely eating, and not drinking much either."),
        ("Reflexes intact", "Your reflexes are good."),
        ("Appetite normal", "My appetite's fine, I eat okay."),
        ("Former smoker", "I quit smoking years ago, when my first was born."),
        ("Distal pulses intact", "The pulses in your feet are strong and they're fine."),
        ("Eyelid swelling", "My eyes get puffy in the morning."),
        ("Urinalysis", "We checked a urine sample."),
        ("L CVA tenderness", "Tender over the left flank when I tap here."),
        ("S/p tubal ligation", "I had my tubes tied after my last baby."),
    ],
)
def test_abbreviations_and_lay_words_support_clinical_terms(claim: str, said: str) -> None:
    concept = len(claim.split()) <= 3
    assert problem(claim, said, concept=concept) is None


def test_how_sure_a_clinician_is_need_not_be_worded_the_same() -> None:
    said = "I think this is most consistent with a viral infection."
    assert problem("Suspected viral infection", said, diagnosis=True) is None, "a diagnosis's every word is said"
    assert problem("Probable viral infection", "Could be anything, honestly.", diagnosis=True) == "unsupported", (
        "the hedge alone proves nothing"
    )


def test_a_statement_about_something_else_is_unsupported() -> None:
    assert problem("Knee pain after a fall", "Good morning, how are you today?") == "unsupported"
    assert problem("Fine tremor of the hands", "Your hands look normal.") == "unsupported", "a fine tremor: no normal"
    assert problem("CVA tenderness", "He had a stroke two years ago.") == "unsupported", "CVA: the flank"
    assert problem("Sensation intact", "Okay. My feet are numb.") == "unsupported", "an acknowledgement is no finding"
    assert problem("PMH: CVA", "I had a stroke in 2019.") is None, "a CVA alone is a stroke"


def test_a_number_the_speaker_took_back_is_not_said() -> None:
    said = "Two in the morning and two at night... no, one in the morning, one at night."
    assert problem("Naproxen 2 tabs BID", "I take the Aleve. " + said) == "number"
    assert problem("Naproxen 1 in the morning, 1 at night", "I take the Aleve. " + said) is None
    assert problem("Go up to 30 mg", "Go up to twenty-five, I mean thirty milligrams.") is None
    assert problem("Go up to 25 mg", "Go up to twenty-five, I mean thirty milligrams.") == "number"
    assert problem("2 puffs", "Two puffs, no spacer.") is None, "a plain ', no' takes nothing back"
    corrected = ("How long has the rash been there?", "Three days. No, four, it started Friday.")
    assert problem("Rash x3 days", *corrected) == "number", "a sentence taken back by the next one"
    assert problem("Rash x4 days", *corrected) is None
    assert problem("2 puffs, no spacer", "Two puffs. No spacer.") is None
    changed = "And the simvastatin, the ten, no, it's twenty now. At night."
    assert problem("Simvastatin 10 mg qHS", changed) == "number", "', no, it's twenty' takes the ten back"
    assert problem("Simvastatin 20 mg qHS", changed) is None
    unit_again = ("How long has the cough been there?", "Five days. Maybe six. No, five days.")
    assert problem("Cough x6 days", *unit_again) == "number", "a correction may say its unit again"
    assert problem("Cough x5 days", *unit_again) is None


def test_a_number_taken_back_leaves_what_it_measured() -> None:
    said = "Temp ninety-nine point one, pressure one forty over eighty, pulse ninety-six, no, sorry, ninety."
    assert problem("Pulse 90", said) is None, "the pulse is ninety, said after the correction"
    assert problem("BP 140/80", said) is None, "the numbers before the corrected one still stand"
    assert problem("Pulse 96", said) == "number"


def test_a_short_answer_that_goes_on_from_the_questions_number_accepts_it() -> None:
    asked = "And the metformin, still five hundred twice a day?"
    assert problem("Metformin 500 mg BID", asked, "With breakfast and dinner.") is None
    assert problem("Metformin 500 mg BID", asked, "Not really, I forget the evening one.") is not None
    assert problem("Metformin 500 mg BID", asked, "Maybe, I'd have to check the box.") == "number"
    assert problem("Metformin 500 mg BID", asked, "A thousand now, the other doctor changed it.") == "number"


def test_an_answers_first_number_is_about_what_was_asked() -> None:
    said = ("How's the itching, zero to ten?", "Right now about a three. Last weekend, an eight.")
    assert problem("Pruritus 3/10 today", *said) is None, "the three answers the question"
    assert problem("Pruritus 5/10 today", *said) == "number"


def test_a_name_spoken_as_a_letter_and_a_number_is_no_measure() -> None:
    said = "Your free T four is one point one, and the TSH came back at six point two."
    assert problem("Free T4 1.1", said) is None
    assert problem("TSH 6.2", said) is None
    assert problem("TSH 1.1", said) == "number"


def test_a_frequency_may_be_weekly_and_follow_the_drugs_sentence() -> None:
    said = ("Anything else for the headaches?", "Sometimes Advil. Like maybe two days a week.")
    assert problem("Ibuprofen TID", *said) == "frequency"
    assert problem("Ibuprofen ~2 days/week", *said) is None
    assert problem("PT daily", "Physio twice a week for six weeks.") == "frequency"
    assert problem("PT 2x/wk x 6 wks", "Physio twice a week for six weeks.") is None


# -- laterality -----------------------------------------------------------------------------------------------
def test_a_side_must_be_the_side_that_was_said() -> None:
    said = "The swelling is in my right ankle. The left one is fine."
    assert problem("Right ankle swelling", said) is None
    assert problem("Left ankle swelling", said) == "laterality"
    assert problem("Left ankle swelling", "My ankle is swollen.") == "laterality", "a side nobody gave"


def test_a_sentence_of_two_sides_places_each_thing_on_its_own() -> None:
    said = "The right wrist especially, it's swollen, and my knuckles on both hands are stiff and achy."
    assert problem("L wrist swelling", said) == "laterality"
    assert problem("R wrist swelling; stiffness of knuckles bilaterally", said) is None
    compared = "The left calf looked a little puffy to me, the left one compared to the right."
    assert problem("L>R calf swelling", compared) is None


def test_a_side_a_note_abbreviates_is_said_in_the_turns_or_elsewhere_in_the_visit() -> None:
    bitten = "Yeah, on the left side. It's still kind of sore."

    def sided(claim: str, *said_elsewhere: str) -> str | None:
        said = turns(bitten)
        context = Evidence(said, sides_said=sides.said([bitten, *said_elsewhere]))
        return sides.laterality(claim, context, set())

    assert sided("Bit L side of tongue") is None
    assert sided("Bit R side of tongue") == "laterality", "no one in the visit said right"
    assert sided("Bit tongue after fall onto R hand", "I fell on my right hand.") is None, "said elsewhere in the visit"
    assert sided("Bit tongue after fall onto right hand", "I fell on my right hand.") == "laterality", (
        "a side spelt out is said in the turns cited"
    )
    pressures = "Right arm was one forty-eight over eighty-six, and the left arm one fifty-six over eighty-eight."
    assert problem("BP R arm 148/86, L arm 156/88", pressures) is None
    assert problem("BP L arm 148/86, R arm 156/88", pressures) == "laterality"
    saline = evidence("We'll give you a liter of saline through the I V.")
    assert sides.laterality("IVF: NS 1 L bolus", saline, set()) is None, "litres, not a side"


def test_right_that_says_where_exactly_is_no_side() -> None:
    said = "Let me feel your head... a little tender over the left side, right above the ear."
    assert problem("Tenderness over L temporal scalp", said) is None
    assert problem("Tenderness over R temporal scalp", said) == "laterality"


def test_a_side_goes_with_its_numbers() -> None:
    said = "One forty over ninety in the left arm, and one twenty over eighty on the right."
    assert problem("BP 140/90 left arm", said) is None
    assert problem("BP 140/90 right arm", said) == "laterality"


def test_a_finding_is_placed_on_the_side_its_sentence_gives() -> None:
    said = "I hear a little wheeze on the right side, down low. Left side sounds clear."
    assert problem("Wheeze at L base", said) == "laterality"
    assert problem("Wheeze at R base", said) is None
    assert (
        problem("Trace edema of the right ankle", "Right hip is tender. Trace swelling at both ankles.") == "laterality"
    ), "both is not one"
    assert problem("Tender over the MCL, L knee", "Left knee. Tender over the M C L, right here?") is None, (
        "a spoken 'L' or 'right here' gives no side"
    )


def test_a_finding_denied_on_a_side_is_not_there() -> None:
    said = ("Does the tingling go into your foot?", "Yes, the outside of the foot.",
            "Any tingling in the right leg?", "No, the right one's fine.")  # fmt: skip
    assert problem("Tingling in the lateral foot", *said) is None
    assert problem("Tingling in the right foot", *said) == "laterality"
    assert problem("No tingling in the right leg", *said) is None


def test_a_finding_is_not_placed_where_the_evidence_says_all_is_well() -> None:
    said = ("Any swelling in your legs or your hands?", "My ankles swell in the evening. My hands are fine.")
    assert problem("Ankle edema", *said) is None
    assert problem("Edema of ankles and hands", *said) == "polarity"
    assert problem("Ankle edema; no swelling of the hands", *said) is None
    assert problem("Ankle edema; hands normal", *said) is None


def test_a_comparison_of_two_sides_keeps_its_direction() -> None:
    said = "Her right pupil looks a little larger than the left, both react."
    assert problem("R pupil slightly larger than L", said) is None
    assert problem("Left pupil smaller than right", said) is None, "the same comparison, said the other way"
    assert problem("Left pupil larger than right", said) == "laterality"
    legs = "Her left leg is bigger than the right, the left one's always worse."
    assert problem("Leg swelling, right worse than left", legs) == "laterality", "bigger and worse point the same way"


# -- results --------------------------------------------------------------------------------------------------
def test_a_result_needs_one_given_not_a_test_pending() -> None:
    assert problem("Urine culture positive", "We sent a urine culture, it's still pending.") == "result"
    assert problem("Urine culture negative", "The urine culture came back negative.") is None


def test_a_result_is_the_named_tests_not_one_said_of_another_earlier_thing() -> None:
    said = "Your exam last time was normal, so I don't think we need a CT."
    assert problem("Prior CT head unremarkable", said) == "result"
    assert problem("Prior exam normal", said) is None


def test_a_result_is_the_tests_own_not_one_said_of_something_else() -> None:
    put_off = "Your exam last time was normal, so I don't think we need an MRI."
    assert problem("MRI brain normal", put_off) == "result"
    assert problem("CT head negative", "I thought about a CT scan of your head, but you didn't hit it.") == "result"
    assert problem("Troponin elevated", "We sent the troponin. The first one was drawn, it's pending.") == "result"
    said = ("We did the rapid strep swab when you came in.", "And?", "That came back negative.")
    assert problem("Rapid strep negative", *said) is None, "'that' refers back to the test"
    assert (
        problem("If culture positive, start azithromycin", "I sent a culture; azithromycin if it grows strep.") is None
    ), "a condition claims no result"


def test_values_under_a_tests_name_are_its_result_only_if_it_has_one() -> None:
    said = ("Your kidney numbers from March: creatinine one point four.", "I'll send a metabolic panel today.")
    assert problem("Metabolic panel today: creatinine 1.4", *said) == "result", "the panel is only ordered"
    assert problem("Creatinine 1.4 in March; metabolic panel sent today", *said) is None


def test_a_finding_under_a_tests_name_is_its_result() -> None:
    said = "Is my hip broken? I don't think so, but I'd like an X-ray of the right hip today to be safe."
    assert problem("Hip X-ray: no fracture", said) == "result"
    assert problem("CBC: no anemia", "Your blood type is O negative. We'll recheck the blood count today.") == "result"
    seen = "I looked at the chest x-ray from urgent care, there's no pneumonia, the lungs look hyperinflated."
    assert problem("CXR: hyperinflation, no pneumonia", seen) is None


# -- polarity, with questions read with their answers -----------------------------------------------------------
def test_polarity_of_the_claim_must_match_the_evidence() -> None:
    said = "Some nausea, but I haven't thrown up."
    assert problem("Nausea without vomiting", said) is None
    assert problem("Nausea and vomiting", said) == "polarity"


def test_a_question_and_its_answer_are_read_together() -> None:
    assert problem("Denies fever or chills", "Any fever or chills?", "No, none.") is None
    assert problem("Reports fever", "Any fever or chills?", "No, none.") == "polarity"
    ev = evidence("Any cough or wheezing?", "Just the cough.")
    assert polarity.readings("wheezing", ev) == {True}, "what a 'just' answer leaves out is denied"
    assert polarity.readings("cough", ev) == {False}


def test_exam_findings_the_evidence_denies_are_not_affirmed() -> None:
    exam = "Heart sounds regular, no murmur. Belly's soft, no mass I can feel. Lungs clear, no crackles."
    assert problem("Soft systolic murmur", exam) == "polarity", "one finding word is enough"
    assert problem("Palpable abdominal mass", exam) == "polarity"
    assert problem("Bibasilar rales", exam) == "polarity", "rales are crackles"
    assert problem("No murmur, no abdominal mass", exam) is None
    assert problem("No scleral icterus", "Your eyes aren't yellow, no yellowing at all.") is None


def test_a_finding_asked_about_a_part_said_to_be_fine_is_denied() -> None:
    said = ("What about your hair, any thinning or falling out?", "No, hair's fine actually.")
    assert problem("Endorses hair thinning", *said) == "polarity"
    assert problem("Denies hair loss", *said) is None


def test_how_often_answers_yes() -> None:
    assert problem("Denies vomiting", "Have you thrown up?", "Once. This morning, around six.") == "polarity"
    assert problem("Emesis x2", "Have you thrown up?", "Twice, yeah.") is None


def test_a_phrase_or_two_plain_words_the_evidence_denies_are_not_affirmed() -> None:
    said = ("Did you black out, lose consciousness at all?", "No, no. I knew where I was.")
    assert problem("Brief loss of consciousness", *said) == "polarity"
    assert problem("Denies loss of consciousness", *said) is None
    stools = ("Any black or tarry stools?", "No, not that I've seen.")
    assert problem("Reports dark tarry stools", *stools) == "polarity"
    assert problem("Chest wall soreness", "No chest pain. The wall here is sore.") is None, "one plain word is not"


def test_an_answer_denying_a_word_of_the_question_denies_what_it_asked() -> None:
    said = ("Any headaches? Vision changes, like spots or blurry?", "A headache last week. No vision stuff.")
    assert problem("Reports blurry vision", *said) == "polarity"
    walk = ("Any chest pain, shortness of breath when you walk?", "No chest pain. I get winded on the stairs.")
    assert problem("Exertional dyspnea on stairs; denies chest pain", *walk) is None, "only what the 'No' names"


def test_what_a_denial_is_placed_by_is_not_denied() -> None:
    said = ("Any numbness or tingling in the right leg?", "No. The right one's fine.")
    assert problem("Denies numbness or tingling in the right leg", *said) is None
    assert problem("Numbness in the right leg", *said) == "polarity"
    fall = ("Did you black out or feel dizzy before you fell?", "No no, I just tripped.")
    assert problem("Denies LOC or dizziness preceding the fall", *fall) is None


def test_a_denial_holds_its_whole_phrase_and_a_reason_is_not_denied() -> None:
    said = ("Tender right here, over the muscles?", "Yes, ow.", "And on the bone itself?", "No, not there.")
    assert problem("Tender over the muscles; no bony tenderness", *said) is None, "another tenderness"
    assert problem("Tender over the muscles; no tenderness", *said) == "polarity"
    statin = ("Your cholesterol is fine, so I didn't start a statin.", "Okay.")
    assert problem("Statin not started given cholesterol fine", *statin) is None, "the reason is not denied"


def test_a_drug_answered_alone_before_the_reaction_it_gave_is_an_allergen() -> None:
    answer = ("Which ones?", "Amoxicillin. I broke out in hives.")
    assert problem("Home meds: amoxicillin", *answer) == "allergen-as-medication"
    side_effect = ("Which ones?", "Codeine. It made me throw up for a day.")
    assert problem("Codeine caused vomiting", *side_effect) is None, "no allergy cue: a side effect"
    taken = ("What do you take?", "Lisinopril. No allergies, though.")
    assert problem("Lisinopril daily", *taken) is None
    warned = ("Amoxicillin. If you get hives, stop it.", "Okay.")
    assert problem("Amoxicillin TID", *warned) is None, "a warning names no allergy"


def test_a_word_that_denies_itself_denies_only_itself() -> None:
    said = ("Your vitals from the clinic are back.", "I have had a fever since last night.")
    assert problem("Afebrile at the clinic", *said) == "polarity", "the fever was said"
    assert problem("Afebrile", "Any fever?", "No, no fever.") is None


def test_denies_reaches_through_its_whole_list() -> None:
    said = ("Any fever, cough, or sore throat?", "No, none of that.")
    assert problem("Denies fever, cough or sore throat with the rash", *said) is None
    assert problem("Reports cough", *said) == "polarity"


def test_a_possibility_or_an_abbreviated_negation_is_read_as_such() -> None:
    said = "Nothing today makes me worried about cauda equina syndrome."
    assert problem("Cauda equina syndrome not suspected", said) is None
    assert problem("NPO after midnight except water", "Nothing after midnight except water.") is None


def test_a_negation_runs_through_a_list_but_not_past_it() -> None:
    assert dict(*polarity.claim_terms("Denies fever, chills, or night sweats")) == {
        "fever": True, "chills": True, "night": True, "sweats": True, "night sweats": True,
    }  # fmt: skip
    terms = dict(*polarity.claim_terms("No edema, HR 88"))
    assert terms["edema"] is True
    assert terms["hr"] is False


def test_a_condition_is_neither_affirmed_nor_denied() -> None:
    assert polarity.readings("vomiting", evidence("Call us if he starts vomiting.")) == set()


# -- drugs and allergies ----------------------------------------------------------------------------------------
def test_a_drug_must_be_named_even_if_speech_recognition_split_it() -> None:
    assert problem("Taking atorvastatin 20 mg", "I take the ator va statin, twenty milligrams.") is None
    assert problem("Taking rosuvastatin 20 mg", "I take the atorvastatin, twenty milligrams.") == "drug"
    assert problem("Losartan 50 mg daily", "The low sartan, fifty milligrams every day.") is None
    assert problem("Hydromorphone 1 mg IV", "I'll give you morphine, one milligram in the IV.") == "drug", (
        "a drug the dictionary knows is not a misspelling of another"
    )
    assert problem("Acetaminophen as needed", "Tylenol's fine as needed.") is None, "a possessive still names it"


def test_a_class_of_drugs_or_an_exam_abbreviation_is_not_a_drug_to_find() -> None:
    said = "Don't give him anything for the fever until we see him."
    assert problem("No antipyretics for fever until seen", said) is None
    assert problem("Lungs CTAB", "Lungs sound clear on both sides.") is None
    assert problem("Start oseltamivir", "Let's start Tamiflu today, and Tylenol for fever.") is None
    assert problem("Start zanamivir", "Let's start Tamiflu today, and Tylenol for fever.") == "drug"


def test_a_frequency_in_hours_is_read_however_it_is_written() -> None:
    said = "Ibuprofen, four hundred milligrams every eight hours with food."
    assert problem("Ibuprofen 400 mg q8h with food", said) is None
    assert problem("Ibuprofen 400 mg q6h with food", said) in ("number", "frequency")


def test_an_allergen_is_never_a_medication() -> None:
    said = ("Any allergies?", "Sulfa drugs. Bactrim gave me hives.")
    assert checks.allergens_of(list(turns(*said))) == {"Trimethoprim/sulfamethoxazole"}
    assert problem("Takes Bactrim", *said) == "allergen-as-medication"
    assert problem("Bactrim allergy: hives", *said) is None
    assert checks.allergens_of(list(turns("I take Zyrtec for my allergies."))) == set(), "a drug for allergies"


def test_a_drug_named_beside_an_allergy_is_not_always_one() -> None:
    said = ("Her amoxicillin reaction was a rash, years ago, and the chance of cross reaction with a cephalosporin "
            "like cefdinir is small, so I'll prescribe cefdinir.")  # fmt: skip
    assert problem("Cefdinir prescribed", said) is None
    assert problem("Amoxicillin as current medication", said) == "allergen-as-medication"


def test_an_allergen_class_the_dictionary_lacks_is_never_a_medication() -> None:
    said = ("Any drug allergies, still the sulfa?", "Yes, I break out in hives.", "And you take lisinopril daily.")
    assert problem("Meds: lisinopril daily", *said) is None
    assert problem("Meds: lisinopril, sulfa", *said) == "allergen-as-medication"
    assert problem("Allergies: sulfa (hives)", *said) is None


def test_the_answer_to_an_allergy_question_names_allergens() -> None:
    said = ("Any allergies to medications?", "Yeah, codeine.", "What happens?", "I throw up and get itchy.")
    assert checks.allergens_of(list(turns(*said))) == {"Codeine"}
    assert problem("Home meds: codeine PRN", *said) == "allergen-as-medication"
    denied = ("Any drug allergies?", "No, I take lisinopril and that's it.")
    assert checks.allergens_of(list(turns(*denied))) == set(), "a 'No' answer names no allergen"


# -- hedges -----------------------------------------------------------------------------------------------------
def test_a_possibility_to_rule_out_is_not_a_diagnosis() -> None:
    said = "I want to rule out a blood clot, so we'll get an ultrasound of the leg."
    assert problem("DVT", said, diagnosis=True) == "speculative"
    assert problem("Rule out DVT", said, diagnosis=True) is None
    sure = "This looks like cellulitis, but I want to make sure this isn't a blood clot, a DVT. So an ultrasound."
    assert problem("Acute DVT", sure, diagnosis=True) == "speculative"
    seen = "This is an ankle sprain. I don't see anything that points to gout, and there's no sign of infection."
    assert problem("Gout", seen, diagnosis=True) == "speculative"
    assert problem("Ankle sprain", seen, diagnosis=True) is None
    made = "So this is migraine with aura, same pattern as before, so I don't think we need an MRI."
    assert problem("Migraine with aura", made, diagnosis=True) is None, "the hedge is about the MRI"


def test_a_diagnosis_the_patient_asked_about_and_was_told_no_is_not_made() -> None:
    said = ("Your glucose on the screening test was one fifty-two, a bit over.", "So do I have diabetes?",
            "Not necessarily. That's a screening test, the longer test tells us.")  # fmt: skip
    assert problem("Diabetes mellitus", *said, diagnosis=True) == "speculative", "the glucose affirms it elsewhere"
    assert problem("Diabetes not established; needs the longer test", *said, diagnosis=True) is None
    confirmed = ("Is it strep throat?", "Yes, the swab was positive.")
    assert problem("Strep throat", *confirmed, diagnosis=True) is None


def test_the_patients_own_history_is_held_to_what_a_diagnosis_is() -> None:
    said = ("Any family history?", "My sister was just diagnosed with psoriasis, on her elbows.")
    assert problem("PMH: psoriasis of elbows", *said) == "family-history"
    assert problem("FHx: sister with psoriasis", *said) is None
    told = ("My husband has celiac disease. Could this be that?", "This doesn't really look like celiac.")
    assert problem("Hx of celiac disease", *told) == "speculative"


def test_an_answer_about_the_family_is_family_history() -> None:
    said = ("Any family history I should know about?", "My mom had lupus, yeah.")
    assert problem("Lupus", *said, diagnosis=True) == "family-history"
    assert problem("FHx: mother with lupus", *said) is None
    own = ("Any medical problems?", "My mom says I have asthma, since I was little.")
    assert problem("Asthma", *own, diagnosis=True) is None, "not asked about the family: the mother may be speaking"


def test_an_allergen_class_named_as_a_drug_is_still_an_allergen() -> None:
    said = ("Any allergies to medications?", "Penicillin. His throat swelled up.", "Continue the amlodipine.")
    assert problem("Continue amlodipine and penicillin", *said) == "allergen-as-medication"


def test_a_quadrant_gives_a_side() -> None:
    assert problem("LUQ pain", "The pain is up here on the right side, under my ribs.") == "laterality"
    assert problem("RUQ pain", "The pain is up here on the right side, under my ribs.") is None


def test_a_habit_given_up_is_not_current() -> None:
    said = ("Do you smoke, or did you ever?", "I quit. Quit in, uh, ninety-eight.", "About a pack a day before.")
    assert problem("Current smoker, 1 ppd", *said) == "polarity"
    assert problem("Former smoker, 1 ppd", *said) is None
    again = ("Do you smoke?", "I quit for a year, but I'm back to half a pack.")
    assert problem("Current smoker, 0.5 ppd", *again) is None


@pytest.mark.parametrize(
    ("claim", "said", "not_reason"),
    [
        ("Current smoker", ("Do you smoke?", "Yeah, still smoking, I know I should quit."), "polarity"),
        ("Smokes 1 ppd", ("Do you smoke?", "Yes, about a pack a day. My wife quit last year."), "polarity"),
        ("Denies hallucinations", ("Any hallucinations?", "No. The headache isn't there anymore either."), "polarity"),
        ("No memory loss", ("Any memory loss?", "No, I just can't remember the name of the pill."), "polarity"),
        ("PMH: hypertension", ("Medical problems?", "High blood pressure, and my brother has diabetes."),
         "family-history"),
        ("Hypertension", ("Any family history?", "No. But I have high blood pressure myself."), "family-history"),
        ("Prednisone x2 more weeks", ("How long on the prednisone?", "I have about two more weeks left."), "number"),
        ("Weight 82 kg", ("What do you weigh?", "Eighty-two kilos, I checked sitting at the clinic."), "number"),
        ("Right-sided abdominal pain", ("Where is the pain?", "On the right, after I eat anything greasy."),
         "laterality"),
        ("Stress levels high at work", ("How is work?", "Work has been really stressful lately."), "result"),
    ],
)  # fmt: skip
def test_everyday_talk_is_not_read_as_what_it_resembles(claim: str, said: tuple[str, ...], not_reason: str) -> None:
    assert problem(claim, *said, diagnosis=not_reason == "family-history") != not_reason


def test_a_drug_named_by_a_class_name_in_the_dictionary_is_still_checked() -> None:
    assert problem("Start penicillin V", "Let's start amoxicillin today.") == "drug"


def test_a_labs_level_called_low_needs_a_result() -> None:
    said = "Your B12 was on the low side of normal. The vitamin D level is still pending."
    assert problem("Vitamin D level low", said) == "result"
    assert problem("B12 level low-normal", said) is None


def test_a_spinal_level_or_lead_goes_with_what_was_said_there() -> None:
    said = "This is a right C6 radiculopathy, probably from the disc at C5 C6."
    assert problem("Right C6 radiculopathy", said) is None
    assert problem("Right C5 radiculopathy", said) == "number"
    assert problem("Disc at C5-C6", said) is None


def test_an_assessment_that_is_only_a_diagnosis_needs_every_word_of_it_said() -> None:
    said = "Your TSH is high, so your thyroid dose isn't enough."
    assert problem("Hashimoto thyroiditis", said, diagnosis=True) == "unsupported"
    assert problem("Hypothyroidism, undertreated: TSH high", said, diagnosis=True) is None


def test_a_hedge_with_a_filler_in_it_is_still_a_hedge() -> None:
    said = "This looks like pneumonia. It could also be a COPD flare, but I'd treat it the same."
    assert problem("COPD exacerbation", said, diagnosis=True) == "speculative"
    assert problem("Pneumonia", said, diagnosis=True) is None


def test_negations_in_other_shapes() -> None:
    allergic = ("Any allergies to medicines?", "Yeah, I'm allergic to ibuprofen.")
    assert problem("NKDA", *allergic) == "polarity", "an abbreviation that denies what it names"
    mood = ("Feeling down or depressed at all?", "No, I wouldn't say depressed. Just tired.")
    assert problem("Reports depressed mood", *mood) == "polarity"
    assert problem("Home until afebrile x24 h", "She stays home until she's fever free for twenty-four hours.") is None
    assert problem("Avoid smoking", "You shouldn't smoke. You don't, right?", "No, never.") is None


def test_a_negative_test_rules_out_what_it_tested_for() -> None:
    said = "I did a home COVID test on him yesterday, it was negative."
    assert problem("COVID pneumonia", said) == "polarity"
    assert problem("Home COVID test negative", said) is None
    assert problem("home COVID test", said, concept=True) is None, "the test itself was done"


def test_a_diagnosis_said_only_of_a_sibling_is_family_history() -> None:
    said = ("Any family history?", "My brother has gout, since his forties.", "We'll check a gout blood test too.")
    assert problem("Gout", *said, diagnosis=True) == "family-history"
    assert problem("FHx: brother with gout", *said, diagnosis=True) is None
    mine = ("Has the gout come back?", "Yes, my toe again. My brother has it too.")
    assert problem("Gout", *mine, diagnosis=True) is None, "the patient has it too"


def test_a_possibility_leaned_towards_is_not_one_the_clinician_ruled_out() -> None:
    said = "Nothing on the exam makes me worried about a detached retina, this looks like migraine aura."
    assert problem("Concern for retinal detachment", said) == "polarity"
    assert problem("Retinal detachment not suspected; likely migraine aura", said) is None


def test_a_condition_in_a_claim_affirms_and_denies_nothing() -> None:
    said = "We'll hold off on the MRI. If you're not better by six weeks, or the weakness gets worse, we'll get one."
    assert problem("MRI deferred; obtain if no improvement by 6 wks or if weakness worsens", said) is None


def test_what_a_concepts_own_words_deny_must_not_be_affirmed() -> None:
    said = "It's a shimmery zigzag thing first, the aura, and then the migraine."
    assert problem("migraine without aura", said, concept=True) == "polarity"
    assert problem("migraine with aura", said, concept=True) is None


# -- quotes -----------------------------------------------------------------------------------------------------
def test_quotes_are_found_despite_case_punctuation_numbers_and_a_split_word() -> None:
    said = turns("So the uh, the ultra sound showed a clot, one point five centimeters, in the left calf.")
    chunk = {s.index: s for s in said}
    for quote in ("The ultrasound showed a clot", "1.5 centimeters, in the left calf", "SHOWED A CLOT"):
        assert quotes.located([quote], list(said), chunk) == list(said), quote
    assert quotes.located(["the x-ray showed pneumonia"], list(said), chunk) is None


def test_a_quote_is_looked_for_near_the_cited_turns_only() -> None:
    said = turns("Hello there.", "My knee hurts.", "Okay.", "Any fever?", "No.", "Good.", "Lunch is at noon.")
    chunk = {s.index: s for s in said}
    assert quotes.located(["my knee hurts"], [chunk[3]], chunk) == [chunk[2]], "one turn off: accepted there"
    assert quotes.located(["lunch is at noon"], [chunk[1]], chunk) is None, "far from what it cites"


def test_an_item_is_dropped_with_the_reason_it_failed() -> None:
    said = turns("How is the cough?", "Better, no fever now.")
    transcript = Transcript.of(said)
    chunk = dict(transcript.segments)
    item = {"section": "subjective", "text": "Cough improving", "segments": [1, 2], "quotes": ["Better"]}
    assert ground(item, chunk, transcript, concept=False).reason is None
    assert ground({**item, "segments": [9]}, chunk, transcript, concept=False).reason == "citation"
    assert ground({**item, "quotes": ["much worse"]}, chunk, transcript, concept=False).reason == "quote-not-found"
    assert ground({**item, "text": "Febrile"}, chunk, transcript, concept=False).reason == "polarity"


def test_the_models_second_reading_drops_only_what_it_finds_contradicted() -> None:
    from aftercall.notes.judge import judged

    said = turns("What's your weight today?", "Two hundred pounds.")
    transcript = Transcript.of(said)
    chunk = dict(transcript.segments)
    items = [
        ground({"section": "objective", "text": text, "segments": [1, 2], "quotes": ["Two hundred pounds"]},
               chunk, transcript, concept=False)
        for text in ("Weight 200 lb", "Weight 200 lbs today", "Wt 200 lb")
    ]  # fmt: skip
    asked: list[str] = []

    def ask(system: str, user: str, schema: dict, *, max_tokens: int) -> dict:
        asked.append(user)
        verdicts = ["supported", "contradicted", "not-stated"]
        return {"verdicts": [{"statement": n, "verdict": v} for n, v in enumerate(verdicts, start=1)]}

    result = judged(ask, items)
    assert len(asked) == 1, "one request for the chunk"
    assert "Statement 2: Weight 200 lbs today" in asked[0]
    assert "[2] Speaker 1" in asked[0]
    assert [g.reason for g in result] == [None, "judge-contradicted", None]


# -- cases a second reader of the checks raised ------------------------------------------------------------------
def test_an_allergen_the_claim_keeps_away_is_not_given() -> None:
    contrast = ("Any allergies?", "Contrast dye, I got hives from the CT dye.")
    assert problem("CT abdomen without contrast", *contrast) != "allergen-as-medication"
    assert problem("CT abdomen with contrast", *contrast) == "allergen-as-medication"
    latex = ("Any allergies?", "Latex, it gives me a rash.")
    assert problem("Latex-free gloves for the procedure", *latex) != "allergen-as-medication"


def test_a_denial_next_to_a_fine_site_is_still_read() -> None:
    said = ("Any chest pain or back pain?", "Yes, I get chest pain when I walk uphill. My back is fine.")
    assert problem("Denies chest pain or back pain", *said) == "polarity"
    assert problem("Exertional chest pain; no back pain", *said) is None


def test_a_secondary_to_and_a_vitamin_are_not_numbers() -> None:
    assert problem("Knee pain 2/2 fall yesterday", "I fell yesterday and now my knee hurts, a six out of ten.") is None
    said = "Your vitamin D was low and so was the B12. Start D3 daily."
    assert problem("Vitamin D low; start D3 daily", said) is None


def test_a_number_before_a_plain_no_is_not_taken_back() -> None:
    said = "I take lisinopril ten milligrams. No, one more, metformin five hundred."
    assert problem("Lisinopril 10 mg", said) is None
    assert problem("Rash x10 days", "Ten days. No, tenderness is gone though.") is None


def test_a_diagnosis_the_patient_shares_with_a_sibling_is_theirs() -> None:
    said = "My sister has type two diabetes. I have it too, diagnosed last year."
    assert problem("Type 2 diabetes", said, diagnosis=True) is None


def test_a_comparison_of_sides_the_evidence_never_gives_is_a_side_error() -> None:
    assert problem("Left tonsil larger than right", "Her tonsils are big and red.") == "laterality"


def test_hr_is_a_heart_rate_after_a_blood_pressure() -> None:
    from aftercall.notes.words import units

    assert any("heart" in unit for unit in units("BP 120/80, HR 88"))


# -- this round: corrections, relatives, limbs, results of another test, pronouns, brands ------------------------
def test_a_number_corrected_after_a_question_mark_is_taken_back() -> None:
    said = ("How long have you had the cough?", "Um, three weeks? No, wait, two. Since the wedding.")
    assert problem("Cough x3 weeks", *said) == "number"
    assert problem("Cough x2 weeks", *said) is None


def test_the_pieces_naming_the_whole_diagnosis_decide_whose_it_is() -> None:
    said = (
        "Your dad has dermatitis on his scalp, right?",
        "Yes. And my sister got diagnosed with atopic dermatitis of the hands.",
    )
    assert problem("Atopic dermatitis of hands", *said, diagnosis=True) == "family-history"
    assert (
        problem("Dermatitis", "I have dermatitis on my arms. My sister has atopic dermatitis.", diagnosis=True) is None
    )


def test_a_limb_abbreviation_gives_its_side() -> None:
    said = "The next step is an ultrasound of your right leg."
    assert problem("Venous duplex of the LLE ordered", said) == "laterality"
    assert problem("Venous duplex of the RLE ordered", said) is None
    assert problem(
        "Range of motion 90 degrees on the L", "Ninety degrees on the right, the left goes to one eighty."
    ) == ("laterality")
    assert problem("NS 1 L bolus", "We'll give a liter of normal saline, a bolus.") is None, "a litre is no side"


def test_a_drug_is_not_heard_in_words_that_only_sound_near_it() -> None:
    said = "No chest pain at all. I'm starting a blood thinner now, apixaban."
    assert problem("Heparin drip started", said) == "drug"
    assert problem("Metformin 500 mg", "I take met formin, five hundred.") is None, "a split name keeps its start"


def test_a_result_is_not_taken_from_another_test_or_a_condition() -> None:
    said = ("I'm ordering a lipid panel and a CMP today.", "The hepatitis one was fine last year, right?")
    assert problem("CMP normal", *said) == "result", "'the hepatitis one' is another test"
    assert problem("CRP elevated", "If the CRP is high, we'll see you sooner.") == "result"
    assert problem("CRP elevated", "The CRP came back high, twenty-two.") is None
    assert problem("Urine culture negative", "We sent the urine culture, and it came back negative.") is None


def result(claim: str, *texts: str) -> str | None:
    return results.result(claim, evidence(*texts), set())


def test_when_a_result_comes_back_is_not_a_result() -> None:
    sending = ("We're sending a stool culture. That takes a couple of days.",)
    assert result("Stool culture elevated", *sending) == "result", "a span of days measures no test"
    assert result("Stool culture: no growth", *sending) == "result"
    assert result("Potassium elevated", "Your potassium came back at five point nine.") is None


def test_a_hedge_or_an_order_holds_for_the_rest_of_its_clause() -> None:
    worried = "I'm worried about a clot, a DVT, so I'm getting an ultrasound of the leg."
    assert result("Leg ultrasound: no DVT", worried) == "result", "the DVT is a worry, not a finding"
    ordered = "Next, I'm ordering an echo, a heart catheterization to look at the coronary arteries."
    assert problem("Cardiac cath: no coronary artery disease", ordered) == "result"
    done = "We did the echo last week, and it showed a normal valve."
    assert problem("Echo: normal valve", done) is None


def test_results_said_with_other_words_are_results() -> None:
    assert problem("Blood cultures grew staph", "Blood cultures were drawn. They're pending.") == "result"
    assert problem("Phenytoin level subtherapeutic", "I'll check a phenytoin level today.") == "result"
    assert problem("Phenytoin level subtherapeutic", "Your phenytoin level was low, six.") is None
    assert problem("Chest x-ray demonstrates pneumonia", "I'm getting a chest x-ray.") == "result"


def test_a_result_is_read_from_the_answer_to_a_question_about_the_test() -> None:
    answered = ("When was your last mammogram?", "Two years ago, it was fine.")
    assert problem("Last mammogram 2 yrs ago, normal", *answered) is None
    unanswered = ("So my TSH was high?", "We'll know on Friday.")
    assert problem("TSH elevated", *reversed(unanswered)) == "result"
    assert problem("TSH elevated", "Was your TSH high?", "Yes, it was.") is None
    planned = ("Does she need a CT?", "No. Her exam is normal and she's alert.")
    assert problem("CT head normal", *planned) == "result", "a question about a plan is answered by a plan"
    conditional = "If the ultrasound shows stones, I'll refer you."
    assert problem("If ultrasound positive: refer to surgery", conditional) is None


def test_a_diagnosis_the_clinician_then_says_the_patient_does_not_have_is_speculative() -> None:
    said = "The joint pain can go along with lupus. Right now I don't think you have it, your tests are normal."
    assert problem("Lupus", said, diagnosis=True) == "speculative"
    made = "This is lupus, I'm fairly sure. I don't think it needs a biopsy."
    assert problem("Lupus", made, diagnosis=True) is None


def test_a_brand_the_dictionary_lacks_is_its_generic() -> None:
    said = ("Any allergies to medicines?", "Yeah, Keflex gave me hives.")
    assert checks.allergens_of(list(turns(*said))) == {"Cephalexin"}
    assert problem("Takes cephalexin", *said) == "allergen-as-medication"
    assert problem("Percocet PRN", "I take a Percocet when the pain is bad.") is None


def test_a_number_said_only_to_be_denied_is_not_said() -> None:
    said = ("Can I go back to the gym next week?", "Not in one week. Probably three weeks, if the pain settles.")
    assert problem("Return to gym in 1 week", *said) == "number"
    assert problem("Return to gym in ~3 weeks", *said) is None
    limit = "Take the Tylenol, but no more than three doses a day."
    assert problem("Acetaminophen max 3 doses/day", limit) is None, "a limit is said"


def test_numbers_of_a_comparison_a_rate_or_more_time_keep_their_own_words() -> None:
    sides = "Abduction about ninety degrees on the left. And the right goes all the way, one sixty."
    assert problem("Abduction 90° L vs 160° R", sides) is None, "the words before 'vs' are the other number's"
    assert problem("Etanercept 50 mg q2wk", "Etanercept, fifty milligrams every other week.") is None
    more = ("Still on the famotidine?", "Forty milligrams twice a day, good, that continues for three more weeks.")
    assert problem("Continue famotidine 40 mg BID x3 more weeks", *more) is None
    rate = (
        "Brace for one more week, but take it off two or three times a day. And I'm sending you to physio, twice a "
        "week, starting next week."
    )
    assert problem("Physio referral 2x/week starting next week", rate) is None


def test_a_frequency_said_as_a_time_of_day_or_without_a_count() -> None:
    night = ("Tylenol three times a day. Any constipation?", "A little. I'm taking the docusate at night, that helps.")
    assert problem("Docusate qHS", *night) is None
    assert problem("Naproxen BID", "I take the Aleve, one in the morning, one at night.") is None
    said = "Keep the ibuprofen, up to three times a day. Heat for ten minutes a few times a day."
    assert problem("Heat 10 min several times daily", said) is None, "'several times' gives no count"


def test_a_denial_does_not_reach_a_finding_given_with_how_much_of_it() -> None:
    said = "No bruising, some mild swelling over the front of the knee."
    assert problem("L knee: no ecchymosis, mild anterior swelling", said) is None
    assert problem("L knee: no ecchymosis or swelling", said) == "polarity"


def test_a_no_that_the_answer_itself_takes_back_is_not_a_denial() -> None:
    said = ("Any medical problems or surgeries?", "No, she's been healthy. Oh, she had her appendix out at nine.")
    assert problem("PSH: appendectomy", *said) is None
    test = ("Any COVID test?", "I did a home COVID test yesterday, it was negative.")
    assert problem("COVID-19", *test, diagnosis=True) is not None


def test_a_frequency_written_as_a_count_a_day_or_said_sentences_later() -> None:
    assert problem("Naproxen 250 mg 2-3x daily", "I took some naproxen, two fifty, two or three times a day.") is None
    said = (
        "Next, the fluocinonide. On the body, twice a day on weekends. The scalp solution, keep it at night for a week."
    )
    assert problem("Fluocinonide solution to scalp qHS x1 week", said) is None


def test_a_limit_in_the_claim_is_not_a_measured_number() -> None:
    said = "Ibuprofen is fine, just not more than three times a day."
    assert problem("Ibuprofen up to 3 times a day", said) is None
    assert problem("Ibuprofen max 3 times a day", said) is None


def test_a_concept_naming_an_allergen_needs_it_said() -> None:
    said = ("Any other medicines?", "Just Claritin for her allergies, in the summer.")
    assert problem("latex allergy", *said, concept=True) == "unsupported"
    assert problem("latex allergy", "She's allergic to latex, gloves give her a rash.", concept=True) is None


def test_a_24_hour_clock_time_is_the_time_speech_says() -> None:
    assert problem("Ondansetron 4 mg given at 2200", "She had the Zofran, four milligrams, at ten last night.") is None
    assert problem("Last dose ~0700 today", "Her last dose was around seven this morning.") is None
    assert problem("Aspirin 81 mg given at 1420", "He got the aspirin, eighty-one, at fourteen twenty.") is None
    assert problem("Ondansetron 4 mg given at 2300", "She had the Zofran, four milligrams, at ten last night.") == (
        "number"
    )
    assert problem("Quit smoking in 2015", "I quit back in 2015.") is None, "a year is no clock time"


def test_both_sides_may_be_said_as_a_plural_and_a_denial_needs_no_side() -> None:
    assert problem("No pitting edema bilat ankles", "Let me press on your ankles... no pitting.") is None
    assert problem("Heel-to-shin intact bilaterally", "Heel to shin, slide it down... good, both legs.") is None
    assert problem("Pitting edema bilat ankles", "Let me press on your ankles... some pitting there.") is None
    assert problem("Pitting edema left ankle", "Let me press on your ankles... some pitting there.") == "laterality"


def test_a_habit_given_up_may_be_written_as_former() -> None:
    asked = "Do you smoke?"
    assert problem("Former smoker, quit 3 yrs ago", asked, "No, I quit about three years ago.") is None
    assert problem("Former smoker", asked, "No, never have.") == "polarity", "never is not given up"
    assert problem("Former smoker", asked, "No. My wife quit, though.") == "polarity", "someone else gave it up"


def test_who_a_statement_has_its_facts_from_counts_only_where_it_is_named() -> None:
    said = ("Does she get headaches?", "Yes, most days.")
    assert problem("Headaches, frontal, per husband", *said) is None, "the speaker is not named in a transcript"
    assert problem("Headaches, frontal, husband reports", *said) is None
    assert problem("Headaches, frontal; husband has them", *said) == "unsupported", "what the husband has is a fact"
    named = ("Who's with you today?", "My daughter, she drove me.")
    assert problem("Accompanied by daughter", *named) is None


def test_a_follow_up_may_be_said_of_him_or_her() -> None:
    assert problem("F/u 48 h", "We'll see her back in forty-eight hours.") is None
    assert problem("F/u 3 wks by video", "I'll see you on video in three weeks.") is None
    assert problem("Gout flare", "My big toe flared up again last night.") is None


def test_a_reading_of_one_number_over_another_is_said_as_that_pair() -> None:
    said = evidence("Yes. One forty-two over eighty-eight, and the pulse seventy-six.")
    assert quantities.paired("Home BP 142/88", said, set()) is None
    assert quantities.paired("Home BP 142/76", said, set()) == "number", "seventy-six is the pulse"
    assert quantities.paired("Home BP 142/88", evidence("It said 142/88 this morning."), set()) is None
    assert problem("BP 142/88", "BP today 142/88.") is None
    assert problem("Grip strength 5/5", "Squeeze my fingers. Good grip strength, five out of five.") is None


def test_a_body_measure_may_be_said_without_its_unit() -> None:
    said = "Temperature today is ninety-nine point one. Last night at home it was a hundred and one point two."
    assert problem("T 99.1 F in clinic", said) is None
    assert problem("T 101.2 F in clinic", said) == "number", "the hundred and one was last night's"
    assert problem("Wt 82 kg", "Weight is eighty-two today, it was eighty-five in May.") is None
    assert problem("Wt 85 kg today", "Weight is eighty-two today, it was eighty-five in May.") == "number"


def test_what_a_second_reader_found_against_the_new_number_rules() -> None:
    """Everyday sentences on which the rules above first went wrong."""
    assert problem("Cough x 3 days", "How long has the cough been going on?", "About three days.", "...") is None
    assert problem("K 4.2", "Sodium one thirty-eight, K four point two, creatinine one point one.") is None
    assert problem("Vitamin D 2000 IU daily", "What supplements?", "Vitamin D two thousand units a day.") is None
    assert problem("T 101 F", "T one oh one, pulse one ten.") is None
    corrected = (
        "Metoprolol fifty in the morning, fifty at night... no, twenty-five in the morning, twenty-five at night"
    )
    assert problem("Metoprolol 50 mg BID", corrected) == "number"
    assert problem("Advair 250/50 BID", "Which inhaler?", "Advair two fifty, twice a day.") is None
    said = evidence("What did the home cuff read?", "The top number one fifty, the bottom ninety.")
    assert quantities.paired("Home BP 150/90", said, set()) is None
    asked = "And the metformin, still five hundred twice a day?"
    assert problem("Metformin 500 mg BID", asked, "Just at night now.") == "number"
    assert problem("Lisinopril 20 mg daily", "Are you still on the lisinopril twenty?", "They lowered it.") == "number"
    said = ("Did the lisinopril give you a cough?", "No, I stopped it because of dizziness.")
    assert problem("Stopped lisinopril due to cough", *said) == "polarity", "only a habit is given up"
    said = ("How many cigarettes a day?", "I started at sixteen, now about ten a day.")
    assert problem("Smokes 10 cig/day", *said) is None
    assert problem("Follow up with PCP", "The nurse will see you in room two.") == "unsupported"


def test_spans_said_as_a_day_or_two_a_glass_and_a_confirmation_that_repeats_the_question() -> None:
    assert problem("Results in 1-2 days", "The results come back in a day or two.") is None
    assert problem("Results in 1 day", "Take it twice a day or so. Results in a week.") == "number"  # a rate
    assert problem("EtOH: 1 glass of wine on weekends", "Do you drink?", "A glass of wine on weekends.") is None
    assert problem("EtOH: 2 glasses of wine nightly", "Do you drink?", "Two glasses of wine every night.") is None
    asked = ("You're on the Humira forty milligrams every two weeks?", "Every two weeks, yes.")
    assert problem("Adalimumab 40 mg q2wk", *asked) is None
    changed = ("You're on the Humira forty milligrams every two weeks?", "Every week now, eighty.")
    assert problem("Adalimumab 40 mg q2wk", *changed) == "number"
    said = ("I'll send an albuterol inhaler, two puffs every four to six hours.", "His old one is probably expired.")
    assert problem("Albuterol 2 puffs q4-6h (old one expired)", *said) is None
    assert [m.values for m in numbers.mentions("the old one, then one tablet")] == [frozenset({1.0})]
    assert numbers.mentions("an hour and a half")[0].values == frozenset({1.0, 1.5})


def test_what_someone_else_does_is_not_read_from_what_the_patient_says_of_themself() -> None:
    smokes = ("Do you smoke?", "Never. My husband does, outside.")
    assert problem("Never smoker; husband smokes outdoors", *smokes) is None
    assert problem("Husband smokes", "Does anyone at home smoke?", "No, my husband doesn't smoke.") == "polarity"
    assert problem("Mother denies vomiting", "Any vomiting?", "Yes, twice this morning.") == "polarity"  # she reports
    assert (
        problem("Mother has diabetes", "Does your mom have diabetes?", "No, my mom doesn't have diabetes.")
        == "polarity"
    )
    assert problem("Father smokes", "Does anyone at home smoke?", "No. My dad quit years ago.") == "polarity"
    assert problem("Pt and husband both smoke", "Do you smoke?", "No, never. My husband does though.") == "polarity"


def test_a_span_after_a_count_and_a_number_said_again_without_a_yes() -> None:
    """The second reader's cases against the first version of the rules above."""
    assert problem("Smokes 1 ppd", "Oh, half a pack a day or so.") == "number"
    assert problem("Sleeps 1 hour per night", "Four hours a night or so.") == "number"
    assert problem("Lisinopril 10 mg daily", "Is the lisinopril ten milligrams or twenty?", "Twenty.") == "number"
    assert (
        problem("Adalimumab 40 mg q2wk", "Humira forty milligrams every two weeks?", "Forty, every week.") == "number"
    )
    assert problem("Had 1 seizure", "How many seizures since the last visit?", "Only one, last March.") is None
    assert problem("Drank 1 beer this week", "Any beer this week?", "Just the one, at dinner Saturday.") is None
    assert problem("Check glucose q1-2h", "Check her sugar every one to two hours.") is None
    assert problem("Took 2.5 puffs", "I took two puffs and a half hour later it was fine.") == "number"
    assert problem("Walked for 1.5 hours", "I walked for an hour and a half.") is None


def test_a_trip_or_a_near_fall_is_no_fall() -> None:
    said = ("Any falls?", "No falls. I tripped on the rug once, caught myself on the counter.")
    assert problem("Reports a fall at home", *said) == "polarity", "tripping is not falling"
    assert problem("Reports a near-fall at home", "No falls, but I nearly fell at home on Sunday.") is None
    assert problem("Fall at home last week", "I tripped and fell in the kitchen last week.") is None
    assert polarity.readings("fainted", evidence("I almost fainted in the shower.")) == set()


def test_almost_before_a_negation_or_a_place_changes_nothing() -> None:
    assert problem("Denies headaches", "Any headaches?", "I almost never get headaches.") is None
    assert problem("Denies fever", "Almost no appetite, fever, nothing.") is None
    assert polarity.readings("swelling", evidence("Some swelling near the knee.")) == {False}


def test_test_names_make_keys_one_name_at_a_time() -> None:
    """No key joins one test's name to the next in the list ("imaging" + "labs" made "imagin", so "imagine")."""
    assert not keys("I can't imagine") & test_keys()
    assert {"mri", "cbc", "imag"} <= test_keys()
    assert not plans._names_another("I can't imagine working like this", frozenset())
