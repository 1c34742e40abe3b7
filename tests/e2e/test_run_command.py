"""``aftercall run``: one input, no server, the same files and the same error sentences as the service."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aftercall.media import decode
from aftercall.notes import schemas
from tests.formats import check_json, check_txt
from tests.media_server import repeated_dialogue


def aftercall_run(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aftercall", "run", *args],
        env={**os.environ, "AFTERCALL_DATA_DIR": str(data_dir), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_file_becomes_four_transcript_files_with_speakers(data, tmp_path):
    out = tmp_path / "out"
    result = aftercall_run(str(data / "dialogue.ogg"), "--out", str(out), data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    written = [Path(line) for line in result.stdout.split()]
    assert sorted(p.name for p in written) == [f"dialogue.{fmt}" for fmt in ("json", "srt", "txt", "vtt")]
    assert {p.parent for p in written} == {out}
    speakers = {speaker for speaker, _ in check_txt((out / "dialogue.txt").read_text())}
    assert speakers == {0, 1}
    duration = decode(data / "dialogue.ogg", max_seconds=600).duration
    check_json((out / "dialogue.json").read_bytes(), job_id="aftercall-run", duration=duration)
    for stage in ("decoding", "transcribing", "diarizing", "rendering"):
        assert stage in result.stderr, f"a progress bar for {stage}: {result.stderr}"


def test_a_url_is_downloaded_through_the_guarded_client(media, tmp_path):
    url = f"{media}/media/speech.ogg"
    refused = aftercall_run(url, "--out", str(tmp_path), data_dir=tmp_path / "data")
    assert refused.returncode == 1
    assert "inParams.uri:" in refused.stderr, "the sentence of the API's 400"
    allowed = aftercall_run(
        url, "--out", str(tmp_path), data_dir=tmp_path / "data", AFTERCALL_ALLOW_PRIVATE_URLS="true"
    )
    assert allowed.returncode == 0, allowed.stderr
    assert "downloading" in allowed.stderr
    assert "sunny" in (tmp_path / "speech.txt").read_text().lower()


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("notes.bin", "Input is not audio or video, or is truncated or corrupt"),
        ("silence.wav", "Failed to transcribe. May be invalid audio or silent file"),
    ],
)
def test_bad_input_shows_the_services_error_sentence(data, tmp_path, name, sentence):
    result = aftercall_run(str(data / name), "--out", str(tmp_path / "out"), data_dir=tmp_path / "data")
    assert result.returncode == 1
    assert sentence in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_transcript_preset_of_a_transcript_and_unknown_language_are_refused_as_the_api_does(data, tmp_path):
    media = str(data / "speech.wav")
    preset = aftercall_run(str(data / "visit.txt"), "--preset", "transcript", data_dir=tmp_path)
    assert preset.returncode == 1
    assert "inParams.sourceType: 'transcriptUri' needs the summarize or soap-notes preset" in preset.stderr
    language = aftercall_run(media, "--language", "xx", data_dir=tmp_path)
    assert language.returncode == 1
    assert "inParams.language" in language.stderr


def test_ctrl_c_stops_cleanly_and_writes_nothing(tmp_path):
    long_call = tmp_path / "long.wav"
    long_call.write_bytes(repeated_dialogue(4))  # 340 s: tiny.en needs well over the 10 s we wait
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "aftercall", "run", str(long_call), "--out", str(out)],
        env={**os.environ, "AFTERCALL_DATA_DIR": str(tmp_path / "data")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(10)
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Stopped; nothing was written." in stderr
    assert "Traceback" not in stderr
    assert not out.exists() or not list(out.iterdir())


def test_a_transcript_file_becomes_a_soap_note_and_concepts(data, tmp_path):
    result = aftercall_run(
        str(data / "visit.txt"), "--preset", "soap-notes", "--out", str(tmp_path), data_dir=tmp_path / "data"
    )
    assert result.returncode == 0, result.stderr
    assert sorted(Path(line).name for line in result.stdout.split()) == ["visit-concept.json", "visit-soap.json"]
    assert "summarizing" in result.stderr, "a progress bar for the notes"
    concepts = json.loads((tmp_path / "visit-concept.json").read_text())
    assert schemas.problems(concepts, schemas.CONCEPT) == []
    assert "Lisinopril" in {c["text"] for c in concepts["concepts"]}


def test_a_missing_language_model_is_named(data, tmp_path):
    result = aftercall_run(
        str(data / "visit.txt"),
        "--preset",
        "summarize",
        "--out",
        str(tmp_path),
        data_dir=tmp_path / "data",
        AFTERCALL_LLM_MODEL_PATH=str(tmp_path / "nowhere.gguf"),
    )
    assert result.returncode == 1
    assert f"Failed to summarize: the language model file {tmp_path / 'nowhere.gguf'} does not exist" in result.stderr
    assert list(tmp_path.glob("visit*")) == [], "nothing written"
