"""Every log line in one format, and none holding a working link or a key (aftercall/logs.py)."""

import json
import logging

import pytest
import structlog

from aftercall.logs import configure, redact


@pytest.fixture
def restored_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def test_query_strings_and_bearer_tokens_are_cut_out() -> None:
    line = 'GET /v1/files/acme/1/transcript/c.json?expires=17&signature=ab12 "Authorization: Bearer sk-123"'
    cleaned = redact(line)
    assert "signature" not in cleaned
    assert "sk-123" not in cleaned
    assert "/v1/files/acme/1/transcript/c.json?[redacted]" in cleaned
    presigned = "HTTP Request: GET https://bucket.s3.amazonaws.com/a.wav?X-Amz-Signature=ff&X-Amz-Credential=k"
    assert redact(presigned) == "HTTP Request: GET https://bucket.s3.amazonaws.com/a.wav?[redacted]"
    assert redact("job finished in 3.2 s (what? nothing secret)") == "job finished in 3.2 s (what? nothing secret)"


def test_json_lines_for_aftercall_and_for_every_library_without_secrets(restored_logging, capsys) -> None:
    configure("info", "json")
    structlog.get_logger("aftercall.worker").info("job started", job_id="j1", uri="https://e.com/a.wav?token=t")
    access = '%s - "%s %s HTTP/%s" %d'  # as uvicorn's access log writes (a library logger of its own; the real
    # uvicorn, whose logger other tests reconfigure, is checked end to end in tests/e2e/test_notes_grounding.py)
    logging.getLogger("a.library").info(access, "1.2.3.4:5", "GET", "/v1/files/x?signature=s", "1.1", 200)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["logger"] for line in lines] == ["aftercall.worker", "a.library"]
    assert all(line["level"] == "info" and line["timestamp"] for line in lines)
    assert lines[0]["job_id"] == "j1"
    assert lines[0]["uri"] == "https://e.com/a.wav?[redacted]"
    assert lines[1]["event"] == '1.2.3.4:5 - "GET /v1/files/x?[redacted] HTTP/1.1" 200'


def test_console_lines_by_default(restored_logging, capsys) -> None:
    configure("info")
    logging.getLogger("httpx").info("HTTP Request: %s %s", "GET", "https://b.s3/a.wav?X-Amz-Signature=ff")
    line = capsys.readouterr().err.strip()
    assert line.endswith("HTTP Request: GET https://b.s3/a.wav?[redacted] [httpx]")
    assert "[info" in line
