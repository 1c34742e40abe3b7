"""The local language model engine on the shipped model: a request that starts as the one before did reads only what
differs, and answers exactly as it would have read from scratch."""

from __future__ import annotations

from typing import Any

import pytest

from aftercall.cores import usable_cores
from aftercall.llm.local import LocalChat
from aftercall.notes.reading import READER, about
from tests.conftest import DATA

pytestmark = pytest.mark.slow

_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["topic"],
    "additionalProperties": False,
    "properties": {"topic": {"type": "string", "maxLength": 40}},
}


def _chat() -> LocalChat:
    return LocalChat("", context_tokens=4096, threads=usable_cores)


def _ask(chat: LocalChat, task: str) -> dict[str, Any]:
    visit = (DATA / "visit.txt").read_text()
    messages = [{"role": "system", "content": READER}, {"role": "user", "content": about(visit, task)}]
    return chat.complete_json(messages, _SCHEMA, max_tokens=48)


def test_a_second_request_on_the_same_chunk_reads_only_its_task_and_answers_as_if_read_afresh() -> None:
    chat = _chat()
    _ask(chat, "Name the main symptom in a few words.")
    assert chat.usage.cached_tokens == 0
    first_prompt = chat.usage.prompt_tokens
    again = _ask(chat, "Name the medication discussed in a few words.")
    assert chat.usage.cached_tokens > 0.8 * first_prompt  # the chunk was not read again

    fresh = _chat()
    assert _ask(fresh, "Name the medication discussed in a few words.") == again
    assert fresh.usage.cached_tokens == 0


def test_a_request_on_another_text_keeps_only_what_it_shares_and_the_same_request_again_all_but_its_last_token():
    colour = [{"role": "user", "content": "Name a colour."}]
    chat = _chat()
    _ask(chat, "Name the main symptom in a few words.")
    answer = chat.complete_json(colour, _SCHEMA, max_tokens=48)
    assert chat.usage.cached_tokens < 10  # at most the chat template's first tokens
    assert answer == _chat().complete_json(colour, _SCHEMA, max_tokens=48)

    before = (chat.usage.prompt_tokens, chat.usage.cached_tokens)
    assert chat.complete_json(colour, _SCHEMA, max_tokens=48) == answer
    prompt, cached = chat.usage.prompt_tokens - before[0], chat.usage.cached_tokens - before[1]
    assert cached == prompt - 1  # the last token is read again: the answer's first token comes from reading it
