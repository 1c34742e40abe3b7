"""Redaction and profanity masking on word sequences, with the shipped word lists."""

import pytest

from aftercall.domain.redaction import KINDS, kinds_of, mask_profanity, redact
from aftercall.domain.transcript import Word, normalise_word
from aftercall.pipeline.redact import lexicon


def words(text: str) -> list[Word]:
    return [Word(normalise_word(t), i, i + 0.5, 0.9, i % 2, 1.0, t) for i, t in enumerate(text.split())]


def text(ws) -> str:
    return " ".join(w.punctuated_word for w in ws)


@pytest.mark.parametrize(
    ("kinds", "spoken", "expected"),
    [
        (["phone"], "Call 555-123-4567 or five five five one two three four.", "Call [PHONE] or [PHONE]."),
        (["ssn"], "My SSN is 123-45-6789, thanks.", "My SSN is [SSN], thanks."),
        (["pci"], "Card 4111 1111 1111 1111 expires soon.", "Card [PCI] expires soon."),
        (["numbers"], "Temperature 38.2 at forty two years.", "Temperature [NUMBER] at [NUMBER] years."),
        (["numbers"], "Call 555-123-4567 now.", "Call [NUMBER] now."),  # numbers covers phone-like runs too
        (["phone"], "Temperature 38.2 today.", "Temperature 38.2 today."),  # not a phone number
        (["email"], "Mail john.smith@example.com or jane at example dot com.", "Mail [EMAIL] or [EMAIL]."),
        (["name"], "I am Dr. Patel and this is Sarah Johnson here.", "I am Dr. [NAME] and this is [NAME] here."),
        (["name"], "My name is Oliver Quill. Sarah called.", "My name is [NAME]. Sarah called."),  # sentence start
        (KINDS, "Hi Maria, your SSN 123456789 is on file.", "Hi [NAME], your SSN [SSN] is on file."),
    ],
)
def test_entities_are_replaced_by_one_tag(kinds, spoken, expected):
    assert text(redact(words(spoken), kinds, lexicon())) == expected


@pytest.mark.parametrize(
    ("options", "spoken", "expected"),
    [
        (["pii"], "Hi Maria, call 555-123-4567 at 3 pm.", "Hi [NAME], call [PHONE] at 3 pm."),
        (["phi"], "Hi Maria, call 555-123-4567 at 3 pm.", "Hi [NAME], call [PHONE] at [NUMBER] pm."),
        (["aggressive_numbers"], "Card 4111 1111 1111 1111 ends in 2 days.", "Card [PCI] ends in [NUMBER] days."),
    ],
)
def test_deepgrams_group_names_ask_for_the_closest_kinds(options, spoken, expected):
    assert text(redact(words(spoken), kinds_of(options), lexicon())) == expected


def test_kinds_are_asked_once_in_order():
    assert kinds_of(["phone", "pii", "pci"]) == ("pci", "ssn", "email", "phone", "name")


def test_a_tag_keeps_the_time_span_and_first_speaker_of_what_it_replaced():
    original = words("Call 555 123 4567 today")
    tagged = redact(original, ["phone"], lexicon())
    assert [w.punctuated_word for w in tagged] == ["Call", "[PHONE]", "today"]
    phone = tagged[1]
    assert (phone.start, phone.end, phone.speaker, phone.word) == (original[1].start, original[3].end, 1, "[phone]")


def test_nothing_asked_nothing_changed():
    original = words("Call 555-123-4567 Dr. Patel")
    assert redact(original, [], lexicon()) == tuple(original)


def test_profanity_is_masked_but_clinical_words_are_kept():
    masked = mask_profanity(words('That is "shit", damn. Anal fissure, penis and breast exam.'), lexicon())
    assert text(masked) == 'That is "s***", d***. Anal fissure, penis and breast exam.'
    assert [w.word for w in masked][2:4] == ["s***", "d***"]
