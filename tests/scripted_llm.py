"""An OpenAI-compatible ``/v1/chat/completions`` server on 127.0.0.1 that plays a good model from a script: the
labelled answer sets of benchmarks/grounding/ (statements and concepts written as a clinician would, with the
mistakes such models make). It recognises the conversation by the segments it is sent, answers each notes request
with the scripted items that cite segments of that chunk (leaving out those listed as already written, when it is
asked for the rest of a full answer), and plays a fallible judge for the second-reading request, at the rates
below, chosen by a hash of each statement's text: of the wrong statements it calls ``JUDGE_MISSES`` supported and
``JUDGE_UNSURE_WRONG`` not stated (the rest contradicted); of the right ones it calls ``JUDGE_REJECTS``
contradicted and ``JUDGE_UNSURE_RIGHT`` not stated. These are the error rates we assume for a 7-8B instruct model
judging one statement against a few turns; the benchmark's figure that matters is what the rules catch without it.
Used by benchmarks/notes_grounding.py and the end-to-end test of the notes verification; it also serves the
transcripts."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import jsonschema

from tests.serving import serving

GROUNDING = Path(__file__).resolve().parents[1] / "benchmarks" / "grounding"
JUDGE_MISSES = 0.35  # of wrong statements the scripted judge calls supported
JUDGE_UNSURE_WRONG = 0.10  # of wrong statements it calls not stated
JUDGE_REJECTS = 0.04  # of right statements it calls contradicted
JUDGE_UNSURE_RIGHT = 0.08  # of right statements it calls not stated
_SEGMENT = re.compile(r"^\[(\d+)\] Speaker \d+ \(\d+:\d+\): (.*)$", re.MULTILINE)
_STATEMENT = re.compile(r"^Statement (\d+): (.*)$", re.MULTILINE)
_WRITTEN = re.compile(r"^- (.*)$", re.MULTILINE)  # an item already written, when the request asks for the rest


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def conversations(name: str) -> list[dict[str, Any]]:
    """The labelled conversations of a set: ``dev`` or ``heldout``."""
    return [load(path) for path in sorted((GROUNDING / name).glob("*.json"))]


def transcript_text(conversation: dict[str, Any]) -> str:
    """The conversation as a txt transcript, one ``Speaker N: text`` turn a line (turn N is segment N)."""
    return "\n\n".join(f"Speaker {t['speaker']}: {' '.join(t['text'].split())}" for t in conversation["turns"]) + "\n"


@dataclass
class Script:
    conversations: list[dict[str, Any]]
    judge_misses: float = JUDGE_MISSES
    judge_rejects: float = JUDGE_REJECTS
    served: set[str] = field(default_factory=set)  # the texts of the scripted items answered, once or more
    invalid: int = 0  # items left out because the request's schema does not allow them
    requests: list[str] = field(default_factory=list)

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        schema = _schema(body)
        properties = schema.get("properties", {})
        user = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        if "verdicts" in properties:
            self.requests.append("judge")
            return {"verdicts": self._verdicts(user)}
        conversation, shown = self._conversation(user)
        if "summary" in properties:
            self.requests.append("summary")
            return {"summary": " ".join(conversation["turns"][i - 1]["text"] for i in sorted(shown)[:3])[:1000]}
        key = "statements" if "statements" in properties else "concepts"
        self.requests.append(key)
        item_schema = properties[key]["items"]
        fields = set(item_schema["properties"])
        items = [_as_answered(item, fields) for item in conversation["soap" if key == "statements" else "concepts"]]
        written = {" ".join(text.split()) for text in _WRITTEN.findall(user)}
        items = [i for i in items if set(i["segments"]) <= shown and " ".join(i["text"].split()) not in written]
        valid = [item for item in items if jsonschema.Draft202012Validator(item_schema).is_valid(item)]
        self.invalid += len(items) - len(valid)  # a server holding the model to the schema would not let them out
        items = valid
        limit = properties[key].get("maxItems", len(items))
        self.served.update(" ".join(item["text"].split()) for item in items[:limit])
        return {key: items[:limit]}

    def unserved(self) -> int:
        """Scripted items never answered: over every answer's item limit, or citing turns no request showed."""
        return sum(
            " ".join(item["text"].split()) not in self.served
            for conversation in self.conversations
            for item in conversation["soap"] + conversation["concepts"]
        )

    def _conversation(self, user: str) -> tuple[dict[str, Any], set[int]]:
        shown = {int(n): " ".join(text.split()) for n, text in _SEGMENT.findall(user)}
        for conversation in self.conversations:
            turns = conversation["turns"]
            if all(n <= len(turns) and " ".join(turns[n - 1]["text"].split()) == t for n, t in shown.items()):
                return conversation, set(shown)
        raise LookupError("these segments belong to no scripted conversation")

    def _verdicts(self, user: str) -> list[dict[str, Any]]:
        labels = {
            " ".join(item["text"].split()): item["correct"]
            for conversation in self.conversations
            for item in conversation["soap"] + conversation["concepts"]
        }
        verdicts = []
        for number, text in _STATEMENT.findall(user):
            correct = labels.get(text.strip())
            verdicts.append({"statement": int(number), "verdict": self._verdict(correct, _chance(text))})
        return verdicts

    def _verdict(self, correct: bool | None, chance: float) -> str:
        if correct is None:
            return "supported"
        if correct:
            if chance < self.judge_rejects:
                return "contradicted"
            return "not-stated" if chance < self.judge_rejects + JUDGE_UNSURE_RIGHT else "supported"
        if chance < self.judge_misses:
            return "supported"
        return "not-stated" if chance < self.judge_misses + JUDGE_UNSURE_WRONG else "contradicted"


def _schema(body: dict[str, Any]) -> dict[str, Any]:
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return dict(response_format["json_schema"]["schema"])
    return dict(response_format.get("schema") or {})


def _as_answered(item: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    """A labelled item as the model returns it: only the fields the request's schema asks for (never its label)."""
    return {name: value for name, value in item.items() if name in fields}


def _chance(text: str) -> float:
    """A number in [0, 1) fixed by the text: the same statement always gets the same verdict."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 2**32


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            """``/transcripts/<id>.txt``: a scripted conversation as the transcript a job points at."""
            found = [c for c in script.conversations if self.path == f"/transcripts/{c['id']}.txt"]
            data = transcript_text(found[0]).encode() if found else b"not found"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            try:
                content = json.dumps(script.answer(body))
                reply = {
                    "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 0, "completion_tokens": 0},
                }
                status = 200
            except LookupError as exc:
                reply, status = {"error": {"message": str(exc)}}, 500
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def scripted_llm(script: Script) -> Iterator[str]:
    """Serve ``script`` until the block ends; yields the root URL: the model is at ``/v1``, the transcripts at
    ``/transcripts/<id>.txt``."""
    with serving(_handler(script)) as base:
        yield base
