"""The notes verification end to end, through the API, with a scripted good model (tests/scripted_llm.py): the
labelled conversations of benchmarks/grounding/dev/ are served as transcripts, their scripted answers replayed, and
what reaches the SOAP note and the concept list is compared with the labels (benchmarks/notes_grounding.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import httpx
import pytest

from aftercall.notes import schemas
from aftercall.notes.segments import parse_transcript
from aftercall.notes.soap import SECTIONS
from tests.e2e.conftest import Server
from tests.jobs import post, transcript_job, wait
from tests.scripted_llm import Script, conversations, scripted_llm, transcript_text

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "notes_grounding.py"


def benchmark():  # benchmarks/ holds scripts, not a package
    spec = importlib.util.spec_from_file_location("notes_grounding", BENCHMARK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_good_models_wrong_statements_are_stopped_and_each_drop_is_accounted_for(tmp_path: Path) -> None:
    conversation = next(c for c in conversations("dev") if c["id"] == "ed-chest-pain-triage-01")
    with scripted_llm(Script([conversation])) as base:
        env = {
            "AFTERCALL_LLM_ENGINE": "openai",
            "AFTERCALL_LLM_BASE_URL": f"{base}/v1",
            "AFTERCALL_NOTES_AUDIT": "1",
            "AFTERCALL_LLM_CONTEXT_TOKENS": "16384",  # as the benchmark: the visit is one chunk
        }
        server = Server(tmp_path / "data", **env)
        server.start()
        try:
            with server.client() as api:
                uri = f"{base}/transcripts/{conversation['id']}.txt"
                job = wait(api, post(api, transcript_job(uri)), timeout=120)
                assert job["status"] == "finished", job.get("error")
                links = api.get(f"/v1/batch-processor/{job['id']}/access-link").json()
                soap = httpx.get(links["soap"]["link"], timeout=30).json()
                concepts = httpx.get(links["concept"]["link"], timeout=30).json()
        finally:
            server.kill()
    log = server.log.read_text()
    assert "/v1/files/" in log, "the access log records the downloads"
    assert "signature=" not in log, "but never a working link (aftercall/logs.py)"
    assert schemas.problems(soap, schemas.SOAP) == []
    assert schemas.problems(concepts, schemas.CONCEPT) == []
    kept = {s["text"] for section in SECTIONS for s in soap[section]}
    wrong = {" ".join(i["text"].split()) for i in conversation["soap"] if not i["correct"]}
    assert not kept & wrong, f"wrong statements reached the note: {kept & wrong}"
    right = {" ".join(i["text"].split()) for i in conversation["soap"] if i["correct"]}
    assert len(kept & right) >= 0.8 * len(right)
    for document in (soap, concepts):
        meta = document["metadata"]
        assert meta["judged"] is True, "the second reading is on by default for the openai engine"
        assert sum(meta["dropped_reasons"].values()) == meta["dropped"] == len(meta["dropped_items"])
        assert all(item["reason"] for item in meta["dropped_items"])
    dropped = {item["text"]: item["reason"] for item in soap["metadata"]["dropped_items"]}
    assert set(dropped) <= wrong | right
    assert wrong <= set(dropped), "every wrong statement is listed with the reason it was dropped"
    segments = parse_transcript(transcript_text(conversation).encode()).items
    spans = {(round(s.start, 2), round(s.end, 2), s.speaker) for s in segments}
    cited = [e for section in SECTIONS for s in soap[section] for e in s["evidence"]]
    cited += [e for c in concepts["concepts"] for e in c["evidence"]]
    assert cited
    assert all((e["start"], e["end"], e["speaker"]) in spans for e in cited), "evidence is turns of the transcript"


@pytest.mark.timeout(900)  # the development set twice, each about two and a half minutes on two cores
def test_the_benchmark_holds_its_figures_on_the_development_set() -> None:
    """A regression guard on the conversations the checks were developed on, at the figures docs/notes.md reports
    (fifty-three conversations; rules alone: recall 0.820, leak 0.108; with the fallible second reading: 0.778,
    0.059), less a margin of a few items. These are not the issue's targets (recall >= 0.90, leak <= 0.03), which
    are not met; the held-out conversations are not run here: they measure whether this generalises."""
    module = benchmark()
    for judge, least_recall, most_leak in (("off", 0.816, 0.112), ("on", 0.774, 0.063)):
        tally = module.run(["dev"], judge, False)
        kept, correct = tally.rate(None, True)
        leaked, wrong = tally.rate(None, False)
        assert kept / correct >= least_recall, (judge, kept, correct)
        assert leaked / wrong <= most_leak, (judge, leaked, wrong)
