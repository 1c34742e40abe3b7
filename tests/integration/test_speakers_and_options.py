"""Speakers, channels, redaction through the API, on the generated doctor–patient calls (tests/data/*.ogg)."""

import json
import re

import pytest

from tests.der import Reference
from tests.integration.conftest import make_client
from tests.integration.test_jobs_in_process import download
from tests.jobs import job_body, wait
from tests.media_server import media_server

pytestmark = pytest.mark.slow  # real speech and speaker models


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with media_server() as media, make_client(tmp_path_factory.mktemp("speakers"), allow_private_urls=True) as client:
        client.media = media
        yield client


def run(api, name: str, **transcript) -> dict[str, str]:
    body = job_body(f"{api.media}/media/{name}.ogg", transformParams={"transcript": transcript})
    job_id = api.post("/v1/batch-processor", json=body).json()["id"]
    job = wait(api, job_id)
    assert job["status"] == "finished", job
    return {fmt: download(api, job_id, fmt) for fmt in ("txt", "json", "vtt", "srt")}


def test_a_two_voice_call_alternates_speakers_and_each_word_has_the_right_one(api):
    files = run(api, "dialogue")
    reference = Reference.of("dialogue")
    lines = files["txt"].strip().split("\n\n")
    assert [line.split(":")[0] for line in lines] == [f"Speaker {i % 2}" for i in range(len(reference.turns))]
    assert lines[0].startswith("Speaker 0: Good morning")
    words = json.loads(files["json"])["results"]["channels"][0]["alternatives"][0]["words"]
    letters = {"D": 0, "P": 1}  # the doctor speaks first
    truth = [(w, reference.speaker_at((w["start"] + w["end"]) / 2)) for w in words]
    scored = [(w, who) for w, who in truth if who is not None]
    right = sum(w["speaker"] == letters[who] for w, who in scored)
    assert len(scored) >= 0.9 * len(words)
    assert right >= 0.95 * len(scored), f"{right} of {len(scored)} words have the right speaker"
    assert all(0.0 <= w["speaker_confidence"] <= 1.0 for w in words)


def test_speaker_count_and_diarize_false_are_honoured(api):
    three = json.loads(run(api, "dialogue", extra={"num_speakers": 3})["json"])
    assert {u["speaker"] for u in three["results"]["utterances"]} == {0, 1, 2}
    off = run(api, "dialogue", diarize=False)
    assert set(re.findall(r"^Speaker (\d+):", off["txt"], re.M)) == {"0"}
    assert off["txt"].count("Speaker 0:") == 1, "one speaker: one paragraph"


def test_a_stereo_call_with_one_voice_per_channel_has_one_speaker_per_channel(api):
    reference = Reference.of("stereo")
    for transcript in ({}, {"extra": {"multichannel": True}}):
        result = json.loads(run(api, "stereo", **transcript)["json"])
        assert result["metadata"]["channels"] == 2
        channels = result["results"]["channels"]
        assert len(channels) == 2
        for index, channel in enumerate(channels):
            words = channel["alternatives"][0]["words"]
            assert {w["speaker"] for w in words} == {index}, "speaker = channel, exactly"
            heard = [reference.speaker_at((w["start"] + w["end"]) / 2) for w in words]
            assert sum(who == "DP"[index] for who in heard) >= 0.95 * sum(who is not None for who in heard)
        assert "Good morning" in channels[0]["alternatives"][0]["transcript"]
        assert {(u["channel"], u["speaker"]) for u in result["results"]["utterances"]} == {(0, 0), (1, 1)}


def test_multichannel_false_mixes_the_channels_and_diarizes_them(api):
    result = json.loads(run(api, "stereo", extra={"multichannel": False})["json"])
    assert result["metadata"]["channels"] == 1
    assert {u["speaker"] for u in result["results"]["utterances"]} == {0, 1}


def spoken(txt: str) -> str:
    return re.sub(r"^Speaker \d+: ", "", txt, flags=re.M)


def test_redaction_reaches_every_format_and_keeps_the_timing(api):
    plain = run(api, "dialogue")
    assert "Patel" in plain["txt"]
    assert re.search(r"\d", spoken(plain["txt"]))  # the temperature, 38.2
    redacted = run(api, "dialogue", redact=["name", "numbers"], profanity_filter=True)
    for fmt, content in redacted.items():
        assert "Patel" not in content, fmt
        assert "[NAME]" in content, fmt
        assert "[NUMBER]" in content, fmt
    assert not re.search(r"\d", spoken(redacted["txt"])), redacted["txt"]
    words = json.loads(redacted["json"])["results"]["channels"][0]["alternatives"][0]["words"]
    before = json.loads(plain["json"])["results"]["channels"][0]["alternatives"][0]["words"]
    tag = next(w for w in words if w["punctuated_word"].startswith("[NAME]"))
    patel = next(w for w in before if "Patel" in w["punctuated_word"])
    assert abs(tag["start"] - patel["start"]) < 0.5, "the tag sits where the name was said"
    assert tag["speaker"] == 0
