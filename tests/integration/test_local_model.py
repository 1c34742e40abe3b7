"""The local language model engine on the shipped model: a request that starts as the one before did reads only what
differs, and answers exactly as it would have read from scratch."""

from __future__ import annotations

from typing import Any

import pytest

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
    return LocalChat("", context_tokens=4096)


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


def test_a_request_on_another_text_keeps_only_what_it_shares() -> None:
    chat = _chat()
    _ask(chat, "Name the main symptom in a few words.")
    read = chat.usage.prompt_tokens
    chat.complete_json([{"role": "user", "content": "Name a colour."}], _SCHEMA, max_tokens=48)
    assert chat.usage.cached_tokens < 10  # at most the chat template's first tokens
    assert chat.usage.prompt_tokens > read
