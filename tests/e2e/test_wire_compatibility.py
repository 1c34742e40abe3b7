"""Real job outputs read by libraries nobody on this project wrote, as clients in the wild read them: Deepgram's own
SDK (the current one, and 3.x in an interpreter of its own) and caption converter for the json, the srt and
webvtt-py parsers for the captions (docs/api.md §3), and the Standard Webhooks library for the signed events (§5)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import srt
import webvtt
from deepgram.types.listen_v1response import ListenV1Response
from deepgram_captions import DeepgramConverter
from deepgram_captions import srt as deepgram_srt
from deepgram_captions import webvtt as deepgram_webvtt
from standardwebhooks import Webhook

from tests.e2e.helpers import download_outputs
from tests.jobs import submit, wait
from tests.older_deepgram import not_read_back
from tests.receiver import receiver

DIALOGUE = Path(__file__).resolve().parents[1] / "data" / "dialogue.ogg"


def test_a_two_voice_calls_outputs_and_events_read_in_deepgrams_sdk_the_caption_parsers_and_standard_webhooks(
    api, media, tmp_path
):
    with receiver() as r:
        events = ["batch-processor.job-finished"]
        hook = api.post("/v1/webhooks", json={"url": r.url, "eventTypes": events}).json()
        job_id = submit(api, f"{media}/media/dialogue.ogg")
        assert wait(api, job_id)["status"] == "finished"
        r.wait_for(2)
        api.delete(f"/v1/webhooks/{hook['uuid']}")
    verifier = Webhook(hook["hmac"])
    probe, event = r.requests[:2]
    assert verifier.verify(probe.body, probe.headers) == {"test": "test"}
    assert verifier.verify(event.body, event.headers)["id"] == f"bp-jf-{job_id}"
    files = download_outputs(api, job_id)

    doc = json.loads(files["json"])
    response = ListenV1Response.model_validate(doc)  # the SDK's typed response, unchanged
    assert not_read_back(doc) == [".metadata.language"], "3.x's PrerecordedResponse reads all but the extension"
    assert response.metadata.request_id == job_id
    assert response.metadata.model_info[response.metadata.models[0]]["name"] == "tiny.en"
    assert doc["metadata"]["sha256"] == hashlib.sha256(DIALOGUE.read_bytes()).hexdigest()
    alternative = response.results.channels[0].alternatives[0]
    assert all(word.end > word.start for word in alternative.words)
    paragraphs = alternative.paragraphs
    assert {p.speaker for p in paragraphs.paragraphs} == {0, 1}, "both voices"
    assert paragraphs.transcript.startswith("\nSpeaker 0: ")
    assert sum(p.num_words for p in paragraphs.paragraphs) == len(alternative.words)
    said = " ".join(s.text for p in paragraphs.paragraphs for s in p.sentences)
    assert said == alternative.transcript

    converter = DeepgramConverter(doc)
    assert list(srt.parse(deepgram_srt(converter)))
    (tmp_path / "deepgram.vtt").write_text(deepgram_webvtt(converter))
    assert webvtt.read(tmp_path / "deepgram.vtt").captions

    ours = list(srt.parse(files["srt"].decode()))
    assert [c.index for c in ours] == list(range(1, len(ours) + 1))
    (tmp_path / "ours.vtt").write_bytes(files["vtt"])
    captions = webvtt.read(tmp_path / "ours.vtt").captions
    assert [c.identifier for c in captions] == [str(n) for n in range(1, len(captions) + 1)]
    words = " ".join(c.text.removeprefix("- ") for c in captions).split()
    assert words == " ".join(c.content for c in ours).split(), "the same words in both caption files"
