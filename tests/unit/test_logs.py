"""No log line holds a working link or a key (aftercall/logs.py)."""

import logging

from aftercall.logs import Redacting, redact


def test_query_strings_and_bearer_tokens_are_cut_out() -> None:
    line = 'GET /v1/files/acme/1/transcript/c.json?expires=17&signature=ab12 "Authorization: Bearer sk-123"'
    cleaned = redact(line)
    assert "signature" not in cleaned
    assert "sk-123" not in cleaned
    assert "/v1/files/acme/1/transcript/c.json?[redacted]" in cleaned
    presigned = "HTTP Request: GET https://bucket.s3.amazonaws.com/a.wav?X-Amz-Signature=ff&X-Amz-Credential=k"
    assert redact(presigned) == "HTTP Request: GET https://bucket.s3.amazonaws.com/a.wav?[redacted]"
    assert redact("job finished in 3.2 s (what? nothing secret)") == "job finished in 3.2 s (what? nothing secret)"


def test_an_access_log_record_is_redacted_with_its_arguments_applied() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/v1/files/x.json?expires=1&signature=s", "1.1", 200), None,
    )  # fmt: skip
    assert Redacting().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "GET /v1/files/x.json?[redacted] HTTP/1.1" 200'
