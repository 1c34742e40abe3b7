"""Liveness and readiness answer without a key, and readiness names what does not answer."""

from __future__ import annotations

import pytest

from tests.integration.conftest import make_client


def test_liveness_and_readiness_answer_without_a_key(api) -> None:
    del api.headers["Authorization"]
    assert api.get("/livez").json() == {"status": "ok"}
    assert api.get("/healthz").status_code == 200
    ready = api.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "object store": "ok", "queue": "ok"}}


def test_readiness_is_503_naming_what_does_not_answer(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    with make_client(tmp_path) as client:
        runtime = client.app.state.runtime

        def unreachable(*_args: object) -> None:
            raise OSError("connection refused to a secret host")

        monkeypatch.setattr(runtime.store, "exists", unreachable)
        answer = client.get("/readyz")
        assert answer.status_code == 503
        assert answer.json()["checks"] == {"database": "ok", "object store": "unavailable", "queue": "ok"}
        assert "secret host" not in answer.text, "the detail goes to the log, not to whoever asks"
        monkeypatch.setattr(runtime.jobs, "check", unreachable)
        assert client.get("/readyz").json()["checks"]["database"] == "unavailable"
