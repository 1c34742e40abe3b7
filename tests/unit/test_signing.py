import base64
import hashlib
import hmac
import json
import random
import shutil
import subprocess

import pytest

from aftercall.webhooks.signing import canonical_json, decode_secret, js_number, new_secret, signature_headers


def node_stringify(values: list) -> list[str]:
    """What JavaScript's JSON.stringify prints for each value (parsed from Python's JSON)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = (
        "const v = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(v.map((x) => JSON.stringify(x))));"
    )
    out = subprocess.run([node, "-e", script], input=json.dumps(values), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_numbers_print_as_javascript_prints_them():
    rng = random.Random(1)
    values = [1.0, 0.0, -0.0, 100.0, 1e21, 1e-7, 1e-6, 123456789012345680000.0, 5e-324, 1.7976931348623157e308]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-12, 25) for _ in range(400)]
    values += [float(rng.randint(0, 2**53)) for _ in range(50)]
    assert [js_number(v) for v in values] == node_stringify(values)


def test_documents_serialise_as_javascript_does():
    docs = [
        {"a": 1.0, "b": [True, None, 0.5], "c": {"nested": "x"}},
        {"text": 'Größe naïve “quoted” \u2028 \n\t\\ " \u0001 emoji 🩺'},
        {"event_ts": 1700000000.0, "duration": 6.331, "list": []},
    ]
    assert [canonical_json(d).decode() for d in docs] == node_stringify(docs)


def test_nan_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        canonical_json({"x": float("nan")})


def test_secrets_are_base64_of_32_bytes():
    assert len(decode_secret(new_secret())) == 32
    for bad in ("not base64!", "", "abc"):
        with pytest.raises(ValueError, match=r"base64|empty"):
            decode_secret(bad)


def test_both_signature_schemes_use_the_same_key():
    secret = base64.b64encode(b"k" * 32).decode()
    body = b'{"id":"bp-jf-1"}'
    headers = signature_headers(secret, "bp-jf-1", 1700000000, body)
    expect = base64.b64encode(hmac.new(b"k" * 32, b"1700000000." + body, hashlib.sha256).digest()).decode()
    assert headers["X-Webhook-Signature"] == expect
    assert headers["X-Webhook-Timestamp"] == headers["webhook-timestamp"] == "1700000000"
    standard = base64.b64encode(hmac.new(b"k" * 32, b"bp-jf-1.1700000000." + body, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{standard}"
    assert headers["webhook-id"] == "bp-jf-1"
