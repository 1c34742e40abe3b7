import itertools
import json

from aftercall.asr import Recognition, RecognizedWord
from aftercall.domain.transcript import Transcript, Word, cues, normalise_word, turns, utterances
from aftercall.notes.segments import from_json, from_transcript
from aftercall.pipeline.render import render_all, timestamp
from aftercall.pipeline.transcribe import to_words
from tests.formats import check_cues, check_json, check_txt, parse_srt, parse_vtt


def words_of(spec: list[tuple[str, float, float, int]]) -> tuple[Word, ...]:
    return tuple(Word(normalise_word(t), s, e, 0.9, spk, 0.8, t) for t, s, e, spk in spec)


def transcript(words: tuple[Word, ...], duration: float) -> Transcript:
    return Transcript(words=words, duration=duration, channels=1, language="en", model="faster-whisper/tiny.en")


def steady_speech(count: int, *, step: float = 0.4, speaker_every: int = 0) -> tuple[Word, ...]:
    spec = []
    for i in range(count):
        speaker = (i // speaker_every) % 2 if speaker_every else 0
        text = f"word{i}." if i % 9 == 8 else f"word{i}"
        spec.append((text, i * step, i * step + step * 0.8, speaker))
    return words_of(spec)


def test_normalised_word_drops_surrounding_punctuation_and_case():
    assert normalise_word(" Hello,") == "hello"
    assert normalise_word("“Quoted!”") == "quoted"
    assert normalise_word("3.5") == "3.5"
    assert normalise_word("...") == "..."


def test_utterances_split_on_speaker_change_and_long_pause():
    ws = words_of([("Hi.", 0, 0.5, 0), ("Hello.", 0.6, 1.0, 1), ("Yes", 1.1, 1.4, 1), ("later", 3.0, 3.4, 1)])
    utts = utterances(ws)
    assert [(u.speaker, u.text) for u in utts] == [(0, "Hi."), (1, "Hello. Yes"), (1, "later")]
    assert turns(utts) == [(0, "Hi."), (1, "Hello. Yes later")]


def test_cues_obey_duration_and_line_limits_on_a_long_monologue():
    ws = steady_speech(300)
    result = cues(utterances(ws))
    assert len(result) > 10
    for cue in result:
        assert cue.end - cue.start <= 10.0
        assert 1 <= len(cue.lines) <= 2
        assert all(len(line) <= 42 for line in cue.lines)
    for first, second in itertools.pairwise(result):
        assert first.end <= second.start


def test_cues_prefer_clause_boundaries():
    result = cues(utterances(steady_speech(60)))
    endings = [cue.lines[-1].split()[-1] for cue in result[:-1]]
    assert sum(e.endswith(".") for e in endings) >= len(endings) // 2


def test_a_single_overlong_word_is_clipped_to_ten_seconds():
    result = cues(utterances(words_of([("Hmmmm", 0.0, 14.0, 0), ("ok", 14.1, 14.5, 0)])))
    assert result[0].end - result[0].start == 10.0
    assert result[0].end <= result[1].start


def test_overlapping_word_times_never_produce_overlapping_cues():
    ws = words_of([("a" * 30, 0.0, 2.0, 0), ("b" * 30, 1.5, 3.0, 0), ("c" * 30, 2.9, 4.0, 1)])
    result = cues(utterances(ws))
    for first, second in itertools.pairwise(result):
        assert first.end <= second.start


def test_timestamps_in_both_styles():
    assert timestamp(3723.4567, ",") == "01:02:03,457"
    assert timestamp(0, ".") == "00:00:00.000"


def test_every_format_follows_the_spec():
    ws = steady_speech(120, speaker_every=25)
    files = render_all(transcript(ws, 50.0), request_id="job-1", created=0.0, sha256="0" * 64)
    assert set(files) == {"txt", "srt", "vtt", "json"}
    turns_ = check_txt(files["txt"].decode())
    assert [speaker for speaker, _ in turns_] == [0, 1, 0, 1, 0]
    check_cues(parse_srt(files["srt"].decode()), 50.0)
    note, vtt_cues = parse_vtt(files["vtt"].decode())
    assert "faster-whisper/tiny.en" in note
    assert "Duration: 50.000" in note
    check_cues([type(c)(c.start, c.end, [c.lines[0][2:], *c.lines[1:]]) for c in vtt_cues], 50.0)
    assert all(len(line) <= 42 for c in vtt_cues for line in c.lines), "the '- ' prefix fits in 42 characters"
    doc = check_json(files["json"], job_id="job-1", duration=50.0)
    assert len(doc["results"]["channels"][0]["alternatives"][0]["words"]) == 120
    assert {u["speaker"] for u in doc["results"]["utterances"]} == {0, 1}


def test_json_keeps_non_ascii_text_readable():
    ws = words_of([("Größe", 0.0, 0.5, 0), ("naïve.", 0.6, 1.0, 0)])
    files = render_all(transcript(ws, 2.0), request_id="j", created=0.0, sha256="0" * 64)
    assert "Größe naïve." in files["json"].decode()
    assert json.loads(files["json"])["results"]["channels"][0]["alternatives"][0]["transcript"] == "Größe naïve."


def test_detected_language_is_reported_when_detected():
    t = Transcript(words_of([("Bonjour", 0, 1, 0)]), 1.0, 1, "fr", "faster-whisper/base", language_confidence=0.93)
    channel = json.loads(render_all(t, request_id="j", created=0.0, sha256="0" * 64)["json"])["results"]["channels"][0]
    assert channel["detected_language"] == "fr"
    assert channel["language_confidence"] == 0.93


def test_without_punctuate_words_are_plain_lower_case():
    recognition = Recognition(
        [RecognizedWord(" Hello,", 0, 1, 0.9), RecognizedWord(" World.", 1, 2, 0.9)], "en", None, "m"
    )
    assert [w.punctuated_word for w in to_words(recognition, 2.0)] == ["Hello,", "World."]
    assert [w.punctuated_word for w in to_words(recognition, 2.0, punctuate=False)] == ["hello", "world"]


def test_engine_times_are_clamped_to_the_media_and_never_run_backwards():
    raw = [
        RecognizedWord(" a", 1.0, 1.5, 0.9),
        RecognizedWord(" b", 0.8, 0.7, 1.2),
        RecognizedWord(" c", 2.5, 9.0, 0.5),
    ]
    words = to_words(Recognition(raw, "en", None, "m"), 3.0)
    assert [(w.start, w.end) for w in words] == [(1.0, 1.5), (1.0, 1.0), (2.5, 3.0)]
    assert words[1].confidence == 1.0


def test_the_notes_read_the_same_segments_from_the_transcript_as_from_its_json():
    t = transcript(steady_speech(40, step=0.3337, speaker_every=7), 14.0)
    rendered = from_json(json.loads(render_all(t, request_id="r", created=0.0, sha256="0" * 64)["json"]))
    assert from_transcript(t) == rendered
    assert len(rendered.items) > 1
