"""Job rules of the domain that the API and the worker both rely on."""

from aftercall.domain.jobs import MAX_KEY_BYTES, Stage, crash_sentence, key_problem


def test_a_crash_names_the_step_and_nothing_of_the_server() -> None:
    sentence = crash_sentence(Stage.TRANSCRIBING)
    assert sentence.startswith("Failed to transcribe")
    assert "Error" not in sentence
    assert "/" not in sentence


def test_output_keys_must_fit_the_stores() -> None:
    assert key_problem("acme/job/transcript/call.json") is None
    assert "1025 bytes" in str(key_problem("k" * (MAX_KEY_BYTES + 1)))
    assert "segment" in str(key_problem("a/" + "b" * 256 + ".json"))
    assert key_problem("a/" + "é" * 125 + ".json") is None, "255 bytes of UTF-8 in one segment"
