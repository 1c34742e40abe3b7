"""The ``openai`` notes engine against servers that differ: one refusing OpenAI's json_schema form (as older
llama.cpp servers do), one answering invalid JSON, one failing, one too slow. The server here is a scripted HTTP
server on 127.0.0.1; the engine against a real llama.cpp server is in tests/e2e/test_notes.py."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from aftercall.errors import NotesError
from aftercall.llm.openai import OpenAIChat

SCHEMA = {"type": "object", "required": ["summary"], "properties": {"summary": {"type": "string"}}}
ASK = [{"role": "user", "content": "Summarise."}]


class Script:
    def __init__(self) -> None:
        self.replies: list[tuple[int, Any, float]] = []  # (status, body, delay)
        self.requests: list[dict[str, Any]] = []


def answer(content: str, finish: str = "stop") -> dict[str, Any]:
    return {
        "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": finish}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5},
    }


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            script.requests.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            status, body, delay = script.replies.pop(0)
            time.sleep(delay)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", script
    httpd.shutdown()
    httpd.server_close()


def chat(base_url: str, timeout: float = 5.0) -> OpenAIChat:
    return OpenAIChat(base_url=base_url, api_key="k", model="m", timeout=timeout, context_tokens=8192)


def test_json_schema_first(server: tuple[str, Script]) -> None:
    url, script = server
    script.replies = [(200, answer('{"summary": "ok"}'), 0)]
    model = chat(url)
    assert model.complete_json(ASK, SCHEMA, max_tokens=50) == {"summary": "ok"}
    sent = script.requests[0]
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"] == SCHEMA
    assert (sent["model"], sent["temperature"], sent["max_tokens"]) == ("m", 0, 50)
    assert (model.usage.calls, model.usage.prompt_tokens, model.usage.completion_tokens) == (1, 10, 5)


def test_the_prompt_tokens_a_server_did_not_read_again_are_counted(server: tuple[str, Script]) -> None:
    url, script = server
    cached = answer('{"summary": "ok"}')
    cached["usage"]["prompt_tokens_details"] = {"cached_tokens": 8}
    script.replies = [(200, cached, 0), (200, answer('{"summary": "ok"}'), 0)]
    model = chat(url)
    model.complete_json(ASK, SCHEMA, max_tokens=50)
    model.complete_json(ASK, SCHEMA, max_tokens=50)
    assert (model.usage.prompt_tokens, model.usage.cached_tokens) == (20, 8)


def test_a_server_refusing_json_schema_gets_json_object_and_the_schema_in_the_prompt(server) -> None:
    url, script = server
    refusal = {"error": {"message": "'json_schema' is not supported, use json_object"}}
    script.replies = [(400, refusal, 0), (200, answer('{"summary": "a"}'), 0), (200, answer('{"summary": "b"}'), 0)]
    model = chat(url)
    assert model.complete_json(ASK, SCHEMA, max_tokens=50) == {"summary": "a"}
    assert model.complete_json(ASK, SCHEMA, max_tokens=50) == {"summary": "b"}
    formats = [r["response_format"]["type"] for r in script.requests]
    assert formats == ["json_schema", "json_object", "json_object"], "refused once, not asked again"
    assert script.requests[1]["response_format"]["schema"] == SCHEMA
    assert json.dumps(SCHEMA) in script.requests[1]["messages"][0]["content"]


def test_an_invalid_answer_gets_one_repair_request(server) -> None:
    url, script = server
    script.replies = [(200, answer('{"summary": 3}'), 0), (200, answer('{"summary": "fixed"}'), 0)]
    assert chat(url).complete_json(ASK, SCHEMA, max_tokens=50) == {"summary": "fixed"}
    repair = script.requests[1]["messages"]
    assert repair[-2] == {"role": "assistant", "content": '{"summary": 3}'}
    assert "not valid against the schema at summary: 3 is not of type 'string'" in repair[-1]["content"]


def test_invalid_twice_fails_the_step(server) -> None:
    url, script = server
    script.replies = [(200, answer("Sure! Here is"), 0), (200, answer("{oops"), 0)]
    with pytest.raises(NotesError, match=r"answer was not JSON .* also after one repair request"):
        chat(url).complete_json(ASK, SCHEMA, max_tokens=50)


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ((500, {"error": "model crashed"}, 0), "the language model server answered 500 Internal Server Error"),
        ((200, answer('{"summary": "tr', finish="length"), 0), "cut off at its token limit"),
        ((200, {"object": "list"}, 0), "has no choices[0].message.content"),
        ((200, answer('{"summary": "late"}'), 2.0), "the language model did not answer within 0.5 s"),
    ],
)
def test_failures_name_the_language_model(server, reply, error: str) -> None:
    url, script = server
    script.replies = [reply]
    with pytest.raises(NotesError, match=re.escape(error)):
        chat(url, timeout=0.5).complete_json(ASK, SCHEMA, max_tokens=50)


def test_an_unreachable_server() -> None:
    with pytest.raises(
        NotesError, match=r"the language model server at http://127.0.0.1:9/v1/chat/completions is unreachable"
    ):
        chat("http://127.0.0.1:9/v1").complete_json(ASK, SCHEMA, max_tokens=50)
