"""Any OpenAI-compatible ``POST /v1/chat/completions`` (OpenAI, Ollama, vLLM, llama.cpp's server, ...).

Servers differ in structured output: OpenAI and vLLM take ``response_format: json_schema``; llama.cpp's server
refuses that form but takes ``json_object`` with a ``schema``; some ignore both. So the first request asks for
``json_schema``; a server that refuses it is asked, from then on, for ``json_object`` with the schema also written
into the prompt. Every reply is validated, and an invalid one gets one repair request before the step fails."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from aftercall.errors import NotesError
from aftercall.llm import InvalidReply, Message, Usage, parse_checked

_CHARS_PER_TOKEN = 3  # an upper estimate of tokens for English and code-switched speech (real ratio is about 4)


class OpenAIChat:
    def __init__(self, *, base_url: str, api_key: str, model: str, timeout: float, context_tokens: int) -> None:
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._model = model
        self._timeout = timeout
        self._json_schema_accepted = True
        self.name = f"openai/{model or 'default'}"
        self.context_tokens = context_tokens
        self.usage = Usage()

    def count_tokens(self, text: str) -> int:
        return len(text) // _CHARS_PER_TOKEN + 1

    def complete_json(self, messages: list[Message], schema: dict[str, Any], *, max_tokens: int) -> dict[str, Any]:
        reply = self._ask(messages, schema, max_tokens)
        try:
            return parse_checked(reply, schema)
        except InvalidReply as first:
            repair = [
                *messages,
                {"role": "assistant", "content": reply},
                {"role": "user", "content": f"That answer is {first}. Answer again with only the JSON object."},
            ]
            try:
                return parse_checked(self._ask(repair, schema, max_tokens), schema)
            except InvalidReply as second:
                raise NotesError(f"the language model's answer was {second}, also after one repair request") from None

    def _ask(self, messages: list[Message], schema: dict[str, Any], max_tokens: int) -> str:
        if self._json_schema_accepted:
            strict = {"type": "json_schema", "json_schema": {"name": "answer", "strict": True, "schema": schema}}
            response = self._post(messages, strict, max_tokens)
            if response.status_code not in (400, 422):
                return self._content(response)
            self._json_schema_accepted = False  # this server refuses OpenAI's form: use json_object from now on
        system = f"Answer with only a JSON object valid against this JSON Schema:\n{json.dumps(schema)}"
        prompted = [{"role": "system", "content": system}, *messages]
        return self._content(self._post(prompted, {"type": "json_object", "schema": schema}, max_tokens))

    def _post(self, messages: list[Message], response_format: dict[str, Any], max_tokens: int) -> httpx.Response:
        body: dict[str, Any] = {
            "messages": messages,
            "temperature": 0,
            "max_tokens": max_tokens,
            "response_format": response_format,
        }
        if self._model:
            body["model"] = self._model
        started = time.monotonic()
        try:
            response = httpx.post(self._url, json=body, headers=self._headers, timeout=self._timeout)
        except httpx.TimeoutException:
            raise NotesError(f"the language model did not answer within {self._timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise NotesError(f"the language model server at {self._url} is unreachable ({exc})") from None
        if response.is_success:
            usage = _json(response).get("usage") or {}
            self.usage.add(
                prompt_tokens=int(usage.get("prompt_tokens") or 0),
                completion_tokens=int(usage.get("completion_tokens") or 0),
                seconds=time.monotonic() - started,
                cached_tokens=_cached(usage),
            )
        return response

    def _content(self, response: httpx.Response) -> str:
        if not response.is_success:
            raise NotesError(
                f"the language model server answered {response.status_code} {response.reason_phrase}: "
                f"{response.text[:200]}"
            )
        try:
            choice = _json(response)["choices"][0]
            content = choice["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise NotesError("the language model server's answer has no choices[0].message.content") from None
        if choice.get("finish_reason") == "length":
            raise NotesError("the language model's answer was cut off at its token limit")
        return str(content)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise NotesError(f"the language model server's answer is not JSON ({response.text[:100]!r})") from None
    return body if isinstance(body, dict) else {}


def _cached(usage: dict[str, Any]) -> int:
    """The prompt tokens the server did not read again (OpenAI's ``prompt_tokens_details.cached_tokens``)."""
    details = usage.get("prompt_tokens_details")
    return int(details.get("cached_tokens") or 0) if isinstance(details, dict) else 0
