"""The summarize and soap-notes presets end to end through the API: a generated doctor–patient call (espeak-ng
voices, tests/data/dialogue.ogg, and its transcript tests/data/visit.txt), the shipped SmolLM2-135M in-process
(``local``) and behind llama.cpp's own server (``openai``). The small model writes poor notes; what is checked is
what aftercall guarantees whatever the model: schema validity, evidence that exists in the transcript, medications
from the dictionary, and clear errors that keep what was already made."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator

import httpx
import pytest

from aftercall.notes import drugs, schemas
from aftercall.notes.segments import parse_transcript
from tests.conftest import DATA, REQUIRE_SERVICES
from tests.e2e.conftest import Server, free_port
from tests.e2e.helpers import download_outputs
from tests.jobs import job_body, post, transcript_job, wait
from tests.llm_server import llama_server, llama_server_binary

NOTES_TIMEOUT = 600.0  # SmolLM2 on 2 busy cores writes about 15 tokens a second
pytestmark = pytest.mark.timeout(NOTES_TIMEOUT + 60)  # the waits below may take NOTES_TIMEOUT; pytest's 300 s may not


def submit_notes(api: httpx.Client, preset: str, source_type: str, uri: str) -> str:
    body = job_body(template="visits/{job_id}", preset=preset, inParams={"sourceType": source_type, source_type: uri})
    return post(api, body)


def note_files(api: httpx.Client, job_id: str) -> dict[str, bytes]:
    links = api.get(f"/v1/batch-processor/{job_id}/access-link").json()
    return {
        section: httpx.get(links[section]["link"], timeout=30).content
        for section in ("summary", "soap", "concept")
        if section in links
    }


def spans_of(transcript_json: bytes) -> set[tuple[float, float, int]]:
    segments = parse_transcript(transcript_json).items
    return {(round(s.start, 2), round(s.end, 2), s.speaker) for s in segments}


def check_evidence(document: dict, spans: set[tuple[float, float, int]]) -> int:
    """Every cited span is a segment of the transcript; returns how many statements cite."""
    items = [s for section in ("subjective", "objective", "assessment", "plan") for s in document.get(section, [])]
    items += document.get("concepts", [])
    for item in items:
        for span in item["evidence"]:
            assert (span["start"], span["end"], span["speaker"]) in spans, f"{item} cites a span not in the transcript"
    return len(items)


def test_soap_notes_on_a_recording_with_the_local_engine(api: httpx.Client, media: str) -> None:
    job_id = submit_notes(api, "soap-notes", "uri", f"{media}/media/dialogue.ogg")
    job = wait(api, job_id, timeout=NOTES_TIMEOUT)
    assert job["status"] == "finished", job.get("error")
    assert job["progress"] == {"stage": "done", "percent": 100}
    assert set(job["output"]) == {"transcription", "soap", "concept"}
    assert job["output"]["soap"]["format"] == "JSON"
    transcripts = download_outputs(api, job_id)
    notes = note_files(api, job_id)
    soap, concepts = json.loads(notes["soap"]), json.loads(notes["concept"])
    assert schemas.problems(soap, schemas.SOAP) == []
    assert schemas.problems(concepts, schemas.CONCEPT) == []
    spans = spans_of(transcripts["json"])
    check_evidence(soap, spans)
    check_evidence(concepts, spans)
    assert soap["metadata"]["model"] == "llama.cpp/SmolLM2-135M-Instruct.Q4_1"
    assert soap["metadata"]["timing"] == "media"
    # tiny.en hears espeak's "lisinopril" as "listen opera": the drugs are those the transcript spells, no more.
    heard = {mention.name for mention in drugs.find(transcripts["txt"].decode())}
    coded = {c["text"]: c for c in concepts["concepts"] if c["codes"] or c["text"] in heard}
    assert set(coded) == heard, "every drug in the transcript, and no other, is a concept"
    assert coded["Penicillins"]["category"] == "allergy", "'I am allergic to penicillin'"


def test_summary_of_a_transcript_makes_no_transcription(api: httpx.Client, media: str) -> None:
    job_id = submit_notes(api, "summarize", "transcriptUri", f"{media}/media/visit.txt")
    job = wait(api, job_id, timeout=NOTES_TIMEOUT)
    assert job["status"] == "finished", job.get("error")
    assert set(job["output"]) == {"summary"}, "a transcript input is not transcribed again"
    assert job["input"] == {"sourceType": "transcriptUri", "uri": f"{media}/media/visit.txt", "language": "en"}
    links = api.get(f"/v1/batch-processor/{job_id}/access-link").json()
    assert links["transcription"] == []
    summary = httpx.get(links["summary"]["link"], timeout=30).text
    paragraphs = [p for p in summary.split("\n\n") if p.strip()]
    assert 1 <= len(paragraphs) <= 3, summary
    assert len(summary.split()) >= 3, summary


def test_a_page_is_not_a_transcript(api: httpx.Client, media: str) -> None:
    job = wait(api, submit_notes(api, "summarize", "transcriptUri", f"{media}/media/page.html"))
    assert job["status"] == "error"
    chained = "Summary generation job failed: Error: Input is not a transcript in txt, srt, vtt or json (text/html)"
    assert job["error"] == chained, "its own step failed: Daily's chain names the notes job, then the step's error"


def test_a_notes_job_whose_recording_is_not_transcribed_fails_with_dailys_chain_of_errors(
    api: httpx.Client, media: str
) -> None:
    for preset, job_name in (("summarize", "Summary generation"), ("soap-notes", "SOAP note generation")):
        job = wait(api, submit_notes(api, preset, "uri", f"{media}/status/403"))
        assert job["status"] == "error"
        assert job["error"] == (
            f"{job_name} job failed: BatchProcessorTranscriptError: transcript job failed: Error: Failed to download: "
            "403 Forbidden"
        )


def test_transcript_input_needs_a_notes_preset(api: httpx.Client, media: str) -> None:
    response = api.post(
        "/v1/batch-processor",
        json=transcript_job(f"{media}/media/visit.txt", preset="transcript", template="x"),
    )
    assert response.status_code == 400
    assert response.json()["info"].startswith("inParams.sourceType:")


@pytest.fixture(scope="module")
def openai_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    binary = llama_server_binary()
    if binary is None:
        reason = "llama-server is missing: tests/tools/build-llama-server builds it"
        pytest.fail(reason) if REQUIRE_SERVICES else pytest.skip(reason)
    folder = tmp_path_factory.mktemp("openai-notes")
    with llama_server(binary, free_port(), folder / "llama-server.log") as base_url:
        srv = Server(folder / "data", AFTERCALL_LLM_ENGINE="openai", AFTERCALL_LLM_BASE_URL=base_url)
        srv.start()
        yield srv
        srv.kill(signal.SIGTERM)


def test_soap_notes_of_a_transcript_through_an_openai_compatible_server(openai_server: Server, media: str) -> None:
    with openai_server.client() as api:
        job = wait(
            api, submit_notes(api, "soap-notes", "transcriptUri", f"{media}/media/visit.txt"), timeout=NOTES_TIMEOUT
        )
        assert job["status"] == "finished", job.get("error")
        assert set(job["output"]) == {"soap", "concept"}
        notes = note_files(api, job["id"])
    soap, concepts = json.loads(notes["soap"]), json.loads(notes["concept"])
    assert schemas.problems(soap, schemas.SOAP) == []
    assert schemas.problems(concepts, schemas.CONCEPT) == []
    assert soap["metadata"]["model"] == "openai/default"
    assert soap["metadata"]["timing"] == "estimated", "a txt transcript has no times of its own"
    spans = spans_of((DATA / "visit.txt").read_bytes())
    check_evidence(soap, spans)
    check_evidence(concepts, spans)
    by_name = {c["text"]: c for c in concepts["concepts"]}
    assert {"Lisinopril", "Azithromycin", "Acetaminophen"} <= set(by_name), "the drugs said in the call"
    assert by_name["Lisinopril"]["codes"] == [{"system": "DrugBank", "code": "DB00722", "display": "Lisinopril"}]
    assert by_name["Penicillins"]["category"] == "allergy"


def test_an_unreachable_model_fails_the_step_and_keeps_the_transcripts(
    tmp_path_factory: pytest.TempPathFactory, media: str
) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"
    srv = Server(
        tmp_path_factory.mktemp("dead-llm") / "data", AFTERCALL_LLM_ENGINE="openai", AFTERCALL_LLM_BASE_URL=dead
    )
    srv.start()
    try:
        with srv.client() as api:
            job = wait(api, submit_notes(api, "summarize", "uri", f"{media}/media/speech.wav"))
            assert job["status"] == "error"
            assert job["error"].startswith(
                "Summary generation job failed: Error: "
                f"Failed to summarize: the language model server at {dead}/chat/completions is unreachable"
            )
            kept = job["output"]["transcription"]
            assert [entry["format"] for entry in kept] == ["txt", "srt", "vtt", "json"]
            key = kept[0]["s3Config"]["key"]
            assert (srv.data_dir / "objects" / key).read_text().startswith("Speaker 0:")
    finally:
        srv.kill(signal.SIGTERM)
