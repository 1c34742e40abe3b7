from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

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
    client = TestClient(create_app(runtime))
    client.headers["Authorization"] = f"Bearer {KEY}"
    return client


@pytest.fixture
def api(tmp_path):
    with make_client(tmp_path, max_upload_bytes=100_000) as client:
        yield client
