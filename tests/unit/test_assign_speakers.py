from aftercall.diarization import SpeakerCount, SpeakerTurn
from aftercall.domain.transcript import Word
from aftercall.pipeline.diarize import assign_speakers


def word(text: str, start: float, end: float) -> Word:
    return Word(text, start, end, 0.9, 0, 0.0, text)


def test_words_take_the_speaker_overlapping_them_most_numbered_by_first_appearance():
    turns = [SpeakerTurn(0.0, 2.0, 7), SpeakerTurn(2.0, 4.0, 3), SpeakerTurn(4.5, 6.0, 7)]
    words = [word("hi", 0.5, 1.0), word("there", 1.8, 2.6), word("yes", 2.9, 3.2), word("ok", 4.6, 5.0)]
    labelled = assign_speakers(words, turns)
    assert [w.speaker for w in labelled] == [0, 1, 1, 0]
    assert [w.speaker_confidence for w in labelled] == [1.0, 0.75, 1.0, 1.0]
    assert [w.word for w in labelled] == ["hi", "there", "yes", "ok"]


def test_a_word_outside_every_turn_takes_the_nearest_speaker_with_no_confidence():
    turns = [SpeakerTurn(0.0, 1.0, 0), SpeakerTurn(10.0, 11.0, 1)]
    labelled = assign_speakers([word("a", 0.2, 0.4), word("b", 8.0, 8.5), word("c", 2.0, 2.5)], turns)
    assert [(w.speaker, w.speaker_confidence) for w in labelled] == [(0, 1.0), (1, 0.0), (0, 0.0)]


def test_no_turns_leaves_one_speaker():
    assert {w.speaker for w in assign_speakers([word("a", 0, 1), word("b", 1, 2)], [])} == {0}


def test_speaker_count_options():
    assert SpeakerCount.of({}) == SpeakerCount(1, 8)
    assert SpeakerCount.of({"num_speakers": 3}) == SpeakerCount(3, 3)
    assert SpeakerCount.of({"min_speakers": 2}) == SpeakerCount(2, 8)
    assert SpeakerCount.of({"max_speakers": 2}) == SpeakerCount(1, 2)
    assert SpeakerCount.of({"min_speakers": 12}) == SpeakerCount(12, 12)
