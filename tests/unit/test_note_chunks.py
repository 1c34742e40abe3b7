"""Long transcripts are read whole: split on segment boundaries to fit the context, each chunk asked, then merged.

The model here is a scripted stand-in that quotes the last segment of each chunk it is shown, so that what reaches
the output can be traced to the chunk it came from; the real models are exercised in tests/e2e/test_notes.py."""

from __future__ import annotations

import re
from typing import Any

from aftercall.llm import Message, Usage
from aftercall.notes.chunks import chunks
from aftercall.notes.concepts import TERMS, concept_list
from aftercall.notes.reading import Reading
from aftercall.notes.segments import Segment, Segments
from aftercall.notes.soap import STATEMENTS, soap_note
from aftercall.notes.summary import groups, requests, summary_text

LAST_WORDS = "I will start metformin 500 mg tonight and see you in three months."


def long_call(minutes: int = 60) -> Segments:
    chat = "we talked about the weather, the garden and the neighbours again."
    items = [Segment(i, i % 2, (i - 1) * 6.0, i * 6.0, f"Segment {i}: {chat}") for i in range(1, minutes * 10)]
    last = minutes * 10
    items.append(Segment(last, 0, (last - 1) * 6.0, last * 6.0, LAST_WORDS))
    return Segments(tuple(items), "media")


class QuotingModel:
    """Answers every request by quoting the last numbered segment (or the last summary) it was shown."""

    name = "script/quoting"
    context_tokens = 4096

    def __init__(self, summary_padding: int = 0) -> None:
        self.usage = Usage()
        self.prompts: list[str] = []
        self.padding = "and so on " * summary_padding  # long summaries, to make merges overflow

    def count_tokens(self, text: str) -> int:
        return len(text) // 4 + 1

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        prompt = messages[-1]["content"]
        self.prompts.append(prompt)
        assert self.count_tokens(prompt) <= self.context_tokens - max_tokens, "every request fits the context"
        numbered = re.findall(r"^\[(\d+)\] Speaker \d+ \(\d+:\d+\): (.*)$", prompt, re.MULTILINE)
        key = next(iter(schema["properties"]))
        if key == "summary":
            if numbered:
                return {"summary": self.padding + numbered[-1][1]}
            return {"summary": prompt.split("\n\n")[-2]}
        number, text = int(numbered[-1][0]), numbered[-1][1]
        if key == "statements":
            return {"statements": [{"section": "plan", "text": text, "segments": [number], "quotes": [text[:100]]}]}
        concept = {"text": "three months", "category": "follow-up", "negated": False, "segments": [number]}
        return {"concepts": [{**concept, "quotes": ["see you in three months"]}]}


