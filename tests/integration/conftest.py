from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aftercall.api.app import create_app
from aftercall.bootstrap import build_embedded
from aftercall.settings import Settings

KEY = "test-key"


def make_client(tmp_path, **settings):
    runtime = build_embedded(Settings(data_dir=tmp_path / "data", api_keys=f"{KEY},second-key", **settings))
    client = TestClient(create_app(runtime))
    client.headers["Authorization"] = f"Bearer {KEY}"
    return client


@pytest.fixture
def api(tmp_path):
    with make_client(tmp_path, max_upload_bytes=100_000) as client:
        yield client
