"""Reading a transcript a client points at (transcriptUri): txt, srt, vtt and the JSON of docs/api.md §3.1."""

from __future__ import annotations

import json

import pytest

from aftercall.notes.segments import Segment, TranscriptFormatError, parse_transcript
from aftercall.pipeline.render import render_all
from tests.conftest import DATA


def test_txt_turns_get_speakers_and_an_estimated_clock() -> None:
    segments = parse_transcript((DATA / "visit.txt").read_bytes())
    assert segments.timing == "estimated"
    first, second = segments.items[:2]
    assert first == Segment(1, 0, 0.0, first.end, "Good morning, I am Doctor Patel. What brings you in today?")
    assert first.end == pytest.approx(11 / 2.5), "11 words at 150 words a minute"
    assert (second.speaker, second.start) == (1, first.end)
    assert [s.index for s in segments.items] == list(range(1, len(segments.items) + 1))


def test_srt_and_vtt_cues_with_and_without_voices() -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:03,500\nSpeaker 1: I have a cough.\n\n"
        "2\n00:01:02,250 --> 00:01:04,000\nSince Monday.\n"
    )
    vtt = (
        "WEBVTT\n\nNOTE engine x\n\n00:00:01.000 --> 00:00:03.500\n- <v 2>No fever.</v>\n\n"
        "1:00:00.000 --> 1:00:01.000\n- Bye.\n"
    )
    assert [(s.speaker, s.start, s.end, s.text) for s in parse_transcript(srt.encode()).items] == [
        (1, 1.0, 3.5, "I have a cough."),
        (0, 62.25, 64.0, "Since Monday."),
    ]
    assert [(s.speaker, s.start, s.text) for s in parse_transcript(vtt.encode()).items] == [
        (2, 1.0, "No fever."),
        (0, 3600.0, "Bye."),
    ]


def test_our_own_json_is_read_back_by_utterance(data) -> None:
    from aftercall.domain.transcript import Transcript, Word

    words = tuple(
        Word(text.lower().strip(".?"), start, start + 0.4, 0.9, speaker, 0.9, text)
        for text, start, speaker in [("Any", 0.0, 0), ("pain?", 0.5, 0), ("No.", 2.0, 1)]
    )
    files = render_all(Transcript(words, 3.0, 1, "en", "test/model"), request_id="r", created=0.0, sha256="0" * 64)
    segments = parse_transcript(files["json"])
    assert segments.timing == "media"
    assert [(s.speaker, s.start, s.end, s.text) for s in segments.items] == [
        (0, 0.0, 0.9, "Any pain?"),
        (1, 2.0, 2.4, "No."),
    ]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"\xff\xfe\x00garbage", "Failed to read the transcript: it is not UTF-8 text"),
        (b"   \n\n", "Failed to read the transcript: it contains no speech"),
        (b'{"results": ', "Failed to read the transcript: invalid JSON (Expecting value)"),
        (
            json.dumps({"hello": 1}).encode(),
            "Failed to read the transcript: the JSON is not a transcript of Deepgram's shape",
        ),
    ],
)
def test_unreadable_transcripts_say_why(content: bytes, error: str) -> None:
    with pytest.raises(TranscriptFormatError) as caught:
        parse_transcript(content)
    assert str(caught.value).startswith(error)
