"""The README's webhook verification snippets, run against a real signed delivery."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.test_webhook_delivery import make_harness
from tests.receiver import receiver

README = (Path(__file__).parents[2] / "README.md").read_text()


def snippet(language: str) -> str:
    match = re.search(rf"```{language} verify\n(.*?)```", README, re.S)
    assert match, f"README has a '{language} verify' block"
    return match.group(1)


@pytest.fixture
def delivery(tmp_path):
    """(secret, headers, raw body) of one real delivery, with non-ASCII text and a whole-number event_ts."""
    h = make_harness(tmp_path)
    try:
        with receiver() as r:
            hook = h.subscribe(r.url)
            h.fail_job("job-1", uri="http://example.com/visite-médicale.wav", error="Failed: “quoted” 1.0")
            assert h.dispatcher.deliver_due() == 1
            request = r.requests[1]
        return hook.hmac, request.headers, request.body
    finally:
        h.dispatcher.stop()


def test_the_python_snippet_verifies_and_rejects(delivery):
    secret, headers, body = delivery
    namespace: dict = {}
    exec(snippet("python"), namespace)
    verify = namespace["verify_daily_webhook"]
    assert verify(secret, headers, body)
    assert not verify(secret, headers, body.replace(b"job-1", b"job-2"))
    assert not verify("b3RoZXIga2V5", headers, body)


def test_the_javascript_snippet_verifies_and_rejects(delivery):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    secret, headers, body = delivery
    program = snippet("js") + (
        "const [secret, ts, sig, raw] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify([verifyDailyWebhook(secret, ts, sig, JSON.parse(raw)),"
        " verifyDailyWebhook(secret, ts, sig, JSON.parse(raw.replace('job-1', 'job-2')))]));"
    )
    data = json.dumps([secret, headers["X-Webhook-Timestamp"], headers["X-Webhook-Signature"], body.decode()])
    out = subprocess.run([node, "-e", program], input=data, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [True, False]
