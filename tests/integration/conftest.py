from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from aftercall.api.app import create_app
from aftercall.bootstrap import build_embedded
from aftercall.settings import Settings
from aftercall.testing import MinimalModel, ScriptedSpeech, scripted_runtime

KEY = "test-key"


def make_client(tmp_path, *, speech: ScriptedSpeech | None = None, model: MinimalModel | None = None, **settings):
    """The in-process app over a fresh data dir; with ``speech``, its jobs run on ``aftercall.testing``'s scripted
    engines (no model loaded: fast) instead of the configured ones."""
    config = Settings(data_dir=tmp_path / "data", api_keys=f"{KEY},second-key", **settings)
    runtime = scripted_runtime(config, speech, model) if speech else build_embedded(config)
    app = create_app(runtime)
    client = TestClient(app)
    client.headers["Authorization"] = f"Bearer {KEY}"
    client.event_hooks["response"].append(answers_as_documented(app))
    return client


def answers_as_documented(app: FastAPI) -> Callable[[httpx.Response], None]:
    """A response hook: every JSON answer of the API has the schema its OpenAPI document declares for that operation
    and status (the models of ``api/responses.py``, which forbid fields they do not name), so the document cannot
    drift from the answers."""
    document = app.openapi()
    operations = [(_template(path), item) for path, item in document["paths"].items()]

    def check(response: httpx.Response) -> None:
        request = response.request
        if not request.url.path.startswith("/v1/") or "json" not in response.headers.get("content-type", ""):
            return
        matching = [item for pattern, item in operations if pattern.fullmatch(request.url.path)]
        operation = matching[0].get(request.method.lower()) if matching else None
        if operation is None:  # no such endpoint or method: the app's own 404 or 405
            assert response.status_code in (404, 405), response.text
            return
        declared = operation["responses"].get(str(response.status_code))
        assert declared, f"{request.method} {request.url.path}: {response.status_code} is not documented"
        if "application/json" not in declared["content"]:
            return  # a file's bytes (a json transcript, say), of whatever shape the file has
        schema = declared["content"]["application/json"]["schema"]
        response.read()
        Draft202012Validator({**schema, "components": document["components"]}).validate(response.json())

    return check


def _template(path: str) -> re.Pattern[str]:
    """A path of the document as a pattern; ``{key}`` (a file's key, ``{key:path}`` in the route) spans slashes."""
    return re.compile(re.sub(r"\{(\w+)\}", lambda m: ".+" if m[1] == "key" else "[^/]+", path))


@pytest.fixture
def api(tmp_path):
    with make_client(tmp_path, max_upload_bytes=100_000) as client:
        yield client