def test_chunks_hold_every_segment_once_and_fit_the_budget() -> None:
    call = long_call()
    parts = chunks(call, budget=1000, count_tokens=lambda text: len(text) // 4 + 1)
    assert len(parts) > 5
    assert [s for part in parts for s in part] == list(call.items), "in order, none lost, none repeated"


def test_a_segment_longer_than_a_chunk_is_cut_not_dropped() -> None:
    monologue = " ".join(f"word{i}" for i in range(3000))
    parts = chunks(Segments((Segment(1, 0, 0.0, 600.0, monologue),), "media"), budget=500, count_tokens=len)
    assert len(parts) > 1
    assert " ".join(s.text for part in parts for s in part) == monologue
    assert all(s.index == 1 for part in parts for s in part), "every piece still cites the segment it came from"


def test_the_last_minutes_of_a_long_call_reach_every_note() -> None:
    model = QuotingModel()
    reading = Reading(model, long_call())
    assert len(reading.chunks) >= 4, "an hour does not fit one 4096-token request"
    end = {"start": 3594.0, "end": 3600.0, "speaker": 0}

    soap = soap_note(reading)
    assert soap["plan"][-1] == {"text": LAST_WORDS, "evidence": [end]}
    assert soap["metadata"]["chunks"] == len(reading.chunks)

    concepts = concept_list(reading)["concepts"]
    metformin = next(c for c in concepts if c["text"] == "Metformin")
    assert metformin["evidence"] == [end]
    assert {
        "text": "three months",
        "category": "follow-up",
        "negated": False,
        "codes": [],
        "evidence": [end],
    } in concepts

    summary = summary_text(reading)
    paragraphs = summary.strip().split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[-1].endswith(LAST_WORDS), "the last paragraph is written from the end of the call"


def test_the_outputs_read_together_ask_about_each_chunk_in_turn_so_a_chunk_is_read_once() -> None:
    model = QuotingModel()
    reading = Reading(model, long_call(minutes=30), together=(STATEMENTS, TERMS))
    assert len(reading.chunks) >= 2
    soap, concepts = soap_note(reading), concept_list(reading)
    texts = [text for _, text in reading.each_chunk()]
    asked = [(texts.index(prompt.split("\n\n")[0].removeprefix("Segments:\n")), prompt.rsplit("\n\n", 1)[-1][:15])
             for prompt in model.prompts]  # fmt: skip
    expected = [(n, task[:15]) for n in range(len(texts)) for task in (STATEMENTS.task, TERMS.task)]
    assert asked == expected, "each chunk's SOAP statements, then its concepts, then the next chunk"
    alone = Reading(QuotingModel(), long_call(minutes=30))
    assert (soap, concepts) == (soap_note(alone), concept_list(alone)), "the same note as each read on its own"


def test_summaries_are_grouped_in_order_into_three_paragraphs() -> None:
    assert groups(["a", "b", "c", "d", "e", "f", "g"], 3) == [["a", "b", "c"], ["d", "e"], ["f", "g"]]
    assert groups(["a", "b"], 3) == [["a"], ["b"]]


def test_a_summary_plans_the_requests_it_makes_so_progress_ends_at_the_end() -> None:
    for minutes in (5, 60):
        model = QuotingModel()
        progress: list[float] = []
        reading = Reading(model, long_call(minutes=minutes), on_progress=progress.append, plan=requests)
        summary_text(reading)
        assert reading.steps == len(model.prompts), "the plan counts every request"
        assert progress[-1] == 1.0
        assert progress == sorted(progress)


def test_the_merge_of_many_summaries_is_split_to_fit() -> None:
    model = QuotingModel(summary_padding=100)
    reading = Reading(model, long_call(minutes=240))
    text = summary_text(reading)
    merges = [p for p in model.prompts if p.startswith("Consecutive summaries")]
    assert len(merges) > 3, "the summaries of a group did not fit one request, so halves were merged first"
    assert len(text.strip().split("\n\n")) == 3
    assert text.strip().endswith(LAST_WORDS)


class SentenceModel(QuotingModel):
    """Names a whole sentence as a concept, and cites a segment of another chunk for a symptom."""

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        numbered = re.findall(r"^\[(\d+)\] Speaker \d+ \(\d+:\d+\): (.*)$", messages[-1]["content"], re.MULTILINE)
        number, text = int(numbered[0][0]), numbered[0][1]
        return {
            "concepts": [
                {"text": text, "category": "problem", "negated": False, "segments": [number], "quotes": [text[:100]]},
                {"text": "weather", "category": "symptom", "negated": False, "segments": [number + 10_000],
                 "quotes": ["the weather"]},
            ]
        }  # fmt: skip


def test_concepts_that_are_sentences_or_cite_unseen_segments_are_dropped_and_counted() -> None:
    reading = Reading(SentenceModel(), long_call(minutes=10))
    result = concept_list(reading)
    assert [c["text"] for c in result["concepts"]] == ["Metformin"], "only the dictionary's medication is left"
    assert result["metadata"]["dropped"] == 2 * len(reading.chunks)
    reasons = result["metadata"]["dropped_reasons"]
    assert reasons == {"citation": len(reading.chunks), "too-long": len(reading.chunks)}


def test_a_longer_chunk_may_yield_more_statements() -> None:
    reading = Reading(QuotingModel(), long_call(minutes=10))
    short = {s.index: s for s in reading.segments.items[:5]}
    long = {s.index: s for s in reading.segments.items[:200]}
    assert reading.item_limit(short) == 8
    assert reading.item_limit(long) > 8
    assert reading.item_limit(long) * 90 <= reading.answer_tokens, "the answer can hold them all"


class ProlificModel(QuotingModel):
    """Has a statement for every segment it is shown and writes as many as the answer may hold, leaving out those
    listed as already written unless it is told to ``repeat`` itself."""

    context_tokens = 8192

    def __init__(self, repeat: bool = False) -> None:
        super().__init__()
        self.repeat = repeat
        self.limits: list[int] = []

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        prompt = messages[-1]["content"]
        self.prompts.append(prompt)
        assert self.count_tokens(prompt) <= self.context_tokens - max_tokens, "every request fits the context"
        written = set() if self.repeat else set(re.findall(r"^- (.*)$", prompt, re.MULTILINE))
        numbered = re.findall(r"^\[(\d+)\] Speaker \d+ \(\d+:\d+\): (.*)$", prompt, re.MULTILINE)
        statements = [
            {"section": "plan", "text": text, "segments": [int(n)], "quotes": [text[:100]]}
            for n, text in numbered
            if text not in written
        ]
        limit = schema["properties"]["statements"]["maxItems"]
        self.limits.append(limit)
        return {"statements": statements[:limit]}


def test_a_full_answer_is_followed_by_a_request_for_the_rest() -> None:
    model = ProlificModel()
    progress: list[float] = []
    reading = Reading(model, long_call(minutes=5), on_progress=progress.append)
    assert len(reading.chunks) == 1
    assert model.context_tokens // 3 // 90 < 50, "one answer cannot hold them all"
    note = soap_note(reading)
    assert len(note["plan"]) == 50, "every statement of the chunk reached the note, none twice"
    assert len(model.prompts) == 2
    assert "Already written" in model.prompts[1]
    assert model.limits[1] < model.limits[0], "the list of what is written takes room from the answer"
    assert progress == sorted(progress), "progress never goes back"
    assert progress[-1] == 1.0


def test_a_model_that_repeats_itself_is_not_asked_again() -> None:
    model = ProlificModel(repeat=True)
    note = soap_note(Reading(model, long_call(minutes=5)))
    assert len(model.prompts) == 2, "the second answer added nothing, so there is no third"
    assert len(note["plan"]) == model.limits[0]
